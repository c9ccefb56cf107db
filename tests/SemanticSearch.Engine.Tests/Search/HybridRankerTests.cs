using SemanticSearch.Engine.Chunking;
using SemanticSearch.Engine.Search;

namespace SemanticSearch.Engine.Tests.Search;

/// <summary>Each ranking signal on crafted candidates, with the signal on and off, so each test proves its signal.</summary>
public sealed class HybridRankerTests
{
    private static RankCandidate C(string path, string? symbol, float semantic, float lexical, ChunkKind kind = ChunkKind.Method, string? id = null) =>
        new(id ?? $"{path}#{symbol}#{semantic}#{lexical}", path, symbol, null, kind, semantic, lexical);

    private static List<RankedChunk> Rank(string query, RankingOptions options, int topK, params RankCandidate[] candidates) =>
        HybridRanker.Rank(candidates, QueryAnalysis.Of(query), options, topK);

    [Fact]
    public void A_symbol_query_finds_the_definition_not_a_call_site()
    {
        // The call site mentions the name more often (higher BM25) and reads much the same to the model.
        var callSite = C("src/app/Startup.cs", "Configure", semantic: 0.62f, lexical: 9.0f);
        var definition = C("src/config/ConfigLoader.cs", "ParseConfig", semantic: 0.60f, lexical: 7.5f);
        var noise = C("src/util/Strings.cs", "Trim", semantic: 0.40f, lexical: 0.5f);

        var ranked = Rank("ParseConfig", RankingOptions.Hybrid, 3, callSite, definition, noise);
        Assert.Equal("ParseConfig", ranked[0].Candidate.Symbol);

        var without = Rank("ParseConfig", RankingOptions.Hybrid with { DefinitionBoost = false, PathMatch = false }, 3, callSite, definition, noise);
        Assert.Equal("Configure", without[0].Candidate.Symbol);
    }

    [Fact]
    public void A_qualified_name_boosts_the_definition_of_its_last_segment()
    {
        var user = C("lib/app.rb", "run", semantic: 0.55f, lexical: 6f);
        var definition = C("lib/sinatra/base.rb", "Base", semantic: 0.5f, lexical: 5f, kind: ChunkKind.Class);
        var ranked = Rank("Sinatra::Base", RankingOptions.Hybrid with { PathMatch = false }, 2, user, definition);
        Assert.Equal("Base", ranked[0].Candidate.Symbol);
        Assert.Contains("Base", QueryAnalysis.Of("Sinatra::Base").Identifiers);
    }

    [Fact]
    public void A_test_file_loses_to_the_implementation_unless_the_query_asks_for_tests()
    {
        var test = C("cache/lru_test.go", "TestEvict", semantic: 0.68f, lexical: 5f);
        var implementation = C("cache/lru.go", "Evict", semantic: 0.66f, lexical: 4.8f);

        Assert.Equal("cache/lru.go", Rank("evict the least recently used entry", RankingOptions.Hybrid, 2, test, implementation)[0].Candidate.Path);
        Assert.Equal("cache/lru_test.go",
            Rank("evict the least recently used entry", RankingOptions.Hybrid with { NonSourcePenalty = false }, 2, test, implementation)[0].Candidate.Path);
        Assert.Equal("cache/lru_test.go", Rank("tests for evicting the least recently used entry", RankingOptions.Hybrid, 2, test, implementation)[0].Candidate.Path);
    }

    [Fact]
    public void Ten_results_are_not_one_file()
    {
        var candidates = new List<RankCandidate>();
        for (var i = 0; i < 12; i++)
        {
            candidates.Add(C("src/big.py", $"part{i}", semantic: 0.80f - (0.005f * i), lexical: 6f - (0.05f * i)));
        }
        for (var i = 0; i < 5; i++)
        {
            candidates.Add(C($"src/other{i}.py", $"f{i}", semantic: 0.72f - (0.01f * i), lexical: 5f - (0.1f * i)));
        }
        var diverse = HybridRanker.Rank(candidates, QueryAnalysis.Of("parse the configuration file"), RankingOptions.Hybrid, 10);
        Assert.Equal(10, diverse.Count);
        Assert.True(diverse.Select(r => r.Candidate.Path).Distinct().Count() >= 4, string.Join(", ", diverse.Select(r => r.Candidate.Path)));
        Assert.Equal("src/big.py", diverse[0].Candidate.Path);
        // Scores come back in rank order (eval relies on it).
        Assert.True(diverse.Zip(diverse.Skip(1)).All(p => p.First.Score >= p.Second.Score));

        var oneFile = HybridRanker.Rank(candidates, QueryAnalysis.Of("parse the configuration file"), RankingOptions.Hybrid with { Diversity = false }, 10);
        Assert.All(oneFile, r => Assert.Equal("src/big.py", r.Candidate.Path));
    }

