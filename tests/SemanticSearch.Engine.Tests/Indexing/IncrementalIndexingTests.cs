using SemanticSearch.Engine.Chunking;
using SemanticSearch.Engine.Index;
using SemanticSearch.Engine.Indexing;
using SemanticSearch.Engine.Models;
using SemanticSearch.Engine.Search;
using SemanticSearch.Engine.Workspace;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Engine.Tests.Indexing;

/// <summary>
/// End to end through the real engine with the tiny random-weight ONNX model (real tokenizer, real ONNX Runtime,
/// real LiteDB file): index the sample repository, search it, change it, and check that exactly the changed chunks
/// went through the model again.
/// </summary>
public sealed class IncrementalIndexingTests : IDisposable
{
    private readonly SampleRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private SemanticWorkspace Open(string? model = null) =>
        SemanticWorkspace.Open(new WorkspaceOptions(_repo.Root, model ?? TinyModel.ColbertFolder, Encoder: new EncoderOptions(ExecutionProvider.Cpu)));

    private static string Name(SearchResult r) => $"{r.Chunk.Path}#{r.Chunk.Symbol}";

    [Fact]
    public void TinyRandomModel_indexes_searches_and_reindexes_only_what_changed()
    {
        using (var ws = Open())
        {
            var first = ws.Index();
            Assert.False(first.Cancelled);
            Assert.Equal(0, first.FilesUnchanged);
            Assert.True(first.ChunksEncoded > 15, $"only {first.ChunksEncoded} chunks");
            Assert.Equal(first.ChunksEncoded, first.ChunksTotal);
            Assert.Equal(0, first.ChunksReused);

            // What was skipped, and why: .gitignore'd folder and file, a minified name, a minified body, a binary.
            var skipped = first.Skipped.ToDictionary(s => s.RelativePath.TrimEnd('/'), s => s.Reason);
            Assert.Equal(SkipReason.GitIgnored, skipped["build"]);
            Assert.Equal(SkipReason.GitIgnored, skipped["debug.log"]);
            Assert.Equal(SkipReason.Binary, skipped["assets/logo.png"]);
            Assert.Equal(SkipReason.Minified, skipped["web/vendor/jquery.min.js"]);
            Assert.Equal(SkipReason.Minified, skipped["web/dist/bundle.js"]);
            Assert.DoesNotContain(ws.Store.LoadFiles().Keys, p => p.StartsWith("build/", StringComparison.Ordinal));

            var hits = ws.Search("validate an email address", 5).Results;
            Assert.Equal("src/Mail/EmailValidator.cs#IsValidEmail", Name(hits[0]));
            // "Why it matched" points at real text in the file: one place answered the model's "email" best, and
            // the lexical side shows where the word occurs (a few places at most), all at real text.
            var email = Assert.Single(hits[0].Matches, m => m.QueryToken == "email" && m.Similarity > 0 && m.Text.Equals("email", StringComparison.OrdinalIgnoreCase));
            var lines = File.ReadAllLines(_repo.PathOf("src/Mail/EmailValidator.cs"));
            var emails = hits[0].Matches.Where(m => m.Text.Equals("email", StringComparison.OrdinalIgnoreCase)).ToList();
            Assert.InRange(emails.Count, 1, Searcher.LexicalMatchesPerTerm);
            Assert.All(emails, m => Assert.Equal("email", lines[m.Line - 1].Substring(m.Column - 1, m.Length), ignoreCase: true));
            Assert.Contains(email, emails);

            Assert.Equal("services/cache/lru.go#Put", Name(ws.Search("evicting the oldest entry when the cache is full", 3).Results[0]));
            Assert.Equal("scripts/resize_images.py#resize_image", Name(ws.Search("resize image keeping aspect ratio", 3).Results[0]));

            // Filters.
            var pythonOnly = ws.Search("email address", 10, new SearchFilters(["python"])).Results;
            Assert.All(pythonOnly, r => Assert.Equal("python", r.Chunk.Language));
            var underWeb = ws.Search("retry with backoff", 10, new SearchFilters(PathGlob: "web/**")).Results;
            Assert.NotEmpty(underWeb);
            Assert.All(underWeb, r => Assert.StartsWith("web/", r.Chunk.Path, StringComparison.Ordinal));
        }

        using (var ws = Open())
        {
            // Nothing changed: nothing is read or encoded.
            var again = ws.Index();
            Assert.Equal(0, again.ChunksEncoded);
            Assert.Equal(again.FilesScanned, again.FilesUnchanged);

            // Touched but identical bytes: re-stamped, not re-encoded.
            var go = _repo.PathOf("services/cache/lru.go");
            File.SetLastWriteTimeUtc(go, File.GetLastWriteTimeUtc(go).AddMinutes(1));
            var touched = ws.Index();
            Assert.Equal((1, 0), (touched.FilesTouched, touched.ChunksEncoded));

            // One method body edited: exactly that method's chunk is encoded again.
            var before = ChunksOf(ws, "src/Billing/InvoiceCalculator.cs");
            _repo.Edit("src/Billing/InvoiceCalculator.cs", "Math.Round(amount * (1 - (percent / 100m)), 2);",
                "Math.Round(amount * (1 - (percent / 100m)), 2, MidpointRounding.ToEven);");
            var edited = ws.Index();
            Assert.Equal(1, edited.FilesChanged);
            var encoded = Assert.Single(edited.EncodedChunkIds);
            Assert.Equal("ApplyDiscount", before.Single(c => c.Id == encoded).Symbol);
            Assert.Equal(before.Count - 1, edited.ChunksReused);

            // A new file becomes findable; a deleted file disappears.
            _repo.Write("src/Text/Slug.cs", "namespace Acme.Text;\n\npublic static class Slug\n{\n    /// <summary>Turns a title into a URL slug with hyphens.</summary>\n" +
                "    public static string Slugify(string title) => string.Join('-', title.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries));\n}\n");
            File.Delete(_repo.PathOf("tools/parse_args.rs"));
            var changed = ws.Index();
            Assert.Equal((1, 1), (changed.FilesAdded, changed.FilesDeleted));
            Assert.Equal("src/Text/Slug.cs#Slugify", Name(ws.Search("turn a title into a url slug", 3).Results[0]));
            Assert.DoesNotContain(ws.Search("parse command line flags", 20).Results, r => r.Chunk.Path == "tools/parse_args.rs");
            Assert.DoesNotContain(ws.Store.AllChunks(), c => c.Chunk.Path == "tools/parse_args.rs");
        }
    }

