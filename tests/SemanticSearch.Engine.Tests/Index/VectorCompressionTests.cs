using LiteDB;
using SemanticSearch.Engine.Index;
using SemanticSearch.Engine.Indexing;
using SemanticSearch.Engine.Models;
using SemanticSearch.Engine.Search;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Engine.Tests.Index;

/// <summary>
/// A compressed index end to end with the default model on the sample repository (real files, real LiteDB): the
/// codec is trained once the index is large enough (here: a low threshold), every vector is stored as a code,
/// search answers as before, candidate generation keeps what the lexical side finds, and an index from before
/// codes, or with a conversion cut short, still opens and heals.
/// </summary>
public sealed class VectorCompressionTests : IDisposable
{
    /// <summary>Compression that trains a codec on the sample repository (far below the default threshold).</summary>
    internal static readonly VectorCompression Small = VectorCompression.Default with { MinTokens = 500 };

    private readonly SampleRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private SemanticWorkspace Open(VectorCompression? compression = null) =>
        SemanticWorkspace.Open(new WorkspaceOptions(_repo.Root, RepoPaths.DefaultModelFolder, Encoder: new EncoderOptions(ExecutionProvider.Cpu),
            Compression: compression ?? Small));

    private static string Top(SemanticWorkspace ws, string query, RankingOptions? ranking = null) =>
        ws.Search(query, 5, null, default, ranking).Results is [var first, ..] ? $"{first.Chunk.Path}#{first.Chunk.Symbol}" : "(none)";

    [Fact]
    public void A_large_enough_index_is_stored_as_codes_and_answers_as_before()
    {
        const string Query = "check whether an email address is well formed";
        string uncompressedTop;
        using (var plain = SemanticWorkspace.Open(new WorkspaceOptions(_repo.Root, RepoPaths.DefaultModelFolder,
            Index: IndexLocation.AtFile(Path.Combine(_repo.Root, "plain", "index.db")), Encoder: new EncoderOptions(ExecutionProvider.Cpu),
            Compression: VectorCompression.Off)))
        {
            plain.Index();
            Assert.Null(plain.Store.Codec);
            Assert.All(plain.Store.AllChunks(), c => Assert.Equal(VectorFormat.Half, c.Vectors.Format));
            uncompressedTop = Top(plain, Query);
        }
        Assert.Equal("src/Mail/EmailValidator.cs#IsValidEmail", uncompressedTop);

        using (var ws = Open())
        {
            ws.Index();
            var codec = Assert.IsType<ResidualCodec>(ws.Store.Codec);
            Assert.True(ws.Store.CodesComplete);
            Assert.Equal(2, codec.Bits);
            var chunks = ws.Store.AllChunks().ToList();
            Assert.All(chunks, c =>
            {
                Assert.Equal(VectorFormat.Residual, c.Vectors.Format);
                Assert.Equal(c.VectorCount * codec.BytesPerVector, c.Vectors.Bytes.Length);
            });
            Assert.Equal(uncompressedTop, Top(ws, Query));
            var (_, bytes) = ws.CacheSize;
            Assert.Equal(chunks.Sum(c => (long)c.VectorCount) * codec.BytesPerVector, bytes);

            // An edit is encoded straight to codes with the same codec.
            _repo.Edit("src/Mail/EmailValidator.cs", "IsValidEmail", "IsWellFormedEmail");
            ws.Index();
            Assert.Same(codec, ws.Store.Codec);
            Assert.All(ws.Store.AllChunks(), c => Assert.Equal(VectorFormat.Residual, c.Vectors.Format));
            Assert.Equal("src/Mail/EmailValidator.cs#IsWellFormedEmail", Top(ws, Query));
        }

        // Reopened: the codec comes from the header, results and "why it matched" from the codes.
        using (var again = Open())
        {
            var codec = Assert.IsType<ResidualCodec>(again.Store.Codec);
            var hit = again.Search(Query, 3).Results[0];
            Assert.Equal("IsWellFormedEmail", hit.Chunk.Symbol);
            Assert.Contains(hit.Matches, m => !m.Lexical && m.Similarity > 0.3f);
            Assert.True(codec.TrainingError is > 0 and < 0.1f, $"training error {codec.TrainingError}");
        }
    }

