using System.Text.Json;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Cli.Tests;

/// <summary>`semsearch eval` and `semsearch bench` end to end, as real processes, with the tiny model.</summary>
public sealed class EvalBenchCliTests : IDisposable
{
    private readonly SampleRepo _repo = new();
    private readonly string _work = Directory.CreateTempSubdirectory("semsearch-evalcli-").FullName;

    public void Dispose()
    {
        _repo.Dispose();
        TestFolders.Delete(_work);
    }

    private string[] WithModel(params string[] args) => [.. args, "--model", TinyModel.ColbertFolder, "--provider", "cpu"];

    private Dictionary<string, string> Env => new() { ["XDG_CACHE_HOME"] = Path.Combine(_work, "cache") };

    private string Write(string name, params string[] lines)
    {
        var path = Path.Combine(_work, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public void Eval_on_a_corpus_reports_model_and_bm25_and_reuses_the_cached_index()
    {
        var corpus = Write("corpus.jsonl",
            """{"id": "1", "language": "python", "code": "def read_config_file(path):\n    with open(path) as f:\n        return f.read()"}""",
            """{"id": "2", "language": "python", "code": "def send_email(address, body):\n    smtp.send(address, body)"}""",
            """{"id": "3", "language": "go", "code": "func SortScores(scores []float64) {\n\tsort.Float64s(scores)\n}", "path": "rank/sort.go"}""",
            """{"id": "4", "language": "javascript", "code": "var parseQuery = function (q) {\n  return q.split('&');\n};"}""");
        var queries = Write("queries.jsonl",
            """{"id": "a", "query": "read config file", "relevant": ["1"]}""",
            """{"id": "b", "query": "sort scores", "relevant": ["3"], "language": "go"}""",
            """{"id": "c", "query": "send an email", "relevant": ["2", "99"]}""",
            """{"id": "d", "query": "nothing judged", "relevant": []}""");

        var first = CliProcess.Run(WithModel("eval", "--queries", queries, "--corpus", corpus, "--baseline", "bm25", "--json"), Env);
        Assert.True(first.ExitCode == 0, first.ToString());
        using (var doc = JsonDocument.Parse(first.Stdout))
        {
            var r = doc.RootElement;
            Assert.Equal(4, r.GetProperty("documents").GetInt32());
            Assert.Equal(3, r.GetProperty("queries").GetInt32());
            Assert.Equal(1, r.GetProperty("skippedQueries").GetInt32());
            Assert.Equal(4, r.GetProperty("indexing").GetProperty("encoded").GetInt32());
            Assert.StartsWith("pessimistic", r.GetProperty("tieRule").GetString());
            var systems = r.GetProperty("systems");
            Assert.Equal(2, systems.GetArrayLength());
            Assert.StartsWith("tiny-random-colbert", systems[0].GetProperty("name").GetString());
            var bm25 = systems[1];
            Assert.Equal("bm25", bm25.GetProperty("name").GetString());
            // Every query's gold shares words with it, so BM25 ranks each first; query c has a missing second gold.
            var metrics = bm25.GetProperty("metrics");
            Assert.Equal(1.0, metrics.GetProperty("mrr10").GetDouble(), 5);
            Assert.Equal(Math.Round(2.5 / 3, 5), metrics.GetProperty("recall1").GetDouble(), 5);
            Assert.Equal(3, bm25.GetProperty("firstRelevantRank").GetProperty("1").GetInt32());
            Assert.Equal(["go", "python"], bm25.GetProperty("byLanguage").EnumerateObject().Select(p => p.Name));
            var perQuery = bm25.GetProperty("queries");
            Assert.Equal(3, perQuery.GetArrayLength());
            Assert.Equal(1, perQuery[2].GetProperty("missingGolds").GetInt32());
            Assert.Equal(1, perQuery[0].GetProperty("firstRelevantRank").GetInt32());
            // The model against BM25, query for query (paired bootstrap).
            var comparison = Assert.Single(r.GetProperty("comparisons").EnumerateArray());
            Assert.Equal(systems[0].GetProperty("name").GetString(), comparison.GetProperty("system").GetString());
            Assert.Equal("bm25", comparison.GetProperty("baseline").GetString());
            Assert.Equal(3, comparison.GetProperty("queries").GetInt32());
            var difference = comparison.GetProperty("difference").GetDouble();
            Assert.Equal(systems[0].GetProperty("metrics").GetProperty("mrr10").GetDouble() - 1.0, difference, 4);
            Assert.InRange(difference, comparison.GetProperty("differenceLow").GetDouble(), comparison.GetProperty("differenceHigh").GetDouble());
            foreach (var system in systems.EnumerateArray())
            {
                Assert.True(system.GetProperty("totalMs").GetProperty("p95Ms").GetDouble() >= 0);
                var histogram = system.GetProperty("firstRelevantRank").EnumerateObject().Sum(p => p.Value.GetInt32());
                Assert.Equal(3, histogram);
            }
        }

        // Same corpus and model: nothing is encoded again. Human output names both systems.
        var output = Path.Combine(_work, "run.json");
        var second = CliProcess.Run(WithModel("eval", "--queries", queries, "--corpus", corpus, "--baseline", "bm25", "--output", output), Env);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("MRR@10", second.Stdout);
        Assert.Contains(" vs bm25: MRR@10 ", second.Stdout);
        Assert.Contains("paired bootstrap, 3 queries, 2000 resamples", second.Stdout);
        Assert.Contains("bm25", second.Stdout);
        using var saved = JsonDocument.Parse(File.ReadAllText(output));
        Assert.Equal(0, saved.RootElement.GetProperty("indexing").GetProperty("encoded").GetInt32());
        Assert.Equal(4, saved.RootElement.GetProperty("indexing").GetProperty("reused").GetInt32());
    }

    [Fact]
    public void Eval_on_a_workspace_matches_path_and_symbol_and_reindexes_a_stale_index()
    {
        var queries = Write("ws-queries.jsonl",
            """{"id": "mail", "query": "validate an email address", "relevant": [{"path": "src/Mail/EmailValidator.cs", "symbol": "IsValidEmail"}]}""",
            """{"id": "lru", "query": "least recently used cache", "relevant": ["services/cache/lru.go"]}""");
        var index = CliProcess.Run(WithModel("index", _repo.Root, "--quiet"));
        Assert.True(index.ExitCode == 0, index.ToString());
        File.AppendAllText(Path.Combine(_repo.Root, "docs", "README.md"), "\n\n## Changed\n\nA new section.\n");

        var run = CliProcess.Run(WithModel("eval", "--queries", queries, "--root", _repo.Root, "--baseline", "bm25", "--json"), Env);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("stale", run.Stderr);
        using var doc = JsonDocument.Parse(run.Stdout);
        var r = doc.RootElement;
        Assert.Equal(1, r.GetProperty("indexing").GetProperty("filesChanged").GetInt32());
        Assert.Equal(0, r.GetProperty("queriesWithoutGoldInCorpus").GetInt32());
        var model = r.GetProperty("systems")[0];
        // The tiny model matches lexically: both golds come first (the search end-to-end test shows the same).
        Assert.Equal(1, model.GetProperty("queries")[0].GetProperty("firstRelevantRank").GetInt32());
        Assert.Equal(1.0, model.GetProperty("metrics").GetProperty("recall20").GetDouble(), 5);
    }

    [Fact]
    public void Eval_runs_several_systems_through_the_search_path_with_line_span_golds_categories_and_top_hits()
    {
        var lines = File.ReadAllLines(Path.Combine(_repo.Root, "src", "Mail", "EmailValidator.cs"));
        var signature = Array.FindIndex(lines, l => l.Contains("bool IsValidEmail(", StringComparison.Ordinal)) + 1;
        var queries = Write("span-queries.jsonl",
            """{"id": "mail", "query": "validate an email address", "category": "semantic",""" +
            $$""" "relevant": [{"path": "src/Mail/EmailValidator.cs", "start_line": {{signature}}, "end_line": {{signature + 2}}}]}""",
            """{"id": "lru", "query": "LRU", "category": "symbol", "relevant": [{"path": "services/cache/lru.go"}]}""",
            """{"id": "nowhere", "query": "validate an email address", "category": "semantic",""" +
            """ "relevant": [{"path": "src/Mail/EmailValidator.cs", "start_line": 9000, "end_line": 9001}]}""");
        var run = CliProcess.Run(WithModel("eval", "--queries", queries, "--root", _repo.Root, "--systems", "model,lexical,hybrid,hybrid-no-diversity", "--json"), Env);
        Assert.True(run.ExitCode == 0, run.ToString());
        using var doc = JsonDocument.Parse(run.Stdout);
        var systems = doc.RootElement.GetProperty("systems");
        Assert.Equal(["lexical", "hybrid", "hybrid-no-diversity"], systems.EnumerateArray().Skip(1).Select(s => s.GetProperty("name").GetString()));
        Assert.StartsWith("tiny-random-colbert", systems[0].GetProperty("name").GetString());
        Assert.Equal(3, doc.RootElement.GetProperty("comparisons").GetArrayLength());
        var hybrid = systems[2];
        // The span gold is found by the chunk over those lines; the same file outside the span is not a hit.
        var perQuery = hybrid.GetProperty("queries");
        Assert.Equal(1, perQuery[0].GetProperty("firstRelevantRank").GetInt32());
        Assert.False(perQuery[2].TryGetProperty("firstRelevantRank", out _)); // null: left out of the JSON
        var top = perQuery[0].GetProperty("topHits")[0];
        Assert.Equal("src/Mail/EmailValidator.cs", top.GetProperty("path").GetString());
        Assert.Equal("IsValidEmail", top.GetProperty("symbol").GetString());
        Assert.InRange(signature, top.GetProperty("startLine").GetInt32(), top.GetProperty("endLine").GetInt32());
        var byCategory = hybrid.GetProperty("byCategory");
        Assert.Equal(2, byCategory.GetProperty("semantic").GetProperty("queries").GetInt32());
        Assert.Equal(1, byCategory.GetProperty("symbol").GetProperty("queries").GetInt32());

        // A sweep: a weight changed by name for this run only, and recorded in the report.
        var swept = CliProcess.Run(WithModel("eval", "--queries", queries, "--root", _repo.Root, "--systems", "hybrid", "--weights",
            "DiversityFactor=1,NonSourceFactor=0.5", "--json"), Env);
        Assert.True(swept.ExitCode == 0, swept.ToString());
        using (var sweptDoc = JsonDocument.Parse(swept.Stdout))
        {
            Assert.Equal("DiversityFactor=1,NonSourceFactor=0.5", sweptDoc.RootElement.GetProperty("weights").GetString());
        }
        var badWeight = CliProcess.Run(WithModel("eval", "--queries", queries, "--root", _repo.Root, "--weights", "Magic=1"), Env);
        Assert.Equal(2, badWeight.ExitCode);
        Assert.Contains("Unknown ranking weight 'Magic'", badWeight.Stderr);

        var both = CliProcess.Run(WithModel("eval", "--queries", queries, "--root", _repo.Root, "--systems", "hybrid", "--baseline", "bm25"), Env);
        Assert.Equal(2, both.ExitCode);
        var unknown = CliProcess.Run(WithModel("eval", "--queries", queries, "--root", _repo.Root, "--systems", "hybrid,magic"), Env);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("magic", unknown.Stderr);
    }

    [Fact]
    public void Eval_over_several_query_sets_reports_each_set_and_their_mean()
    {
        using var other = new SampleRepo();
        other.Write("notes/shipping.py", "def parcel_postage(weight):\n    \"\"\"Postage of a parcel from its weight.\"\"\"\n    return weight * 4.5\n");
        var first = Write("set-a.jsonl", """{"id": "a1", "query": "validate an email address", "relevant": ["src/Mail/EmailValidator.cs"]}""");
        var second = Write("set-b.jsonl",
            """{"id": "b1", "query": "parcel postage", "relevant": ["notes/shipping.py"]}""",
            """{"id": "b2", "query": "nothing answers this", "relevant": ["no/such/file.py"]}""");
        var run = CliProcess.Run(WithModel("eval", "--queries", first, "--root", _repo.Root, "--queries", second, "--root", other.Root,
            "--systems", "hybrid,model", "--json"), Env);
        Assert.True(run.ExitCode == 0, run.ToString());
        using var doc = JsonDocument.Parse(run.Stdout);
        var sets = doc.RootElement.GetProperty("sets");
        Assert.Equal(2, sets.GetArrayLength());
        Assert.Equal(Path.GetFullPath(_repo.Root), sets[0].GetProperty("root").GetString());
        Assert.Equal(Path.GetFullPath(other.Root), sets[1].GetProperty("root").GetString());
        var mean = doc.RootElement.GetProperty("mean");
        Assert.Equal("hybrid", mean[0].GetProperty("name").GetString());
        static double Mrr(JsonElement set) => set.GetProperty("systems")[0].GetProperty("metrics").GetProperty("mrr10").GetDouble();
        // Each set weighs the same: (1 + 0.5) / 2 when set b finds one of its two golds first.
        Assert.Equal(Math.Round((Mrr(sets[0]) + Mrr(sets[1])) / 2, 5), mean[0].GetProperty("mrr10").GetDouble(), 5);
        Assert.Equal(3, mean[0].GetProperty("queries").GetInt32());
        Assert.Equal(1.0, Mrr(sets[0]));
        Assert.Equal(0.5, Mrr(sets[1]));

        var unpaired = CliProcess.Run(WithModel("eval", "--queries", first, "--queries", second, "--root", _repo.Root), Env);
        Assert.Equal(2, unpaired.ExitCode);
        Assert.Contains("pair up", unpaired.Stderr);
    }

    [Fact]
    public void Eval_rejects_bad_arguments_and_files()
    {
        var usage = CliProcess.Run(WithModel("eval", "--queries", "q.jsonl"), Env);
        Assert.Equal(2, usage.ExitCode);
        Assert.Contains("--corpus", usage.Stderr);
        var corpus = Write("c.jsonl", """{"id": "1", "code": "x"}""");
        var queries = Write("q.jsonl", """{"id": "1", "query": "x", "relevant": ["1"]}""");
        var baseline = CliProcess.Run(WithModel("eval", "--queries", queries, "--corpus", corpus, "--baseline", "tfidf"), Env);
        Assert.Equal(2, baseline.ExitCode);
        var badQueries = Write("bad.jsonl", "{\"id\": \"1\"}");
        var bad = CliProcess.Run(WithModel("eval", "--queries", badQueries, "--corpus", corpus), Env);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("bad.jsonl:1", bad.Stderr);
    }

    [Fact]
    public void Bench_prints_json_with_machine_indexing_query_edit_and_scale_and_leaves_the_workspace_alone()
    {
        var before = Directory.EnumerateFileSystemEntries(_repo.Root, "*", SearchOption.AllDirectories).Order().ToList();
        var readme = File.ReadAllText(Path.Combine(_repo.Root, "docs", "README.md"));
        var run = CliProcess.Run(WithModel("bench", _repo.Root, "-n", "5", "--warmup", "1", "--scale", "500,9000", "--json"), Env);
        Assert.True(run.ExitCode == 0, run.ToString());
        using var doc = JsonDocument.Parse(run.Stdout);
        var r = doc.RootElement;
        Assert.True(r.GetProperty("machine").GetProperty("cores").GetInt32() >= 1);
        Assert.Equal("cpu", r.GetProperty("executionProvider").GetString());
        Assert.StartsWith("tiny-random-colbert", r.GetProperty("model").GetString());
        var indexing = r.GetProperty("indexing");
        Assert.True(indexing.GetProperty("chunks").GetInt32() > 15);
        Assert.True(indexing.GetProperty("indexBytes").GetInt64() > 0);
        Assert.True(indexing.GetProperty("peakRssBytes").GetInt64() > 0);
        Assert.True(indexing.GetProperty("tokenVectors").GetInt64() > indexing.GetProperty("chunks").GetInt32());
        // The lexical index is counted into the index bytes, and its share is reported.
        var lexicalBytes = indexing.GetProperty("lexicalIndexBytes").GetInt64();
        Assert.InRange(lexicalBytes, 1, indexing.GetProperty("indexBytes").GetInt64() - 1);
        Assert.Equal(Math.Round(lexicalBytes / (double)indexing.GetProperty("indexBytes").GetInt64(), 4), indexing.GetProperty("lexicalShareOfIndex").GetDouble());
        // A small index keeps half floats; the model's bare rate is measured beside the cold index.
        Assert.Equal("half", indexing.GetProperty("vectors").GetString());
        Assert.Equal(2 * r.GetProperty("dim").GetInt32(), indexing.GetProperty("vectorBytesPerToken").GetDouble());
        Assert.Equal(0, indexing.GetProperty("compressionSeconds").GetDouble());
        Assert.True(indexing.GetProperty("modelChunksPerSecond").GetDouble() > 0);
        Assert.True(indexing.GetProperty("shareOfModelRate").GetDouble() > 0);
        Assert.True(indexing.GetProperty("sourceBytes").GetInt64() > 0);
        var query = r.GetProperty("query");
        Assert.Equal(5, query.GetProperty("queries").GetInt32());
        // Hybrid and model-only latency over the same queries, and their p95 ratio.
        Assert.True(query.GetProperty("modelOnlyTotalMs").GetProperty("p95Ms").GetDouble() > 0);
        Assert.Equal(
            Math.Round(query.GetProperty("totalMs").GetProperty("p95Ms").GetDouble() / query.GetProperty("modelOnlyTotalMs").GetProperty("p95Ms").GetDouble(), 3),
            query.GetProperty("hybridToModelOnlyP95").GetDouble(), 3);
        Assert.True(r.GetProperty("edit").GetProperty("found").GetBoolean());
        // The replicated set really holds that many chunks, past the 4,096-chunk load batches, and its vector memory
        // grows with it (18x the chunks: 16-20x the bytes, the remainders being partial passes over the files).
        var small = r.GetProperty("scale")[0];
        var large = r.GetProperty("scale")[1];
        Assert.Equal(500, small.GetProperty("chunks").GetInt32());
        Assert.Equal(9000, large.GetProperty("chunks").GetInt32());
        var ratio = (double)large.GetProperty("vectorBytes").GetInt64() / small.GetProperty("vectorBytes").GetInt64();
        Assert.InRange(ratio, 16.0, 20.0);
        // Half floats: no candidate generation, so both searches are the full scan and agree.
        Assert.False(large.GetProperty("compressed").GetBoolean());
        Assert.Equal(1.0, large.GetProperty("recallAt10").GetDouble());
        Assert.Equal(2 * r.GetProperty("dim").GetInt32(), large.GetProperty("vectorBytesPerToken").GetDouble());

        // The benchmark worked on a copy: no index, no edit, no new file in the workspace.
        Assert.Equal(before, Directory.EnumerateFileSystemEntries(_repo.Root, "*", SearchOption.AllDirectories).Order().ToList());
        Assert.Equal(readme, File.ReadAllText(Path.Combine(_repo.Root, "docs", "README.md")));

        var usage = CliProcess.Run(WithModel("bench", _repo.Root, "--scale", "lots"), Env);
        Assert.Equal(2, usage.ExitCode);
        var vectors = CliProcess.Run(WithModel("bench", _repo.Root, "--vectors", "zip"), Env);
        Assert.Equal(2, vectors.ExitCode);
        Assert.Contains("--vectors must be codes, codes:BITS (1, 2, 4 or 8) or half", vectors.Stderr, StringComparison.Ordinal);
    }
}
