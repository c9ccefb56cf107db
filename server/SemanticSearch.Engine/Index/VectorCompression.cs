namespace SemanticSearch.Engine.Index;

/// <summary>
/// When and how an index's token vectors become residual codes (<see cref="ResidualCodec"/>). An index starts
/// with half floats; once it holds enough vectors (<see cref="TrainsNow"/>: early in a first pass of a large
/// workspace) the codec is trained on a sample of them, sized for the whole pass, and the stored vectors are
/// rewritten as codes; every later group is written as codes, reusing the pages the conversion freed. A small index
/// stays uncompressed (k-means needs data, and small is small). The codec then stays; only a rebuild trains a new one.
/// </summary>
/// <param name="Enabled">False keeps half floats (the uncompressed reference, <c>semsearch eval --vectors half</c>).</param>
/// <param name="Bits">Residual bits per dimension (2: 26 bytes per 96-dim vector; measured in README, "Measuring speed").</param>
/// <param name="MaxCentroids">
/// Upper bound on the centroid count (<see cref="Centroids.CountFor"/>). On Python's standard library (262,144
/// sampled): 1,024 centroids left an error of 0.069 on the vectors written after training, 2,048 0.065, 4,096 0.061;
/// but every vector written costs K dot products (12 µs a vector on one core at 4,096, 6.5 at 2,048, 4 at 1,024), and
/// 4,096 made the cold index 12–38% slower, 2,048 about as fast as 1,024 (README, "Measuring speed").
/// </param>
/// <param name="MinTokens">Indexes with fewer vectors stay uncompressed.</param>
/// <param name="SampleTokens">
/// Vectors sampled for training (uniformly over the index), and the most a first pass stores before it trains. Why
/// that many: a file's token vectors resemble each other (its names recur), so what limits the codec on the rest of
/// a workspace is how many files the sample spans, more than how many vectors. On Python's standard library
/// (2.19M vectors) the error on the vectors written after training fell from 0.083 (65,536: about 17 files) to
/// 0.069 at the same 1,024 centroids (README, "Measuring speed"). Training then holds the sample as floats, 100 MB.
/// </param>
public sealed record VectorCompression(bool Enabled = true, int Bits = 2, int MaxCentroids = 2048, long MinTokens = 65_536, int SampleTokens = 262_144, bool PoolTokens = false,
    long DriftMinimumSample = 20_000)
{
    /// <summary>The pool factor a new index records (<see cref="IndexStore.PoolFactor"/>).</summary>
    public int PoolFactor => PoolTokens ? 2 : 1;

    public static VectorCompression Default { get; } = new();

    /// <summary>How an index with <paramref name="codec"/> (or none) holds its vectors, for reports: <c>half</c>, or the codec's bits and centroids.</summary>
    public static string Describe(ResidualCodec? codec) =>
        codec is null ? "half" : $"codes ({codec.Bits}-bit residuals, {codec.Centroids.Count} centroids)";

    public static VectorCompression Off { get; } = new(Enabled: false);

    /// <summary>
    /// Whether a pass that holds <paramref name="tokens"/> vectors of <paramref name="dim"/> dims and expects
    /// <paramref name="expectedTokens"/> by its end trains the codec now. The later the better for the codec (its
    /// sample spans more files), up to the full sample; but the half floats stored until then are freed by the
    /// conversion, and only the codes written after it reuse those pages (LiteDB's file does not shrink). So it trains
    /// once the index holds <see cref="SampleTokens"/>, or earlier, once the half floats stored would fill what the
    /// rest of the pass writes as codes (1/8.4 of the pass at 2 bits), and never below <see cref="MinTokens"/>.
    /// </summary>
    public bool TrainsNow(long tokens, long expectedTokens, int dim)
    {
        var halfBytes = 2L * dim;
        var codeBytes = 2L + (dim * Bits / 8);
        var filled = expectedTokens * codeBytes / (halfBytes + codeBytes);
        return tokens >= MinTokens && tokens >= Math.Min(SampleTokens, filled);
    }

    /// <summary>
    /// Trains and records a codec if the index should have one and lacks it (sized for an index expected to reach
    /// <paramref name="expectedTokens"/> vectors), and converts every chunk still held as half floats (also
    /// finishing a conversion that was interrupted). Returns true when stored vectors changed format, so in-memory
    /// copies must be reloaded.
    /// </summary>
    public bool Apply(IndexStore store, long expectedTokens, CancellationToken cancellationToken = default)
    {
        if (store.Codec is null)
        {
            if (!Enabled || Train(store, expectedTokens) is not { } codec)
            {
                return false;
            }
            store.SetCodec(codec);
        }
        else if (store.CodesComplete)
        {
            return false;
        }
        return store.ConvertToResidual(cancellationToken) > 0;
    }

    /// <summary>
    /// A codec trained on a uniform sample of the stored vectors, with <see cref="Centroids.CountFor"/> centroids
    /// for <paramref name="expectedTokens"/> (at least 32 sample vectors each); null when the index is too small.
    /// </summary>
    public ResidualCodec? Train(IndexStore store, long expectedTokens)
    {
        var dim = store.Info.Dim;
        // One read of the store: count every vector and keep a reservoir sample (Algorithm R: every stored
        // vector is equally likely to be picked) of the half-float ones.
        // The array grows to the sample's size as vectors come (a small index must not take the full sample's 100 MB).
        var capacity = SampleTokens;
        var sample = new float[Math.Min(capacity, 16_384) * dim];
        var random = new Random(29);
        long total = 0;
        long seen = 0;
        foreach (var chunk in store.AllChunks())
        {
            total += chunk.VectorCount;
            if (chunk.Vectors.Format != VectorFormat.Half)
            {
                continue;
            }
            var floats = new float[chunk.VectorCount * dim];
            chunk.Vectors.Decode(chunk.VectorCount, dim, null, floats);
            for (var t = 0; t < chunk.VectorCount; t++, seen++)
            {
                var slot = seen < capacity ? seen : random.NextInt64(seen + 1);
                if (slot < capacity)
                {
                    if ((slot + 1) * dim > sample.Length)
                    {
                        Array.Resize(ref sample, (int)Math.Min((long)capacity * dim, 2L * sample.Length));
                    }
                    floats.AsSpan(t * dim, dim).CopyTo(sample.AsSpan((int)slot * dim, dim));
                }
            }
        }
        if (total < MinTokens)
        {
            return null;
        }
        var n = (int)Math.Min(seen, capacity);
        var centroids = Centroids.CountFor(Math.Max(total, expectedTokens), MaxCentroids);
        while (centroids * 32 > n && centroids > 16)
        {
            centroids /= 2;
        }
        return n < centroids ? null : ResidualCodec.Train(sample, n, dim, centroids, Bits);
    }

    /// <summary>The codec fits new vectors this much worse than the reference (mean 1 − cosine) before a re-train is advised.</summary>
    public const double DriftFactor = 1.5;

    /// <summary>
    /// How well the codec still fits: the mean error of the vectors written lately (a sample: every
    /// <see cref="CodecErrorSample.Every"/>th vector) against a reference, the mean error of the first
    /// <see cref="DriftMinimumSample"/> sampled vectors written after training. A workspace that changed character
    /// (a new language, generated data) has more vectors far from every centroid; past <see cref="DriftFactor"/>
    /// the codes lose more than they did when the index was built, and a rebuild (which re-trains) is advised.
    /// Null without a codec.
    /// <para>
    /// Why that reference and not the codec's error on its own sample: the codec fits the files it was trained on
    /// far better than the rest of the same workspace (server/ of this repository: 0.036 on the training files,
    /// re-encoded, against 0.081 on the others; Python's standard library 0.043 / 0.083; files of the training set
    /// held out of k-means fit as well as the sample), so against the training error every first pass ended with a
    /// rebuild advised, and the rebuild would have trained the same way.
    /// </para>
    /// </summary>
    public CodecDrift? Drift(IndexStore store)
    {
        if (store.Codec is not { } codec)
        {
            return null;
        }
        var (reference, since) = store.CodecErrors;
        double? referenceError = reference.Count >= DriftMinimumSample ? reference.Sum / reference.Count : null;
        var meanSince = since.Count == 0 ? 0 : since.Sum / since.Count;
        var advised = referenceError is { } r && since.Count >= DriftMinimumSample && meanSince > r * DriftFactor;
        return new CodecDrift(codec.TrainingError, referenceError, reference.Count, meanSince, since.Count, advised);
    }
}

