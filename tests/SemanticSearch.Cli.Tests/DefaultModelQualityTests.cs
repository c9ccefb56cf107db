using System.Text.Json;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Cli.Tests;

/// <summary>
/// The shipped default model (models/default, trained by this project) must actually retrieve code: paraphrased
/// queries on the sample repository, and a floor on CoSQA that a random-weight model cannot reach (the tiny
/// random model scores MRR@10 0.12 there, BM25 0.35, the committed model 0.38 with the query's language taken as a
/// filter; see models/default/MODEL_CARD.md).
/// </summary>
[Collection(nameof(HeavyTests))]
public sealed class DefaultModelQualityTests : IDisposable
{
    private readonly SampleRepo _repo = new();
    private readonly string _work = Directory.CreateTempSubdirectory("semsearch-quality-").FullName;

    public void Dispose()
    {
        _repo.Dispose();
        TestFolders.Delete(_work);
    }

    [Theory]
    [InlineData("check whether an email address is well formed", "src/Mail/EmailValidator.cs", "IsValidEmail")]
    [InlineData("evict the least recently used entry", "services/cache/lru.go", "LRU")]
    [InlineData("parse command line flags", "tools/parse_args.rs", "parse_flags")]
    [InlineData("wait until the user stops typing before calling", "web/src/debounce.ts", "debounce")]
    [InlineData("send an http request to the api", "web/src/api/client.js", "fetchWithRetry")]
    public void Paraphrased_queries_find_the_intended_function_first(string query, string path, string symbol)
    {
        var search = CliProcess.Run("search", _repo.Root, query, "-k", "3", "--json", "--provider", "cpu", "--quiet");
        Assert.True(search.ExitCode == 0, search.ToString());
        using var doc = JsonDocument.Parse(search.Stdout);
        var top = doc.RootElement.GetProperty("results")[0];
        Assert.True(path == top.GetProperty("path").GetString() && symbol == top.GetProperty("symbol").GetString(), search.Stdout);
    }

    [Fact]
    public void A_language_named_in_the_query_filters_the_results()
    {
        var search = CliProcess.Run("search", _repo.Root, "shrink a picture in python but keep its proportions", "-k", "5", "--json", "--provider", "cpu", "--quiet");
        Assert.True(search.ExitCode == 0, search.ToString());
        using var doc = JsonDocument.Parse(search.Stdout);
        var r = doc.RootElement;
        Assert.Equal(["python"], r.GetProperty("languagesFromQuery").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal("shrink a picture but keep its proportions", r.GetProperty("scoredText").GetString());
        Assert.All(r.GetProperty("results").EnumerateArray(), h => Assert.Equal("python", h.GetProperty("language").GetString()));
        Assert.Equal("resize_image", r.GetProperty("results")[0].GetProperty("symbol").GetString());
    }

    /// <summary>
    /// The eval encodes all 6,267 CoSQA documents: about a minute on two idle cores, but several times that on a
    /// shared 2-core machine where other suites or builds run too (the old fixed 180 s timed out there). The limit
    /// only has to catch a hang, so it is generous and grows as cores get fewer: 10 minutes with eight cores or
    /// more, 40 with two.
    /// </summary>
    private static int CosqaTimeoutSeconds => 600 * Math.Max(1, 8 / Environment.ProcessorCount);

    [Fact]
    public void CoSQA_test_MRR_at_10_is_far_above_a_random_model()
    {
        var cosqa = RepoPaths.CosqaFolder;
        var output = Path.Combine(_work, "cosqa.json");
        var eval = CliProcess.Run(
            ["eval", "--queries", Path.Combine(cosqa, "queries_test.jsonl"), "--corpus", Path.Combine(cosqa, "corpus.jsonl"),
                "--baseline", "bm25", "--index", Path.Combine(_work, "cosqa.db"), "--output", output, "--provider", "cpu", "--quiet"],
            env: null, timeoutSeconds: CosqaTimeoutSeconds);
        Assert.True(eval.ExitCode == 0, eval.ToString());
        using var doc = JsonDocument.Parse(File.ReadAllText(output));
        var r = doc.RootElement;
        Assert.Equal(500, r.GetProperty("queries").GetInt32());
        Assert.Equal(6267, r.GetProperty("indexing").GetProperty("encoded").GetInt32());
        var systems = r.GetProperty("systems");
        var model = systems[0].GetProperty("metrics");
        var bm25 = systems[1].GetProperty("metrics");
        Assert.Equal("bm25", systems[1].GetProperty("name").GetString());
        // "python" is taken out of 498 of the 500 queries as a language filter, for both systems.
        Assert.True(r.GetProperty("languageFromQuery").GetBoolean());
        Assert.InRange(bm25.GetProperty("mrr10").GetDouble(), 0.32, 0.37);
        Assert.True(model.GetProperty("mrr10").GetDouble() >= 0.30, eval.Stdout);
        Assert.True(model.GetProperty("mrr10").GetDouble() > bm25.GetProperty("mrr10").GetDouble(), eval.Stdout);
        Assert.True(model.GetProperty("recall10").GetDouble() >= 0.42, eval.Stdout);
    }
}

/// <summary>
/// Runs its classes alone, after the parallel ones: a full CoSQA encode holds both cores for a minute and would
/// starve the timing-sensitive process tests (Ctrl-C, kill during indexing) running beside it.
/// </summary>
[CollectionDefinition(nameof(HeavyTests), DisableParallelization = true)]
public sealed class HeavyTests;
