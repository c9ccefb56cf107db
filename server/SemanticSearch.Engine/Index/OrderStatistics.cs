namespace SemanticSearch.Engine.Index;

/// <summary>
/// A few order statistics of an array without sorting all of it (multi-quickselect).
/// Why: training a residual codec needs, per dimension, the values at 2·levels − 1 ranks of ~65k residuals; sorting
/// every dimension's column took ~0.45 s of a cold index (96 sorts of 65,536 floats), selecting the ranks a third of that.
/// </summary>
internal static class OrderStatistics
{
    /// <summary>
    /// Reorders <paramref name="values"/> so that each of <paramref name="ranks"/> (ascending, distinct or not) holds
    /// the value a full ascending sort would put there; the rest is partitioned around them, in no promised order.
    /// </summary>
    public static void Select(Span<float> values, ReadOnlySpan<int> ranks)
    {
        for (var r = 0; r < ranks.Length; r++)
        {
            if (ranks[r] < 0 || ranks[r] >= values.Length || (r > 0 && ranks[r] < ranks[r - 1]))
            {
                throw new ArgumentException($"Ranks must ascend within 0..{values.Length - 1}.", nameof(ranks));
            }
        }
        Select(values, 0, ranks, 0);
    }

    /// <summary><paramref name="values"/> is the part of the whole that starts at <paramref name="offset"/>.</summary>
    private static void Select(Span<float> values, int offset, ReadOnlySpan<int> ranks, int depth)
    {
        while (ranks.Length > 0)
        {
            // Small parts, and a pathological run of pivots (deep recursion), are sorted outright.
            if (values.Length <= 16 || depth > 64)
            {
                values.Sort();
                return;
            }
            depth++;
            var pivot = MedianOfThree(values[0], values[values.Length / 2], values[^1]);
            // Hoare partition: afterwards [0, j] ≤ pivot, [i, end) ≥ pivot, and anything between equals it.
            int i = 0, j = values.Length - 1;
            while (i <= j)
            {
                while (values[i] < pivot)
                {
                    i++;
                }
                while (values[j] > pivot)
                {
                    j--;
                }
                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }
            var left = 0;
            while (left < ranks.Length && ranks[left] - offset <= j)
            {
                left++;
            }
            var middle = left;
            while (middle < ranks.Length && ranks[middle] - offset < i)
            {
                middle++; // in the run equal to the pivot: already in place
            }
            Select(values[..(j + 1)], offset, ranks[..left], depth);
            values = values[i..];
            offset += i;
            ranks = ranks[middle..];
        }
    }

    private static float MedianOfThree(float a, float b, float c) => Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));
}