    [Fact]
    public void TinyRandomModel_a_different_model_rebuilds_the_index_instead_of_mixing_vectors()
    {
        int colbertChunks;
        using (var ws = Open())
        {
            colbertChunks = ws.Index().ChunksTotal;
        }
        using (var dense = Open(TinyModel.DenseFolder))
        {
            Assert.NotNull(dense.Store.ResetReason);
            var rebuilt = dense.Index();
            Assert.Equal(0, rebuilt.FilesUnchanged);
            Assert.Equal(colbertChunks, rebuilt.ChunksEncoded);
            // Dense vectors: one per chunk.
            Assert.All(dense.Store.AllChunks(), c => Assert.Equal(1, c.VectorCount));
            // A mean-pooled random model knows no words, only overlap: the chunk's own text must find the chunk.
            var discount = dense.Store.AllChunks().Single(c => c.Chunk.Symbol == "ApplyDiscount").Chunk;
            var top = dense.Search(discount.Text, 3).Results;
            Assert.Equal(discount.Id, top[0].Chunk.Id);
            Assert.True(top[0].Score > top[1].Score);
        }
    }

    [Fact]
    public void TinyRandomModel_cancellation_keeps_committed_groups_and_the_next_pass_resumes()
    {
        for (var i = 0; i < 40; i++)
        {
            _repo.Write($"gen/Module{i}.cs", $"namespace Gen;\npublic static class Module{i}\n{{\n    public static int Compute{i}(int x) => x * {i};\n" +
                $"    public static int Twice{i}(int x) => x * 2 + {i};\n}}\n");
        }
        using var cts = new CancellationTokenSource();
        using var ws = Open();
        var indexer = new WorkspaceIndexer(ws.Root, ws.Model, ws.Store, null, ScanOptions.Default with { Excludes = ["/.semantic-search/"] }) { GroupChunkTarget = 8 };
        // Cancel as soon as the first group is committed.
        var partial = indexer.Run(new SyncProgress(_ => cts.Cancel()), cts.Token);
        Assert.True(partial.Cancelled);
        var committed = ws.Store.LoadFiles().Count;
        Assert.InRange(committed, 1, partial.FilesScanned - 1);
        Assert.Null(ws.Store.Info.LastCompletedUtc);

        var resumed = ws.Index();
        Assert.False(resumed.Cancelled);
        Assert.Equal(committed, resumed.FilesUnchanged);
        Assert.NotNull(ws.Store.Info.LastCompletedUtc);
    }

