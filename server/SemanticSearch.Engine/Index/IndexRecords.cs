using SemanticSearch.Engine.Chunking;
using SemanticSearch.Engine.Workspace;

namespace SemanticSearch.Engine.Index;

/// <summary>
/// What the index remembers about one workspace file. The (Size, LastWriteTicks) pair is the cheap change check;
/// <see cref="ContentHash"/> is the expensive one, used only when the cheap one says "maybe changed".
/// </summary>
public sealed record FileRecord(
    string Path,
    long Size,
    long LastWriteTicks,
    string ContentHash,
    string Language,
    IReadOnlyList<string> ChunkIds,
    SkipReason? Skipped = null,
    string? SkipDetail = null);

/// <summary>
/// A chunk as stored: its metadata, its source text, and its token vectors.
/// </summary>
/// <param name="EncodingHash">Hash of the exact text the model encoded (header + chunk text); equal hash under the
/// same model identity means the stored vectors can be reused without re-encoding.</param>
/// <param name="Vectors">The token vectors, <c>VectorCount</c> of them: half floats or residual codes.</param>
/// <param name="TokenStarts">Per vector: character offset in <see cref="Chunk.Text"/>, or -1 when the token came
/// from the encoding header or is a special token.</param>
/// <param name="TokenLengths">Per vector: character length of the token in <see cref="Chunk.Text"/>.</param>
public sealed record StoredChunk(
    Chunk Chunk,
    string EncodingHash,
    int VectorCount,
    VectorBlob Vectors,
    int[] TokenStarts,
    int[] TokenLengths);

/// <summary>How a chunk's token vectors are stored.</summary>
public enum VectorFormat
{
    /// <summary>IEEE half floats, row-major <c>count × dim</c>: what the encoder gives, before the index has a codec.</summary>
    Half,

    /// <summary>One <see cref="ResidualCodec"/> code per vector (<c>count × BytesPerVector</c>), with the index's codec.</summary>
    Residual,
}

/// <summary>
/// A chunk's token vectors as stored, in one of the <see cref="VectorFormat"/>s. An index holds half floats until
/// its codec is trained, then codes; a chunk written in between keeps its format until it is converted, so both
/// can meet in one index and every reader asks the blob. The bytes are an array, or a slice of the memory-mapped
/// codes file (<see cref="CodesFile"/>).
/// </summary>
public sealed record VectorBlob(VectorFormat Format, ReadOnlyMemory<byte> Bytes)
{
    public static VectorBlob FromFloats(ReadOnlySpan<float> vectors)
    {
        var half = new Half[vectors.Length];
        System.Numerics.Tensors.TensorPrimitives.ConvertToHalf(vectors, half);
        return new VectorBlob(VectorFormat.Half, System.Runtime.InteropServices.MemoryMarshal.AsBytes(half.AsSpan()).ToArray());
    }

    /// <summary>The half floats of a <see cref="VectorFormat.Half"/> blob.</summary>
    public ReadOnlySpan<Half> Halves => Format == VectorFormat.Half
        ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(Bytes.Span)
        : throw new InvalidOperationException("These vectors are residual codes, not half floats.");

    /// <summary>
    /// The <paramref name="count"/> vectors as floats into <paramref name="destination"/> (≥ count × dim); codes
    /// need the index's <paramref name="codec"/>.
    /// </summary>
    public void Decode(int count, int dim, ResidualCodec? codec, Span<float> destination)
    {
        if (Format == VectorFormat.Half)
        {
            System.Numerics.Tensors.TensorPrimitives.ConvertToSingle(Halves[..(count * dim)], destination[..(count * dim)]);
            return;
        }
        if (codec is null)
        {
            throw new InvalidOperationException("Residual codes cannot be read without the index's codec.");
        }
        codec.Decode(Bytes.Span, count, destination);
    }

    /// <summary><paramref name="count"/> row-major float vectors as a <see cref="VectorFormat.Residual"/> blob.</summary>
    public static VectorBlob FromFloats(ReadOnlySpan<float> vectors, int count, ResidualCodec codec)
    {
        var codes = new byte[count * codec.BytesPerVector];
        codec.Encode(vectors, count, codes);
        return new VectorBlob(VectorFormat.Residual, codes);
    }

    /// <summary>Encodes half floats as codes (a <see cref="VectorFormat.Residual"/> blob stays as it is).</summary>
    public VectorBlob ToResidual(int count, ResidualCodec codec)
    {
        if (Format == VectorFormat.Residual)
        {
            return this;
        }
        var floats = new float[count * codec.Dim];
        Decode(count, codec.Dim, null, floats);
        return FromFloats(floats, count, codec);
    }
}

/// <summary>The header record of an index file.</summary>
public sealed record IndexInfo(
    int SchemaVersion,
    string ModelKey,
    string ModelName,
    int Dim,
    string Root,
    DateTime CreatedUtc,
    DateTime? LastCompletedUtc,
    int FileCount,
    int ChunkCount);
