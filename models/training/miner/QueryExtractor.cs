using System.Text.RegularExpressions;

namespace SemanticSearch.Miner;

/// <summary>
/// Turns a chunk's documentation into a search-like query: its first sentence, with markup, references and
/// parameter sections removed. Returns null (and a reason) for text that would teach the model nothing.
/// </summary>
public static partial class QueryExtractor
{
    public const int MinWords = 3;
    public const int MaxWords = 40;

    public static string? Extract(string? documentation, string? symbol, out string? dropReason)
    {
        dropReason = null;
        if (string.IsNullOrWhiteSpace(documentation))
        {
            dropReason = "no-doc";
            return null;
        }

        // Only the lead text counts: stop at the first tag/section line (@param, :param, Args:, Examples...).
        var lead = new List<string>();
        foreach (var raw in documentation.Split('\n'))
        {
            var line = raw.Trim();
            // After the first line, "name: text" is a parameter line: the engine renders C# XML doc <param> and
            // <returns> that way, and a summary without a closing period would otherwise run into them.
            if (SectionStart().IsMatch(line) || (lead.Count > 0 && ParameterLine().IsMatch(line)))
            {
                break;
            }
            lead.Add(line);
        }
        var text = Clean(string.Join(' ', lead));
        var sentence = FirstSentence(text).Trim().TrimEnd('.', ':', ';', ',').Trim();
        if (sentence.Length == 0)
        {
            dropReason = "empty";
            return null;
        }

        var words = sentence.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < MinWords)
        {
            dropReason = "too-short";
            return null;
        }
        if (words.Length > MaxWords)
        {
            dropReason = "too-long";
            return null;
        }
        if (LowInformation(sentence, symbol))
        {
            dropReason = "low-information";
            return null;
        }
        return sentence;
    }

    /// <summary>Strips doc markup (XML doc, Javadoc/JSDoc inline tags, reST roles, Markdown) and URLs.</summary>
    public static string Clean(string text)
    {
        text = XmlRef().Replace(text, m => m.Groups[2].Value);
        text = XmlTag().Replace(text, "");
        text = InlineTag().Replace(text, m => m.Groups[1].Value);
        text = RestRole().Replace(text, m => m.Groups[1].Value);
        text = MarkdownLink().Replace(text, m => m.Groups[1].Value);
        text = Url().Replace(text, "");
        text = text.Replace("``", "", StringComparison.Ordinal).Replace("`", "", StringComparison.Ordinal)
            .Replace("**", "", StringComparison.Ordinal).Replace("&lt;", "<", StringComparison.Ordinal)
            .Replace("&gt;", ">", StringComparison.Ordinal).Replace("&amp;", "&", StringComparison.Ordinal);
        text = Spaces().Replace(text, " ").Trim();
        // Rust intra-doc links leave "[Foo]"; keep the name.
        text = BracketName().Replace(text, m => m.Groups[1].Value);
        return text;
    }

    /// <summary>Text up to the first sentence end (". ", "! ", "? " or the end), ignoring "e.g." and friends.</summary>
    public static string FirstSentence(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is not ('.' or '!' or '?'))
            {
                continue;
            }
            var atEnd = i + 1 == text.Length;
            if (!atEnd && !char.IsWhiteSpace(text[i + 1]))
            {
                continue;
            }
            if (c == '.' && Abbreviation().IsMatch(text[..(i + 1)]))
            {
                continue;
            }
            return text[..(i + 1)];
        }
        return text;
    }

    /// <summary>
    /// Boilerplate ("TODO", "Constructor.", "Initializes a new instance of...", licence lines) and sentences that
    /// only restate the symbol's name ("Gets the name." on GetName).
    /// </summary>
    public static bool LowInformation(string sentence, string? symbol)
    {
        if (Boilerplate().IsMatch(sentence))
        {
            return true;
        }
        var letters = sentence.Count(char.IsLetter);
        if (letters < sentence.Length / 2)
        {
            return true;
        }
        if (string.IsNullOrEmpty(symbol))
        {
            return false;
        }
        var nameWords = NameWords.Split(symbol).ToHashSet(StringComparer.Ordinal);
        var content = Word().Matches(sentence.ToLowerInvariant()).Select(m => m.Value)
            .Where(w => !StopWords.Contains(w)).ToList();
        return content.Count == 0 || content.All(w => nameWords.Contains(w) || nameWords.Contains(w.TrimEnd('s')));
    }

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "of", "to", "for", "this", "that", "it", "its", "is", "are", "be", "and", "or", "in", "on",
        "get", "gets", "set", "sets", "return", "returns", "returned", "value", "given", "specified", "method",
        "function", "property", "field", "object", "instance", "current", "new", "create", "creates", "with", "by",
    };

    [GeneratedRegex(
        @"^(@\w+|:(param|parameter|arg|argument|key|keyword|type|rtype|return|returns|raises|raise|except|exception|var|ivar|cvar)\b|" +
        @"(Args|Arguments|Parameters|Params|Returns|Return|Yields|Raises|Throws|Examples?|Example usage|Usage|Note|Notes|See also|Warning|" +
        @"Attributes|Errors|Panics|Safety)\s*:?\s*$|#+\s|>>>|```|---|===|\.\.\s+\w+::)",
        RegexOptions.IgnoreCase)]
    private static partial Regex SectionStart();

    [GeneratedRegex(@"^(Throws\s+\S+|[A-Za-z_]\w*):\s+\S")]
    private static partial Regex ParameterLine();

    [GeneratedRegex(@"<(see|seealso|paramref|typeparamref)\s+\w+\s*=\s*""(?:[A-Z]:)?([^""]*)""\s*/?>", RegexOptions.IgnoreCase)]
    private static partial Regex XmlRef();

    [GeneratedRegex(@"</?[A-Za-z][\w:-]*(\s+[^<>]*)?/?>")]
    private static partial Regex XmlTag();

    [GeneratedRegex(@"\{@(?:link|linkplain|code|literal|see|value)\s+([^}]*)\}")]
    private static partial Regex InlineTag();

    [GeneratedRegex(@":(?:[\w]+:)?(?:func|meth|class|attr|mod|obj|data|exc|const|ref|term|py:\w+)?:`~?([^`]*)`")]
    private static partial Regex RestRole();

    [GeneratedRegex(@"\[([^\]]+)\]\([^)]*\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"\[`?([^\]`]+)`?\]")]
    private static partial Regex BracketName();

    // A sentence-ending period right after a URL still ends the sentence.
    [GeneratedRegex(@"(https?|ftp)://\S*[^\s.,;:!?)]|www\.\S*[^\s.,;:!?)]")]
    private static partial Regex Url();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"(\b(e\.g|i\.e|etc|vs|cf|approx|resp|incl|no|Mr|Dr|St)\.|\.\.\.)$", RegexOptions.IgnoreCase)]
    private static partial Regex Abbreviation();

    [GeneratedRegex(@"[a-z][a-z0-9]*")]
    private static partial Regex Word();

    [GeneratedRegex(
        @"^(todo|fixme|xxx|hack|deprecated|@deprecated|nodoc|noinspection|pylint|type:|inheritdoc|@inheritdoc|copydoc|overrides?\b|see\b|" +
        @"test\b|tests\b|auto-?generated|generated\b|this (file|code|class|method) (is|was) (auto-?)?generated|do not (use|edit)|" +
        @"for internal use|internal use only|(default |empty |private |public |protected )?constructor\b|(getter|setter|accessor)s?\b|" +
        @"initiali[sz]es a new instance of|creates a new instance of( the)? \w+( class)?$|copyright|licensed under|spdx|" +
        @"implementation of\b.*\binterface$|implements\b)",
        RegexOptions.IgnoreCase)]
    private static partial Regex Boilerplate();
}

/// <summary>Splits identifiers into lower-case subwords: "parseHTTPResponse_body" → parse, http, response, body.</summary>
public static partial class NameWords
{
    public static IEnumerable<string> Split(string? name) =>
        name is null ? [] : Part().Matches(name).Select(m => m.Value.ToLowerInvariant()).Where(w => w.Length > 1);

    [GeneratedRegex(@"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")]
    private static partial Regex Part();
}
