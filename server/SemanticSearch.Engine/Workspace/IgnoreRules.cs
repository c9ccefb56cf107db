namespace SemanticSearch.Engine.Workspace;

/// <summary>One parsed gitignore line.</summary>
internal sealed class IgnoreRule
{
    private readonly Wildmatch _pattern;

    private IgnoreRule(string text, bool negated, bool directoryOnly, Wildmatch pattern)
    {
        Text = text;
        Negated = negated;
        DirectoryOnly = directoryOnly;
        _pattern = pattern;
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
        => (isDirectory || !DirectoryOnly) && _pattern.IsMatch(relativePath);

    /// <summary>Parses one line of an ignore file; null for blank lines, comments and patterns that cannot be used.</summary>
    public static IgnoreRule? Parse(string line, bool ignoreCase) => Parse(line, ignoreCase, out _);

    /// <summary>
    /// Parses one line of an ignore file; null for blank lines, comments and patterns that cannot be used, and for
    /// those <paramref name="problem"/> says why (a reversed range, an unknown character class, a trailing backslash).
    /// </summary>
    public static IgnoreRule? Parse(string line, bool ignoreCase, out string? problem)
    {
        problem = null;
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

        var compiled = Wildmatch.Compile(pattern, anchored, ignoreCase, out problem);
        return compiled is null ? null : new IgnoreRule(text, negated, directoryOnly, compiled);
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
}

/// <summary>
/// A gitignore glob (wildmatch with path semantics), matched in linear time: the pattern becomes a list of steps,
/// and a match runs them as a set of positions over the path, one character at a time (an NFA), so the work is at
/// most path length × steps whatever the pattern. A backtracking matcher (the regular expressions used before)
/// takes exponential time on "a*a*a*…b" and polynomial time of high degree on "**/**/**/…/x".
/// </summary>
/// <remarks>
/// <c>*</c> and <c>?</c> never match '/'; a class never matches '/', negated or not; <c>**</c> as a whole segment is
/// any number of whole directories (leading <c>**/</c>, middle <c>/**/</c>) or everything below (trailing
/// <c>/**</c>), and elsewhere is a plain <c>*</c>; <c>\</c> escapes the next character; an unterminated
/// <c>[</c> is a literal '['. An unanchored pattern (no '/' in it) matches the last name of a path, at any depth.
/// Most lines are a name or "*.ext": a path that does not end in the pattern's literal tail is turned away before
/// any step runs.
/// </remarks>
internal sealed class Wildmatch
{
    private enum Op
    {
        /// <summary>One given character.</summary>
        Literal,

        /// <summary>Any one character but '/' (<c>?</c>).</summary>
        AnyChar,

        /// <summary>One character of a bracket expression, never '/'.</summary>
        Class,

        /// <summary>Any run of characters without '/' (<c>*</c>).</summary>
        Star,

        /// <summary>Any run of characters (a trailing <c>/**</c>).</summary>
        AnyString,

        /// <summary>
        /// "Zero or more whole directories" (a leading or middle <c>**/</c>, and the start of an unanchored pattern):
        /// reads nothing itself; it leads into the <see cref="AnyString"/> and '/' steps after it, or past both.
        /// </summary>
        Directories,
    }

    private readonly record struct Step(Op Op, char Char = default, CharClass? Class = null);

    private readonly Step[] _steps;
    private readonly bool _ignoreCase;

    /// <summary>The pattern has no '/': only the last name of a path is matched.</summary>
    private readonly bool _nameOnly;

    /// <summary>The literal characters the pattern ends with (all of it, for a pattern without wildcards).</summary>
    private readonly string _literalTail;

    private Wildmatch(Step[] steps, bool ignoreCase, bool nameOnly)
    {
        _steps = steps;
        _ignoreCase = ignoreCase;
        _nameOnly = nameOnly;
        // The '/' that closes a Directories group may be skipped with it, so the required tail stops before it.
        var first = steps.Length;
        while (first > 0 && steps[first - 1].Op == Op.Literal && !(first >= 3 && steps[first - 3].Op == Op.Directories))
        {
            first--;
        }
        _literalTail = new string([.. steps[first..].Select(s => s.Char)]);
    }

    /// <summary>
    /// Compiles <paramref name="pattern"/> (no leading '/', no trailing '/'); null with <paramref name="problem"/>
    /// when it cannot be used (git would never match it).
    /// </summary>
    public static Wildmatch? Compile(string pattern, bool anchored, bool ignoreCase, out string? problem)
    {
        problem = null;
        var steps = new List<Step>();
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
                        var wholeSegment = (start == 0 || pattern[start - 1] == '/') && (i == pattern.Length || pattern[i] == '/');
                        if (i - start >= 2 && wholeSegment)
                        {
                            if (i == pattern.Length)
                            {
                                steps.Add(new Step(Op.AnyString)); // "x/**" (or a bare "**"): everything below
                            }
                            else
                            {
                                AddDirectories(steps); // "**/x" and "a/**/b": the '/' belongs to the group
                                i++;
                            }
                        }
                        else if (steps.Count == 0 || steps[^1].Op != Op.Star)
                        {
                            steps.Add(new Step(Op.Star)); // a lone '*', or "**" inside a segment; "**" is '*' there
                        }
                        continue;
                    }
                case '?':
                    steps.Add(new Step(Op.AnyChar));
                    break;
                case '[':
                    {
                        var end = CharClass.Parse(pattern, i, ignoreCase, out var charClass, out problem);
                        if (problem is not null)
                        {
                            return null;
                        }
                        if (end < 0)
                        {
                            // Unterminated: git matches nothing with it; a literal '[' is the friendlier reading.
                            steps.Add(new Step(Op.Literal, '['));
                            break;
                        }
                        steps.Add(new Step(Op.Class, Class: charClass));
                        i = end + 1;
                        continue;
                    }
                case '\\':
                    if (i + 1 == pattern.Length)
                    {
                        problem = "a trailing backslash escapes nothing";
                        return null;
                    }
                    i++;
                    steps.Add(new Step(Op.Literal, pattern[i]));
                    break;
                default:
                    steps.Add(new Step(Op.Literal, c));
                    break;
            }
            i++;
        }
        // Unanchored means no '/' in the pattern (the caller's rule), so no step can read one: matching the last
        // name is what "(?:.*/)?pattern" would match.
        return new Wildmatch([.. steps], ignoreCase, nameOnly: !anchored);
    }

    /// <summary>"Zero or more whole directories", as regular expressions write <c>(?:.*/)?</c>.</summary>
    private static void AddDirectories(List<Step> steps)
    {
        steps.Add(new Step(Op.Directories));
        steps.Add(new Step(Op.AnyString));
        steps.Add(new Step(Op.Literal, '/'));
    }

    /// <summary>Whether the whole of <paramref name="path"/> matches ('/' separators).</summary>
    public bool IsMatch(string path)
    {
        var text = _nameOnly ? path.AsSpan(path.LastIndexOf('/') + 1) : path.AsSpan();
        var comparison = _ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        if (!text.EndsWith(_literalTail, comparison))
        {
            return false;
        }
        if (_literalTail.Length == _steps.Length)
        {
            return text.Length == _literalTail.Length; // no wildcard: the tail is the whole pattern
        }
        return Run(text);
    }

    /// <summary>The steps over <paramref name="text"/>, as a set of positions (at most text length × steps of work).</summary>
    private bool Run(ReadOnlySpan<char> text)
    {
        var count = _steps.Length + 1;
        Span<bool> current = count <= 256 ? stackalloc bool[count] : new bool[count];
        Span<bool> next = count <= 256 ? stackalloc bool[count] : new bool[count];
        current[0] = true;
        Close(current);
        foreach (var c in text)
        {
            next.Clear();
            var any = false;
            for (var i = 0; i < _steps.Length; i++)
            {
                if (!current[i])
                {
                    continue;
                }
                var step = _steps[i];
                var target = step.Op switch
                {
                    Op.Literal => Same(c, step.Char) ? i + 1 : -1,
                    Op.AnyChar => c != '/' ? i + 1 : -1,
                    Op.Class => c != '/' && step.Class!.Contains(c) ? i + 1 : -1,
                    Op.Star => c != '/' ? i : -1,
                    Op.AnyString => i,
                    _ => -1, // Directories reads nothing: Close has moved past it
                };
                if (target >= 0)
                {
                    next[target] = true;
                    any = true;
                }
            }
            if (!any)
            {
                return false;
            }
            Close(next);
            var swap = current;
            current = next;
            next = swap;
        }
        return current[_steps.Length];
    }

    /// <summary>Adds the positions reachable without reading a character (the steps that may match nothing).</summary>
    private void Close(Span<bool> positions)
    {
        // Every such move goes forward, so one pass in order reaches them all.
        for (var i = 0; i < _steps.Length; i++)
        {
            if (!positions[i])
            {
                continue;
            }
            switch (_steps[i].Op)
            {
                case Op.Star or Op.AnyString:
                    positions[i + 1] = true;
                    break;
                case Op.Directories:
                    positions[i + 1] = true; // into the run of directories
                    positions[i + 3] = true; // no directory at all: past the run and its '/'
                    break;
            }
        }
    }

    /// <summary>Equal characters; ignoring case, as <see cref="StringComparison.OrdinalIgnoreCase"/> compares them (the tail check).</summary>
    private bool Same(char a, char b) => a == b || (_ignoreCase && char.ToUpperInvariant(a) == char.ToUpperInvariant(b));

    /// <summary>A bracket expression: ranges of characters (single ones are ranges of one), maybe negated.</summary>
    private sealed class CharClass
    {
        private static readonly Dictionary<string, (char Low, char High)[]> PosixClasses = new(StringComparer.Ordinal)
        {
            ["alnum"] = [('a', 'z'), ('A', 'Z'), ('0', '9')],
            ["alpha"] = [('a', 'z'), ('A', 'Z')],
            ["blank"] = [(' ', ' '), ('\t', '\t')],
            ["cntrl"] = [('\x00', '\x1F'), ('\x7F', '\x7F')],
            ["digit"] = [('0', '9')],
            ["graph"] = [('\x21', '\x7E')],
            ["lower"] = [('a', 'z')],
            ["print"] = [('\x20', '\x7E')],
            ["punct"] = [('!', '/'), (':', '@'), ('[', '`'), ('{', '~')],
            ["space"] = [(' ', ' '), ('\t', '\r')],
            ["upper"] = [('A', 'Z')],
            ["xdigit"] = [('0', '9'), ('a', 'f'), ('A', 'F')],
        };

        private readonly List<(char Low, char High)> _ranges = [];
        private bool _negated;
        private bool _ignoreCase;

        public bool Contains(char c)
        {
            var inside = In(c) || (_ignoreCase && (In(char.ToLowerInvariant(c)) || In(char.ToUpperInvariant(c))));
            return inside != _negated;
        }

        private bool In(char c)
        {
            foreach (var (low, high) in _ranges)
            {
                if (c >= low && c <= high)
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>
        /// Parses the bracket expression at <paramref name="start"/> ('['); returns the index of its ']', or -1 when it
        /// is unterminated (then it is no class, so nothing in it is a problem). <paramref name="problem"/> is set for a
        /// reversed range or an unknown [:class:].
        /// </summary>
        public static int Parse(string pattern, int start, bool ignoreCase, out CharClass result, out string? problem)
        {
            result = new CharClass { _ignoreCase = ignoreCase };
            string? found = null;
            var i = start + 1;
            if (i < pattern.Length && pattern[i] is '!' or '^')
            {
                result._negated = true;
                i++;
            }
            var first = true;
            while (i < pattern.Length)
            {
                var c = pattern[i];
                if (c == ']' && !first)
                {
                    problem = found;
                    return i;
                }
                first = false;
                if (c == '[' && i + 1 < pattern.Length && pattern[i + 1] == ':')
                {
                    var close = pattern.IndexOf(":]", i + 2, StringComparison.Ordinal);
                    if (close > 0)
                    {
                        var name = pattern[(i + 2)..close];
                        if (PosixClasses.TryGetValue(name, out var ranges))
                        {
                            result._ranges.AddRange(ranges);
                        }
                        else
                        {
                            found ??= $"unknown character class [:{name}:]";
                        }
                        i = close + 2;
                        continue;
                    }
                }
                if (c == '\\' && i + 1 < pattern.Length)
                {
                    c = pattern[++i];
                }
                // "a-z" is a range unless the '-' is last ("[a-]" holds 'a' and '-').
                if (i + 2 < pattern.Length && pattern[i + 1] == '-' && pattern[i + 2] != ']')
                {
                    var end = i + 2;
                    if (pattern[end] == '\\' && end + 1 < pattern.Length)
                    {
                        end++;
                    }
                    var high = pattern[end];
                    if (high < c)
                    {
                        found ??= $"reversed range {c}-{high} matches no character";
                    }
                    result._ranges.Add((c, high));
                    i = end + 1;
                    continue;
                }
                result._ranges.Add((c, c));
                i++;
            }
            problem = null;
            return -1;
        }
    }
}

/// <summary>Where an ignore decision came from, for <see cref="SkippedFile.Detail"/>.</summary>
internal sealed record IgnoreMatch(bool Ignored, IgnoreRule Rule, IgnoreRuleSet Source);

/// <summary>A line of an ignore source that is a pattern but cannot be used (1-based <see cref="Line"/>).</summary>
internal sealed record InvalidIgnoreLine(int Line, string Text, string Problem);

/// <summary>The rules of one ignore file (or the Excludes option), applying below <see cref="BaseDirectory"/>.</summary>
internal sealed class IgnoreRuleSet
{
    private readonly List<IgnoreRule> _rules = [];
    private readonly List<InvalidIgnoreLine> _invalid = [];

    /// <summary>Parses every line; one that cannot be used is left out (and listed in <see cref="Invalid"/>), never fatal.</summary>
    public IgnoreRuleSet(string baseDirectory, string sourceName, IEnumerable<string> lines, bool ignoreCase)
    {
        BaseDirectory = baseDirectory;
        SourceName = sourceName;
        var number = 0;
        foreach (var line in lines)
        {
            number++;
            if (IgnoreRule.Parse(line, ignoreCase, out var problem) is { } rule)
            {
                _rules.Add(rule);
            }
            else if (problem is not null)
            {
                _invalid.Add(new InvalidIgnoreLine(number, line.TrimEnd('\r'), problem));
            }
        }
    }

    /// <summary>The lines that are patterns git would never match (a reversed range, say): skipped, for the caller to report.</summary>
    public IReadOnlyList<InvalidIgnoreLine> Invalid => _invalid;

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
