using SemanticSearch.Engine.Common;

namespace SemanticSearch.Engine.Chunking;

/// <summary>What a chunk stands for. Persisted by name in the index, so only append.</summary>
public enum ChunkKind
{
    /// <summary>Type-level summary: declaration plus member signatures.</summary>
    Type,
    Method,
    Constructor,
    Property,
    Indexer,
    Operator,
    Event,
    Field,
    /// <summary>A free function, or a function-like block found by the text heuristics.</summary>
    Function,
    /// <summary>A class/struct/interface-like block found by the text heuristics.</summary>
    Class,
    /// <summary>C# top-level statements, or module-level code between definitions.</summary>
    TopLevel,
    /// <summary>A Markdown section (heading plus its prose).</summary>
    Section,
    /// <summary>A fenced code block inside Markdown.</summary>
    CodeBlock,
    /// <summary>A line window: the fallback for text nothing else understands.</summary>
    Window,
}

/// <summary>
/// A range in a source file. Lines and columns are 1-based; columns count UTF-16 code units (as the editor and
/// LSP do). <see cref="EndLine"/> is inclusive and <see cref="EndColumn"/> is exclusive (one past the last char).
/// </summary>
public readonly record struct SourceRange(int StartLine, int StartColumn, int EndLine, int EndColumn)
{
    public override string ToString() => $"{StartLine}:{StartColumn}-{EndLine}:{EndColumn}";
}

/// <summary>A file handed to a chunker: path relative to the workspace root with '/' separators.</summary>
public sealed record SourceFile(string RelativePath, string Language, string Text);

/// <summary>
/// The unit of retrieval: one method, one type summary, one Markdown section, one window of lines...
/// </summary>
public sealed record Chunk
{
    /// <summary>Stable across re-indexing as long as path, kind, container, symbol (and part) stay the same.</summary>
    public required string Id { get; init; }
    public required string Path { get; init; }
    public required string Language { get; init; }
    public required ChunkKind Kind { get; init; }
    /// <summary>Simple name of the symbol ("ValidateEmail"), or the heading for Markdown; null for windows.</summary>
    public string? Symbol { get; init; }
    /// <summary>Fully qualified container ("Acme.Mail.Validator"), or the heading path for Markdown.</summary>
    public string? Container { get; init; }
    /// <summary>Declaration header without body ("public static bool ValidateEmail(string address)").</summary>
    public string? Signature { get; init; }
    /// <summary>Doc comment text (XML doc summary, docstring, JSDoc...), markup stripped.</summary>
    public string? Documentation { get; init; }
    public required SourceRange Range { get; init; }
    /// <summary>
    /// The source text of the chunk, with '\n' line endings: normally whole lines
    /// <see cref="SourceRange.StartLine"/>..<see cref="SourceRange.EndLine"/> (indentation kept). Exceptions are
    /// described by <see cref="TextOrigins"/>: later parts of a split member start with the member's header line,
    /// type summaries are synthesized (header plus member signatures), and huge lines are cut into pieces.
    /// </summary>
    public required string Text { get; init; }
    /// <summary>
    /// Where each line of <see cref="Text"/> starts in the file; (0, 0) for lines
    /// that are not in the file (a split part's repeated header, a type summary's synthesized lines). Null in the
    /// common case where Text is exactly the whole lines of <see cref="Range"/>.
    /// </summary>
    public LineOrigins? TextOrigins { get; init; }

    /// <summary>Hash of <see cref="Text"/>; changes exactly when the chunk's content changes.</summary>
    public required string ContentHash { get; init; }
    /// <summary>0-based part index when a long member was split; 0 otherwise.</summary>
    public int Part { get; init; }
    /// <summary>Number of parts the member was split into; 1 when not split.</summary>
    public int PartCount { get; init; } = 1;

    /// <summary>
    /// What the chunk is called where a person reads it (the CLI's result line): container and symbol joined, by "."
    /// for code ("Acme.Mail.Validator.Validate") and by " > " for Markdown, whose container is the heading path
    /// ("Install > Linux > Ubuntu"). Top-level code and line windows stand for no declared symbol (C# top-level code
    /// has the placeholder "&lt;top-level&gt;"), so they are called by their file's name, never by nothing.
    /// </summary>
    public string DisplayName
    {
        get
        {
            var fileName = System.IO.Path.GetFileName(Path);
            if (Kind is ChunkKind.TopLevel or ChunkKind.Window)
            {
                return fileName;
            }
            var separator = Kind is ChunkKind.Section or ChunkKind.CodeBlock ? " > " : ".";
            var name = string.Join(separator, new[] { Container, Symbol }.Where(s => !string.IsNullOrEmpty(s)));
            return name.Length == 0 ? fileName : name;
        }
    }

    /// <summary>Builds the stable id. Overloads are told apart by <paramref name="discriminator"/> (e.g. the signature).</summary>
    public static string MakeId(string path, ChunkKind kind, string? container, string? symbol, string? discriminator, int part) =>
        Common.ContentHash.Of($"{path}\u0001{kind}\u0001{container}\u0001{symbol}\u0001{discriminator}\u0001{part}", 20);
}

/// <summary>Counts model tokens, so chunkers can keep chunks within the model's document length.</summary>
public interface ITokenCounter
{
    /// <summary>Number of content tokens (no special tokens) the model's tokenizer makes of <paramref name="text"/>.</summary>
    int CountTokens(string text);
}

/// <summary>Limits for chunking.</summary>
/// <param name="MaxTokens">Content tokens a chunk may hold (model document length minus specials and header room).</param>
/// <param name="OverlapLines">Lines repeated between consecutive parts/windows.</param>
/// <param name="WindowLines">Lines per window for the line-window fallback.</param>
public sealed record ChunkingOptions(int MaxTokens, int OverlapLines = 3, int WindowLines = 40);

/// <summary>
/// Where each line of a chunk's text starts in the file: (line, column), or (0, 0) for a line that is not in the
/// file. Compared by value, so chunks stay comparable records.
/// </summary>
public sealed class LineOrigins : IEquatable<LineOrigins>
{
    private readonly int[] _pairs;

    public LineOrigins(IEnumerable<(int Line, int Column)> lines) => _pairs = lines.SelectMany(l => new[] { l.Line, l.Column }).ToArray();

    private LineOrigins(int[] pairs) => _pairs = pairs;

    /// <summary>Number of text lines described.</summary>
    public int Count => _pairs.Length / 2;

    public (int Line, int Column) this[int textLine] => (_pairs[2 * textLine], _pairs[(2 * textLine) + 1]);

    /// <summary>The flat (line, column, line, column...) form used for storage.</summary>
    public IReadOnlyList<int> ToFlat() => _pairs;

    public static LineOrigins FromFlat(IEnumerable<int> flat) => new(flat.ToArray());

    public bool Equals(LineOrigins? other) => other is not null && _pairs.AsSpan().SequenceEqual(other._pairs);

    public override bool Equals(object? obj) => Equals(obj as LineOrigins);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var v in _pairs)
        {
            hash.Add(v);
        }
        return hash.ToHashCode();
    }

    public override string ToString() => string.Join(' ', Enumerable.Range(0, Count).Select(i => $"{this[i].Line}:{this[i].Column}"));
}
