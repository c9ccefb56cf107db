using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace SemanticSearch.Engine.Search;

/// <summary>
/// Late-interaction scoring: MaxSim(Q, D) = Σ over query vectors q of max over document vectors d of q·d.
/// Vectors are L2-normalized, so each term is a cosine in [-1, 1].
/// This is the search hot path: it runs for every chunk on every query, so it is written for SIMD
/// (4 document rows share each query load) and never allocates.
/// </summary>
public static class MaxSim
{
    /// <summary>Exact MaxSim of a row-major query matrix (nq × dim) against a document matrix (nd × dim).</summary>
    public static float Score(ReadOnlySpan<float> query, int nq, ReadOnlySpan<float> doc, int nd, int dim)
    {
        if (nd == 0 || nq == 0)
        {
            return 0f;
        }
        var total = 0f;
        for (var i = 0; i < nq; i++)
        {
            total += MaxDot(query.Slice(i * dim, dim), doc, nd, dim, out _);
        }
        return total;
    }

    /// <summary>
    /// Same as <see cref="Score"/> for a document stored as half floats; <paramref name="scratch"/> (≥ nd × dim)
    /// receives the widened copy, so callers reuse one buffer per thread.
    /// </summary>
    public static float Score(ReadOnlySpan<float> query, int nq, ReadOnlySpan<Half> doc, int nd, int dim, Span<float> scratch)
    {
        var wide = scratch[..(nd * dim)];
        TensorPrimitives.ConvertToSingle(doc[..(nd * dim)], wide);
        return Score(query, nq, wide, nd, dim);
    }

    /// <summary>For each query vector: the index of the document vector that gave its maximum, and that maximum.</summary>
    public static void BestMatches(ReadOnlySpan<float> query, int nq, ReadOnlySpan<float> doc, int nd, int dim, Span<int> bestIndex, Span<float> bestScore)
    {
        for (var i = 0; i < nq; i++)
        {
            bestScore[i] = nd == 0 ? 0f : MaxDot(query.Slice(i * dim, dim), doc, nd, dim, out bestIndex[i]);
            if (nd == 0)
            {
                bestIndex[i] = -1;
            }
        }
    }

    /// <summary>max over rows d of q·d, four rows at a time so each loaded slice of q feeds four FMAs.</summary>
    private static float MaxDot(ReadOnlySpan<float> q, ReadOnlySpan<float> doc, int nd, int dim, out int argMax)
    {
        var best = float.NegativeInfinity;
        argMax = -1;
        var j = 0;
        if (Vector.IsHardwareAccelerated && dim >= Vector<float>.Count)
        {
            var qv = MemoryMarshal.Cast<float, Vector<float>>(q);
            var vecCount = qv.Length;
            var tailStart = vecCount * Vector<float>.Count;
            for (; j + 4 <= nd; j += 4)
            {
                var d0 = MemoryMarshal.Cast<float, Vector<float>>(doc.Slice(j * dim, dim));
                var d1 = MemoryMarshal.Cast<float, Vector<float>>(doc.Slice((j + 1) * dim, dim));
                var d2 = MemoryMarshal.Cast<float, Vector<float>>(doc.Slice((j + 2) * dim, dim));
                var d3 = MemoryMarshal.Cast<float, Vector<float>>(doc.Slice((j + 3) * dim, dim));
                Vector<float> a0 = default, a1 = default, a2 = default, a3 = default;
                for (var k = 0; k < vecCount; k++)
                {
                    var x = qv[k];
                    a0 += x * d0[k];
                    a1 += x * d1[k];
                    a2 += x * d2[k];
                    a3 += x * d3[k];
                }
                var s0 = Vector.Sum(a0);
                var s1 = Vector.Sum(a1);
                var s2 = Vector.Sum(a2);
                var s3 = Vector.Sum(a3);
                for (var t = tailStart; t < dim; t++)
                {
                    var x = q[t];
                    s0 += x * doc[(j * dim) + t];
                    s1 += x * doc[((j + 1) * dim) + t];
                    s2 += x * doc[((j + 2) * dim) + t];
                    s3 += x * doc[((j + 3) * dim) + t];
                }
                if (s0 > best) { best = s0; argMax = j; }
                if (s1 > best) { best = s1; argMax = j + 1; }
                if (s2 > best) { best = s2; argMax = j + 2; }
                if (s3 > best) { best = s3; argMax = j + 3; }
            }
        }
        for (; j < nd; j++)
        {
            var s = TensorPrimitives.Dot(q, doc.Slice(j * dim, dim));
            if (s > best)
            {
                best = s;
                argMax = j;
            }
        }
        return best;
    }
}
