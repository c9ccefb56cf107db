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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Nearest(ReadOnlySpan<float> vectors, int n, Span<int> nearest)
    {
        var lanes = Vector<float>.Count;
        var blocks = Count / lanes;
        var t = MemoryMarshal.Cast<float, Vector<float>>(_blocked.AsSpan());
        var dim = Dim;
        var laneIndex = LaneIndices();
        var i = 0;
        // Two vectors at a time share every load of a centroid block.
        for (; i + 2 <= n; i += 2)
        {
            var x0 = vectors.Slice(i * dim, dim);
            var x1 = vectors.Slice((i + 1) * dim, dim);
            Vector<float> best0 = new(float.NegativeInfinity), best1 = best0;
            Vector<int> arg0 = default, arg1 = default;
            for (var b = 0; b < blocks; b++)
            {
                Vector<float> a0 = default, a1 = default;
                var block = t.Slice(b * dim, dim);
                for (var d = 0; d < dim; d++)
                {
                    var c = block[d];
                    a0 = Simd.MultiplyAdd(new Vector<float>(x0[d]), c, a0);
                    a1 = Simd.MultiplyAdd(new Vector<float>(x1[d]), c, a1);
                }
                var index = laneIndex + new Vector<int>(b * lanes);
                var m0 = Vector.GreaterThan(a0, best0);
                var m1 = Vector.GreaterThan(a1, best1);
                best0 = Vector.ConditionalSelect(m0, a0, best0);
                best1 = Vector.ConditionalSelect(m1, a1, best1);
                arg0 = Vector.ConditionalSelect(m0, index, arg0);
                arg1 = Vector.ConditionalSelect(m1, index, arg1);
            }
            nearest[i] = Reduce(best0, arg0);
            nearest[i + 1] = Reduce(best1, arg1);
        }
        if (i < n)
        {
            Span<float> scores = Count <= 4096 ? stackalloc float[Count] : new float[Count];
            Scores(vectors.Slice(i * dim, dim), scores);
            nearest[i] = TensorPrimitives.IndexOfMax(scores);
        }
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
    /// 2·√N, between 16 and <paramref name="max"/>. Each token written costs K dot products, so K is capped where
    /// assignment would start to rival the model's own encoding time (measured: README, "Measuring speed").
    /// </summary>
    public static int CountFor(long tokenVectors, int max = 1024)
    {
        var target = 2 * Math.Sqrt(Math.Max(1, tokenVectors));
        var k = 16;
        while (k * 2 <= target && k * 2 <= max)
        {
            k *= 2;
        }
        return k;
    }
}
