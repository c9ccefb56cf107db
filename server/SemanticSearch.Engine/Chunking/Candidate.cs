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
    /// <summary>
    /// For a structured doc comment (C#'s XML doc), one value per body line before <see cref="DeclarationLine"/>: how
    /// well a part may start there when the doc alone is longer than a part. 0 for a line that starts a top-level
    /// element (<c>&lt;summary&gt;</c>, <c>&lt;param&gt;</c>, <c>&lt;remarks&gt;</c>), its nesting depth for a line that
    /// starts a nested one (<c>&lt;para&gt;</c>, <c>&lt;item&gt;</c>), <see cref="PlainDocLine"/> for text within an
    /// element, <see cref="NoDocBreak"/> where a part must not start: at a closing tag, or right after a line that is
    /// only an opening tag (which would be left alone at the end of the previous part). Null: no doc, or a language
    /// without this structure; its parts are split as any other lines.
    /// </summary>
    public IReadOnlyList<int>? DocBreaks { get; init; }
    public const int PlainDocLine = 100;
    public const int NoDocBreak = int.MaxValue;
    /// <summary>Set for synthetic text (type summaries): the range every part reports.</summary>
    public SourceRange? FixedRange { get; init; }
    /// <summary>Overrides the file's language (fenced code blocks in Markdown).</summary>
    public string? Language { get; init; }
    /// <summary>Most lines one part may hold (top-level code is windowed even when it fits the token limit).</summary>
    public int? MaxLines { get; init; }
}
