using System.Text.RegularExpressions;

namespace SemanticSearch.Engine.Search;

/// <summary>
/// What the ranker needs to know about a query: its content terms, the identifiers it names, how much it leans
/// lexical, and whether it asks for tests, docs or examples (which are otherwise demoted).
/// </summary>
/// <param name="ContentTerms">The distinct <see cref="CodeTerms"/> of the query without stop words.</param>
/// <param name="Identifiers">Query words written as code: camelCase, snake_case, acronyms, qualified
/// (<c>Sinatra::Base</c>, <c>http.Client</c>); each with its last segment, the name a definition would carry.</param>
/// <param name="IdentifierShare">0 (a sentence) … 1 (nothing but an identifier): words that are identifiers count
/// fully when the query is only identifiers, half when they sit in a sentence.</param>
public sealed partial record QueryAnalysis(
    string Text,
    IReadOnlyList<string> ContentTerms,
    IReadOnlyList<string> Identifiers,
    double IdentifierShare,
    bool AsksForTests,
    bool AsksForDocs,
    bool AsksForExamples)
{
    public static QueryAnalysis Of(string query)
    {
        var words = WordPattern().Matches(query).Select(m => m.Value.Trim('.', ':', ',', ';', '(', ')', '?', '!', '"', '\'')).Where(w => w.Length > 0).ToList();
        var identifiers = new List<string>();
        foreach (var word in words.Where(LooksLikeIdentifier))
        {
            identifiers.Add(word);
            var last = LastSegment(word);
            if (last != word)
            {
                identifiers.Add(last);
            }
        }
        var identifierWords = words.Count(LooksLikeIdentifier);
        var share = words.Count == 0 ? 0
            : identifierWords == words.Count ? 1.0
            : 0.5 * identifierWords / words.Count;
        var terms = CodeTerms.Strings(query).Distinct(StringComparer.Ordinal).Where(t => !CodeTerms.IsStopWord(t)).ToList();
        bool Mentions(params string[] stems) => terms.Any(t => stems.Any(s => t.StartsWith(s, StringComparison.Ordinal)));
        return new QueryAnalysis(
            query,
            terms,
            identifiers.Distinct(StringComparer.Ordinal).ToList(),
            share,
            Mentions("test", "spec", "mock", "fixture"),
            Mentions("doc", "readme", "guide", "tutorial", "changelog"),
            Mentions("example", "sample", "demo"));
    }

    /// <summary>
    /// A word written as code rather than prose: an inner capital (<c>parseJson</c>, <c>HTTPAdapter</c>), an
    /// underscore, a qualifier (<c>::</c>, <c>.</c>, <c>#</c>, <c>/</c> between letters), an all-caps acronym of
    /// two or more letters, or letters mixed with digits (<c>utf8</c>).
    /// </summary>
    public static bool LooksLikeIdentifier(string word)
    {
        if (word.Length < 2 || !word.Any(char.IsLetter))
        {
            return false;
        }
        if (word.Contains('_') || word.Contains("::", StringComparison.Ordinal) || QualifiedPattern().IsMatch(word))
        {
            return true;
        }
        for (var i = 1; i < word.Length; i++)
        {
            if (char.IsUpper(word[i]) && char.IsLetter(word[i - 1]))
            {
                return true; // camelCase, PascalCase with a second hump, ACRONYM
            }
        }
        return word.Any(char.IsDigit) && word.Any(char.IsLetter);
    }

    /// <summary>The last segment of a qualified name (<c>Sinatra::Base</c> → <c>Base</c>, <c>a.b.run</c> → <c>run</c>).</summary>
    public static string LastSegment(string word)
    {
        var cut = word.LastIndexOfAny([':', '.', '#', '/']);
        return cut >= 0 && cut < word.Length - 1 ? word[(cut + 1)..] : word;
    }

    [GeneratedRegex(@"\S+")]
    private static partial Regex WordPattern();

    [GeneratedRegex(@"\p{L}[.#/]\p{L}")]
    private static partial Regex QualifiedPattern();
}
