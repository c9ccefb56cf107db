using System.Numerics.Tensors;
using SemanticSearch.Engine.Index;
using SemanticSearch.Engine.Models;
using SemanticSearch.Engine.Search;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Engine.Tests.Index;

/// <summary>
/// The residual codec on real token vectors: the default model's encoding of this repository's own search code.
/// The bounds are the point of compression (scores barely move), measured with margin.
/// </summary>
public sealed class ResidualCodecTests
{
    private static readonly Lazy<(float[] Vectors, int Count, int Dim, List<TokenVectors> Documents, List<TokenVectors> Queries)> Real = new(() =>
    {
        using var model = EmbeddingModel.Open(RepoPaths.DefaultModelFolder, new EncoderOptions(ExecutionProvider.Cpu));
        var folder = Path.Combine(RepoPaths.Root, "server", "SemanticSearch.Engine", "Search");
        // Method-sized pieces of real code: every 30 lines of each file.
        var texts = Directory.EnumerateFiles(folder, "*.cs").OrderBy(f => f, StringComparer.Ordinal)
            .SelectMany(f => File.ReadAllLines(f).Chunk(30).Select(lines => string.Join('\n', lines)))
            .Where(t => t.Trim().Length > 0)
            .ToList();
        var documents = model.EncodeDocuments(texts).ToList();
        var dim = model.Dimension;
        var count = documents.Sum(d => d.Count);
        var all = new float[count * dim];
        var at = 0;
        foreach (var d in documents)
        {
            d.Data.CopyTo(all, at);
            at += d.Data.Length;
        }
        var queries = new[] { "sort results by score", "split identifiers on camel case", "parse a glob pattern", "normalize the semantic score" }
            .Select(model.EncodeQuery).ToList();
        return (all, count, dim, documents, queries);
    });

    [Theory]
    [InlineData(2, 0.07, 0.03)]
    [InlineData(4, 0.015, 0.012)]
    public void Round_trip_error_and_maxsim_scores_stay_within_bounds(int bits, double maxMeanError, double maxMeanScoreError)
    {
        var (vectors, count, dim, documents, queries) = Real.Value;
        Assert.True(count > 4000, $"only {count} token vectors");
        var codec = ResidualCodec.Train(vectors, count, dim, 64, bits);
        Assert.Equal(2 + (dim * bits / 8), codec.BytesPerVector);

        var error = codec.MeanError(vectors, count);
        Assert.InRange(error, 0, maxMeanError);
        Assert.Equal(error, codec.TrainingError, 3);

        // What matters for search: MaxSim (mean best cosine per query vector) of each query against each document.
        // Measured at 64 centroids: mean |error| 0.022 at 2 bits, 0.008 at 4 (more centroids: less).
        var total = 0.0;
        var pairs = 0;
        foreach (var query in queries)
        {
            var matrix = new QueryMatrix(query.Data, query.Count, dim);
            foreach (var doc in documents)
            {
                var codes = new byte[doc.Count * codec.BytesPerVector];
                codec.Encode(doc.Data, doc.Count, codes);
                var decoded = new float[doc.Count * dim];
                codec.Decode(codes, doc.Count, decoded);
                var exact = matrix.Score(doc.Data, doc.Count) / query.Count;
                var approximate = matrix.Score(decoded, doc.Count) / query.Count;
                total += Math.Abs(exact - approximate);
                pairs++;
            }
        }
        Assert.InRange(total / pairs, 0, maxMeanScoreError);
    }

    [Fact]
    public void A_sample_past_the_quantile_sample_takes_its_statistics_from_vectors_spread_over_all_of_it()
    {
        var (vectors, count, dim, _, _) = Real.Value;
        // The real vectors, then copies of them rotated by more dimensions each, until the sample holds more than QuantileSample:
        // every (n / QuantileSample)th vector then feeds the quantiles and the training error.
        var copies = (ResidualCodec.QuantileSample / count) + 2;
        var n = copies * count;
        var sample = new float[n * dim];
        for (var c = 0; c < copies; c++)
        {
            for (var i = 0; i < count; i++)
            {
                var source = vectors.AsSpan(i * dim, dim);
                var target = sample.AsSpan(((c * count) + i) * dim, dim);
                var shift = c * dim / copies;
                source[shift..].CopyTo(target);
                source[..shift].CopyTo(target[(dim - shift)..]);
            }
        }
        var codec = ResidualCodec.Train(sample, n, dim, 64, 2);
        var error = codec.MeanError(sample, n);
        Assert.Equal(error, codec.TrainingError, 2); // the strided vectors stand for the whole sample
        // The copies' residuals differ by dimension, so quantiles taken from the first copies would fit the rest worse
        // (measured: 0.0993 against 0.1014).
        var firstPart = ResidualCodec.Train(sample, Math.Min(n, ResidualCodec.QuantileSample), dim, 64, 2);
        Assert.True(error < firstPart.MeanError(sample, n) - 0.001, $"{error} vs {firstPart.MeanError(sample, n)}");
    }

