using System.Text.RegularExpressions;
using SemanticSearch.Engine.Models;

namespace SemanticSearch.Engine.Search;

/// <summary>A lexical term and where it came from in the text.</summary>
public readonly record struct CodeTerm(string Text, int Start, int Length);

/// <summary>
/// The one rule that turns text into lexical terms, shared by the lexical index (documents and queries), the BM25
/// baseline of <c>semsearch eval</c> and the ranker's query analysis.
/// <para>Words are maximal runs of letters and digits (so <c>_</c>, <c>.</c> and all punctuation separate words,
/// which splits snake_case); each word is split by the model tokenizer's identifier rule (camelCase, acronyms,
/// letter/digit boundaries: <see cref="ModelTokenizer.SplitIdentifier"/>), every part is lower-cased, and a word
/// that split also keeps its whole lower-cased form ("parseHTTPResponse" → parse, http, response,
/// parsehttpresponse), so a query naming the identifier matches it exactly. No stemming.</para>
/// </summary>
public static partial class CodeTerms
{
    /// <summary>The terms of <paramref name="text"/> in text order (a split word's whole form follows its parts).</summary>
    public static IEnumerable<CodeTerm> Of(string text)
    {
        foreach (Match m in WordPattern().Matches(text))
        {
            var parts = 0;
            foreach (var (start, length) in ModelTokenizer.SplitIdentifier(text, m.Index, m.Length))
            {
                parts++;
                yield return new CodeTerm(text.Substring(start, length).ToLowerInvariant(), start, length);
            }
            if (parts > 1)
            {
                yield return new CodeTerm(m.Value.ToLowerInvariant(), m.Index, m.Length);
            }
        }
    }

    /// <summary>
    /// The word part around <paramref name="offset"/>: the run of letters and digits that holds it, narrowed to the
    /// identifier part that holds it (<c>fetchWithRetry</c> at the "R" of "Retry" → "Retry"). Null on punctuation.
    /// What "why it matched" shows instead of a model sub-word ("Re", "##try").
    /// </summary>
    public static (int Start, int Length)? PartAt(string text, int offset)
    {
        static bool InWord(char c) => char.IsLetterOrDigit(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.NonSpacingMark;
        if (offset < 0 || offset >= text.Length || !InWord(text[offset]))
        {
            return null;
        }
        var start = offset;
        while (start > 0 && InWord(text[start - 1]))
        {
            start--;
        }
        var end = offset + 1;
        while (end < text.Length && InWord(text[end]))
        {
            end++;
        }
        foreach (var (partStart, partLength) in ModelTokenizer.SplitIdentifier(text, start, end - start))
        {
            if (offset >= partStart && offset < partStart + partLength)
            {
                return (partStart, partLength);
            }
        }
        return (start, end - start);
    }

    /// <summary>The term strings of <paramref name="text"/>, in order.</summary>
    public static List<string> Strings(string text) => Of(text).Select(t => t.Text).ToList();

    /// <summary>
    /// English function words that carry no lexical evidence in a question about code ("how to read the file" →
    /// read, file). Only queries drop them; documents keep every term, so an identifier such as <c>is</c> or
    /// <c>get</c> is still found when a query is nothing but that word.
    /// </summary>
    public static bool IsStopWord(string term) => StopWords.Contains(term);

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for", "from", "how", "i", "if", "in",
        "into", "is", "it", "its", "me", "my", "of", "on", "or", "so", "that", "the", "their", "then", "there", "these",
        "this", "those", "to", "via", "was", "what", "when", "where", "which", "while", "who", "why", "will", "with",
        "without", "you", "your",
    };

    [GeneratedRegex(@"[\p{L}\p{Nd}\p{Mn}]+")]
    private static partial Regex WordPattern();
}
