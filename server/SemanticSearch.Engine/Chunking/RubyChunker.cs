using System.Text.RegularExpressions;

namespace SemanticSearch.Engine.Chunking;

/// <summary>
/// Ruby by keywords: def / class / module open blocks that the matching "end" closes. Openers are counted on text
/// with strings, comments and heredocs blanked: statement-leading if/unless/while/until/case/begin/for,
/// "= if"-style assignments, and do-blocks; modifier forms ("return x if y") and endless defs open nothing.
/// # comment runs directly above a definition are its documentation.
/// </summary>
internal static partial class RubyChunker
{
    public static List<Candidate> Chunk(LineMap lines, ChunkingOptions options)
    {
        var code = Blank(lines);
        var blocks = Scan(lines, code, 1, lines.Count, null, insideType: false);
        return BlockEmitter.Emit(lines, blocks, line => IsSubstantive(code[line - 1]), options);
    }

    private static List<Block> Scan(LineMap lines, string[] code, int from, int to, string? container, bool insideType)
    {
        var blocks = new List<Block>();
        var line = from;
        while (line <= to)
        {
            var match = Definition().Match(code[line - 1]);
            if (!match.Success || EndlessDef().IsMatch(code[line - 1]))
            {
                line++;
                continue;
            }
            var end = FindEnd(code, line, to);
            var keyword = match.Groups["kw"].Value;
            var name = match.Groups["name"].Value;
            var isType = keyword != "def";
            var start = line;
            while (start > from && lines[start - 1].TrimStart().StartsWith('#') && code[start - 2].Trim().Length == 0)
            {
                start--;
            }
            var comments = Enumerable.Range(start, line - start).Select(n => lines[n]);
            var doc = CommentText.Strip(comments);
            var block = new Block
            {
                Kind = isType ? BlockKind.Type : BlockKind.Function,
                ChunkKind = isType ? ChunkKind.Class : insideType ? ChunkKind.Method : ChunkKind.Function,
                Name = name.StartsWith("self.", StringComparison.Ordinal) ? name[5..] : name,
                Container = container,
                StartLine = start,
                DeclLine = line,
                HeaderEndLine = line,
                EndLine = end,
                Signature = BlockEmitter.Collapse(StripComment(lines[line], code[line - 1])),
                Documentation = doc.Length == 0 ? null : doc,
                // def self.x and def x can coexist in one class.
                Discriminator = name.StartsWith("self.", StringComparison.Ordinal) ? "self" : null,
            };
            if (isType && end > line + 1)
            {
                var shortName = name.Contains("::", StringComparison.Ordinal) ? name[(name.LastIndexOf("::", StringComparison.Ordinal) + 2)..] : name;
                // class << self holds class methods of the enclosing class: same container.
                var inner = name.StartsWith("<<", StringComparison.Ordinal) ? container : container is null ? shortName : container + "." + shortName;
                block.Children.AddRange(Scan(lines, code, line + 1, end - 1, inner, true));
            }
            blocks.Add(block);
            line = end + 1;
        }
        return blocks;
    }

    /// <summary>The line of the "end" closing the block opened on <paramref name="line"/>; the region's end if none (broken code).</summary>
    private static int FindEnd(string[] code, int line, int to)
    {
        var depth = 0;
        for (var n = line; n <= to; n++)
        {
            var text = code[n - 1];
            depth += Openers(text);
            depth -= EndKeyword().Matches(text).Count;
            if (depth <= 0)
            {
                return n;
            }
        }
        return to;
    }

    private static int Openers(string text)
    {
        var count = 0;
        if (LeadingOpener().IsMatch(text) && !EndlessDef().IsMatch(text))
        {
            count++;
        }
        count += AssignedOpener().Matches(text).Count;
        count += DoBlock().Matches(text).Count;
        return count;
    }

    /// <summary>Blanks string contents, comments, =begin/=end blocks and heredoc bodies.</summary>
    private static string[] Blank(LineMap lines)
    {
        var result = new string[lines.Count];
        string? heredoc = null;
        var inBeginBlock = false;
        for (var n = 1; n <= lines.Count; n++)
        {
            var text = lines[n];
            if (heredoc is not null)
            {
                result[n - 1] = new string(' ', text.Length);
                if (text.Trim() == heredoc)
                {
                    heredoc = null;
                }
                continue;
            }
            if (inBeginBlock || text.StartsWith("=begin", StringComparison.Ordinal))
            {
                inBeginBlock = !text.StartsWith("=end", StringComparison.Ordinal);
                result[n - 1] = new string(' ', text.Length);
                continue;
            }
            var chars = text.ToCharArray();
            for (var i = 0; i < chars.Length; i++)
            {
                var c = chars[i];
                if (c == '#')
                {
                    Array.Fill(chars, ' ', i, chars.Length - i);
                    break;
                }
                if (c is '"' or '\'' or '`')
                {
                    var j = i + 1;
                    while (j < chars.Length && chars[j] != c)
                    {
                        j += chars[j] == '\\' ? 2 : 1;
                    }
                    Array.Fill(chars, ' ', i + 1, Math.Min(j, chars.Length) - i - 1);
                    i = j;
                }
            }
            var blanked = new string(chars);
            if (Heredoc().Match(text) is { Success: true } h)
            {
                heredoc = h.Groups["tag"].Value;
            }
            result[n - 1] = blanked;
        }
        return result;
    }

    private static string StripComment(string raw, string code)
    {
        var cut = raw.IndexOf('#', code.TrimEnd().Length);
        return cut >= 0 ? raw[..cut] : raw;
    }

    private static bool IsSubstantive(string code)
    {
        var trimmed = code.Trim();
        return trimmed.Length > 0 && !Require().IsMatch(trimmed) && trimmed != "end";
    }

    [GeneratedRegex(@"^\s*(?<kw>def|class|module)\s+(?<name>self\.[\p{L}_][\p{L}\p{N}_]*[?!=]?|[\p{L}_][\p{L}\p{N}_]*(?:::[\p{L}_][\p{L}\p{N}_]*)*[?!=]?|<<\s*self|[^\s(;]+)")]
    private static partial Regex Definition();

    [GeneratedRegex(@"^\s*def\s+[^\s(]+(?:\([^)]*\))?\s*=[^=~]")]
    private static partial Regex EndlessDef();

    [GeneratedRegex(@"^\s*(?:def|class|module|if|unless|while|until|case|begin|for)\b")]
    private static partial Regex LeadingOpener();

    [GeneratedRegex(@"(?:=|\|\||&&|\(|return)\s*(?:if|unless|case|begin|while|until)\b")]
    private static partial Regex AssignedOpener();

    [GeneratedRegex(@"\bdo\b\s*(?:\|[^|]*\|)?\s*$")]
    private static partial Regex DoBlock();

    [GeneratedRegex(@"(?<![.:\w])end\b(?!\?|!)")]
    private static partial Regex EndKeyword();

    [GeneratedRegex(@"<<[~-]?(['""]?)(?<tag>[A-Z_][A-Z0-9_]*)\1")]
    private static partial Regex Heredoc();

    [GeneratedRegex(@"^(?:require|require_relative|load|include|extend|using)\b")]
    private static partial Regex Require();
}
