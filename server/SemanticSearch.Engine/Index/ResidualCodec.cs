using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SemanticSearch.Engine.Index;

/// <summary>
/// Compressed token vectors (ColBERTv2 / PLAID's residual compression): a vector is stored as the id of its nearest
/// centroid plus, per dimension, which of 2^bits buckets its residual (vector − centroid) falls in. Why: the token
/// vectors are the index (a chunk has ~80 of them); as half floats a 96-dim vector takes 192 bytes, as a code
/// 2 + 96·bits/8 bytes (26 at 2 bits), and the code's centroid id is also what candidate generation looks up.
/// Buckets are per dimension: the cut-offs are the residual's quantiles on the training sample and each bucket
/// decodes to its median, so every bucket is used equally often and the error is smallest where residuals are
/// dense. One code, little-endian: <c>ushort centroid</c>, then the residual, dimension d at bit (d·bits) mod 8 of
/// byte (d·bits)/8.
/// </summary>
public sealed class ResidualCodec
{
    /// <summary>Bump when the serialized layout or the code layout changes; another version is never misread.</summary>
    public const int FormatVersion = 1;

    private const uint Magic = 0x43525353; // "SSRC"

    private readonly float[] _cutoffs; // dim × (levels − 1), ascending per dimension
    private readonly float[] _values;  // dim × levels: what each bucket decodes to
    private readonly float[] _table;   // residual byte position × 256 × dims per byte: decode without bit twiddling