    [Fact]
    public void TinyRandomModel_groups_stay_small_until_a_compressed_index_has_its_codec()
    {
        for (var i = 0; i < 120; i++)
        {
            _repo.Write($"gen/Part{i}.cs", $"namespace Gen;\npublic static class Part{i}\n{{\n    public static int One{i}(int x) => x + {i};\n" +
                $"    public static int Two{i}(int x) => x * {i};\n}}\n");
        }
        int FirstGroupEncoded(VectorCompression compression)
        {
            var reports = new List<IndexProgress>();
            string path;
            using (var ws = Open())
            {
                var indexer = new WorkspaceIndexer(ws.Root, ws.Model, ws.Store, null, ScanOptions.Default with { Excludes = ["/.semantic-search/"] }, compression)
                {
                    GroupFileTarget = 1000,
                    GroupChunkTarget = 1000,
                };
                var result = indexer.Run(new SyncProgress(reports.Add), CancellationToken.None);
                Assert.InRange(result.ChunksEncoded, WorkspaceIndexer.GroupChunkTargetBeforeCodec + 11, 999);
                path = ws.Store.IndexPath;
            }
            IndexStore.Delete(path); // the next call indexes from scratch
            return reports.First(r => r.ChunksEncoded > 0).ChunksEncoded;
        }

        // Too small for a codec (MinTokens), so an index that would be compressed keeps writing half floats, in
        // groups no larger than the before-codec size; an uncompressed index groups by GroupChunkTarget.
        Assert.InRange(FirstGroupEncoded(VectorCompression.Default), WorkspaceIndexer.GroupChunkTargetBeforeCodec, WorkspaceIndexer.GroupChunkTargetBeforeCodec + 10);
        Assert.True(FirstGroupEncoded(VectorCompression.Off) > WorkspaceIndexer.GroupChunkTargetBeforeCodec + 10);
    }

    [Fact]
    public void TinyRandomModel_a_first_pass_commits_source_code_before_docs_and_data()
    {
        // Names that sort before the code: in scan order these would be indexed first.
        for (var i = 0; i < 12; i++)
        {
            _repo.Write($"aaa-notes/guide{i}.md", $"# Guide {i}\n\nHow to deploy part {i} of the service.\n");
            _repo.Write($"aaa-config/settings{i}.json", $"{{ \"part\": {i}, \"enabled\": true }}\n");
        }
        using var cts = new CancellationTokenSource();
        using var ws = Open();
        var indexer = new WorkspaceIndexer(ws.Root, ws.Model, ws.Store, null, ScanOptions.Default with { Excludes = ["/.semantic-search/"] })
        {
            GroupFileTarget = 3,
            GroupChunkTarget = 1000,
        };
        var partial = indexer.Run(new SyncProgress(_ => cts.Cancel()), cts.Token);
        Assert.True(partial.Cancelled);
        var committed = ws.Store.LoadFiles().Keys.ToList();
        Assert.NotEmpty(committed);
        Assert.All(committed, p => Assert.Equal(0, IndexingOrder.Tier(new WorkspaceFile(p, "", 0, default, LanguageDetector.FromPath(p)))));
        Assert.DoesNotContain(committed, p => p.StartsWith("aaa-", StringComparison.Ordinal));
    }

