using System.Buffers.Binary;
using SemanticSearch.Engine.Index;
using SemanticSearch.Engine.Indexing;
using SemanticSearch.Engine.Models;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Engine.Tests.Index;

/// <summary>
/// The codes file's record checksums on a real compressed index of the sample repository (default model, real LiteDB):
/// a damaged record or a file of the format before checksums is never scored, but written anew from the store at
/// open, and the index answers exactly as before.
/// </summary>
public sealed class CodesFileChecksumTests : IDisposable
{
    private static readonly VectorCompression Small = VectorCompression.Default with { MinTokens = 500 };

    private static readonly string[] Queries =
    [
        "check whether an email address is well formed",
        "parse the configuration file",
        "retry a failed request with backoff",
    ];

    private readonly SampleRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private string CodesPath => new IndexFiles(Path.Combine(_repo.Root, ".semantic-search", "index.db")).Codes;

    private SemanticWorkspace Open() =>
        SemanticWorkspace.Open(new WorkspaceOptions(_repo.Root, RepoPaths.DefaultModelFolder, Encoder: new EncoderOptions(ExecutionProvider.Cpu),
            Compression: Small));

    /// <summary>Every result of every query, with its exact score: a shifted score shows as a different line.</summary>
    private static List<string> Answers(SemanticWorkspace ws) =>
        [.. Queries.SelectMany(q => ws.Search(q, 10).Results.Select(r => $"{q} -> {r.Chunk.Id} {r.Score:R}"))];

    /// <summary>Indexes the sample repository compressed and returns its answers, with the codes file closed.</summary>
    private List<string> IndexAndAnswer()
    {
        using var ws = Open();
        ws.Index();
        Assert.True(ws.Store.CodesComplete);
        Assert.True(File.Exists(CodesPath));
        return Answers(ws);
    }

    [Fact]
    public void A_flipped_bit_in_one_records_codes_is_found_at_open_and_the_file_is_rebuilt_with_the_same_answers()
    {
        var before = IndexAndAnswer();
        byte[] codes;
        using (var ws = Open())
        {
            Assert.Null(ws.Store.CodesRebuilt);
            // The longest chunk's codes: long enough to occur once in the file.
            codes = ws.Store.MappedChunks!.MaxBy(c => c.Codes.Length)!.Codes.ToArray();
        }
        var file = File.ReadAllBytes(CodesPath);
        var at = file.AsSpan().IndexOf(codes);
        Assert.True(at > CodesFile.HeaderBytes);
        Assert.Equal(-1, file.AsSpan(at + 1).IndexOf(codes));
        file[at + (codes.Length / 2)] ^= 0x10;
        File.WriteAllBytes(CodesPath, file);

        using (var healed = Open())
        {
            Assert.Contains("fails its checksum", healed.Store.CodesRebuilt);
            Assert.Equal(healed.Store.Info.ChunkCount, healed.Store.MappedChunks!.Count);
            Assert.Equal(before, Answers(healed));
        }
        Assert.Equal(codes, File.ReadAllBytes(CodesPath).AsSpan(at, codes.Length).ToArray());
        using (var again = Open())
        {
            Assert.Null(again.Store.CodesRebuilt);
            Assert.Equal(before, Answers(again));
        }
    }

    [Fact]
    public void A_codes_file_of_format_1_is_written_anew_in_the_current_format()
    {
        var before = IndexAndAnswer();
        var current = File.ReadAllBytes(CodesPath);
        File.WriteAllBytes(CodesPath, AsFormat1(current));

        using (var ws = Open())
        {
            Assert.Equal($"of format 1 (this build reads {CodesFile.FormatVersion})", ws.Store.CodesRebuilt);
            Assert.Equal(before, Answers(ws));
        }
        var rewritten = File.ReadAllBytes(CodesPath);
        Assert.Equal(CodesFile.FormatVersion, BinaryPrimitives.ReadInt32LittleEndian(rewritten.AsSpan(4)));
        Assert.Equal(current.Length, rewritten.Length);
    }

    /// <summary>
    /// What a build before checksums wrote for the same records: each record without its trailing checksum, and
    /// the header's version and length to match. Read from the layout as documented (ARCHITECTURE.md), not
    /// through <see cref="CodesFile"/>.
    /// </summary>
    private static byte[] AsFormat1(byte[] file)
    {
        var records = new List<byte>();
        var at = CodesFile.HeaderBytes;
        var bytesPerCode = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(12));
        int Int32(ref int position)
        {
            var value = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(position));
            position += 4;
            return value;
        }
        void SkipString(ref int position)
        {
            var length = Int32(ref position);
            position += Math.Max(0, length);
        }
        while (at < file.Length)
        {
            var start = at;
            var op = file[at++];
            SkipString(ref at); // add: the chunk id; delete: the path
            if (op == 1)
            {
                SkipString(ref at); // path
                SkipString(ref at); // language
                at++; // kind
                SkipString(ref at); // symbol
                SkipString(ref at); // container
                var count = Int32(ref at);
                at += count * bytesPerCode; // the codes
            }
            else
            {
                Assert.Equal(2, op);
            }
            records.AddRange(file.AsSpan(start, at - start));
            at += CodesFile.ChecksumBytes;
        }
        Assert.Equal(file.Length, at);
        var header = file[..CodesFile.HeaderBytes];
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), 1);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(40), records.Count);
        return [.. header, .. records];
    }
}
