using SemanticSearch.Engine.Index;
using SemanticSearch.Engine.Indexing;
using SemanticSearch.Engine.Models;
using SemanticSearch.Engine.Search;
using SemanticSearch.Engine.Tests.Index;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Engine.Tests.Search;

/// <summary>
/// Candidate generation's middle stage on a real compressed index (the sample repository, the default model): a
/// chunk's score is exact MaxSim over its vectors read as their centroids, and the best come first, ties by slot.
/// </summary>
public sealed class CentroidInteractionTests : IDisposable
{
    private readonly SampleRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    [Theory]
    [InlineData("evicting the oldest entry when the cache is full")]
    // More than 16 query vectors: the table's rows take more than two SIMD vectors.
    [InlineData("read every line of the configuration file, trim the comments and the blank lines, then parse each key and value pair into a dictionary")]
    public void A_chunk_scores_the_MaxSim_of_its_centroids_and_the_best_come_first(string text)
    {
        using var ws = SemanticWorkspace.Open(new WorkspaceOptions(_repo.Root, RepoPaths.DefaultModelFolder, Encoder: new EncoderOptions(ExecutionProvider.Cpu),
            Compression: VectorCompressionTests.Small));
        ws.Index();
        var codec = Assert.IsType<ResidualCodec>(ws.Store.Codec);
        var query = ws.Model.EncodeQuery(text);
        var interaction = new CentroidInteraction(codec, query.Count);
        var scores = new float[codec.Centroids.Count];
        for (var qi = 0; qi < query.Count; qi++)
        {
            codec.Centroids.Scores(query.Row(qi), scores);
            interaction.Put(qi, scores);
        }

        var chunks = ws.Store.AllChunks().ToList();
        // The last chunk twice, in a later slot: equal scores, the lower slot first.
        var entries = chunks.Append(chunks[^1])
            .Select((c, slot) => new VectorCache.Entry(c.Chunk.Id, c.Chunk.Path, c.Chunk.Language, c.Chunk.Kind, c.Chunk.Symbol, c.Chunk.Container, c.Vectors,
                c.VectorCount, slot))
            .ToArray();
        var expected = new Dictionary<int, float>();
        foreach (var entry in entries)
        {
            var centroids = new float[entry.Count * codec.Dim];
            for (var t = 0; t < entry.Count; t++)
            {
                codec.Centroids.Row(codec.CentroidOf(entry.Vectors.Bytes.Span, t)).CopyTo(centroids.AsSpan(t * codec.Dim));
            }
            expected[entry.Slot] = MaxSim.Score(query.Data, query.Count, centroids, entry.Count, codec.Dim);
            Assert.Equal(expected[entry.Slot], interaction.Score(entry), 4);
        }

        var best = interaction.Best(entries, 5);
        var ranked = entries.OrderByDescending(e => expected[e.Slot]).ThenBy(e => e.Slot).ToList();
        Assert.Equal(5, best.Count);
        for (var i = 0; i < best.Count; i++)
        {
            // Scores that round alike may swap places; the scores themselves must follow the full ranking.
            Assert.Equal(expected[ranked[i].Slot], expected[best[i].Slot], 4);
        }
        var all = interaction.Best(entries, entries.Length);
        Assert.Equal(entries.Length, all.Count);
        var twins = all.Where(e => e.Id == chunks[^1].Chunk.Id).Select(e => e.Slot).ToList();
        Assert.Equal([chunks.Count - 1, chunks.Count], twins);
        Assert.Equal(entries.Length, all.Select(e => e.Slot).Distinct().Count());
    }
}
