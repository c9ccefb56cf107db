using SemanticSearch.Measurement.Evaluation;

namespace SemanticSearch.Measurement.Tests.Evaluation;

/// <summary>The paired bootstrap interval of an MRR@10 difference, on hand-made per-query reciprocal ranks.</summary>
public sealed class PairedBootstrapTests
{
    private static SystemReport Report(string name, params double[] reciprocalRanks)
    {
        var queries = reciprocalRanks.Select((rr, i) => new QueryOutcome(
            $"q{i}", "python", rr > 0 ? (int)Math.Round(1 / rr) : null, [], 1, 0, rr, rr, 0, 0, [])).ToList();
        var metrics = new MetricSummary(queries.Count, reciprocalRanks.Average(), 0, 0, 0, 0, 0);
        var latency = new LatencySummary(0, 0, 0, 0, 0);
        return new SystemReport(name, metrics, new Dictionary<string, int>(), new Dictionary<string, MetricSummary>(), latency, latency, latency, queries);
    }

    [Fact]
    public void A_system_against_itself_differs_by_exactly_nothing()
    {
        var a = Report("model", 1, 0.5, 0, 0.25, 1, 0.2);
        var c = PairedBootstrap.Compare(a, Report("copy", 1, 0.5, 0, 0.25, 1, 0.2));
        Assert.Equal((0.0, 0.0, 0.0), (c.Difference, c.DifferenceLow, c.DifferenceHigh));
        Assert.Equal((1.0, 1.0, 1.0), (c.Ratio, c.RatioLow, c.RatioHigh));
        Assert.Equal(6, c.Queries);
        Assert.Equal(PairedBootstrap.DefaultResamples, c.Resamples);
    }

    [Fact]
    public void Better_on_every_query_gives_an_interval_above_zero()
    {
        // The model ranks every gold first, the baseline second: every resample differs by exactly +0.5.
        var c = PairedBootstrap.Compare(Report("model", Enumerable.Repeat(1.0, 40).ToArray()), Report("bm25", Enumerable.Repeat(0.5, 40).ToArray()));
        Assert.Equal(0.5, c.Difference, 10);
        Assert.Equal(0.5, c.DifferenceLow, 10);
        Assert.Equal(0.5, c.DifferenceHigh, 10);
        Assert.Equal(2.0, c.Ratio!.Value, 10);
    }

    [Fact]
    public void A_gain_from_one_query_of_many_is_not_sure()
    {
        // 50 queries tied, one query won outright: the mean differs by 1/51, but a resample often misses that query.
        var model = Enumerable.Repeat(0.5, 50).Append(1.0).ToArray();
        var bm25 = Enumerable.Repeat(0.5, 50).Append(0.0).ToArray();
        var c = PairedBootstrap.Compare(Report("model", model), Report("bm25", bm25));
        Assert.Equal(Math.Round(1.0 / 51, 5), c.Difference, 5);
        Assert.Equal(0.0, c.DifferenceLow); // P(resample lacks the query) = (50/51)^51 ≈ 0.36 > 2.5%
        Assert.True(c.DifferenceHigh > c.Difference, $"{c.DifferenceHigh}");
        Assert.True(c.RatioLow <= 1.0 && c.RatioHigh > c.Ratio, $"{c.RatioLow} {c.Ratio} {c.RatioHigh}");
        // The same seed gives the same interval.
        Assert.Equal(c, PairedBootstrap.Compare(Report("model", model), Report("bm25", bm25)));
    }

    [Fact]
    public void A_baseline_that_never_finds_anything_has_no_ratio()
    {
        var c = PairedBootstrap.Compare(Report("model", 1, 0.5, 0), Report("bm25", 0, 0, 0));
        Assert.Equal(0.5, c.Difference, 10);
        Assert.Null(c.Ratio);
        Assert.Null(c.RatioLow);
        Assert.Null(c.RatioHigh);
    }

    [Fact]
    public void A_baseline_that_scores_on_one_query_only_has_an_unbounded_ratio_interval()
    {
        // Resamples without query 0 give the baseline nothing: the upper end of the ratio interval is unbounded.
        var c = PairedBootstrap.Compare(Report("model", 1, 1, 1, 1), Report("bm25", 1, 0, 0, 0));
        Assert.Equal(4.0, c.Ratio!.Value, 10);
        Assert.Null(c.RatioHigh);
    }

    [Fact]
    public void Reports_over_different_queries_are_refused()
    {
        var a = Report("model", 1, 0.5);
        var shorter = Report("bm25", 1);
        Assert.Throws<ArgumentException>(() => PairedBootstrap.Compare(a, shorter));
        var b = Report("bm25", 1, 0.5);
        var reordered = b with { Queries = [b.Queries[1] with { Id = "q9" }, b.Queries[0]] };
        var e = Assert.Throws<ArgumentException>(() => PairedBootstrap.Compare(a, reordered));
        Assert.Contains("same queries", e.Message);
    }
}
