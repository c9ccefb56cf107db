using SemanticSearch.Measurement.Evaluation;

using SemanticSearch.TestSupport;

namespace SemanticSearch.Measurement.Tests.Evaluation;

/// <summary>Query/corpus readers, BM25 and its identifier splitting, gold matching and corpus symbols.</summary>
public sealed class EvaluationDataTests
{
    [Fact]
    public void Bm25_terms_split_identifiers_and_keep_the_whole_word()
    {
        Assert.Equal(["parse", "http", "response", "parsehttpresponse", "v", "2", "v2", "read", "file"],
            Bm25Index.Terms("parseHTTPResponse_v2(read.file)"));
    }

    [Fact]
    public void Bm25_matches_the_hand_computed_score()
    {
        // Two documents of equal length (2 terms): idf(alpha) = ln(1 + (2 - 1 + 0.5) / (1 + 0.5)) = ln 2,
        // and with tf = 1 and dl = avgdl the term weight is tf (k1 + 1) / (tf + k1) = 1.
        var index = new Bm25Index(["alpha beta", "gamma delta"]);
        var scores = index.Score("alpha");
        Assert.Equal(Math.Log(2), scores[0], 5);
        Assert.Equal(0, scores[1]);
        // Query terms count once; unknown terms add nothing.
        Assert.Equal(scores[0], index.Score("alpha alpha zeta")[0], 5);
        // Identifier splitting lets a query word find a camelCase identifier.
        var code = new Bm25Index(["def readConfigFile(path): pass", "def write_log(msg): pass"]);
        var s = code.Score("read the config");
        Assert.True(s[0] > 0 && s[1] == 0);
        Assert.True(code.Score("log")[1] > 0);
    }

    [Fact]
    public void Query_lines_with_ids_objects_and_graded_relevance()
    {
        var plain = EvalData.ParseQuery("""{"id": "q1", "query": "sort a list", "relevant": ["12", 7]}""");
        Assert.Equal("q1", plain.Id);
        Assert.Null(plain.Language);
        Assert.Equal(["12", "7"], plain.Golds.Select(g => g.Id));
        Assert.All(plain.Golds, g => Assert.True(g.IsRelevant && g.Grade == 1));

        var graded = EvalData.ParseQuery("""{"id": "go-q1", "language": "Go", "query": "priority queue", "relevant": ["u2"],""" +
            """ "graded": {"u1": {"mean": 1.0, "n": 1}, "u2": {"mean": 2.5}, "u3": {"mean": 0.0}}}""");
        Assert.Equal("Go", graded.Language);
        Assert.Equal(1, graded.RelevantCount);
        Assert.Equal(new GoldRef("u2", null, null, 2.5, true), graded.Golds[0]);
        Assert.Equal(new GoldRef("u1", null, null, 1.0, false), graded.Golds[1]);
        Assert.Equal(2, graded.Golds.Count); // Grade 0 adds nothing.

        var workspace = EvalData.ParseQuery("""{"id": "w", "query": "lru cache", "relevant": [{"path": "services\\cache\\lru.go", "symbol": "Get", "grade": 2}]}""");
        Assert.Equal(new GoldRef(null, "services/cache/lru.go", "Get", 2, true), workspace.Golds[0]);

        Assert.ThrowsAny<System.Text.Json.JsonException>(() => EvalData.ParseQuery("{not json"));
    }

    [Fact]
    public void Corpus_and_query_files_report_the_bad_line()
    {
        var dir = Directory.CreateTempSubdirectory("semsearch-evaldata-").FullName;
        try
        {
            var corpus = Path.Combine(dir, "corpus.jsonl");
            File.WriteAllText(corpus, "{\"id\": \"1\", \"language\": \"Python\", \"code\": \"def f():\\r\\n    pass\"}\n\n{\"id\": 2, \"code\": \"x\", \"path\": \"a/b.js\"}\n");
            var records = EvalData.ReadCorpus(corpus);
            Assert.Equal(2, records.Count);
            Assert.Equal(new CorpusRecord("1", "def f():\n    pass", "python", null), records[0]);
            Assert.Equal(new CorpusRecord("2", "x", "text", "a/b.js"), records[1]);

            var bad = Path.Combine(dir, "queries.jsonl");
            File.WriteAllText(bad, "{\"id\": \"q\", \"query\": \"x\", \"relevant\": []}\n{\"id\": \"q2\"}\n");
            var ex = Assert.Throws<InvalidDataException>(() => EvalData.ReadQueries(bad));
            Assert.Contains("queries.jsonl:2", ex.Message);
        }
        finally
        {
            TestFolders.Delete(dir);
        }
    }

