using System.Text.RegularExpressions;

namespace SemanticSearch.Engine.Chunking;

/// <summary>
/// What the brace heuristics need to know about one language: its comment and string syntax, and the patterns
/// (matched against a line with comments and strings blanked, leading whitespace removed) that start a type or a
/// function. Patterns name the symbol in group "name"; "recv" (Go receivers) names the container; "kw" the keyword.
/// </summary>
internal sealed class BraceLanguage
{
    private const string Id = @"[\p{L}_$][\p{L}\p{N}_$]*";
    private const string Modifiers =
        @"(?:(?:export|default|declare|abstract|public|private|protected|internal|static|final|sealed|open|override|" +
        @"virtual|async|inline|data|enum|inner|value|annotation|companion|partial|readonly|unsafe|extern|const|" +
        @"pub(?:\([\w\s:]*\))?|fileprivate|indirect|case|implicit|lazy|strictfp|non-sealed|actual|expect|" +
        @"@[\w.]+(?:\([^)]*\))?)\s+)*";

    private static readonly string TypeKeywords = @"(?<kw>class|interface|struct|enum|trait|object|record|union|protocol|extension|namespace|module|mod|@interface)";

    private static readonly Regex CommonType = new(
        $@"^{Modifiers}{TypeKeywords}\s+(?<name>{Id}(?:(?:::|\.|\\){Id})*)", RegexOptions.Compiled);

    private static readonly Regex GoType = new($@"^type\s+(?<name>{Id})(?:\[[^\]]*\])?\s+(?<kw>struct|interface)\b", RegexOptions.Compiled);

    private static readonly Regex RustImpl = new(
        $@"^(?:unsafe\s+)?(?<kw>impl)\b(?:\s*<.*?>)?\s+(?:(?<trait>[^{{]+?)\s+for\s+)?(?<name>{Id})", RegexOptions.Compiled);

    private static readonly Regex JsFunction = new(
        $@"^(?:export\s+)?(?:default\s+)?(?:declare\s+)?(?:async\s+)?function\s*\*?\s*(?<name>{Id})", RegexOptions.Compiled);

    /// <summary>const f = (...) =&gt; {, const f = async function () {: only counted when the header has => or function.</summary>
    private static readonly Regex JsArrow = new(
        $@"^(?:export\s+)?(?:const|let|var)\s+(?<name>{Id})\s*(?::[^=]+)?=\s*(?:async\s+)?(?:function\b|\(|{Id}\s*=>|<)",
        RegexOptions.Compiled);

    private static readonly Regex JsMember = new(
        $@"^(?:(?:public|private|protected|static|async|readonly|abstract|override|declare|get|set|accessor)\s+)*\*?(?<name>#?{Id})\s*(?:<[^>]*>)?\s*\(",
        RegexOptions.Compiled);

    private static readonly Regex JsArrowMember = new(
        $@"^(?:(?:public|private|protected|static|readonly)\s+)*(?<name>#?{Id})\s*(?::[^=]+)?=\s*(?:async\s+)?(?:\(|{Id}\s*=>)",
        RegexOptions.Compiled);

    private static readonly Regex GoFunc = new(
        $@"^func\s+(?:\(\s*(?:{Id}\s+)?\*?\s*(?<recv>{Id})(?:\[[^\]]*\])?\s*\)\s*)?(?<name>{Id})\s*[\[(]", RegexOptions.Compiled);

    private static readonly Regex RustFn = new(
        $@"^{Modifiers}(?:(?:const|async|unsafe|extern(?:\s+""[^""]*"")?)\s+)*fn\s+(?<name>{Id})", RegexOptions.Compiled);

    private static readonly Regex KotlinFun = new(
        $@"^{Modifiers}(?:(?:suspend|inline|operator|infix|tailrec|external)\s+)*fun\s+(?:<[^>]*>\s*)?(?:(?<recv>[\w.<>?]+)\.)?(?<name>{Id}|`[^`]+`)\s*\(",
        RegexOptions.Compiled);

    private static readonly Regex SwiftFunc = new(
        $@"^{Modifiers}(?:(?:mutating|nonmutating|convenience|required|dynamic|@\w+)\s+)*(?:func\s+(?<name>{Id}|[^\s(<]+)|(?<name>init|deinit|subscript)\b)",
        RegexOptions.Compiled);

    private static readonly Regex ScalaDef = new($@"^{Modifiers}def\s+(?<name>{Id}|[^\s(\[:]+)", RegexOptions.Compiled);

    private static readonly Regex PhpFunction = new(
        $@"^(?:(?:public|private|protected|static|abstract|final)\s+)*function\s+&?(?<name>{Id})\s*\(", RegexOptions.Compiled);

    /// <summary>
    /// C-family "type name(" declarations: Java methods, C/C++ functions (also Foo::bar and operators). A return type
    /// is required at file level (so macro calls are not functions); inside a type, constructors have none.
    /// </summary>
    private static readonly Regex CLike = new(
        $@"^(?<prefix>(?:{Id}[\w.<>\[\],?:*&\s]*?)?[\s*&>\]])?(?<name>(?:{Id}::)*(?:~?{Id}|operator\s*[^\s(]+(?:\(\))?))\s*\(",
        RegexOptions.Compiled);

