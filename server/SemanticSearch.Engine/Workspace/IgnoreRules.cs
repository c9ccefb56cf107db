using System.Text;
using System.Text.RegularExpressions;

namespace SemanticSearch.Engine.Workspace;

/// <summary>One parsed gitignore line.</summary>
internal sealed class IgnoreRule
{
    private readonly Regex _regex;

    private IgnoreRule(string text, bool negated, bool directoryOnly, Regex regex)
    {
        Text = text;
        Negated = negated;
        DirectoryOnly = directoryOnly;
        _regex = regex;
    }

    /// <summary>The original line (trailing CR and unescaped trailing spaces removed), for skip details.</summary>
    public string Text { get; }

    /// <summary>A "!pattern" rule: re-includes what an earlier rule excluded.</summary>
    public bool Negated { get; }

    /// <summary>A "pattern/" rule: matches directories only.</summary>
    public bool DirectoryOnly { get; }

    /// <summary>
    /// Matches <paramref name="relativePath"/> ('/' separators, relative to the directory holding the rule).
    /// </summary>
    public bool IsMatch(string relativePath, bool isDirectory)
        => (isDirectory || !DirectoryOnly) && _regex.IsMatch(relativePath);

    /// <summary>Parses one line of an ignore file; null for blank lines, comments and patterns that match nothing.</summary>
    public static IgnoreRule? Parse(string line, bool ignoreCase)
    {
        var text = line.EndsWith('\r') ? line[..^1] : line;
        text = TrimUnescapedTrailingSpaces(text);
        if (text.Length == 0 || text[0] == '#')
        {
            return null;
        }

        var pattern = text;
        var negated = false;
        if (pattern[0] == '!')
        {
            negated = true;
            pattern = pattern[1..];
        }

        var directoryOnly = false;
        if (pattern.EndsWith('/'))
        {
            directoryOnly = true;
            pattern = pattern.TrimEnd('/');
        }
        if (pattern.Length == 0)
        {
            return null;
        }

        // A slash anywhere but the end anchors the pattern to the ignore file's directory; otherwise it
        // matches a name at any depth below it.
        var anchored = pattern.Contains('/');
        if (pattern[0] == '/')
        {
            pattern = pattern[1..];
        }
        if (pattern.Length == 0)
        {
            return null;
        }

        var regexText = new StringBuilder("^");
        if (!anchored)
        {
            regexText.Append("(?:.*/)?");
        }
        if (!TryTranslate(pattern, regexText))
        {
            return null;
        }
        regexText.Append('$');

        var options = RegexOptions.CultureInvariant | RegexOptions.Singleline;
        if (ignoreCase)
        {
            options |= RegexOptions.IgnoreCase;
        }
        return new IgnoreRule(text, negated, directoryOnly, new Regex(regexText.ToString(), options));
    }

    private static string TrimUnescapedTrailingSpaces(string text)
    {
        var end = text.Length;
        while (end > 0 && text[end - 1] == ' ')
        {
            // "foo\ " keeps its (escaped) last space; count the backslashes so "foo\\ " still trims.
            var backslashes = 0;
            for (var i = end - 2; i >= 0 && text[i] == '\\'; i--)
            {
                backslashes++;
            }
            if (backslashes % 2 == 1)
            {
                break;
            }
            end--;
        }
        return text[..end];
    }

