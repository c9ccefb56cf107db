namespace SemanticSearch.Engine.Models;

/// <summary>
/// The multi-vector encoding of one text: <see cref="Count"/> L2-normalized vectors of <see cref="Dim"/> floats,
/// row-major in <see cref="Data"/>. For documents, <see cref="TokenStarts"/>/<see cref="TokenLengths"/> give each
/// kept vector's character span in the encoded text (-1/0 for special tokens), which powers "why it matched".
/// A dense model produces exactly one vector.
/// </summary>
public sealed class TokenVectors
{
    public TokenVectors(float[] data, int count, int dim, int[]? tokenStarts = null, int[]? tokenLengths = null)
    {
        if (data.Length != count * dim)
        {
            throw new ArgumentException($"Vector data holds {data.Length} floats; expected {count} x {dim}.", nameof(data));
        }
        if (tokenStarts is not null && (tokenStarts.Length != count || tokenLengths is null || tokenLengths.Length != count))
        {
            throw new ArgumentException("Token spans must have one entry per vector.", nameof(tokenStarts));
        }
        Data = data;
        Count = count;
        Dim = dim;
        TokenStarts = tokenStarts ?? [];
        TokenLengths = tokenLengths ?? [];
    }

    public float[] Data { get; }
    public int Count { get; }
    public int Dim { get; }
    public int[] TokenStarts { get; }
    public int[] TokenLengths { get; }

    public ReadOnlySpan<float> Row(int i) => Data.AsSpan(i * Dim, Dim);
}

/// <summary>
/// Who produced the vectors in an index. Two encoders with the same key produce the same vectors for the same
/// text; an index refuses to mix vectors from different keys.
/// </summary>
/// <param name="Name">Model name from the manifest.</param>
/// <param name="WeightsHash">Hash of the ONNX file (and any external projection weights).</param>
/// <param name="SettingsHash">Hash of everything that changes the vectors besides weights: tokenizer files and
/// processing settings (markers, lengths, skiplist, pooling, normalization).</param>
public sealed record ModelIdentity(string Name, string WeightsHash, string SettingsHash)
{
    public string Key => $"{Name}@{WeightsHash}/{SettingsHash}";
}

/// <summary>How to run the model.</summary>
/// <param name="ExecutionProvider">auto, cpu, cuda or directml. An unavailable provider falls back to CPU with one clear message.</param>
/// <param name="Threads">Intra-op threads; 0 lets ONNX Runtime decide.</param>
/// <param name="MaxBatchSize">Documents per ONNX run (batches are formed from length-sorted inputs).</param>
/// <param name="Log">Where one-off notices (provider fallback) go; null discards them.</param>
public sealed record EncoderOptions(ExecutionProvider ExecutionProvider = ExecutionProvider.Auto, int Threads = 0, int MaxBatchSize = 16, Action<string>? Log = null);
