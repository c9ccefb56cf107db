using SemanticSearch.Engine.Search;

namespace SemanticSearch.Engine.Tests.Search;

public class MaxSimTests
{
    private static float[] RandomUnitRows(Random random, int rows, int dim)
    {
        var data = new float[rows * dim];
        for (var r = 0; r < rows; r++)
        {
            var norm = 0.0;
            for (var k = 0; k < dim; k++)
            {
                var v = (float)((random.NextDouble() * 2) - 1);
                data[(r * dim) + k] = v;
                norm += v * v;
            }
            for (var k = 0; k < dim; k++)
            {
                data[(r * dim) + k] /= (float)Math.Sqrt(norm);
            }
        }
        return data;
    }

    private static float Naive(float[] q, int nq, float[] d, int nd, int dim)
    {
        double total = 0;
        for (var i = 0; i < nq; i++)
        {
            var best = double.NegativeInfinity;
            for (var j = 0; j < nd; j++)
            {
                double s = 0;
                for (var k = 0; k < dim; k++)
                {
                    s += q[(i * dim) + k] * d[(j * dim) + k];
                }
                best = Math.Max(best, s);
            }
            total += best;
        }
        return (float)total;
    }

    [Theory]
    [InlineData(32, 1, 1)]
    [InlineData(32, 32, 3)]    // fewer document rows than the 4-row block
    [InlineData(96, 32, 101)]  // answerai-colbert dims, odd row count
    [InlineData(128, 7, 64)]
    [InlineData(20, 5, 9)]     // dims not a multiple of the SIMD width: exercises the scalar tail
    [InlineData(3, 2, 5)]      // dims below the SIMD width
    [InlineData(32, 9, 40)]    // query rows not a multiple of the SIMD width: padded lanes must not count
    [InlineData(48, 64, 30)]   // longer than QueryMatrix's register blocking: row-wise fallback
    public void Matches_naive_reference(int dim, int nq, int nd)
    {
        var random = new Random(dim * 1000 + nq * 10 + nd);
        var q = RandomUnitRows(random, nq, dim);
        var d = RandomUnitRows(random, nd, dim);
        var expected = Naive(q, nq, d, nd, dim);
        Assert.Equal(expected, MaxSim.Score(q, nq, d, nd, dim), 3);
        Assert.Equal(expected, MaxSim.ScoreRowwise(q, nq, d, nd, dim), 3);
        var prepared = new QueryMatrix(q, nq, dim);
        Assert.Equal(expected, prepared.Score(d, nd), 3);
        // A prepared query is reusable across documents.
        Assert.Equal(Naive(q, nq, d, Math.Min(nd, 2), dim), prepared.Score(d, Math.Min(nd, 2)), 3);
    }

    [Fact]
    public void Half_precision_documents_score_within_half_rounding_of_float()
    {
        var random = new Random(7);
        const int dim = 96, nq = 32, nd = 80;
        var q = RandomUnitRows(random, nq, dim);
        var d = RandomUnitRows(random, nd, dim);
        var half = d.Select(v => (Half)v).ToArray();
        var scratch = new float[nd * dim];
        var exact = MaxSim.Score(q, nq, d, nd, dim);
        Assert.Equal(exact, MaxSim.Score(q, nq, half, nd, dim, scratch), 1);
        Assert.InRange(Math.Abs(exact - MaxSim.Score(q, nq, half, nd, dim, scratch)), 0, 0.02f);
    }

    [Fact]
    public void Best_matches_point_at_the_identical_row()
    {
        var random = new Random(3);
        const int dim = 32;
        var d = RandomUnitRows(random, 9, dim);
        // Query = document rows 6 and 2: each must find itself with similarity 1.
        var q = d.AsSpan(6 * dim, dim).ToArray().Concat(d.AsSpan(2 * dim, dim).ToArray()).ToArray();
        var index = new int[2];
        var score = new float[2];
        MaxSim.BestMatches(q, 2, d, 9, dim, index, score);
        Assert.Equal([6, 2], index);
        Assert.Equal(1f, score[0], 4);
        Assert.Equal(1f, score[1], 4);
        Assert.Equal(2f, MaxSim.Score(q, 2, d, 9, dim), 4);
    }

    [Fact]
    public void Empty_document_scores_zero()
    {
        var q = new float[] { 1, 0, 0, 0 };
        Assert.Equal(0f, MaxSim.Score(q, 1, ReadOnlySpan<float>.Empty, 0, 4));
    }
}
