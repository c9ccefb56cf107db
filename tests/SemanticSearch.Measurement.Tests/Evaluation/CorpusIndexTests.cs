using SemanticSearch.Engine.Index;
using SemanticSearch.Engine.Models;
using SemanticSearch.Measurement.Evaluation;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Measurement.Tests.Evaluation;

/// <summary>The corpus index: one chunk per record, reuse of vectors, interruption keeps committed groups.</summary>
public sealed class CorpusIndexTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("semsearch-corpusindex-").FullName;

    public void Dispose() => TestFolders.Delete(_dir);

    private static List<CorpusRecord> Records(int n) =>
        Enumerable.Range(0, n).Select(i => new CorpusRecord($"r{i}", $"def function_{i}(value):\n    return value * {i}", "python", i % 2 == 0 ? $"pkg/m{i}.py" : null)).ToList();

    [Fact]
    public void Interrupted_build_keeps_committed_groups_and_the_next_build_encodes_only_the_rest()
    {
        using var model = EmbeddingModel.Open(TinyModel.ColbertFolder, new EncoderOptions(ExecutionProvider.Cpu));
        var path = Path.Combine(_dir, "index.db");
        var records = Records(150);
        using (var store = IndexStore.Open(path, model.Identity, model.Dimension, _dir))
        {
            using var cts = new CancellationTokenSource();
            var progress = new SyncProgress(p =>
            {
                if (p.Encoded >= CorpusIndex.GroupSize)
                {
                    cts.Cancel();
                }
            });
            Assert.ThrowsAny<OperationCanceledException>(() => CorpusIndex.Build(store, model, records, progress, cts.Token));
            Assert.Equal(CorpusIndex.GroupSize, store.Info.FileCount);
        }
        using (var store = IndexStore.Open(path, model.Identity, model.Dimension, _dir))
        {
            var resumed = CorpusIndex.Build(store, model, records);
            Assert.Equal(150 - CorpusIndex.GroupSize, resumed.Encoded);
            Assert.Equal(CorpusIndex.GroupSize, resumed.Reused);

            // One record changed, one removed: exactly one encoded, one deleted.
            var changed = records.Take(149).ToList();
            changed[3] = changed[3] with { Code = changed[3].Code + " + 1" };
            var next = CorpusIndex.Build(store, model, changed);
            Assert.Equal((1, 148, 1), (next.Encoded, next.Reused, next.Removed));

            var documents = Evaluator.FromCorpus(changed, store, model);
            Assert.Equal(149, documents.Count);
            Assert.Equal("pkg/m0.py", documents[0].Path);
            Assert.Equal("function_0", documents[0].Symbol);
            Assert.Equal("r1", documents[1].Path); // No path: the id stands in.
            Assert.StartsWith("pkg/m0.py function_0\n", documents[0].Text);
            Assert.All(store.AllChunks(), v => Assert.True(v.VectorCount > 0 && v.Vectors.Format == VectorFormat.Half
                && v.Vectors.Halves.Length == v.VectorCount * model.Dimension));
            var chunk = store.AllChunks().Single(c => c.Chunk.Path == "r3");
            Assert.Equal(changed[3].Code, chunk.Chunk.Text);
        }
    }

    private sealed class SyncProgress(Action<CorpusProgress> action) : IProgress<CorpusProgress>
    {
        public void Report(CorpusProgress value) => action(value);
    }
}
