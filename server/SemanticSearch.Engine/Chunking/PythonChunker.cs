using System.Text.RegularExpressions;

namespace SemanticSearch.Engine.Chunking;

/// <summary>
/// Python by indentation: def / async def / class blocks run until the next logical line indented at or below the
/// declaration. Lines inside strings or brackets are never logical line starts, so multi-line signatures and
/// docstrings do not end a block. Decorators and # comments directly above belong to the definition; the
/// docstring becomes the Documentation.
/// </summary>
internal static partial class PythonChunker
{
    public static List<Candidate> Chunk(LineMap lines, ChunkingOptions options)
    {
        var info = Analyze(lines);
        var blocks = Scan(lines, info, 1, lines.Count, -1, null, insideClass: false);
        return BlockEmitter.Emit(lines, blocks, line => info.Logical[line] && IsSubstantive(lines[line]), options);
    }

    private sealed record LineInfo(bool[] Logical, bool[] CommentOnly, int[] Indent);

    /// <summary>Marks logical line starts (not inside a string or brackets, not after a backslash continuation).</summary>
    private static LineInfo Analyze(LineMap lines)
    {
        var logical = new bool[lines.Count + 1];
        var commentOnly = new bool[lines.Count + 1];
        var indent = new int[lines.Count + 1];
        string? openTriple = null;
        var depth = 0;
        var continued = false;
        for (var n = 1; n <= lines.Count; n++)
        {
            var text = lines[n];
            var trimmed = text.TrimStart();
            indent[n] = IndentWidth(text);
            logical[n] = openTriple is null && depth == 0 && !continued && trimmed.Length > 0 && !trimmed.StartsWith('#');
            commentOnly[n] = openTriple is null && trimmed.StartsWith('#');
            continued = false;
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (openTriple is not null)
                {
                    if (c == '\\')
                    {
                        i++;
                    }
                    else if (string.CompareOrdinal(text, i, openTriple, 0, 3) == 0)
                    {
                        i += 2;
                        openTriple = null;
                    }
                    continue;
                }
                if (c == '#')
                {
                    break;
                }
                if (c is '"' or '\'')
                {
                    if (i + 2 < text.Length && text[i + 1] == c && text[i + 2] == c)
                    {
                        openTriple = new string(c, 3);
                        i += 2;
                        continue;
                    }
                    var j = i + 1;
                    while (j < text.Length && text[j] != c)
                    {
                        j += text[j] == '\\' ? 2 : 1;
                    }
                    i = j;
                    continue;
                }
                if (c is '(' or '[' or '{')
                {
                    depth++;
                }
                else if (c is ')' or ']' or '}')
                {
                    depth = Math.Max(0, depth - 1);
                }
                else if (c == '\\' && i == text.Length - 1)
                {
                    continued = true;
                }
            }
        }
        return new LineInfo(logical, commentOnly, indent);
    }

    private static int IndentWidth(string text)
    {
        var width = 0;
        foreach (var c in text)
        {
            if (c == ' ')
            {
                width++;
            }
            else if (c == '\t')
            {
                width += 8 - (width % 8);
            }
            else
            {
                break;
            }
        }
        return width;
    }

    private static List<Block> Scan(LineMap lines, LineInfo info, int from, int to, int parentIndent, string? container, bool insideClass)
    {
        var blocks = new List<Block>();
        var line = from;
        while (line <= to)
        {
            var match = info.Logical[line] ? Definition().Match(lines[line]) : Match.Empty;
            if (!match.Success || info.Indent[line] <= parentIndent)
            {
                line++;
                continue;
            }
            var declIndent = info.Indent[line];
            var headerEnd = line;
            while (headerEnd < to && !info.Logical[headerEnd + 1] && !info.CommentOnly[headerEnd + 1] &&
                   !string.IsNullOrWhiteSpace(lines[headerEnd + 1]))
            {
                headerEnd++;
            }
            var end = headerEnd;
            for (var n = headerEnd + 1; n <= to; n++)
            {
                if (info.Logical[n] && info.Indent[n] <= declIndent)
                {
                    break;
                }
                // Continuation lines of a statement inside the body belong to it whatever their indentation.
                if (!string.IsNullOrWhiteSpace(lines[n]) && (!info.CommentOnly[n] || info.Indent[n] > declIndent))
                {
                    end = n;
                }
            }
            var name = match.Groups["name"].Value;
            var isClass = match.Groups["kw"].Value == "class";
            var start = line;
            while (start > from && (lines[start - 1].TrimStart().StartsWith('@') || info.CommentOnly[start - 1]) &&
                   info.Indent[start - 1] == declIndent)
            {
                start--;
            }
            var signature = BlockEmitter.Collapse(string.Join(" ", Enumerable.Range(line, headerEnd - line + 1).Select(n => StripComment(lines[n]))));
            signature = signature.EndsWith(':') ? signature[..^1].TrimEnd() : signature;
            var block = new Block
            {
                Kind = isClass ? BlockKind.Type : BlockKind.Function,
                ChunkKind = isClass ? ChunkKind.Class : insideClass ? ChunkKind.Method : ChunkKind.Function,
                Name = name,
                Container = container,
                StartLine = start,
                DeclLine = line,
                HeaderEndLine = headerEnd,
                EndLine = end,
                Signature = signature,
                Documentation = Docstring(lines, headerEnd + 1, end) ?? Comments(lines, info, start, line),
            };
            if (isClass)
            {
                block.Children.AddRange(Scan(lines, info, headerEnd + 1, end, declIndent, container is null ? name : container + "." + name, true));
            }
            blocks.Add(block);
            line = end + 1;
        }
        return blocks;
    }

    private static string StripComment(string line)
    {
        var hash = line.IndexOf(" #", StringComparison.Ordinal);
        return hash >= 0 && line.IndexOf('\'', hash) < 0 && line.IndexOf('"', hash) < 0 ? line[..hash] : line;
    }

    /// <summary>The docstring: a string literal as the first statement of the body, dedented and trimmed.</summary>
    private static string? Docstring(LineMap lines, int from, int to)
    {
        var line = from;
        while (line <= to && string.IsNullOrWhiteSpace(lines[line]))
        {
            line++;
        }
        if (line > to)
        {
            return null;
        }
        var first = DocstringOpen().Match(lines[line]);
        if (!first.Success)
        {
            return null;
        }
        var quote = first.Groups["q"].Value;
        var rest = lines[line][(first.Index + first.Length)..];
        var parts = new List<string>();
        var close = rest.IndexOf(quote, StringComparison.Ordinal);
        if (close >= 0)
        {
            parts.Add(rest[..close]);
        }
        else if (quote.Length == 3)
        {
            parts.Add(rest);
            for (var n = line + 1; n <= to; n++)
            {
                var text = lines[n];
                close = text.IndexOf(quote, StringComparison.Ordinal);
                if (close >= 0)
                {
                    parts.Add(text[..close]);
                    break;
                }
                parts.Add(text);
            }
        }
        var result = string.Join("\n", parts.Select(p => p.Trim())).Trim();
        return result.Length == 0 ? null : result;
    }

    private static string? Comments(LineMap lines, LineInfo info, int start, int declLine)
    {
        var comments = Enumerable.Range(start, declLine - start).Where(n => info.CommentOnly[n]).Select(n => lines[n]);
        var text = CommentText.Strip(comments);
        return text.Length == 0 ? null : text;
    }

    private static bool IsSubstantive(string line)
    {
        var trimmed = line.Trim();
        return trimmed.Length > 0 && !trimmed.StartsWith('#') && !Import().IsMatch(trimmed);
    }

    [GeneratedRegex(@"^\s*(?:async\s+)?(?<kw>def|class)\s+(?<name>[\p{L}_][\p{L}\p{N}_]*)")]
    private static partial Regex Definition();

    [GeneratedRegex(@"^\s*[rRuUbBfF]{0,2}(?<q>""""""|'''|""|')")]
    private static partial Regex DocstringOpen();

    [GeneratedRegex(@"^(?:import\s|from\s+\S+\s+import\s|__all__\s*=|if\s+TYPE_CHECKING\s*:|[)\]}]+$)")]
    private static partial Regex Import();
}