    [Fact]
    public void More_bits_mean_less_error()
    {
        var (vectors, count, dim, _, _) = Real.Value;
        var errors = new[] { 1, 2, 4 }.Select(bits => ResidualCodec.Train(vectors, count, dim, 64, bits).TrainingError).ToList();
        Assert.True(errors[0] > errors[1] && errors[1] > errors[2], string.Join(", ", errors));
    }

    [Fact]
    public void Serialized_codec_decodes_identically_and_damage_is_reported()
    {
        var (vectors, count, dim, _, _) = Real.Value;
        var codec = ResidualCodec.Train(vectors, count, dim, 32, 2);
        var bytes = codec.ToBytes();
        var copy = ResidualCodec.FromBytes(bytes);
        var n = 100;
        var codes = new byte[n * codec.BytesPerVector];
        codec.Encode(vectors, n, codes);
        var codesOfCopy = new byte[codes.Length];
        copy.Encode(vectors, n, codesOfCopy);
        Assert.Equal(codes, codesOfCopy);
        var a = new float[n * dim];
        var b = new float[n * dim];
        codec.Decode(codes, n, a);
        copy.Decode(codes, n, b);
        Assert.Equal(a, b);
        Assert.Equal(codec.TrainingError, copy.TrainingError);

        Assert.Throws<InvalidDataException>(() => ResidualCodec.FromBytes(bytes[..(bytes.Length / 2)]));
        var otherVersion = (byte[])bytes.Clone();
        otherVersion[4] = 99; // the version follows the 4-byte magic
        Assert.Contains("version 99", Assert.Throws<InvalidDataException>(() => ResidualCodec.FromBytes(otherVersion)).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => ResidualCodec.FromBytes([1, 2, 3, 4, 5, 6, 7, 8]));
    }

    [Theory]
    [InlineData(48, 777)] // an even block count; four at a time, then one left
    [InlineData(40, 779)] // an odd block count (5 × 8 lanes); three left
    [InlineData(16, 6)]   // two left, fewer vectors than centroids
    public void Nearest_centroid_kernel_agrees_with_brute_force(int count, int n)
    {
        var (vectors, _, dim, _, _) = Real.Value;
        count = Math.Max(count / System.Numerics.Vector<float>.Count, 1) * System.Numerics.Vector<float>.Count;
        var centroids = Centroids.Train(vectors, 3000, dim, count, iterations: 3);
        var nearest = new int[n];
        centroids.Nearest(vectors.AsSpan(0, n * dim), n, nearest);
        var scores = new float[centroids.Count];
        for (var i = 0; i < n; i++)
        {
            centroids.Scores(vectors.AsSpan(i * dim, dim), scores);
            var expected = 0;
            for (var c = 1; c < centroids.Count; c++)
            {
                if (TensorPrimitives.Dot(vectors.AsSpan(i * dim, dim), centroids.Row(c)) > TensorPrimitives.Dot(vectors.AsSpan(i * dim, dim), centroids.Row(expected)))
                {
                    expected = c;
                }
            }
            // Every path of the kernel computes a score the same way as Scores, so the answer is exactly its arg-max.
            Assert.Equal(TensorPrimitives.IndexOfMax(scores.AsSpan(0, centroids.Count)), nearest[i]);
            Assert.True(Math.Abs(scores[nearest[i]] - scores[expected]) < 1e-5,
                $"vector {i}: kernel {nearest[i]} ({scores[nearest[i]]}), brute force {expected} ({scores[expected]})");
            for (var c = 0; c < centroids.Count; c++)
            {
                var dot = TensorPrimitives.Dot(vectors.AsSpan(i * dim, dim), centroids.Row(c));
                Assert.True(Math.Abs(dot - scores[c]) < 1e-5, $"vector {i}, centroid {c}: kernel {scores[c]}, dot {dot}");
            }
        }
    }

    [Fact]
    public void Centroid_count_grows_with_the_index_and_is_capped()
    {
        Assert.Equal(16, Centroids.CountFor(10));
        Assert.Equal(512, Centroids.CountFor(5_000));       // 8·√5000 = 566
        Assert.Equal(1024, Centroids.CountFor(20_000));     // 1131
        Assert.Equal(2048, Centroids.CountFor(800_000));    // 7155, capped
        Assert.Equal(4096, Centroids.CountFor(8_000_000, max: 4096));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Centroids(new float[10 * 4], 10, 4)); // not a multiple of the lanes
    }
}