    [Fact]
    public void An_identifier_leans_lexical_and_a_sentence_leans_semantic()
    {
        var lexicalOnly = C("a.ts", "x", semantic: 0.40f, lexical: 10f);
        var semanticOnly = C("b.ts", "y", semantic: 0.80f, lexical: 2f);
        var middle = C("c.ts", "z", semantic: 0.60f, lexical: 6f);
        var options = RankingOptions.Hybrid with { DefinitionBoost = false, PathMatch = false, FileCoherence = false };

        Assert.Equal("a.ts", Rank("useQueryClient", options, 3, lexicalOnly, semanticOnly, middle)[0].Candidate.Path);
        Assert.Equal("b.ts", Rank("share one cache between all the requests of a page", options, 3, lexicalOnly, semanticOnly, middle)[0].Candidate.Path);

        Assert.Equal(1.0, QueryAnalysis.Of("useQueryClient").IdentifierShare);
        Assert.Equal(0.0, QueryAnalysis.Of("share one cache between requests").IdentifierShare);
        Assert.Equal(0.5 * 1 / 4, QueryAnalysis.Of("where is useQueryClient defined").IdentifierShare);
    }

    [Fact]
    public void Query_words_in_the_path_lift_a_file_prefix_matching_plurals_and_inflections()
    {
        var named = C("middleware/routing.go", "Handle", semantic: 0.60f, lexical: 3f);
        var other = C("util/strings.go", "Handle", semantic: 0.61f, lexical: 3.1f);
        Assert.Equal("middleware/routing.go", Rank("router middleware", RankingOptions.Hybrid, 2, named, other)[0].Candidate.Path);
        Assert.Equal("util/strings.go", Rank("router middleware", RankingOptions.Hybrid with { PathMatch = false }, 2, named, other)[0].Candidate.Path);
        Assert.Equal(1.0, HybridRanker.PathMatch("middleware/routing.go", ["router", "middleware"]));
        Assert.Equal(0.0, HybridRanker.PathMatch("src/route.go", ["rotate"]));
    }

    [Fact]
    public void A_file_with_several_strong_chunks_is_lifted_over_a_single_strong_chunk()
    {
        var lone = C("lone.js", "a", semantic: 0.70f, lexical: 5f);
        var coherent = new[]
        {
            C("app.js", "b1", semantic: 0.69f, lexical: 4.9f),
            C("app.js", "b2", semantic: 0.66f, lexical: 4.5f),
            C("app.js", "b3", semantic: 0.65f, lexical: 4.4f),
        };
        var options = RankingOptions.Hybrid with { PathMatch = false };
        Assert.Equal("app.js", HybridRanker.Rank([lone, .. coherent], QueryAnalysis.Of("render the page"), options, 4)[0].Candidate.Path);
        Assert.Equal("lone.js", HybridRanker.Rank([lone, .. coherent], QueryAnalysis.Of("render the page"), options with { FileCoherence = false }, 4)[0].Candidate.Path);
    }

    [Fact]
    public void One_retriever_alone_orders_by_its_own_score()
    {
        var a = C("a.cs", "A", semantic: 0.9f, lexical: 1f);
        var b = C("b.cs", "B", semantic: 0.5f, lexical: 8f);
        Assert.Equal("a.cs", Rank("anything at all", RankingOptions.ModelOnly, 2, a, b)[0].Candidate.Path);
        Assert.Equal("b.cs", Rank("anything at all", RankingOptions.LexicalOnly, 2, a, b)[0].Candidate.Path);
        Assert.Empty(HybridRanker.Rank([], QueryAnalysis.Of("x"), RankingOptions.Hybrid, 5));
    }