    [Fact]
    public void TinyRandomModel_a_pass_that_trains_the_codec_trains_it_on_a_sample_of_the_whole_workspace()
    {
        // Far more code than the codec's first vectors: in tier order alone the codec would see nothing but code.
        for (var i = 0; i < 100; i++)
        {
            _repo.Write($"lib/Part{i}.cs", $"namespace Gen;\npublic static class Part{i}\n{{\n    public static int One{i}(int x) => x + {i};\n" +
                $"    public static int Two{i}(int x) => x * {i};\n    public static string Name{i}() => \"part {i}\";\n}}\n");
        }
        for (var i = 0; i < 20; i++)
        {
            _repo.Write($"notes/guide{i}.md", $"# Guide {i}\n\nHow to deploy part {i} of the service, and roll it back.\n");
            _repo.Write($"config/settings{i}.json", $"{{ \"part\": {i}, \"enabled\": true, \"retries\": {i % 4} }}\n");
        }
        var compression = VectorCompression.Default with { MinTokens = 2_000, SampleTokens = 2_000 };
        using var ws = Open();
        var cache = new VectorCache(ws.Model.Dimension);
        var indexer = new WorkspaceIndexer(ws.Root, ws.Model, ws.Store, cache, ScanOptions.Default with { Excludes = ["/.semantic-search/"] }, compression)
        {
            GroupFileTarget = 4,
        };
        List<string>? committedAtTraining = null;
        var result = indexer.Run(new SyncProgress(_ =>
        {
            // Reports follow each group's commit and the training it may trigger: the first one with a codec sees
            // the files whose vectors the codec was trained on.
            if (committedAtTraining is null && ws.Store.Codec is not null)
            {
                committedAtTraining = [.. ws.Store.LoadFiles().Keys];
            }
        }), CancellationToken.None);
        Assert.False(result.Cancelled);
        Assert.NotNull(committedAtTraining);
        var tiers = committedAtTraining.Select(p => IndexingOrder.Tier(new WorkspaceFile(p, "", 0, default, LanguageDetector.FromPath(p)))).ToList();
        Assert.Contains(0, tiers);
        Assert.Contains(tiers, t => t >= 2);
        // A sample, not the workspace: most files came after training.
        Assert.InRange(committedAtTraining.Count, 4, result.FilesScanned / 2);
    }

