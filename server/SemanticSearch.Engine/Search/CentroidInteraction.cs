using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SemanticSearch.Engine.Index;

namespace SemanticSearch.Engine.Search;

/// <summary>
/// The middle stage of candidate generation (PLAID's "centroid interaction"): MaxSim with every document vector
/// read as its centroid, from a table of the query vectors' scores against every centroid.
/// </summary>
/// <remarks>
/// Why: the lists' score (<see cref="CentroidLists"/>) counts a query vector only when a chunk holds one of its few
/// probed centroids, so it ranks chunks coarsely, and exact MaxSim had to decode thousands of them to be sure of
/// the top ten (4,096 on a real 100k-chunk index, most of a 47 ms query). This score sees every vector of the
/// chunk, costs one table row per vector (a centroid id read from the code, no decoding, no dot product) and
/// differs from exact MaxSim only by the residuals, so fewer chunks need the exact score (2,560 for the same
/// recall). How: the table holds one row per centroid, the query vectors' scores padded to whole SIMD vectors; a
/// chunk's score is the element-wise maximum of its vectors' rows, summed over the query vectors.
/// </remarks>
internal sealed class CentroidInteraction(ResidualCodec codec, int nq)
{
    // Floats per row: the query vectors rounded up to whole SIMD vectors (padding lanes are never summed).
    private static int WidthOf(int nq) => Math.Max(1, (nq + Vector<float>.Count - 1) / Vector<float>.Count) * Vector<float>.Count;

    private readonly int _width = WidthOf(nq);

    // One row per centroid: the query vectors' scores against it.
    private readonly float[] _byCentroid = new float[codec.Centroids.Count * WidthOf(nq)];

    /// <summary>Records query vector <paramref name="qi"/>'s scores against every centroid (<see cref="Centroids.Scores"/>).</summary>
    public void Put(int qi, ReadOnlySpan<float> scores)
    {
        for (var c = 0; c < codec.Centroids.Count; c++)
        {
            _byCentroid[(c * _width) + qi] = scores[c];
        }
    }

    /// <summary>The <paramref name="count"/> best of <paramref name="entries"/> (residual codes) by this score, best first; ties by slot.</summary>
    public List<VectorCache.Entry> Best(VectorCache.Entry[] entries, int count)
    {
        // Sort keys: the score's bits made order-preserving as an unsigned integer, then the slot, in one integer, so
        // the sort compares integers rather than calling a comparer for each of its ~80,000 comparisons.
        var keys = new ulong[entries.Length];
        var order = new int[entries.Length];
        Parallel.ForEach(
            System.Collections.Concurrent.Partitioner.Create(0, entries.Length, Math.Max(512, entries.Length / Environment.ProcessorCount + 1)),
            range =>
            {
                Span<Vector<float>> best = stackalloc Vector<float>[_width / Vector<float>.Count];
                for (var i = range.Item1; i < range.Item2; i++)
                {
                    keys[i] = SortKey(Score(entries[i], best), entries[i].Slot);
                    order[i] = i;
                }
            });
        Array.Sort(keys, order);
        var taken = Math.Min(count, entries.Length);
        var result = new List<VectorCache.Entry>(taken);
        for (var i = 0; i < taken; i++)
        {
            result.Add(entries[order[i]]);
        }
        return result;
    }

    /// <summary>Ascending order of this key is descending score, then ascending slot.</summary>
    private static ulong SortKey(float score, int slot)
    {
        var bits = BitConverter.SingleToInt32Bits(score);
        // Flip to an order-preserving unsigned value, then invert it so that higher scores sort first.
        var ordered = bits < 0 ? ~(uint)bits : (uint)bits | 0x8000_0000u;
        return ((ulong)~ordered << 32) | (uint)slot;
    }

    /// <summary>One chunk's score (<paramref name="best"/>: scratch of one SIMD vector per 8 or 16 query vectors).</summary>
    public float Score(VectorCache.Entry entry) => Score(entry, new Vector<float>[_width / Vector<float>.Count]);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float Score(VectorCache.Entry entry, Span<Vector<float>> best)
    {
        var codes = entry.Vectors.Bytes.Span;
        ref var table = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<float, Vector<float>>(_byCentroid.AsSpan()));
        var blocks = best.Length;
        var stride = codec.BytesPerVector;
        ref var code = ref MemoryMarshal.GetReference(codes);
        var n = Math.Min(entry.Count, codes.Length / stride);
        var b0 = new Vector<float>(float.NegativeInfinity);
        var b1 = b0;
        if (blocks <= 2)
        {
            // Queries of up to 16 vectors (almost all): two accumulators in registers.
            for (var t = 0; t < n; t++)
            {
                var c = Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref code, t * stride));
                ref var row = ref Unsafe.Add(ref table, c * blocks);
                b0 = Vector.Max(b0, row);
                if (blocks == 2)
                {
                    b1 = Vector.Max(b1, Unsafe.Add(ref row, 1));
                }
            }
            best[0] = b0;
            if (blocks == 2)
            {
                best[1] = b1;
            }
        }
        else
        {
            best.Fill(b0);
            for (var t = 0; t < n; t++)
            {
                var c = Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref code, t * stride));
                ref var row = ref Unsafe.Add(ref table, c * blocks);
                for (var b = 0; b < blocks; b++)
                {
                    best[b] = Vector.Max(best[b], Unsafe.Add(ref row, b));
                }
            }
        }
        var lanes = MemoryMarshal.Cast<Vector<float>, float>(best);
        var sum = 0f;
        for (var qi = 0; qi < nq; qi++)
        {
            sum += lanes[qi];
        }
        return n == 0 ? 0f : sum;
    }
}
