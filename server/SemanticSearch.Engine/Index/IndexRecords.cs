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
/// <param name="Vectors">Token vectors as IEEE half floats, row-major, <c>VectorCount x Dim</c>.</param>
/// <param name="TokenStarts">Per vector: character offset in <see cref="Chunk.Text"/>, or -1 when the token came
/// from the encoding header or is a special token.</param>
/// <param name="TokenLengths">Per vector: character length of the token in <see cref="Chunk.Text"/>.</param>
public sealed record StoredChunk(
    Chunk Chunk,
    string EncodingHash,
    int VectorCount,
    Half[] Vectors,
    int[] TokenStarts,
    int[] TokenLengths);

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
