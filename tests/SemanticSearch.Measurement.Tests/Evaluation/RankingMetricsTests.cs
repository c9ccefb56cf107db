using SemanticSearch.Measurement.Evaluation;

namespace SemanticSearch.Measurement.Tests.Evaluation;

/// <summary>Metric math on hand-computed cases: single gold, ties, missing golds, graded gains, duplicates.</summary>
public sealed class RankingMetricsTests
{
    private static GoldRef Rel(string id, double grade = 1) => new(id, null, null, grade, IsRelevant: true);

    private static GoldRef Judged(string id, double grade) => new(id, null, null, grade, IsRelevant: false);

    [Fact]
    public void Single_gold_at_rank_three()
    {
        // Scores: d0 .9, d1 .8, d2 (gold) .7, d3 .1 → rank 3.
        var m = RankingMetrics.Evaluate([0.9f, 0.8f, 0.7f, 0.1f], [-1, -1, 0, -1], [Rel("a")]);
        Assert.Equal(3, m.FirstRelevantRank);
        Assert.Equal(1.0 / 3, m.ReciprocalRankAt10, 10);
        Assert.Equal(1 / Math.Log2(4), m.NdcgAt10, 10); // DCG 1/log2(4) = 0.5, IDCG 1.
        Assert.Equal(0, m.RecallAt(1));
        Assert.Equal(1, m.RecallAt(5));
        Assert.Equal("3", RankingMetrics.Bucket(m.FirstRelevantRank));
    }

    [Fact]
    public void A_gold_tied_with_non_relevant_documents_gets_the_worst_rank_of_the_tie()
    {
        // d0 .9 ahead; d1, d2 (gold), d3 all .5 → gold placed after both tied non-relevant docs: rank 4.
        var m = RankingMetrics.Evaluate([0.9f, 0.5f, 0.5f, 0.5f, 0.1f], [-1, -1, 0, -1, -1], [Rel("a")]);
        Assert.Equal(4, m.FirstRelevantRank);
        Assert.Equal(0.25, m.ReciprocalRankAt10, 10);

        // A constant scorer (everything tied) gets no credit from ties: the gold is last.
        var constant = RankingMetrics.Evaluate(new float[20], Enumerable.Range(0, 20).Select(i => i == 0 ? 0 : -1).ToArray(), [Rel("a")]);
        Assert.Equal(20, constant.FirstRelevantRank);
        Assert.Equal(0, constant.ReciprocalRankAt10);
        Assert.Equal("miss", RankingMetrics.Bucket(constant.FirstRelevantRank));
    }

    [Fact]
    public void Two_tied_golds_are_ordered_by_grade_after_the_non_relevant_ones()
    {
        // All three tied: non-relevant d2 first, then the grade-1 gold, then the grade-3 gold.
        var golds = new[] { Rel("hi", 3), Rel("lo", 1) };
        var m = RankingMetrics.Evaluate([0.5f, 0.5f, 0.5f], [0, 1, -1], golds);
        Assert.Equal([2, 3], m.RelevantRanks);
        var dcg = (1 / Math.Log2(3)) + (3 / Math.Log2(4));
        var idcg = 3 + (1 / Math.Log2(3));
        Assert.Equal(dcg / idcg, m.NdcgAt10, 10);
        Assert.Equal(0.5, m.ReciprocalRankAt10, 10);
    }

    [Fact]
    public void Missing_golds_count_in_recall_and_ideal_dcg()
    {
        // Two relevant golds; "b" is in no document. "a" is ranked first.
        var m = RankingMetrics.Evaluate([0.9f, 0.2f], [0, -1], [Rel("a"), Rel("b")]);
        Assert.Equal(1, m.FirstRelevantRank);
        Assert.Equal(1, m.MissingGolds);
        Assert.Equal(2, m.RelevantCount);
        Assert.Equal(1.0, m.ReciprocalRankAt10, 10);
        Assert.Equal(0.5, m.RecallAt(1), 10);
        Assert.Equal(0.5, m.RecallAt(20), 10);
        Assert.Equal(1 / (1 + (1 / Math.Log2(3))), m.NdcgAt10, 10);

        // Only gold missing: no rank, everything 0, bucket "miss".
        var none = RankingMetrics.Evaluate([0.9f, 0.2f], [-1, -1], [Rel("x")]);
        Assert.Null(none.FirstRelevantRank);
        Assert.Equal(0, none.NdcgAt10);
        Assert.Equal(0, none.RecallAt(20));
        Assert.Equal("miss", RankingMetrics.Bucket(none.FirstRelevantRank));
    }

