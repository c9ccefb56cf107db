using System.Numerics.Tensors;
using SemanticSearch.Engine.Index;
using SemanticSearch.Engine.Indexing;
using SemanticSearch.Engine.Models;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Engine.Tests.Index;

public sealed class TokenPoolingTests
{
    private static float[] Unit(params float[] v)
    {
        var norm = TensorPrimitives.Norm(v);
        return v.Select(x => x / norm).ToArray();
    }

    [Fact]
    public void The_most_similar_vectors_are_paired_and_averaged_and_keep_a_span_in_the_text()
    {
        float[][] rows =
        [
            Unit(1, 0, 0, 0.1f),   // 0: header token (no span), twin of 3
            Unit(0, 1, 0, 0),      // 1: twin of 4
            Unit(0, 0, 1, 0),      // 2: alone
            Unit(1, 0, 0, 0),      // 3
            Unit(0, 1, 0, 0.05f),  // 4
        ];
        var vectors = new TokenVectors([.. rows.SelectMany(r => r)], 5, 4, [-1, 10, 20, 30, 40], [0, 3, 3, 3, 3]);
        var pooled = TokenPooling.Pool(vectors);
        Assert.Equal(3, pooled.Count);
        // In order of each group's first member: (0, 3), (1, 4), 2.
        Assert.Equal([30, 10, 20], pooled.TokenStarts);
        Assert.Equal([3, 3, 3], pooled.TokenLengths);
        var expected = rows[0].Zip(rows[3], (a, b) => a + b).ToArray();
        expected = Unit(expected);
        Assert.True(TensorPrimitives.CosineSimilarity(expected, pooled.Row(0)) > 0.9999f);
        Assert.Equal(1f, TensorPrimitives.Norm(pooled.Row(1)), 4);
        Assert.Equal(rows[2], pooled.Row(2).ToArray());
    }

    [Fact]
    public void Pooling_halves_the_vectors_of_real_chunks_and_a_pooled_index_still_finds_its_answers()
    {
        var single = new TokenVectors([1, 0], 1, 2);
        Assert.Same(single, TokenPooling.Pool(single));
        using var repo = new SampleRepo();
        var options = new WorkspaceOptions(repo.Root, RepoPaths.DefaultModelFolder, Encoder: new EncoderOptions(ExecutionProvider.Cpu));
        int plain;
        using (var ws = SemanticWorkspace.Open(options with { Index = IndexLocation.AtFile(Path.Combine(repo.Root, "plain", "index.db")) }))
        {
            ws.Index();
            plain = ws.Store.AllChunks().Sum(c => c.VectorCount);
        }
        using (var ws = SemanticWorkspace.Open(options with { Compression = VectorCompression.Default with { PoolTokens = true } }))
        {
            ws.Index();
            Assert.Equal(2, ws.Store.PoolFactor);
            var pooled = ws.Store.AllChunks().ToList();
            Assert.InRange(pooled.Sum(c => c.VectorCount), plain / 2, (plain / 2) + pooled.Count);
            var hit = ws.Search("check whether an email address is well formed", 3).Results[0];
            Assert.Equal("IsValidEmail", hit.Chunk.Symbol);
            Assert.Contains(hit.Matches, m => !m.Lexical && m.Similarity > 0.3f);
        }
        // The factor is the index's: reopened without the option, it is still pooled.
        using (var ws = SemanticWorkspace.Open(options))
        {
            Assert.Equal(2, ws.Store.PoolFactor);
        }
    }
}
