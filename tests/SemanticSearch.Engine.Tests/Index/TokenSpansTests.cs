using SemanticSearch.Engine.Index;
using SemanticSearch.Engine.Indexing;
using SemanticSearch.Engine.Models;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Engine.Tests.Index;

/// <summary>
/// The varint form of token spans (<see cref="TokenSpans"/>): every span comes back as written, on the real spans of
/// the sample repository's chunks and on the edges (no place, going backwards, the largest values), in about two
/// bytes per vector; bytes that do not hold exactly the chunk's vectors are damage.
/// </summary>
public sealed class TokenSpansTests
{
    [Fact]
    public void Real_spans_come_back_as_written_in_about_two_bytes_a_vector()
    {
        using var repo = new SampleRepo();
        using var ws = SemanticWorkspace.Open(new WorkspaceOptions(repo.Root, RepoPaths.DefaultModelFolder, Encoder: new EncoderOptions(ExecutionProvider.Cpu)));
        ws.Index();
        long bytes = 0, vectors = 0;
        foreach (var stored in ws.Store.AllChunks())
        {
            Assert.Contains(-1, stored.TokenStarts); // the encoding header's tokens have no place in the text
            var encoded = TokenSpans.Encode(stored.TokenStarts, stored.TokenLengths);
            var (starts, lengths) = TokenSpans.Decode(encoded, stored.VectorCount);
            Assert.Equal(stored.TokenStarts, starts);
            Assert.Equal(stored.TokenLengths, lengths);
            bytes += encoded.Length;
            vectors += stored.VectorCount;
        }
        Assert.True(vectors > 1000, $"{vectors} vectors");
        Assert.InRange(bytes / (double)vectors, 2.0, 2.5);
    }

    [Fact]
    public void Edges_come_back_as_written()
    {
        int[] starts = [-1, -1, 0, 5, 2, int.MaxValue - 1, -1, 0];
        int[] lengths = [0, 0, 3, 200, 1, int.MaxValue, 0, 70_000];
        var (backStarts, backLengths) = TokenSpans.Decode(TokenSpans.Encode(starts, lengths), starts.Length);
        Assert.Equal(starts, backStarts);
        Assert.Equal(lengths, backLengths);
        Assert.Empty(TokenSpans.Encode([], []));
        Assert.Empty(TokenSpans.Decode([], 0).Starts);
        Assert.Throws<ArgumentException>(() => TokenSpans.Encode([1, 2], [1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => TokenSpans.Encode([-2], [1]));
    }

    [Fact]
    public void Bytes_that_do_not_hold_exactly_the_vectors_are_damage()
    {
        var encoded = TokenSpans.Encode([-1, 4, 9], [0, 3, 300]);
        Assert.Equal(7, encoded.Length); // 300 takes two bytes
        Assert.Throws<EndOfStreamException>(() => TokenSpans.Decode(encoded, 4)); // ends before the fourth vector
        Assert.Throws<EndOfStreamException>(() => TokenSpans.Decode(encoded.AsSpan(0, 6), 3)); // cut inside a value
        Assert.Throws<EndOfStreamException>(() => TokenSpans.Decode([.. encoded, 0], 3)); // a byte past the last vector
        Assert.Throws<EndOfStreamException>(() => TokenSpans.Decode([3, 0], 1)); // a start before -1
        Assert.Throws<EndOfStreamException>(() => TokenSpans.Decode(Enumerable.Repeat((byte)0xFF, 11).ToArray(), 1)); // past 64 bits
        Assert.True(IndexCorruptException.IsDamage(new EndOfStreamException()));
    }
}
