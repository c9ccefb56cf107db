namespace SemanticSearch.Engine.Chunking;

/// <summary>
/// The lines of a file and the offset of each line start. Breaks on \r\n, \n and \r only (what editors and LSP
/// clients count), so ranges agree with the editor even for files Roslyn would split differently (\u2028...).
/// </summary>
internal sealed class LineMap
{
    private readonly int[] _starts;

    public LineMap(string text)
    {
        Text = text;
        var lines = new List<string>();
        var starts = new List<int>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '\n' or '\r')
            {
                lines.Add(text[start..i]);
                starts.Add(start);
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }
                start = i + 1;
            }
        }
        // The text after the last break is a line too, unless the file ends with a break.
        if (start < text.Length || lines.Count == 0)
        {
            lines.Add(text[start..]);
            starts.Add(start);
        }
        Lines = lines;
        _starts = [.. starts];
    }

    public string Text { get; }

    /// <summary>Lines without their terminators; index 0 is line 1.</summary>
    public IReadOnlyList<string> Lines { get; }

    public int Count => Lines.Count;

    /// <summary>The text of 1-based <paramref name="line"/>.</summary>
    public string this[int line] => Lines[line - 1];

    /// <summary>1-based line and column of a character offset (clamped to the text).</summary>
    public (int Line, int Column) Position(int offset)
    {
        offset = Math.Clamp(offset, 0, Text.Length);
        var index = Array.BinarySearch(_starts, offset);
        if (index < 0)
        {
            index = ~index - 1;
        }
        index = Math.Max(0, index);
        var column = Math.Min(offset - _starts[index], Lines[index].Length);
        return (index + 1, column + 1);
    }

    public int LineStart(int line) => _starts[line - 1];

    /// <summary>A whole-line segment: columns from the first to one past the last non-blank character.</summary>
    public Segment WholeLine(int line)
    {
        var text = Lines[line - 1];
        var trimmedEnd = text.TrimEnd().Length;
        var first = text.Length - text.TrimStart().Length;
        if (trimmedEnd == 0)
        {
            first = 0;
        }
        return new Segment(line, first + 1, trimmedEnd + 1, text);
    }

    /// <summary>Whole-line segments for lines <paramref name="from"/>..<paramref name="to"/> (inclusive).</summary>
    public List<Segment> Segments(int from, int to)
    {
        var result = new List<Segment>(Math.Max(0, to - from + 1));
        for (var line = from; line <= to; line++)
        {
            result.Add(WholeLine(line));
        }
        return result;
    }
}

/// <summary>
/// One line (or, for a cut-up huge line, a piece of one) of a chunk's text. <see cref="Line"/> is 0 for synthetic
/// lines (type summaries) that do not map to the source; columns are 1-based, end exclusive, and only used for
/// the chunk's range. <see cref="TextColumn"/> is the file column of <see cref="Text"/>'s first character (1 for a
/// whole line, later for a piece of a cut-up line).
/// </summary>
internal readonly record struct Segment(int Line, int StartColumn, int EndColumn, string Text, int TextColumn = 1);