    /// <summary>Translates a gitignore glob (wildmatch with path semantics) to regex text.</summary>
    private static bool TryTranslate(string pattern, StringBuilder sb)
    {
        var i = 0;
        while (i < pattern.Length)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*':
                    {
                        var start = i;
                        while (i < pattern.Length && pattern[i] == '*')
                        {
                            i++;
                        }
                        var atSegmentStart = start == 0 || pattern[start - 1] == '/';
                        var atSegmentEnd = i == pattern.Length || pattern[i] == '/';
                        if (i - start >= 2 && atSegmentStart && atSegmentEnd)
                        {
                            if (i == pattern.Length)
                            {
                                // "x/**" (or a bare "**"): everything below, at any depth.
                                sb.Append(".*");
                            }
                            else
                            {
                                // "**/x" and "a/**/b": zero or more whole directories.
                                sb.Append("(?:.*/)?");
                                i++; // the '/' is part of the optional group
                            }
                        }
                        else
                        {
                            // A lone '*', or "**" that is not a whole segment, behaves as '*'.
                            sb.Append("[^/]*");
                        }
                        continue;
                    }
                case '?':
                    sb.Append("[^/]");
                    break;
                case '[':
                    {
                        var end = TranslateClass(pattern, i, sb);
                        if (end < 0)
                        {
                            // Unterminated class: git treats the pattern as not matching anything useful;
                            // treating '[' literally is the friendlier reading.
                            sb.Append(@"\[");
                            break;
                        }
                        i = end + 1;
                        continue;
                    }
                case '\\':
                    if (i + 1 < pattern.Length)
                    {
                        i++;
                        sb.Append(Regex.Escape(pattern[i].ToString()));
                    }
                    else
                    {
                        // A trailing lone backslash matches nothing in git.
                        return false;
                    }
                    break;
                default:
                    sb.Append(Regex.Escape(c.ToString()));
                    break;
            }
            i++;
        }
        return true;
    }

    private static readonly Dictionary<string, string> PosixClasses = new(StringComparer.Ordinal)
    {
        ["alnum"] = "a-zA-Z0-9",
        ["alpha"] = "a-zA-Z",
        ["blank"] = @" \t",
        ["cntrl"] = @"\x00-\x1F\x7F",
        ["digit"] = "0-9",
        ["graph"] = @"\x21-\x7E",
        ["lower"] = "a-z",
        ["print"] = @"\x20-\x7E",
        ["punct"] = @"!-/:-@\[-`{-~",
        ["space"] = @" \t\n\r\f\v",
        ["upper"] = "A-Z",
        ["xdigit"] = "0-9a-fA-F",
    };

    /// <summary>Appends a regex class for the bracket expression at <paramref name="start"/>; returns the index of ']' or -1.</summary>
    private static int TranslateClass(string pattern, int start, StringBuilder sb)
    {
        var i = start + 1;
        var negated = false;
        if (i < pattern.Length && (pattern[i] == '!' || pattern[i] == '^'))
        {
            negated = true;
            i++;
        }

        var body = new StringBuilder();
        var first = true;
        while (i < pattern.Length)
        {
            var c = pattern[i];
            if (c == ']' && !first)
            {
                // A class never matches '/', negated or not.
                sb.Append(negated ? "[^/" : "(?!/)[").Append(body).Append(']');
                return i;
            }
            first = false;
            if (c == '[' && i + 1 < pattern.Length && pattern[i + 1] == ':')
            {
                var close = pattern.IndexOf(":]", i + 2, StringComparison.Ordinal);
                if (close > 0 && PosixClasses.TryGetValue(pattern[(i + 2)..close], out var posix))
                {
                    body.Append(posix);
                    i = close + 2;
                    continue;
                }
            }
            if (c == '\\' && i + 1 < pattern.Length)
            {
                i++;
                c = pattern[i];
            }
            if (c == '-' && body.Length > 0 && i + 1 < pattern.Length && pattern[i + 1] != ']')
            {
                body.Append('-'); // range operator
            }
            else
            {
                body.Append(EscapeInClass(c));
            }
            i++;
        }
        return -1;
    }

    private static string EscapeInClass(char c) => c switch
    {
        '\\' or ']' or '[' or '^' or '-' => "\\" + c,
        _ => c.ToString(),
    };
}

/// <summary>Where an ignore decision came from, for <see cref="SkippedFile.Detail"/>.</summary>
internal sealed record IgnoreMatch(bool Ignored, IgnoreRule Rule, IgnoreRuleSet Source);

/// <summary>The rules of one ignore file (or the Excludes option), applying below <see cref="BaseDirectory"/>.</summary>
internal sealed class IgnoreRuleSet
{
    private readonly List<IgnoreRule> _rules;

    public IgnoreRuleSet(string baseDirectory, string sourceName, IEnumerable<string> lines, bool ignoreCase)
    {
        BaseDirectory = baseDirectory;
        SourceName = sourceName;
        _rules = [.. lines.Select(l => IgnoreRule.Parse(l, ignoreCase)).OfType<IgnoreRule>()];
    }

    /// <summary>Workspace-relative directory ('/' separators, "" for the root) the patterns are relative to.</summary>
    public string BaseDirectory { get; }

    /// <summary>Human-readable origin, e.g. "src/.gitignore" or "Excludes option".</summary>
    public string SourceName { get; }

    public int Count => _rules.Count;

    /// <summary>Case sensitivity follows git's default for the platform (core.ignorecase).</summary>
    public static bool PlatformIgnoreCase => OperatingSystem.IsWindows() || OperatingSystem.IsMacOS();

    /// <summary>
    /// The last rule matching <paramref name="workspaceRelativePath"/>, or null when none does (the decision is
    /// then left to lower-priority sets).
    /// </summary>
    public IgnoreMatch? Match(string workspaceRelativePath, bool isDirectory)
    {
        string local;
        if (BaseDirectory.Length == 0)
        {
            local = workspaceRelativePath;
        }
        else if (workspaceRelativePath.Length > BaseDirectory.Length
            && workspaceRelativePath[BaseDirectory.Length] == '/'
            && workspaceRelativePath.StartsWith(BaseDirectory, StringComparison.Ordinal))
        {
            local = workspaceRelativePath[(BaseDirectory.Length + 1)..];
        }
        else
        {
            return null;
        }

        // Later rules override earlier ones, so the last match decides.
        for (var i = _rules.Count - 1; i >= 0; i--)
        {
            if (_rules[i].IsMatch(local, isDirectory))
            {
                return new IgnoreMatch(!_rules[i].Negated, _rules[i], this);
            }
        }
        return null;
    }
}