    [Fact]
    public void Workspace_golds_match_by_path_and_symbol_ignoring_lines()
    {
        var docs = new List<EvalDocument>
        {
            new("c1", "src/Mail/EmailValidator.cs", "IsValidEmail", "Acme.Mail.EmailValidator", "csharp", "t"),
            new("c2", "src/Mail/EmailValidator.cs", "EmailValidator", "Acme.Mail", "csharp", "t"),
            new("c3", "services/cache/lru.go", "Get", "LRU", "go", "t"),
        };
        var evaluator = new Evaluator(docs);
        Assert.Equal([0], evaluator.Matches(new GoldRef(null, "src/Mail/EmailValidator.cs", "IsValidEmail", 1, true)));
        Assert.Equal([0], evaluator.Matches(new GoldRef(null, "src/Mail/EmailValidator.cs", "EmailValidator.IsValidEmail", 1, true)));
        Assert.Equal([0, 1], evaluator.Matches(new GoldRef(null, "src/Mail/EmailValidator.cs", null, 1, true)));
        Assert.Equal([2], evaluator.Matches(new GoldRef("services/cache/lru.go#Get", null, null, 1, true)));
        Assert.Equal([2], evaluator.Matches(new GoldRef("c3", null, null, 1, true)));
        Assert.Empty(evaluator.Matches(new GoldRef(null, "src/Mail/EmailValidator.cs", "Nope", 1, true)));
    }

    [Fact]
    public void A_gold_with_a_line_span_matches_only_chunks_that_overlap_it_as_in_the_Semble_benchmark()
    {
        var q = EvalData.ParseQuery("""{"id":"s1","query":"radix tree","category":"semantic","relevant":[""" +
            """{"path":"tree.go","tier":"primary","start_line":40,"end_line":60},{"path":"mux.go","start_line":7}]}""");
        Assert.Equal("semantic", q.Category);
        Assert.Equal((40, 60), (q.Golds[0].StartLine, q.Golds[0].EndLine));
        Assert.Equal((7, 7), (q.Golds[1].StartLine, q.Golds[1].EndLine));
        Assert.Throws<InvalidDataException>(() => EvalData.ParseQuery("""{"id":"s2","query":"x","relevant":[{"path":"a.go","start_line":9,"end_line":3}]}"""));

        var docs = new List<EvalDocument>
        {
            new("t1", "tree.go", "insert", null, "go", "t") { StartLine = 1, EndLine = 39 },
            new("t2", "tree.go", "findRoute", null, "go", "t") { StartLine = 35, EndLine = 45 },
            new("t3", "tree.go", "walk", null, "go", "t") { StartLine = 60, EndLine = 90 },
            new("m1", "mux.go", "NewMux", null, "go", "t") { StartLine = 1, EndLine = 30 },
        };
        var evaluator = new Evaluator(docs);
        Assert.Equal([1, 2], evaluator.Matches(q.Golds[0])); // 35-45 and 60-90 touch 40-60; 1-39 does not
        Assert.Equal([3], evaluator.Matches(q.Golds[1]));
        Assert.Equal([0, 1, 2], evaluator.Matches(new GoldRef(null, "tree.go", null, 1, true)));
    }

    [Fact]
    public void Evaluator_runs_a_scorer_and_aggregates_per_language_and_histogram()
    {
        var docs = new List<EvalDocument>
        {
            new("a", "a", "readFile", null, "python", "def readFile(path): open path read"),
            new("b", "b", "writeLog", null, "python", "def writeLog(msg): append message to log"),
            new("c", "c", "sortItems", null, "go", "func sortItems(items []int) sort ascending"),
        };
        var queries = new List<EvalQuery>
        {
            new("q1", "read a file", null, [new GoldRef("a", null, null, 1, true)]),
            new("q2", "sort items", "Go", [new GoldRef("c", null, null, 1, true)]),
            new("q3", "nothing relevant", null, []),
            new("q4", "append to the log", null, [new GoldRef("missing", null, null, 1, true)]),
        };
        var report = new Evaluator(docs).Run(new Bm25Scorer(docs), queries);
        Assert.Equal(3, report.Metrics.Queries); // q3 has no relevant gold: skipped.
        Assert.Equal(2, report.FirstRelevantRank["1"]);
        Assert.Equal(1, report.FirstRelevantRank["miss"]);
        Assert.Equal(Math.Round(2 / 3.0, 5), report.Metrics.Mrr10, 5);
        Assert.Equal(["go", "python", "unknown"], report.ByLanguage.Keys);
        Assert.Equal(1, report.ByLanguage["go"].Mrr10);
        var q4 = report.Queries.Single(q => q.Id == "q4");
        Assert.Null(q4.FirstRelevantRank);
        Assert.Equal(1, q4.MissingGolds);
        Assert.Equal("b", q4.Top[0]);
        Assert.Equal(1, Evaluator.SkippedQueries(queries));
    }

    [Theory]
    [InlineData("def writeBoolean(self, n):\n    pass", "writeBoolean")]
    [InlineData("@decorator\nasync def fetch_all(urls):\n    pass", "fetch_all")]
    [InlineData("func (s *Server) ServeHTTP(w http.ResponseWriter) {\n}", "ServeHTTP")]
    [InlineData("func Atoi(s string) int {\n}", "Atoi")]
    [InlineData("function parseQuery(q) {\n}", "parseQuery")]
    [InlineData("var test = function(val, regex) {\n};", "test")]
    [InlineData("Foo.prototype.render = function () {\n};", "render")]
    [InlineData("const add = (a, b) => a + b;", "add")]
    [InlineData("{ \"not\": \"code\" }", null)]
    public void Corpus_symbols_come_from_cheap_patterns(string code, string? symbol) =>
        Assert.Equal(symbol, CorpusIndex.SymbolOf(code));
}
