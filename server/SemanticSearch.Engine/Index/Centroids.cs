using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SemanticSearch.Engine.Common;

namespace SemanticSearch.Engine.Index;

/// <summary>
/// K unit vectors that partition the token-vector space of one index: each stored token vector is written as its
/// nearest centroid plus a small residual (<see cref="ResidualCodec"/>), and a query finds candidate chunks through
/// the centroids its own tokens are near (<see cref="Search.CentroidLists"/>, PLAID's idea).
/// Why a dedicated kernel: assigning a token to its centroid runs for every token written and every token of every
/// query, i.e. K dot products per token. The centroids are kept in blocks of one SIMD vector's width, each block
/// dimension-major (dim × lanes, contiguous): a block's scores are dim FMAs of a broadcast vector component with
/// consecutive loads, and no horizontal sum is needed until the arg-max. (A plain dim × K transpose strides 4 KB
/// between those loads: nearest centroid of a 96-dim vector among 1,024 took 14.9 µs that way, 4.8 µs this way.)
/// </summary>
public sealed class Centroids
{
    private readonly float[] _rows;    // K × dim, row-major, unit vectors
    private readonly float[] _blocked; // K/lanes blocks, each dim × lanes: one block's loads are contiguous

    public Centroids(float[] rows, int count, int dim)
    {
        if (rows.Length != count * dim)
        {
            throw new ArgumentException($"Centroid data holds {rows.Length} floats; expected {count} x {dim}.", nameof(rows));
        }
        if (count < 1 || count > ushort.MaxValue + 1 || count % Vector<float>.Count != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Centroid count must be a multiple of {Vector<float>.Count} up to 65536.");
        }
        _rows = rows;
        Count = count;
        Dim = dim;
        var lanes = Vector<float>.Count;
        _blocked = new float[dim * count];
        for (var c = 0; c < count; c++)
        {
            for (var d = 0; d < dim; d++)
            {
                _blocked[((c / lanes) * dim * lanes) + (d * lanes) + (c % lanes)] = rows[(c * dim) + d];
            }
        }
    }

    public int Count { get; }
    public int Dim { get; }

    public ReadOnlySpan<float> Row(int centroid) => _rows.AsSpan(centroid * Dim, Dim);

    internal float[] Rows => _rows;

    /// <summary>The dot product of <paramref name="vector"/> with every centroid, into <paramref name="scores"/> (≥ K).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Scores(ReadOnlySpan<float> vector, Span<float> scores)
    {
        var lanes = Vector<float>.Count;
        var dim = Dim;
        var t = MemoryMarshal.Cast<float, Vector<float>>(_blocked.AsSpan());
        var target = MemoryMarshal.Cast<float, Vector<float>>(scores[..Count]);
        for (var b = 0; b < Count / lanes; b++)
        {
            var block = t.Slice(b * dim, dim);
            Vector<float> a = default;
            for (var d = 0; d < dim; d++)
            {
                a = Simd.MultiplyAdd(new Vector<float>(vector[d]), block[d], a);
            }
            target[b] = a;
        }
    }

