namespace SemanticSearch.Engine.Chunking;

/// <summary>
/// Blanks out comments and string contents (keeping line lengths and line breaks) so the brace heuristics can
/// match declarations and braces without being fooled by a "{" in a string or a "function" in a comment.
/// Quote and double-quote strings end at the end of their line at the latest, which keeps one stray apostrophe
/// from swallowing the rest of a file.
/// </summary>
internal sealed class CodeLexer
{
    private enum State
    {
        Code,
        BlockComment,
        Backtick,
        TripleQuote,
        RawString,
    }

    public required bool HashComments { get; init; }
    public bool NestedBlockComments { get; init; }
    public bool MultilineBackticks { get; init; }
    public bool TripleQuotes { get; init; }
    public bool RustStrings { get; init; }
    public bool CppRawStrings { get; init; }
    public bool SingleQuoteStrings { get; init; } = true;

    /// <summary>The blanked lines, and for each line whether it holds comment text.</summary>
    public (string[] Code, bool[] HasComment) Run(IReadOnlyList<string> lines)
    {
        var code = new string[lines.Count];
        var hasComment = new bool[lines.Count];
        var state = State.Code;
        var depth = 0;
        var rawEnd = "";
        for (var n = 0; n < lines.Count; n++)
        {
            var chars = lines[n].ToCharArray();
            var i = 0;
            while (i < chars.Length)
            {
                switch (state)
                {
                    case State.BlockComment:
                        hasComment[n] = true;
                        if (NestedBlockComments && At(chars, i, "/*"))
                        {
                            depth++;
                            Blank(chars, i, 2);
                            i += 2;
                        }
                        else if (At(chars, i, "*/"))
                        {
                            Blank(chars, i, 2);
                            i += 2;
                            if (--depth == 0)
                            {
                                state = State.Code;
                            }
                        }
                        else
                        {
                            chars[i++] = ' ';
                        }
                        break;
                    case State.Backtick:
                        if (chars[i] == '\\')
                        {
                            Blank(chars, i, 2);
                            i += 2;
                        }
                        else if (chars[i] == '`')
                        {
                            i++;
                            state = State.Code;
                        }
                        else
                        {
                            chars[i++] = ' ';
                        }
                        break;
                    case State.TripleQuote:
                    case State.RawString:
                        var end = state == State.TripleQuote ? "\"\"\"" : rawEnd;
                        if (At(chars, i, end))
                        {
                            i += end.Length;
                            state = State.Code;
                        }
                        else
                        {
                            chars[i++] = ' ';
                        }
                        break;
                    default:
                        i = Code(chars, i, ref state, ref depth, ref rawEnd, out var comment);
                        hasComment[n] |= comment;
                        break;
                }
            }
            code[n] = new string(chars);
        }
        return (code, hasComment);
    }

    private int Code(char[] chars, int i, ref State state, ref int depth, ref string rawEnd, out bool comment)
    {
        comment = false;
        var c = chars[i];
        if (At(chars, i, "//") || (HashComments && c == '#' && !At(chars, i, "#[")))
        {
            Blank(chars, i, chars.Length - i);
            comment = true;
            return chars.Length;
        }
        if (At(chars, i, "/*"))
        {
            Blank(chars, i, 2);
            state = State.BlockComment;
            depth = 1;
            comment = true;
            return i + 2;
        }
        if (TripleQuotes && At(chars, i, "\"\"\""))
        {
            state = State.TripleQuote;
            return i + 3;
        }
        var previousIsWord = i > 0 && (char.IsLetterOrDigit(chars[i - 1]) || chars[i - 1] == '_');
        if (RustStrings && c == 'r' && !previousIsWord)
        {
            var j = i + 1;
            while (j < chars.Length && chars[j] == '#')
            {
                j++;
            }
            if (j < chars.Length && chars[j] == '"')
            {
                state = State.RawString;
                rawEnd = "\"" + new string('#', j - i - 1);
                return j + 1;
            }
        }
        if (CppRawStrings && c == 'R' && !previousIsWord && At(chars, i + 1, "\""))
        {
            var open = Array.IndexOf(chars, '(', i + 2);
            if (open > 0)
            {
                state = State.RawString;
                rawEnd = ")" + new string(chars, i + 2, open - i - 2) + "\"";
                return open + 1;
            }
        }
        if (c == '"')
        {
            return SkipQuoted(chars, i, '"', untilLineEnd: true);
        }
        if (c == '\'')
        {
            if (RustStrings)
            {
                // 'a' and '\n' are chars; 'a alone is a lifetime.
                if (At(chars, i + 1, "\\") || (i + 2 < chars.Length && chars[i + 2] == '\'') ||
                    (i + 3 < chars.Length && char.IsSurrogatePair(chars[i + 1], chars[i + 2]) && chars[i + 3] == '\''))
                {
                    return SkipQuoted(chars, i, '\'', untilLineEnd: false);
                }
                return i + 1;
            }
            return SingleQuoteStrings ? SkipQuoted(chars, i, '\'', untilLineEnd: false) : i + 1;
        }
        if (c == '`' && MultilineBackticks)
        {
            state = State.Backtick;
            return i + 1;
        }
        return i + 1;
    }

    /// <summary>Blanks a quoted literal's contents. An unclosed one either runs to the line end or is not a string.</summary>
    private static int SkipQuoted(char[] chars, int i, char quote, bool untilLineEnd)
    {
        var j = i + 1;
        while (j < chars.Length && chars[j] != quote)
        {
            j += chars[j] == '\\' ? 2 : 1;
        }
        if (j >= chars.Length)
        {
            if (!untilLineEnd)
            {
                return i + 1;
            }
            Blank(chars, i + 1, chars.Length - i - 1);
            return chars.Length;
        }
        Blank(chars, i + 1, j - i - 1);
        return j + 1;
    }

    private static bool At(char[] chars, int i, string s)
    {
        if (i < 0 || i + s.Length > chars.Length)
        {
            return false;
        }
        for (var k = 0; k < s.Length; k++)
        {
            if (chars[i + k] != s[k])
            {
                return false;
            }
        }
        return true;
    }

    private static void Blank(char[] chars, int start, int count)
    {
        for (var k = start; k < start + count && k < chars.Length; k++)
        {
            chars[k] = ' ';
        }
    }
}
