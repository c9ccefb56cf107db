namespace SemanticSearch.Engine.Chunking;

/// <summary>
/// A chunk before the length limit is applied: what it is, its lines, and the header to repeat in later parts.
/// Every language chunker produces these; <see cref="ChunkEmitter"/> turns them into <see cref="Chunk"/>s.
/// </summary>
internal sealed record Candidate
{
    public required ChunkKind Kind { get; init; }
    public string? Symbol { get; init; }
    public string? Container { get; init; }
    public string? Signature { get; init; }
    public string? Documentation { get; init; }
    /// <summary>Tells overloads, partial parts and repeated headings apart in the id.</summary>
    public string? Discriminator { get; init; }
    public required List<Segment> Body { get; init; }
    /// <summary>
    /// Repeated at the top of every part that does not hold the declaration itself (usually the signature), so parts
    /// stay self-describing.
    /// </summary>
    public string? Header { get; init; }
    /// <summary>
    /// Index in <see cref="Body"/> of the line where the declaration starts, after the doc comment or other comment
    /// lines above it (0 when there are none). A later part never reaches back before it: overlap into the doc comment
    /// would start the part inside the XML doc and, followed by the declaration line, show the header twice.
    /// </summary>
    public int DeclarationLine { get; init; }
    /// <summary>Set for synthetic text (type summaries): the range every part reports.</summary>
    public SourceRange? FixedRange { get; init; }
    /// <summary>Overrides the file's language (fenced code blocks in Markdown).</summary>
    public string? Language { get; init; }
    /// <summary>Most lines one part may hold (top-level code is windowed even when it fits the token limit).</summary>
    public int? MaxLines { get; init; }
}