    private ResidualCodec(Centroids centroids, int bits, float[] cutoffs, float[] values, float trainingError)
    {
        if (bits is not (1 or 2 or 4 or 8) || centroids.Dim * bits % 8 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bits), bits, $"Residual bits must be 1, 2, 4 or 8 and fill whole bytes over {centroids.Dim} dims.");
        }
        Centroids = centroids;
        Bits = bits;
        _cutoffs = cutoffs;
        _values = values;
        TrainingError = trainingError;
        var perByte = 8 / bits;
        var mask = Levels - 1;
        _table = new float[ResidualBytes * 256 * perByte];
        for (var p = 0; p < ResidualBytes; p++)
        {
            for (var b = 0; b < 256; b++)
            {
                for (var j = 0; j < perByte; j++)
                {
                    var d = (p * perByte) + j;
                    _table[(((p * 256) + b) * perByte) + j] = values[(d * Levels) + ((b >> (j * bits)) & mask)];
                }
            }
        }
    }

    /// <summary>Sample vectors per centroid that k-means trains on.</summary>
    public const int KMeansPerCentroid = 40;

    /// <summary>Sample vectors the residual quantiles (and the training error) are taken from, at most.</summary>
    public const int QuantileSample = 65_536;

    /// <summary>k-means rounds (assignment, then mean).</summary>
    public const int KMeansRounds = 6;

    public Centroids Centroids { get; }
    public int Bits { get; }
    public int Dim => Centroids.Dim;
    public int Levels => 1 << Bits;
    public int ResidualBytes => Dim * Bits / 8;

    /// <summary>Bytes of one encoded token vector: the centroid id and the packed residual.</summary>
    public int BytesPerVector => 2 + ResidualBytes;

    /// <summary>
    /// Mean 1 − cosine between a training vector and its decoded code. The index records it, so a later sample
    /// whose error drifts well past it (the workspace changed character) can call for re-training.
    /// </summary>
    public float TrainingError { get; }

    /// <summary>
    /// Trains a codec on <paramref name="n"/> unit vectors: k-means for the centroids
    /// (<see cref="Centroids.Train"/>), then per-dimension residual quantiles.
    /// </summary>
    public static ResidualCodec Train(float[] sample, int n, int dim, int centroidCount, int bits, int seed = 17)
    {
        // k-means on the first KMeansPerCentroid × K of the sample (more moves the centroids little and costs K dot
        // products per vector per round), the residual statistics on all of it. A sample that is not full yet holds
        // the stored vectors in order: for a workspace, IndexingOrder's codec sample comes first, in random order.
        // (Shuffling it changed the CoSQA dev MRR@10 of the model by -0.006, within a re-training's variation.)
        var centroids = Centroids.Train(sample, Math.Min(n, Math.Max(centroidCount, KMeansPerCentroid * centroidCount)), dim, centroidCount, iterations: KMeansRounds, seed: seed);
        // The residual statistics on at most QuantileSample vectors, every (n / QuantileSample)th, so they span the
        // whole sample: per-dimension quantiles need no more, and the residual columns of a full sample would double
        // the memory training takes (262,144 vectors: 100 MB more).
        var stride = Math.Max(1, n / QuantileSample);
        var rows = (n + stride - 1) / stride;
        var quantileSample = new float[rows * dim];
        for (var i = 0; i < rows; i++)
        {
            sample.AsSpan(i * stride * dim, dim).CopyTo(quantileSample.AsSpan(i * dim, dim));
        }
        var nearest = new int[rows];
        Centroids.AssignParallel(centroids, quantileSample, rows, nearest);
        var levels = 1 << bits;
        var cutoffs = new float[dim * (levels - 1)];
        var values = new float[dim * levels];
        // The residuals dimension-major (one pass over the sample), then each dimension's quantiles selected from
        // its own column (OrderStatistics: the values a sort would put there), the dimensions spread over the cores.
        var columns = new float[dim * rows];
        for (var i = 0; i < rows; i++)
        {
            var row = quantileSample.AsSpan(i * dim, dim);
            var centroid = centroids.Row(nearest[i]);
            for (var d = 0; d < dim; d++)
            {
                columns[(d * rows) + i] = row[d] - centroid[d];
            }
        }
        // Rank of each bucket's decoded value (its median) and of each cut-off (its lower edge), ascending.
        var valueRanks = new int[levels];
        var cutoffRanks = new int[levels - 1];
        for (var l = 0; l < levels; l++)
        {
            valueRanks[l] = Math.Min(rows - 1, (int)((l + 0.5) * rows / levels));
            if (l > 0)
            {
                cutoffRanks[l - 1] = Math.Min(rows - 1, l * rows / levels);
            }
        }
        var ranks = valueRanks.Concat(cutoffRanks).Order().ToArray();
        Parallel.For(0, dim, d =>
        {
            var column = columns.AsSpan(d * rows, rows);
            OrderStatistics.Select(column, ranks);
            for (var l = 0; l < levels; l++)
            {
                values[(d * levels) + l] = column[valueRanks[l]];
                if (l > 0)
                {
                    cutoffs[(d * (levels - 1)) + l - 1] = column[cutoffRanks[l - 1]];
                }
            }
        });
        var untested = new ResidualCodec(centroids, bits, cutoffs, values, 0);
        return new ResidualCodec(centroids, bits, cutoffs, values, untested.MeanError(quantileSample, rows));
    }

    /// <summary>Mean 1 − cosine of <paramref name="n"/> vectors against their decoded codes.</summary>
    public float MeanError(float[] vectors, int n)
    {
        if (n == 0)
        {
            return 0;
        }
        // In blocks over the cores; each block's sum is added in block order, so the result does not depend on timing.
        const int Block = 1024;
        var sums = new double[(n + Block - 1) / Block];
        Parallel.For(0, sums.Length, b =>
        {
            var start = b * Block;
            var count = Math.Min(Block, n - start);
            var codes = new byte[count * BytesPerVector];
            Encode(vectors.AsSpan(start * Dim, count * Dim), count, codes);
            var scratch = new float[Dim];
            double sum = 0;
            for (var i = 0; i < count; i++)
            {
                sum += ErrorOf(vectors.AsSpan((start + i) * Dim, Dim), codes.AsSpan(i * BytesPerVector, BytesPerVector), scratch);
            }
            sums[b] = sum;
        });
        double total = 0;
        foreach (var sum in sums)
        {
            total += sum;
        }
        return (float)(total / n);
    }

    /// <summary>
    /// The codec's error on one vector: 1 − cosine between <paramref name="vector"/> and its <paramref name="code"/>
    /// decoded into <paramref name="scratch"/> (≥ dim). The one definition behind the training error and drift.
    /// </summary>
    public double ErrorOf(ReadOnlySpan<float> vector, ReadOnlySpan<byte> code, Span<float> scratch)
    {
        Decode(code, 1, scratch);
        return 1 - TensorPrimitives.CosineSimilarity(vector, scratch[..Dim]);
    }

    /// <summary>Encodes <paramref name="n"/> row-major vectors into <paramref name="codes"/> (n × <see cref="BytesPerVector"/>).</summary>
    public void Encode(ReadOnlySpan<float> vectors, int n, Span<byte> codes)
    {
        var dim = Dim;
        var nearest = n <= 1024 ? stackalloc int[n] : new int[n];
        Centroids.Nearest(vectors, n, nearest);
        var cut = Levels - 1;
        var perByte = 8 / Bits;
        for (var i = 0; i < n; i++)
        {
            var code = codes.Slice(i * BytesPerVector, BytesPerVector);
            BinaryPrimitives.WriteUInt16LittleEndian(code, (ushort)nearest[i]);
            var v = vectors.Slice(i * dim, dim);
            var c = Centroids.Row(nearest[i]);
            for (var p = 0; p < ResidualBytes; p++)
            {
                var packed = 0;
                for (var j = 0; j < perByte; j++)
                {
                    var d = (p * perByte) + j;
                    var residual = v[d] - c[d];
                    var cutoffs = _cutoffs.AsSpan(d * cut, cut);
                    var bucket = 0;
                    while (bucket < cut && residual >= cutoffs[bucket])
                    {
                        bucket++;
                    }
                    packed |= bucket << (j * Bits);
                }
                code[2 + p] = (byte)packed;
            }
        }
    }

    /// <summary>The centroid id of the <paramref name="index"/>-th code in <paramref name="codes"/>.</summary>
    public int CentroidOf(ReadOnlySpan<byte> codes, int index) =>
        BinaryPrimitives.ReadUInt16LittleEndian(codes[(index * BytesPerVector)..]);

    /// <summary>Decodes <paramref name="n"/> codes into row-major vectors (not re-normalized: the error stays visible).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Decode(ReadOnlySpan<byte> codes, int n, Span<float> vectors)
    {
        var dim = Dim;
        var perByte = 8 / Bits;
        var table = _table.AsSpan();
        if (perByte == 4 && Vector128.IsHardwareAccelerated)
        {
            // 2 bits: each residual byte is four dimensions, one 128-bit lane of table values plus the centroid's.
            var rows = Centroids.Rows.AsSpan();
            for (var i = 0; i < n; i++)
            {
                var code = codes.Slice(i * BytesPerVector, BytesPerVector);
                ref var target = ref MemoryMarshal.GetReference(vectors.Slice(i * dim, dim));
                ref var centroid = ref MemoryMarshal.GetReference(rows.Slice(BinaryPrimitives.ReadUInt16LittleEndian(code) * dim, dim));
                ref var values = ref MemoryMarshal.GetReference(table);
                for (var p = 0; p < ResidualBytes; p++)
                {
                    var sum = Vector128.LoadUnsafe(ref values, (nuint)(((p * 256) + code[2 + p]) * 4))
                        + Vector128.LoadUnsafe(ref centroid, (nuint)(p * 4));
                    sum.StoreUnsafe(ref target, (nuint)(p * 4));
                }
            }
            return;
        }
        for (var i = 0; i < n; i++)
        {
            var code = codes.Slice(i * BytesPerVector, BytesPerVector);
            var target = vectors.Slice(i * dim, dim);
            for (var p = 0; p < ResidualBytes; p++)
            {
                table.Slice(((p * 256) + code[2 + p]) * perByte, perByte).CopyTo(target.Slice(p * perByte, perByte));
            }
            TensorPrimitives.Add(target, Centroids.Row(BinaryPrimitives.ReadUInt16LittleEndian(code)), target);
        }
    }

    /// <summary>The codec as bytes, for the index header (little-endian; <see cref="FormatVersion"/> first after the magic).</summary>
    public byte[] ToBytes()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(Dim);
            writer.Write(Bits);
            writer.Write(Centroids.Count);
            writer.Write(TrainingError);
            foreach (var f in Centroids.Rows)
            {
                writer.Write(f);
            }
            foreach (var f in _cutoffs)
            {
                writer.Write(f);
            }
            foreach (var f in _values)
            {
                writer.Write(f);
            }
        }
        return stream.ToArray();
    }

    /// <summary>Reads <see cref="ToBytes"/>; anything else (another version, a truncated blob) is an <see cref="InvalidDataException"/>.</summary>
    public static ResidualCodec FromBytes(byte[] bytes)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes));
            if (reader.ReadUInt32() != Magic)
            {
                throw new InvalidDataException("not a residual codec");
            }
            var version = reader.ReadInt32();
            if (version != FormatVersion)
            {
                throw new InvalidDataException($"residual codec version {version}, this build reads {FormatVersion}");
            }
            var dim = reader.ReadInt32();
            var bits = reader.ReadInt32();
            var count = reader.ReadInt32();
            var error = reader.ReadSingle();
            var levels = 1 << bits;
            var rows = ReadFloats(reader, count * dim);
            var cutoffs = ReadFloats(reader, dim * (levels - 1));
            var values = ReadFloats(reader, dim * levels);
            if (reader.BaseStream.Position != bytes.Length)
            {
                throw new InvalidDataException("trailing bytes after the residual codec");
            }
            return new ResidualCodec(new Centroids(rows, count, dim), bits, cutoffs, values, error);
        }
        catch (Exception ex) when (ex is EndOfStreamException or ArgumentException)
        {
            throw new InvalidDataException($"residual codec is damaged ({ex.Message})", ex);
        }
    }

    private static float[] ReadFloats(BinaryReader reader, int count)
    {
        var result = new float[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = reader.ReadSingle();
        }
        return result;
    }
}