    /// <summary>The nearest centroid (largest dot product) of each of <paramref name="n"/> row-major vectors.</summary>
    /// <remarks>
    /// Register-blocked: four vectors against two centroid blocks at a time keep eight accumulators, so each
    /// dimension step is two block loads and four broadcasts for eight FMAs (one block against two vectors was three
    /// loads for two FMAs, and the loads were the limit). Every score is the same sequence of FMAs in every path,
    /// so the answer does not depend on which path a vector took.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Nearest(ReadOnlySpan<float> vectors, int n, Span<int> nearest)
    {
        if (vectors.Length < n * Dim || nearest.Length < n)
        {
            throw new ArgumentException($"Nearest needs {n} vectors of {Dim} floats and room for {n} answers.");
        }
        var i = 0;
        for (; i + 4 <= n; i += 4)
        {
            NearestOfFour(vectors.Slice(i * Dim, 4 * Dim), nearest.Slice(i, 4));
        }
        for (; i < n; i++)
        {
            nearest[i] = NearestOfOne(vectors.Slice(i * Dim, Dim));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void NearestOfFour(ReadOnlySpan<float> four, Span<int> nearest)
    {
        var lanes = Vector<float>.Count;
        var blocks = Count / lanes;
        var dim = Dim;
        var laneIndex = LaneIndices();
        ref var x0 = ref MemoryMarshal.GetReference(four);
        ref var x1 = ref Unsafe.Add(ref x0, dim);
        ref var x2 = ref Unsafe.Add(ref x0, 2 * dim);
        ref var x3 = ref Unsafe.Add(ref x0, 3 * dim);
        ref var centroids = ref Unsafe.As<float, Vector<float>>(ref MemoryMarshal.GetArrayDataReference(_blocked));
        Vector<float> best0 = new(float.NegativeInfinity), best1 = best0, best2 = best0, best3 = best0;
        Vector<int> arg0 = default, arg1 = default, arg2 = default, arg3 = default;
        var b = 0;
        for (; b + 2 <= blocks; b += 2)
        {
            Vector<float> a00 = default, a01 = default, a10 = default, a11 = default;
            Vector<float> a20 = default, a21 = default, a30 = default, a31 = default;
            ref var first = ref Unsafe.Add(ref centroids, b * dim);
            ref var second = ref Unsafe.Add(ref centroids, (b + 1) * dim);
            for (var d = 0; d < dim; d++)
            {
                var c0 = Unsafe.Add(ref first, d);
                var c1 = Unsafe.Add(ref second, d);
                var v = new Vector<float>(Unsafe.Add(ref x0, d));
                a00 = Simd.MultiplyAdd(v, c0, a00);
                a01 = Simd.MultiplyAdd(v, c1, a01);
                v = new Vector<float>(Unsafe.Add(ref x1, d));
                a10 = Simd.MultiplyAdd(v, c0, a10);
                a11 = Simd.MultiplyAdd(v, c1, a11);
                v = new Vector<float>(Unsafe.Add(ref x2, d));
                a20 = Simd.MultiplyAdd(v, c0, a20);
                a21 = Simd.MultiplyAdd(v, c1, a21);
                v = new Vector<float>(Unsafe.Add(ref x3, d));
                a30 = Simd.MultiplyAdd(v, c0, a30);
                a31 = Simd.MultiplyAdd(v, c1, a31);
            }
            var index0 = laneIndex + new Vector<int>(b * lanes);
            var index1 = index0 + new Vector<int>(lanes);
            // The earlier block first: a later one wins only when strictly larger (the lowest index keeps ties).
            Keep(a00, index0, ref best0, ref arg0);
            Keep(a01, index1, ref best0, ref arg0);
            Keep(a10, index0, ref best1, ref arg1);
            Keep(a11, index1, ref best1, ref arg1);
            Keep(a20, index0, ref best2, ref arg2);
            Keep(a21, index1, ref best2, ref arg2);
            Keep(a30, index0, ref best3, ref arg3);
            Keep(a31, index1, ref best3, ref arg3);
        }
        if (b < blocks)
        {
            // An odd block count (a centroid count that is an odd multiple of the lanes).
            Vector<float> a0 = default, a1 = default, a2 = default, a3 = default;
            ref var block = ref Unsafe.Add(ref centroids, b * dim);
            for (var d = 0; d < dim; d++)
            {
                var c = Unsafe.Add(ref block, d);
                a0 = Simd.MultiplyAdd(new Vector<float>(Unsafe.Add(ref x0, d)), c, a0);
                a1 = Simd.MultiplyAdd(new Vector<float>(Unsafe.Add(ref x1, d)), c, a1);
                a2 = Simd.MultiplyAdd(new Vector<float>(Unsafe.Add(ref x2, d)), c, a2);
                a3 = Simd.MultiplyAdd(new Vector<float>(Unsafe.Add(ref x3, d)), c, a3);
            }
            var index = laneIndex + new Vector<int>(b * lanes);
            Keep(a0, index, ref best0, ref arg0);
            Keep(a1, index, ref best1, ref arg1);
            Keep(a2, index, ref best2, ref arg2);
            Keep(a3, index, ref best3, ref arg3);
        }
        nearest[0] = Reduce(best0, arg0);
        nearest[1] = Reduce(best1, arg1);
        nearest[2] = Reduce(best2, arg2);
        nearest[3] = Reduce(best3, arg3);
    }

    private int NearestOfOne(ReadOnlySpan<float> vector)
    {
        Span<float> scores = Count <= 4096 ? stackalloc float[Count] : new float[Count];
        Scores(vector, scores);
        return TensorPrimitives.IndexOfMax(scores);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Keep(Vector<float> scores, Vector<int> index, ref Vector<float> best, ref Vector<int> arg)
    {
        var larger = Vector.GreaterThan(scores, best);
        best = Vector.ConditionalSelect(larger, scores, best);
        arg = Vector.ConditionalSelect(larger, index, arg);
    }

    private static Vector<int> LaneIndices()
    {
        Span<int> lanes = stackalloc int[Vector<int>.Count];
        for (var l = 0; l < lanes.Length; l++)
        {
            lanes[l] = l;
        }
        return new Vector<int>(lanes);
    }

    /// <summary>The lane with the largest value; equal values go to the lowest centroid index, as IndexOfMax would.</summary>
    private static int Reduce(Vector<float> best, Vector<int> arg)
    {
        var value = float.NegativeInfinity;
        var index = int.MaxValue;
        for (var l = 0; l < Vector<float>.Count; l++)
        {
            if (best[l] > value || (best[l] == value && arg[l] < index))
            {
                value = best[l];
                index = arg[l];
            }
        }
        return index;
    }

    /// <summary>
    /// Spherical k-means (dot-product assignment, mean then re-normalize) on a sample of unit vectors: starts from
    /// <paramref name="count"/> distinct sample vectors, runs <paramref name="iterations"/> rounds, and re-seeds an
    /// empty cluster with the sample vector its centroid explains worst. Deterministic for a given seed.
    /// </summary>
    public static Centroids Train(ReadOnlySpan<float> sample, int n, int dim, int count, int iterations = 8, int seed = 17)
    {
        if (n < count)
        {
            throw new ArgumentException($"k-means needs at least {count} sample vectors; got {n}.", nameof(n));
        }
        var random = new Random(seed);
        var rows = new float[count * dim];
        var order = Enumerable.Range(0, n).ToArray();
        random.Shuffle(order);
        for (var c = 0; c < count; c++)
        {
            sample.Slice(order[c] * dim, dim).CopyTo(rows.AsSpan(c * dim, dim));
        }
        var data = sample[..(n * dim)].ToArray();
        var assignment = new int[n];
        for (var round = 0; round < iterations; round++)
        {
            var current = new Centroids(rows, count, dim);
            AssignParallel(current, data, n, assignment);
            var sums = new float[count * dim];
            var sizes = new int[count];
            for (var i = 0; i < n; i++)
            {
                var c = assignment[i];
                sizes[c]++;
                TensorPrimitives.Add(sums.AsSpan(c * dim, dim), data.AsSpan(i * dim, dim), sums.AsSpan(c * dim, dim));
            }
            var next = new float[count * dim];
            var reseed = 0;
            for (var c = 0; c < count; c++)
            {
                var target = next.AsSpan(c * dim, dim);
                if (sizes[c] == 0)
                {
                    // An empty cluster takes a random sample vector; with distinct seeds this is rare.
                    data.AsSpan(order[(count + reseed++) % n] * dim, dim).CopyTo(target);
                    continue;
                }
                var sum = sums.AsSpan(c * dim, dim);
                var norm = TensorPrimitives.Norm(sum);
                if (norm <= 0)
                {
                    rows.AsSpan(c * dim, dim).CopyTo(target);
                    continue;
                }
                TensorPrimitives.Divide(sum, norm, target);
            }
            rows = next;
        }
        return new Centroids(rows, count, dim);
    }

    /// <summary>Nearest centroids of many vectors, split over the cores.</summary>
    public static void AssignParallel(Centroids centroids, float[] vectors, int n, int[] nearest)
    {
        const int Block = 256;
        Parallel.For(0, (n + Block - 1) / Block, b =>
        {
            var start = b * Block;
            var length = Math.Min(Block, n - start);
            centroids.Nearest(vectors.AsSpan(start * centroids.Dim, length * centroids.Dim), length, nearest.AsSpan(start, length));
        });
    }

    /// <summary>
    /// The number of centroids for an index of <paramref name="tokenVectors"/> vectors: a power of two near
    /// 8·√N, between 16 and <paramref name="max"/> (PLAID takes 16·√N; more centroids leave smaller residuals for the
    /// same 2 bytes of id). Each token written costs K dot products, so K is capped where assignment would start to
    /// rival the model's own encoding time (measured: README, "Measuring speed").
    /// </summary>
    public static int CountFor(long tokenVectors, int max = 2048)
    {
        var target = 8 * Math.Sqrt(Math.Max(1, tokenVectors));
        var k = 16;
        while (k * 2 <= target && k * 2 <= max)
        {
            k *= 2;
        }
        return k;
    }
}
