using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SemanticSearch.Engine.Common;

namespace SemanticSearch.Engine.Search;

/// <summary>
/// Late-interaction scoring: MaxSim(Q, D) = Σ over query vectors q of max over document vectors d of q·d.
/// Vectors are L2-normalized, so each term is a cosine in [-1, 1].
/// This is the search hot path: it runs for every chunk on every query, so it is written for SIMD
/// (4 document rows share each query load) and never allocates. The kernels skip tiered JIT: a short-lived
/// process (or one query over a small index) would otherwise score with unoptimized tier-0 code.
/// </summary>
public static class MaxSim
{
    /// <summary>Exact MaxSim of a row-major query matrix (nq × dim) against a document matrix (nd × dim).</summary>
    public static float Score(ReadOnlySpan<float> query, int nq, ReadOnlySpan<float> doc, int nd, int dim) =>
        new QueryMatrix(query, nq, dim).Score(doc, nd);

    /// <summary>
    /// The straightforward kernel: for each query row, the max dot over document rows. Used when the query is
    /// too long for <see cref="QueryMatrix"/>'s register blocking, and as the reference in tests and benchmarks.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float ScoreRowwise(ReadOnlySpan<float> query, int nq, ReadOnlySpan<float> doc, int nd, int dim)
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
    public static float Score(ReadOnlySpan<float> query, int nq, ReadOnlySpan<Half> doc, int nd, int dim, Span<float> scratch) =>
        new QueryMatrix(query, nq, dim).Score(doc, nd, scratch);

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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

/// <summary>
/// A query prepared for scoring many documents: transposed to dim × nq and padded to whole SIMD vectors, so that
/// each document row is scored against all query vectors at once — one broadcast of each document component, one
/// FMA per block of query vectors, then a vector max. Unlike the row-wise kernel there is no horizontal sum per
/// (query, document) pair, which dominates at ColBERT's small dims (32–128).
/// </summary>
public sealed class QueryMatrix
{
    /// <summary>Query vectors handled with register blocking; longer queries use the row-wise kernel.</summary>
    public static readonly int MaxBlockedRows = 4 * Vector<float>.Count;

    private readonly float[] _query;
    private readonly float[] _transposed;
    private readonly int _blocks;

    public QueryMatrix(ReadOnlySpan<float> query, int nq, int dim)
    {
        Rows = nq;
        Dim = dim;
        _query = query[..(nq * dim)].ToArray();
        _blocks = (nq + Vector<float>.Count - 1) / Vector<float>.Count;
        var width = _blocks * Vector<float>.Count;
        _transposed = new float[dim * width];
        for (var i = 0; i < nq; i++)
        {
            for (var k = 0; k < dim; k++)
            {
                _transposed[(k * width) + i] = query[(i * dim) + k];
            }
        }
    }

    public int Rows { get; }
    public int Dim { get; }

    /// <summary>MaxSim against a document stored as half floats, widened into <paramref name="scratch"/> (≥ nd × dim).</summary>
    public float Score(ReadOnlySpan<Half> doc, int nd, Span<float> scratch)
    {
        var wide = scratch[..(nd * Dim)];
        TensorPrimitives.ConvertToSingle(doc[..(nd * Dim)], wide);
        return Score(wide, nd);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float Score(ReadOnlySpan<float> doc, int nd)
    {
        if (nd == 0 || Rows == 0)
        {
            return 0f;
        }
        if (!Vector.IsHardwareAccelerated || Rows > MaxBlockedRows)
        {
            return MaxSim.ScoreRowwise(_query, Rows, doc, nd, Dim);
        }
        var q = MemoryMarshal.Cast<float, Vector<float>>(_transposed.AsSpan());
        var ninf = new Vector<float>(float.NegativeInfinity);
        Vector<float> b0 = ninf, b1 = ninf, b2 = ninf, b3 = ninf;
        var blocks = _blocks;
        var dim = Dim;
        var j = 0;
        // Two document rows at a time share each load of the query's blocks: per component two broadcasts and
        // `blocks` loads feed 2 × `blocks` FMAs (one row alone: one broadcast and `blocks` loads for `blocks` FMAs,
        // and the loads were the limit). Each row's sums are the same FMA sequence as the single-row loop's.
        for (; j + 2 <= nd; j += 2)
        {
            var row0 = doc.Slice(j * dim, dim);
            var row1 = doc.Slice((j + 1) * dim, dim);
            Vector<float> a0 = default, a1 = default, a2 = default, a3 = default;
            Vector<float> c0 = default, c1 = default, c2 = default, c3 = default;
            for (var k = 0; k < dim; k++)
            {
                var x = new Vector<float>(row0[k]);
                var y = new Vector<float>(row1[k]);
                var qk = q.Slice(k * blocks, blocks);
                var q0 = qk[0];
                a0 = Simd.MultiplyAdd(x, q0, a0);
                c0 = Simd.MultiplyAdd(y, q0, c0);
                if (blocks > 1)
                {
                    var q1 = qk[1];
                    a1 = Simd.MultiplyAdd(x, q1, a1);
                    c1 = Simd.MultiplyAdd(y, q1, c1);
                    if (blocks > 2)
                    {
                        var q2 = qk[2];
                        a2 = Simd.MultiplyAdd(x, q2, a2);
                        c2 = Simd.MultiplyAdd(y, q2, c2);
                        if (blocks > 3)
                        {
                            var q3 = qk[3];
                            a3 = Simd.MultiplyAdd(x, q3, a3);
                            c3 = Simd.MultiplyAdd(y, q3, c3);
                        }
                    }
                }
            }
            b0 = Vector.Max(b0, Vector.Max(a0, c0));
            b1 = Vector.Max(b1, Vector.Max(a1, c1));
            b2 = Vector.Max(b2, Vector.Max(a2, c2));
            b3 = Vector.Max(b3, Vector.Max(a3, c3));
        }
        for (; j < nd; j++)
        {
            var row = doc.Slice(j * dim, dim);
            Vector<float> a0 = default, a1 = default, a2 = default, a3 = default;
            // Blocks are fixed per query, so the branch is perfectly predicted; unused accumulators stay zero.
            for (var k = 0; k < dim; k++)
            {
                var x = new Vector<float>(row[k]);
                var qk = q.Slice(k * blocks, blocks);
                a0 = Simd.MultiplyAdd(x, qk[0], a0);
                if (blocks > 1)
                {
                    a1 = Simd.MultiplyAdd(x, qk[1], a1);
                    if (blocks > 2)
                    {
                        a2 = Simd.MultiplyAdd(x, qk[2], a2);
                        if (blocks > 3)
                        {
                            a3 = Simd.MultiplyAdd(x, qk[3], a3);
                        }
                    }
                }
            }
            b0 = Vector.Max(b0, a0);
            b1 = Vector.Max(b1, a1);
            b2 = Vector.Max(b2, a2);
            b3 = Vector.Max(b3, a3);
        }
        // Sum the real query lanes only; padding lanes hold maxima of zero dot products.
        Span<float> best = stackalloc float[4 * Vector<float>.Count];
        b0.CopyTo(best);
        b1.CopyTo(best[Vector<float>.Count..]);
        b2.CopyTo(best[(2 * Vector<float>.Count)..]);
        b3.CopyTo(best[(3 * Vector<float>.Count)..]);
        return TensorPrimitives.Sum(best[..Rows]);
    }
}