    [Fact]
    public void Codec_sample_is_stable_sized_to_its_tokens_and_empty_for_a_workspace_smaller_than_that()
    {
        static WorkspaceFile F(string path, long size) => new(path, "", size, default, LanguageDetector.FromPath(path));
        var files = Enumerable.Range(0, 400).Select(i => F($"src/f{i}.py", 1_000))
            .Concat(Enumerable.Range(0, 100).Select(i => F($"docs/d{i}.md", 1_000)))
            .Append(F("data/huge.json", 900_000)).ToList();
        var sample = IndexingOrder.CodecSample(files, 25_000);
        // 25,000 tokens at the low estimate of 4 bytes each: 100 KB of 1 KB files; the huge file never (over a quarter).
        Assert.Equal(100, sample.Count);
        Assert.DoesNotContain("data/huge.json", sample);
        Assert.InRange(sample.Count(p => p.StartsWith("docs/", StringComparison.Ordinal)), 8, 35);
        Assert.Equal(sample, IndexingOrder.CodecSample(files, 25_000));
        Assert.Empty(IndexingOrder.CodecSample(files, 1_000_000));

        // Drawn in random order, not code first: whatever prefix of it the codec trains on is a sample too.
        Assert.NotEqual(sample.OrderBy(p => p.StartsWith("docs/", StringComparison.Ordinal)), sample);

        // The order: open files, the sample in its own order, then the tiers.
        var sorted = IndexingOrder.Sort(files, ["docs/d99.md"], 25_000).Select(f => f.RelativePath).ToList();
        Assert.Equal("docs/d99.md", sorted[0]);
        Assert.Equal(sample.Where(p => p != "docs/d99.md"), sorted.Skip(1).Take(sample.Count(p => p != "docs/d99.md")));
        Assert.Equal(files.Count, sorted.Distinct().Count());
    }

    [Fact]
    public void TinyRandomModel_files_open_in_the_editor_are_committed_before_everything_else()
    {
        for (var i = 0; i < 12; i++)
        {
            _repo.Write($"aaa-notes/guide{i}.md", $"# Guide {i}\n\nHow to deploy part {i} of the service.\n");
        }
        _repo.Write("config/app.json", "{ \"retries\": 3 }\n");
        using var cts = new CancellationTokenSource();
        using var ws = Open();
        var indexer = new WorkspaceIndexer(ws.Root, ws.Model, ws.Store, null, ScanOptions.Default with { Excludes = ["/.semantic-search/"] })
        {
            GroupFileTarget = 2,
            GroupChunkTarget = 1000,
        };
        // Two open files of the last tiers (docs, data): without them first, code would be committed first.
        var open = new[] { "aaa-notes/guide7.md", "config/app.json" };
        Assert.All(open, p => Assert.True(File.Exists(_repo.PathOf(p)), p));
        var partial = indexer.Run(new SyncProgress(_ => cts.Cancel()), open, cts.Token);
        Assert.True(partial.Cancelled);
        Assert.Equal(open.Order(StringComparer.Ordinal), ws.Store.LoadFiles().Keys.Order(StringComparer.Ordinal));

        // Every file is still indexed, the open ones included.
        var rest = indexer.Run(null, open);
        Assert.False(rest.Cancelled);
        Assert.Equal(2, rest.FilesUnchanged);
    }

    [Fact]
    public void Indexing_order_puts_code_first_then_tests_docs_data_and_vendored_keeping_scan_order_within_a_tier()
    {
        static WorkspaceFile F(string path, string language) => new(path, "", 1, default, language);
        var scan = new[]
        {
            F("AGENTS.md", "markdown"), F("CHANGELOG.md", "markdown"), F("config/app.yaml", "yaml"), F("docs/api.py", "python"),
            F("src/b.cs", "csharp"), F("src/a.cs", "csharp"), F("tests/ATests.cs", "csharp"), F("vendor/lib.js", "javascript"),
            F("README", "text"), F("scripts/build.sh", "shell"), F("_examples/demo.go", "go"),
        };
        Assert.Equal(
            ["src/b.cs", "src/a.cs", "scripts/build.sh", "tests/ATests.cs", "_examples/demo.go", "AGENTS.md", "CHANGELOG.md", "docs/api.py",
                "config/app.yaml", "README", "vendor/lib.js"],
            IndexingOrder.Sort(scan).Select(f => f.RelativePath));
    }

    private static List<Chunk> ChunksOf(SemanticWorkspace ws, string path) =>
        ws.Store.LoadChunksOfFile(path).Values.Select(c => c.Chunk).ToList();

    /// <summary>IProgress that reports synchronously (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SyncProgress(Action<IndexProgress> onReport) : IProgress<IndexProgress>
    {
        public void Report(IndexProgress value) => onReport(value);
    }
}