    [Theory]
    [InlineData("src/cache_test.go", PathRole.Test)]
    [InlineData("src/test/java/FooTest.java", PathRole.Test)]
    [InlineData("pkg/__tests__/a.ts", PathRole.Test)]
    [InlineData("web/router.spec.ts", PathRole.Test)]
    [InlineData("tests/test_models.py", PathRole.Test)]
    [InlineData("Acme.Tests/OrderTests.cs", PathRole.Test)]
    [InlineData("docs/guide.md", PathRole.Docs)]
    [InlineData("README.md", PathRole.Docs)]
    [InlineData("_examples/rest/main.go", PathRole.Example)]
    [InlineData("vendor/github.com/x/y.go", PathRole.Vendored)]
    [InlineData("web/vendor/jquery.min.js", PathRole.Vendored)]
    [InlineData("obj/Form1.Designer.cs", PathRole.Generated)]
    [InlineData("api/service_pb2.py", PathRole.Generated)]
    [InlineData("src/Contest.cs", PathRole.Source)]
    [InlineData("src/latest.go", PathRole.Source)]
    [InlineData("lib/manifest.rb", PathRole.Source)]
    public void Path_roles(string path, PathRole role) => Assert.Equal(role, PathRoles.Of(path));

    [Theory]
    [InlineData("HTTPAdapter", true)]
    [InlineData("parseJson", true)]
    [InlineData("parse_flags", true)]
    [InlineData("Sinatra::Base", true)]
    [InlineData("http.Client", true)]
    [InlineData("utf8", true)]
    [InlineData("router", false)]
    [InlineData("Router", false)]
    [InlineData("a", false)]
    [InlineData("42", false)]
    public void Identifiers_are_words_written_as_code(string word, bool identifier) => Assert.Equal(identifier, QueryAnalysis.LooksLikeIdentifier(word));
}

/// <summary>The ranking constants: one record, overridable by name for a tuning sweep.</summary>
public sealed class RankingWeightsTests
{
    [Fact]
    public void Overrides_by_name_change_only_what_they_name()
    {
        var swept = RankingWeights.Default.With("LexicalWeightSentence=0.2, fieldsymbol=3,CandidatesPerRetriever=50");
        Assert.Equal(0.2, swept.LexicalWeightSentence);
        Assert.Equal(3.0, swept.FieldSymbol);
        Assert.Equal(50, swept.CandidatesPerRetriever);
        Assert.Equal(RankingWeights.Default.DefinitionBoost, swept.DefinitionBoost);
        Assert.Equal(0.3, RankingWeights.Default.LexicalWeightSentence); // the product's weights are untouched
        Assert.Equal(RankingWeights.Default, RankingWeights.Default.With(""));
        Assert.Equal(("symbol", 3f), swept.FieldWeights[0]);
    }

    [Theory]
    [InlineData("Nope=1", "Unknown ranking weight 'Nope'")]
    [InlineData("DefinitionBoost=lots", "needs a number")]
    [InlineData("PathPrefixMinimum=2.5", "needs a whole number")]
    public void A_bad_override_is_an_error_that_names_it(string overrides, string message) =>
        Assert.Contains(message, Assert.Throws<ArgumentException>(() => RankingWeights.Default.With(overrides)).Message);

    [Fact]
    public void A_weight_reaches_the_ranker()
    {
        var test = new RankCandidate("t", "cache/lru_test.go", "TestEvict", null, ChunkKind.Method, 0.68f, 5f);
        var implementation = new RankCandidate("i", "cache/lru.go", "Evict", null, ChunkKind.Method, 0.66f, 4.8f);
        var query = QueryAnalysis.Of("evict the least recently used entry");
        Assert.Equal("i", HybridRanker.Rank([test, implementation], query, RankingOptions.Hybrid, 2)[0].Candidate.Id);
        var noPenalty = RankingOptions.Hybrid with { Weights = RankingWeights.Default.With("NonSourceFactor=1") };
        Assert.Equal("t", HybridRanker.Rank([test, implementation], query, noPenalty, 2)[0].Candidate.Id);
    }
}
