using SemanticSearch.Engine.Chunking;

namespace SemanticSearch.Engine.Search;

/// <summary>Optional narrowing of a search.</summary>
/// <param name="Languages">Language ids to keep (e.g. "csharp", "python"); null or empty keeps all.</param>
/// <param name="PathGlob">Keep only chunks whose workspace-relative path matches this glob.</param>
/// <param name="LanguageFromQuery">
/// When no <paramref name="Languages"/> are given, a language named in the query ("python read file") becomes the
/// language filter and leaves the scored text (<see cref="QueryLanguageHint"/>).
/// </param>
/// <param name="ExcludeGlobs">Drop chunks whose workspace-relative path matches any of these globs (<see cref="PathGlob"/> syntax).</param>
/// <param name="ExcludeTests">Drop chunks of test files: paths <see cref="PathRoles"/> classifies as <see cref="PathRole.Test"/>.</param>
public sealed record SearchFilters(
    IReadOnlyCollection<string>? Languages = null,
    string? PathGlob = null,
    bool LanguageFromQuery = true,
    IReadOnlyCollection<string>? ExcludeGlobs = null,
    bool ExcludeTests = false)
{
    public static SearchFilters None { get; } = new();

    /// <summary>
    /// Some filter is on a path (a glob, an exclusion, tests). The lexical index cannot apply these itself (it
    /// knows languages, not paths): its hits are filtered after Lucene, so it is asked for more of them.
    /// </summary>
    public bool FiltersPaths => !string.IsNullOrWhiteSpace(PathGlob) || ExcludeGlobs is { Count: > 0 } || ExcludeTests;
}

/// <summary>
/// One ranked hit. <see cref="Score"/> is the ranker's (<see cref="HybridRanker"/>: both sides normalised over the
/// candidates and mixed, plus boosts); <see cref="SemanticScore"/> is MaxSim divided by the number of query vectors,
/// i.e. the mean best cosine per query token, the same scale whatever the query length; <see cref="LexicalScore"/>
/// is the fielded BM25 score (0 when the lexical side did not find the chunk).
/// </summary>
public sealed record SearchResult(
    Chunk Chunk,
    float Score,
    string Snippet,
    IReadOnlyList<MatchedSpan> Matches)
{
    public float SemanticScore { get; init; }

    public float LexicalScore { get; init; }
}

/// <summary>
/// "Why it matched": a whole word (or identifier part) of the chunk that carried the match of a query word. Line
/// and column are 1-based positions in the file (UTF-16 columns); <see cref="QueryToken"/> is the query word it
/// answered. <see cref="Similarity"/> is the model's best cosine for it (0 when only the lexical side matched);
/// <see cref="Lexical"/> says the word is also one of the query's lexical terms.
/// </summary>
public sealed record MatchedSpan(int Line, int Column, int Length, string Text, string QueryToken, float Similarity)
{
    public bool Lexical { get; init; }
}

/// <summary>All hits plus how much of the workspace they were drawn from.</summary>
/// <param name="ChunksSearched">Chunks scored (after filters).</param>
/// <param name="EncodeMilliseconds">Time to encode the query.</param>
/// <param name="SearchMilliseconds">Time to score and rank.</param>
public sealed record SearchResponse(
    IReadOnlyList<SearchResult> Results,
    int ChunksSearched,
    double EncodeMilliseconds,
    double SearchMilliseconds)
{
    /// <summary>Languages taken from the query as a filter (empty when none was named or hints were off).</summary>
    public IReadOnlyList<string> LanguagesFromQuery { get; init; } = [];

    /// <summary>The text that was encoded and scored (the query without a language mention taken as a filter).</summary>
    public string? ScoredText { get; init; }
}