/// <summary>
/// The codec's error on its training sample, on the first vectors written after training (the reference, null until
/// it has enough samples) and on those written since (see <see cref="VectorCompression.Drift"/>).
/// </summary>
public sealed record CodecDrift(double TrainingError, double? ReferenceError, long ReferenceSamples, double MeanErrorSince, long Samples, bool RetrainAdvised)
{
    /// <summary>The finding in words; each front end says how it re-trains (SemanticWorkspace.BuildReplacement).</summary>
    public string Describe() =>
        $"The index's vector codec fits the code written lately less well than the code it was built with (mean error {MeanErrorSince:0.000} " +
        $"against {ReferenceError ?? TrainingError:0.000}, {Samples:N0} vectors sampled).";
}

/// <summary>Sums 1 − cosine between written vectors and their codes, for every <see cref="Every"/>th vector; thread-safe.</summary>
public sealed class CodecErrorSample
{
    public const int Every = 8;

    private readonly object _gate = new();
    private double _sum;
    private long _count;

    public (double Sum, long Count) Totals
    {
        get
        {
            lock (_gate)
            {
                return (_sum, _count);
            }
        }
    }

    public void Add(ResidualCodec codec, Models.TokenVectors vectors, VectorBlob codes)
    {
        if (codes.Format != VectorFormat.Residual)
        {
            return;
        }
        var scratch = new float[codec.Dim];
        double sum = 0;
        long count = 0;
        for (var t = 0; t < vectors.Count; t += Every)
        {
            sum += codec.ErrorOf(vectors.Row(t), codes.Bytes.Span.Slice(t * codec.BytesPerVector, codec.BytesPerVector), scratch);
            count++;
        }
        lock (_gate)
        {
            _sum += sum;
            _count += count;
        }
    }
}