    [Fact]
    public void A_first_pass_trains_once_it_holds_the_sample_or_what_the_rest_of_it_writes_as_codes_fills()
    {
        var compression = VectorCompression.Default;
        const int Dim = 96; // 192 bytes as half floats, 26 as 2-bit codes: the conversion frees 7.4 codes' worth per vector
        Assert.False(compression.TrainsNow(compression.MinTokens - 1, compression.MinTokens - 1, Dim)); // too small for a codec
        Assert.True(compression.TrainsNow(compression.MinTokens, compression.MinTokens, Dim));          // a pass that ends there
        Assert.True(compression.TrainsNow(compression.MinTokens, 300_000, Dim));                        // a few codes' worth to follow
        // A million vectors expected: the half floats of the first 119,266 fill what the other 880,734 write as codes.
        Assert.False(compression.TrainsNow(119_000, 1_000_000, Dim));
        Assert.True(compression.TrainsNow(119_266, 1_000_000, Dim));
        // Far more expected: no later than the whole sample.
        Assert.False(compression.TrainsNow(compression.SampleTokens - 1, 50_000_000, Dim));
        Assert.True(compression.TrainsNow(compression.SampleTokens, 50_000_000, Dim));
    }

    [Fact]
    public void A_small_index_stays_uncompressed()
    {
        using var ws = Open(VectorCompression.Default);
        ws.Index();
        Assert.Null(ws.Store.Codec);
        Assert.All(ws.Store.AllChunks(), c => Assert.Equal(VectorFormat.Half, c.Vectors.Format));
    }

    [Fact]
    public void Candidate_generation_keeps_the_chunk_the_lexical_side_finds()
    {
        using var ws = Open();
        ws.Index();
        Assert.NotNull(ws.Store.Codec);
        // The narrowest candidate generation there is: one probe per query vector, a list of two chunks.
        var narrow = RankingOptions.Hybrid with { Weights = RankingWeights.Default with { CentroidProbes = 1, ExactCandidates = 2, CandidatesPerRetriever = 1 } };
        foreach (var (query, symbol) in new[] { ("resize_image", "resize_image"), ("NewLRU", "NewLRU"), ("IsValidEmail", "IsValidEmail") })
        {
            var results = ws.Search(query, 1, null, default, narrow).Results;
            var exact = ws.Search(query, 1, null, default, narrow with { Exact = true }).Results;
            var hit = Assert.Single(results);
            Assert.Equal(symbol, hit.Chunk.Symbol);
            Assert.True(hit.LexicalScore > 0, $"{query}: not a lexical hit");
            // A lexical candidate gets its exact MaxSim, so its semantic score is the full scan's.
            Assert.Equal(exact[0].SemanticScore, hit.SemanticScore, 5);
        }

        // A chunk committed after the centroid lists were built is not on them, and is still a candidate.
        _repo.Write("src/Mail/Postcode.cs", "namespace Acme.Mail;\npublic static class Postcode\n{\n    /// <summary>Checks a Dutch postcode such as 1234 AB.</summary>\n" +
            "    public static bool IsDutchPostcode(string text) => text.Length == 7;\n}\n");
        ws.Index();
        var model = RankingOptions.ModelOnly with { Weights = narrow.Weights };
        Assert.Equal("src/Mail/Postcode.cs", Assert.Single(ws.Search("is this a dutch postcode", 1, null, default, model).Results).Chunk.Path);
    }

    [Fact]
    public void Candidate_generation_agrees_with_the_full_scan_on_the_best_results()
    {
        using var ws = Open();
        ws.Index();
        var model = RankingOptions.ModelOnly with { Weights = RankingWeights.Default with { ExactCandidates = 8, CandidatesPerRetriever = 1 } };
        foreach (var query in new[] { "validate an email address", "evicting the oldest entry when the cache is full", "resize image keeping aspect ratio" })
        {
            Assert.Equal(Top(ws, query, model with { Exact = true }), Top(ws, query, model));
        }
    }

    [Fact]
    public void An_interrupted_conversion_is_readable_and_the_next_full_pass_finishes_it()
    {
        var indexPath = Path.Combine(_repo.Root, ".semantic-search", "index.db");
        using (var ws = Open(VectorCompression.Off))
        {
            ws.Index();
            var codec = Small.Train(ws.Store, 0);
            Assert.NotNull(codec);
            ws.Store.SetCodec(codec!); // the codec is recorded, no chunk converted yet: a process killed here
        }
        using (var ws = Open())
        {
            Assert.NotNull(ws.Store.Codec);
            Assert.False(ws.Store.CodesComplete);
            Assert.Equal("src/Mail/EmailValidator.cs#IsValidEmail", Top(ws, "validate an email address"));
            ws.Index();
            Assert.True(ws.Store.CodesComplete);
            Assert.All(ws.Store.AllChunks(), c => Assert.Equal(VectorFormat.Residual, c.Vectors.Format));
            Assert.Equal("src/Mail/EmailValidator.cs#IsValidEmail", Top(ws, "validate an email address"));
        }
        Assert.True(File.Exists(indexPath));
    }