    private static readonly HashSet<string> NotFunctions = new(StringComparer.Ordinal)
    {
        "if", "for", "foreach", "while", "switch", "catch", "return", "new", "else", "throw", "synchronized", "do",
        "try", "super", "this", "case", "assert", "sizeof", "typeof", "delete", "when", "using", "lock", "fixed",
        "elif", "with", "yield", "await", "goto", "defined", "import", "require", "print",
    };

    public required string Name { get; init; }
    public required CodeLexer Lexer { get; init; }
    public required Regex[] TypePatterns { get; init; }
    public required Regex[] FunctionPatterns { get; init; }
    /// <summary>Extra patterns tried only inside a type's body (class methods in JS/TS, Java methods).</summary>
    public Regex[] MemberPatterns { get; init; } = [];
    public bool CLikeFunctions { get; init; }
    /// <summary>Kotlin/Scala: "data class Job(val name: String)" is a whole type declaration without braces.</summary>
    public bool BodilessTypes { get; init; }

    public static BraceLanguage? For(string language) => language switch
    {
        "javascript" or "typescript" => Make(language, new CodeLexer { HashComments = false, MultilineBackticks = true },
            [CommonType], [JsFunction, JsArrow], [JsMember, JsArrowMember]),
        "go" => Make(language, new CodeLexer { HashComments = false, MultilineBackticks = true }, [GoType], [GoFunc]),
        "java" => Make(language, new CodeLexer { HashComments = false, TripleQuotes = true }, [CommonType], [], clike: true),
        "rust" => Make(language, new CodeLexer { HashComments = false, NestedBlockComments = true, RustStrings = true },
            [RustImpl, CommonType], [RustFn]),
        "php" => Make(language, new CodeLexer { HashComments = true }, [CommonType], [PhpFunction]),
        "c" or "cpp" => Make(language, new CodeLexer { HashComments = false, CppRawStrings = language == "cpp" }, [CommonType], [],
            clike: true),
        "kotlin" => Make(language, new CodeLexer { HashComments = false, NestedBlockComments = true, TripleQuotes = true },
            [CommonType], [KotlinFun], bodiless: true),
        "swift" => Make(language, new CodeLexer { HashComments = false, NestedBlockComments = true, TripleQuotes = true, SingleQuoteStrings = false },
            [CommonType], [SwiftFunc]),
        "scala" => Make(language, new CodeLexer { HashComments = false, NestedBlockComments = true, TripleQuotes = true },
            [CommonType], [ScalaDef], bodiless: true),
        _ => null,
    };

    private static BraceLanguage Make(string name, CodeLexer lexer, Regex[] types, Regex[] functions, Regex[]? members = null,
        bool clike = false, bool bodiless = false) =>
        new()
        {
            Name = name,
            Lexer = lexer,
            TypePatterns = types,
            FunctionPatterns = functions,
            MemberPatterns = members ?? [],
            CLikeFunctions = clike,
            BodilessTypes = bodiless,
        };

    /// <summary>A type-like declaration on this (blanked, trimmed) line: keyword, name, and for Rust impls the header's trait.</summary>
    public (string Keyword, string Name)? MatchType(string line)
    {
        foreach (var pattern in TypePatterns)
        {
            var match = pattern.Match(line);
            if (match.Success)
            {
                return (match.Groups["kw"].Value, match.Groups["name"].Value);
            }
        }
        return null;
    }

    /// <summary>A function-like declaration: name, receiver/qualifier (container) if any, and whether it must be an arrow.</summary>
    public (string Name, string? Receiver, bool NeedsArrow)? MatchFunction(string line, bool insideType)
    {
        foreach (var pattern in FunctionPatterns)
        {
            var match = pattern.Match(line);
            // Keyword-introduced functions (fn new, def print) may have any name.
            if (match.Success)
            {
                var receiver = match.Groups["recv"].Success ? match.Groups["recv"].Value : null;
                return (match.Groups["name"].Value, receiver, pattern == JsArrow);
            }
        }
        if (insideType)
        {
            foreach (var pattern in MemberPatterns)
            {
                var match = pattern.Match(line);
                if (match.Success && !NotFunctions.Contains(match.Groups["name"].Value))
                {
                    return (match.Groups["name"].Value, null, pattern == JsArrowMember);
                }
            }
        }
        if (CLikeFunctions)
        {
            var match = CLike.Match(line);
            if (match.Success)
            {
                var first = FirstWord(line);
                var name = match.Groups["name"].Value;
                var hasPrefix = match.Groups["prefix"].Success && match.Groups["prefix"].Value.Trim().Length > 0;
                if (!NotFunctions.Contains(first) && !NotFunctions.Contains(name) && (hasPrefix || insideType || name.Contains("::", StringComparison.Ordinal)))
                {
                    var cut = name.LastIndexOf("::", StringComparison.Ordinal);
                    // Foo::bar defined outside its class: bar is the symbol, Foo the container.
                    return cut > 0 ? (name[(cut + 2)..], name[..cut], false) : (name, null, false);
                }
            }
        }
        return null;
    }

    private static string FirstWord(string line)
    {
        var end = 0;
        while (end < line.Length && (char.IsLetterOrDigit(line[end]) || line[end] == '_'))
        {
            end++;
        }
        return line[..end];
    }
}
