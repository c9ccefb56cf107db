using SemanticSearch.Engine.Index;
using Xunit;

namespace SemanticSearch.Engine.Tests.Index;

public sealed class OrderStatisticsTests
{
    [Theory]
    [InlineData(65_536, 0)]  // a residual column's size, distinct values
    [InlineData(10_000, 7)]  // few distinct values: long runs equal to the pivot
    [InlineData(17, 0)]      // just past the sort-outright size
    [InlineData(5, 0)]
    public void Selected_ranks_hold_what_a_sort_puts_there(int n, int distinct)
    {
        var random = new Random(n + distinct);
        var values = new float[n];
        for (var i = 0; i < n; i++)
        {
            values[i] = distinct > 0 ? random.Next(distinct) : (float)(random.NextDouble() - 0.5);
        }
        var sorted = values.Order().ToArray();
        int[] ranks = [0, n / 8, n / 8, n / 3, n / 2, (7 * n) / 8, n - 1];
        var selected = (float[])values.Clone();

        OrderStatistics.Select(selected, ranks);

        foreach (var rank in ranks)
        {
            Assert.Equal(sorted[rank], selected[rank]);
        }
        Assert.Equal(sorted, selected.Order().ToArray()); // a permutation: nothing lost or made up
    }

    [Fact]
    public void Sorted_and_reversed_input_select_correctly()
    {
        var ascending = Enumerable.Range(0, 5_000).Select(i => (float)i).ToArray();
        var descending = ascending.Reverse().ToArray();
        int[] ranks = [1, 2_500, 4_998];

        OrderStatistics.Select(ascending, ranks);
        OrderStatistics.Select(descending, ranks);

        foreach (var rank in ranks)
        {
            Assert.Equal(rank, ascending[rank]);
            Assert.Equal(rank, descending[rank]);
        }
    }

    [Fact]
    public void Ranks_out_of_order_or_range_are_refused()
    {
        Assert.Throws<ArgumentException>(() => OrderStatistics.Select(new float[10], [5, 2]));
        Assert.Throws<ArgumentException>(() => OrderStatistics.Select(new float[10], [10]));
    }
}