    [Fact]
    public void Graded_judgements_that_are_not_relevant_add_ndcg_gain_only()
    {
        // d0 is judged grade 1 (not relevant), d1 is the relevant grade-3 gold.
        var golds = new[] { Rel("r", 3), Judged("j", 1) };
        var m = RankingMetrics.Evaluate([0.9f, 0.8f, 0.1f], [1, 0, -1], golds);
        Assert.Equal(2, m.FirstRelevantRank);
        Assert.Equal(0.5, m.ReciprocalRankAt10, 10);
        Assert.Equal(1, m.RelevantCount);
        var dcg = 1 + (3 / Math.Log2(3));
        var idcg = 3 + (1 / Math.Log2(3));
        Assert.Equal(dcg / idcg, m.NdcgAt10, 10);
    }

    [Fact]
    public void Beyond_ten_is_a_miss_for_mrr_and_ndcg_but_counts_for_recall_at_twenty()
    {
        var scores = Enumerable.Range(0, 30).Select(i => 1f - (i * 0.01f)).ToArray();
        var gold = Enumerable.Range(0, 30).Select(i => i == 14 ? 0 : -1).ToArray();
        var m = RankingMetrics.Evaluate(scores, gold, [Rel("a")]);
        Assert.Equal(15, m.FirstRelevantRank);
        Assert.Equal(0, m.ReciprocalRankAt10);
        Assert.Equal(0, m.NdcgAt10);
        Assert.Equal(0, m.RecallAt(10));
        Assert.Equal(1, m.RecallAt(20));
        Assert.Equal("miss", RankingMetrics.Bucket(m.FirstRelevantRank));
    }

    [Fact]
    public void Several_documents_of_one_gold_count_once()
    {
        // d0 and d2 both match gold 0 (two chunks of one symbol): the second is not a second hit.
        var m = RankingMetrics.Evaluate([0.9f, 0.8f, 0.7f], [0, -1, 0], [Rel("a")]);
        Assert.Equal([1], m.RelevantRanks);
        Assert.Equal(1.0, m.NdcgAt10, 10);
    }

    [Fact]
    public void Buckets_and_percentiles()
    {
        Assert.Equal(["1", "2", "3", "4-5", "4-5", "6-10", "6-10", "miss", "miss"],
            new int?[] { 1, 2, 3, 4, 5, 6, 10, 11, null }.Select(RankingMetrics.Bucket));
        double[] values = [5, 1, 4, 2, 3];
        Assert.Equal(3, RankingMetrics.Percentile(values, 50));
        Assert.Equal(5, RankingMetrics.Percentile(values, 95));
        Assert.Equal(1, RankingMetrics.Percentile(values, 1));
        Assert.Equal(0, RankingMetrics.Percentile([], 50));
    }

    [Fact]
    public void Summaries_average_over_queries()
    {
        var a = RankingMetrics.Evaluate([0.9f, 0.1f], [0, -1], [Rel("a")]);   // rank 1
        var b = RankingMetrics.Evaluate([0.9f, 0.1f], [-1, 0], [Rel("b")]);   // rank 2
        var s = Evaluator.Summarize([a, b]);
        Assert.Equal(2, s.Queries);
        Assert.Equal(0.75, s.Mrr10, 5);
        Assert.Equal(0.5, s.Recall1, 5);
        Assert.Equal(1, s.Recall5, 5);
        Assert.Equal(Math.Round((1 + (1 / Math.Log2(3))) / 2, 5), s.Ndcg10, 5);
    }
}
