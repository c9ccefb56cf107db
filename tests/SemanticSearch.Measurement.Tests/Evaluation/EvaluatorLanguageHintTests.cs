using SemanticSearch.Measurement.Evaluation;

namespace SemanticSearch.Measurement.Tests.Evaluation;

/// <summary>`semsearch eval` reads a language named in the query the way a search does (Search/QueryLanguageHint), for every system.</summary>
public sealed class EvaluatorLanguageHintTests
{
    [Fact]
    public void Eval_applies_the_hint_to_every_system_and_can_be_turned_off()
    {
        static EvalDocument Doc(string key, string language, string text) => new(key, key, key, null, language, text);
        var documents = new[]
        {
            Doc("go-1", "go", "python python python python lines lines reader"),
            Doc("py-1", "python", "read lines from a file"),
            Doc("py-2", "python", "write bytes to a socket"),
        };
        var queries = new[] { new EvalQuery("q1", "python read lines", null, [new GoldRef("py-1", null, null, 1, true)]) };
        var scorer = new Bm25Scorer(documents);

        var hinted = new Evaluator(documents).Run(scorer, queries);
        Assert.Equal(1, hinted.Queries[0].FirstRelevantRank);
        Assert.DoesNotContain("go-1", hinted.Queries[0].Top);

        var asTyped = new Evaluator(documents) { LanguageFromQuery = false }.Run(scorer, queries);
        Assert.Equal(2, asTyped.Queries[0].FirstRelevantRank);
        Assert.Equal("go-1", asTyped.Queries[0].Top[0]);
    }
}