    [Fact]
    public void A_schema_1_index_is_read_in_place_and_a_damaged_codec_asks_for_a_rebuild()
    {
        var indexPath = Path.Combine(_repo.Root, ".semantic-search", "index.db");
        int chunks;
        using (var ws = Open(VectorCompression.Off))
        {
            ws.Index();
            chunks = ws.Store.Info.ChunkCount;
        }
        IndexHeader.Edit(indexPath, meta => meta["schema"] = 1);
        using (var ws = Open(VectorCompression.Off))
        {
            Assert.Null(ws.Store.ResetReason);
            Assert.Equal(IndexStore.SchemaVersion, ws.Store.Info.SchemaVersion);
            Assert.Equal(chunks, ws.Store.Info.ChunkCount);
            Assert.Equal(0, ws.Index().ChunksEncoded);
        }

        IndexHeader.Edit(indexPath, meta => meta["codec"] = new byte[] { 1, 2, 3 });
        var error = Assert.Throws<IndexCorruptException>(() => Open());
        Assert.Equal(ErrorRemedy.RebuildIndex, error.Remedy);
        Assert.Contains("codec", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_codes_file_maps_every_chunk_and_a_stale_or_damaged_one_is_rebuilt_from_the_store()
    {
        var indexPath = Path.Combine(_repo.Root, ".semantic-search", "index.db");
        var codesPath = new IndexFiles(indexPath).Codes;
        int chunks;
        using (var ws = Open())
        {
            ws.Index();
            chunks = ws.Store.Info.ChunkCount;
            Assert.True(File.Exists(codesPath));
            Assert.Equal(chunks, ws.Store.MappedChunks!.Count);
            Assert.Equal(0, ws.ChunksOnHeap);
            // A commit after the mapping is appended, and the cache reads the new chunks from the appended pages:
            // no chunk's vectors stay on the heap, and the renamed method is found at once.
            _repo.Edit("src/Mail/EmailValidator.cs", "IsValidEmail", "IsWellFormedEmail");
            _repo.Write("src/Mail/Addresses.cs",
                "namespace Mail;\n\npublic static class Addresses\n{\n    public static string Domain(string address) => address[(address.IndexOf('@') + 1)..];\n}\n");
            var run = ws.Index();
            Assert.Equal((1, 1), (run.FilesAdded, run.FilesChanged));
            Assert.Equal(0, ws.ChunksOnHeap);
            Assert.Equal("src/Mail/EmailValidator.cs#IsWellFormedEmail", Top(ws, "check whether an email address is well formed"));
            Assert.Equal("src/Mail/Addresses.cs#Domain", Top(ws, "domain part of an address after the at sign"));
        }
        using (var ws = Open())
        {
            Assert.Null(ws.Store.CodesRebuilt);
            var mapped = ws.Store.MappedChunks!;
            Assert.Equal(ws.Store.Info.ChunkCount, mapped.Count);
            Assert.Contains(mapped, c => c.Symbol == "IsWellFormedEmail");
            Assert.DoesNotContain(mapped, c => c.Symbol == "IsValidEmail");
            // The mapped codes are the stored codes, byte for byte.
            foreach (var chunk in mapped)
            {
                var stored = ws.Store.GetChunk(chunk.Id)!;
                Assert.Equal(stored.Vectors.Bytes.ToArray(), chunk.Codes.ToArray());
                Assert.Equal(stored.Chunk.Path, chunk.Path);
                Assert.Equal(stored.Chunk.Kind, chunk.Kind);
            }
            Assert.Equal("src/Mail/EmailValidator.cs#IsWellFormedEmail", Top(ws, "check whether an email address is well formed"));
        }

        // What a crash during a commit's codes leaves: records past the header's length, the header a generation
        // behind the store. Then a cut-off file, then garbage: each open rebuilds it and answers as before.
        var damage = new Action[]
        {
            () =>
            {
                var bytes = File.ReadAllBytes(codesPath);
                System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(32), 1);
                File.WriteAllBytes(codesPath, [.. bytes, 1, 7, 0, 0]);
            },
            () => File.WriteAllBytes(codesPath, File.ReadAllBytes(codesPath)[..(CodesFile.HeaderBytes + 10)]),
            () => File.WriteAllBytes(codesPath, [.. Enumerable.Repeat((byte)0xAB, 4096)]),
        };
        foreach (var change in damage)
        {
            change();
            using var ws = Open();
            Assert.NotNull(ws.Store.CodesRebuilt);
            Assert.Equal(ws.Store.Info.ChunkCount, ws.Store.MappedChunks!.Count);
            Assert.Equal("src/Mail/EmailValidator.cs#IsWellFormedEmail", Top(ws, "check whether an email address is well formed"));
        }
        using (var ws = Open())
        {
            Assert.Null(ws.Store.CodesRebuilt);
        }
        IndexStore.Delete(indexPath);
        Assert.False(File.Exists(codesPath));
    }

    [Fact]
    public void Drift_is_judged_against_the_codes_of_the_index_as_built_so_more_of_the_same_code_advises_no_rebuild()
    {
        // Real code, and more of the same kind later: every other file of this repository's server code, then the
        // rest. The codec fits the files it was trained on far better than the others (0.036 against 0.081 on
        // server/), so against its training error (the check before) every first pass ended with a rebuild advised.
        var server = Path.Combine(RepoPaths.Root, "server");
        var separator = Path.DirectorySeparatorChar;
        var files = Directory.EnumerateFiles(server, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{separator}bin{separator}", StringComparison.Ordinal) && !f.Contains($"{separator}obj{separator}", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToList();
        void Copy(int half)
        {
            foreach (var file in files.Where((_, i) => i % 2 == half))
            {
                _repo.Write(Path.Combine("server-copy", Path.GetRelativePath(server, file)).Replace('\\', '/'), File.ReadAllText(file));
            }
        }
        Copy(0);
        var compression = VectorCompression.Default with { MinTokens = 16_384, SampleTokens = 16_384, DriftMinimumSample = 5_000 };
        using var ws = Open(compression);
        ws.Index();
        var built = ws.CompressionDrift!;
        Assert.True(built.ReferenceError is > 0, $"reference of {built.ReferenceSamples} samples");
        Assert.True(built.ReferenceError > built.TrainingError * VectorCompression.DriftFactor, $"{built.ReferenceError} vs {built.TrainingError}");

        Copy(1);
        ws.Index();
        var later = ws.CompressionDrift!;
        Assert.Equal(built.ReferenceError, later.ReferenceError);
        Assert.True(later.Samples >= compression.DriftMinimumSample, $"{later.Samples} samples");
        Assert.False(later.RetrainAdvised, later.Describe());
        Assert.InRange(later.MeanErrorSince, later.ReferenceError!.Value * 0.8, later.ReferenceError.Value * 1.2);
    }

    [Fact]
    public void The_codec_error_of_vectors_written_later_is_sampled_and_past_the_drift_factor_a_rebuild_is_advised()
    {
        var many = Small.DriftMinimumSample;
        using (var ws = Open())
        {
            ws.Index();
            var codec = ws.Store.Codec!;
            _repo.Edit("src/Mail/EmailValidator.cs", "IsValidEmail", "IsWellFormedEmail");
            ws.Index();
            var drift = ws.CompressionDrift!;
            Assert.Equal(codec.TrainingError, drift.TrainingError, 6);
            // The first samples after training go to the reference; far too few of them to judge anything yet.
            Assert.InRange(drift.ReferenceSamples, 1, many - 1);
            Assert.Null(drift.ReferenceError);
            Assert.Equal(0, drift.Samples);
            Assert.False(drift.RetrainAdvised);

            // The reference fills up (what the codec does on the workspace as built); later vectors that fit twice
            // as badly advise a rebuild.
            ws.Store.RecordCodecError(many * 0.05, many, many);
            Assert.Equal(0.05, ws.CompressionDrift!.ReferenceError!.Value, 2);
            Assert.False(ws.CompressionDrift!.RetrainAdvised);
            ws.Store.RecordCodecError(many * 0.05 * 2, many, many);
        }
        using (var again = Open())
        {
            var drift = again.CompressionDrift!;
            Assert.True(drift.RetrainAdvised);
            Assert.Equal(0.1, drift.MeanErrorSince, 6);
            Assert.Contains("fits the code written lately less well than the code it was built with (mean error 0.100 against 0.050",
                drift.Describe(), StringComparison.Ordinal);
        }
        // A rebuild starts counting again.
        IndexStore.Delete(Path.Combine(_repo.Root, ".semantic-search", "index.db"));
        using (var rebuilt = Open())
        {
            rebuilt.Index();
            Assert.False(rebuilt.CompressionDrift!.RetrainAdvised);
            Assert.Equal(0, rebuilt.CompressionDrift!.Samples);
        }
    }
}
