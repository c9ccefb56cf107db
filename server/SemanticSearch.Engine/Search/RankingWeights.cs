using System.Globalization;
using System.Reflection;

namespace SemanticSearch.Engine.Search;

/// <summary>
/// Every constant of the ranking, in one place: the ranker's (<see cref="HybridRanker"/>) and the lexical query's
/// field weights (<see cref="Index.LexicalIndex"/>). <see cref="Default"/> is what the product runs, chosen on dev
/// data only (CoSQA dev, CodeSearchNet; the table that chose them is in the README, "Ranking"). A tuning sweep
/// overrides some of them by name (<see cref="With"/>; <c>semsearch eval --weights name=value,…</c>).
/// </summary>
public sealed record RankingWeights
{
    public static RankingWeights Default { get; } = new();

    /// <summary>Lexical weight for a plain sentence (the semantic side gets the rest).</summary>
    public double LexicalWeightSentence { get; init; } = 0.3;

    /// <summary>Lexical weight for a query that is nothing but an identifier.</summary>
    public double LexicalWeightIdentifier { get; init; } = 0.7;

    /// <summary>Lexical weight with <see cref="RankingOptions.AdaptiveWeights"/> off (the "fusion" system).</summary>
    public double LexicalWeightFixed { get; init; } = 0.4;

    /// <summary>Added when the chunk defines a symbol the query names as an identifier.</summary>
    public double DefinitionBoost { get; init; } = 0.25;

    /// <summary>Added at most for query words found in the file's path (all of them found: the full amount).</summary>
    public double PathMatchBoost { get; init; } = 0.12;

    /// <summary>Shortest common prefix for a query word and a path word to match (plurals, inflections: route/routes/routing).</summary>
    public int PathPrefixMinimum { get; init; } = 4;

    /// <summary>Added at most to a file's best chunk when more of its chunks score near the top.</summary>
    public double CoherenceBoost { get; init; } = 0.08;

    /// <summary>A chunk counts towards its file's coherence when it scores this share of the best candidate.</summary>
    public double CoherenceThreshold { get; init; } = 0.6;

    /// <summary>Each chunk already taken from a file multiplies the next one's score by this.</summary>
    public double DiversityFactor { get; init; } = 0.75;

    /// <summary>Score factor for tests, docs, examples, generated and vendored files the query does not ask for.</summary>
    public double NonSourceFactor { get; init; } = 0.85;

    /// <summary>
    /// The semantic side is normalised over at least this spread of cosine below the best candidate: in a small pool
    /// (a small workspace, a narrow filter) min–max would turn 0.70 against 0.66 into 1 against 0.
    /// </summary>
    public double SemanticSpreadMinimum { get; init; } = 0.2;

    /// <summary>Candidates taken from each retriever before ranking (at least this many, and 5× the results asked for).</summary>
    public int CandidatesPerRetriever { get; init; } = 100;

    /// <summary>
    /// Candidate generation (<see cref="CentroidLists"/>): each query vector looks up the chunks of its this many
    /// nearest centroids.
    /// </summary>
    public int CentroidProbes { get; init; } = 4;

    /// <summary>
    /// Chunks (the best by centroid interaction) that candidate generation hands to exact MaxSim on their decoded
    /// vectors. On a real index of 100,868 chunks (Python's standard library, four copies), 500 CoSQA dev queries,
    /// recall@10 of the model against its full scan: 2,560 after 6,144 <see cref="CentroidCandidates"/> 0.985 at
    /// p50 / p95 28.7 / 37.4 ms; the lists' best 4,096 alone (the earlier default) 0.983 at 34.8 / 46.3 ms
    /// (README, "Measuring speed").
    /// </summary>
    public int ExactCandidates { get; init; } = 2560;

    /// <summary>
    /// Chunks (the best by the lists' score) that candidate generation scores by centroid interaction
    /// (<see cref="CentroidInteraction"/>), of which the best <see cref="ExactCandidates"/> go on; at most
    /// <see cref="ExactCandidates"/>: that stage is skipped. 8,192 gave no more recall than 6,144 (0.983) and cost 1.5 ms more.
    /// </summary>
    public int CentroidCandidates { get; init; } = 6144;

    /// <summary>
    /// Query-time weight of each lexical field. Equal weights won on dev data (CoSQA dev MRR@10, lexical alone: all
    /// 1.0 0.337; symbol 3, file 2, signature 1.5 0.272; symbol 2 0.295; body alone 0.322): a name match is rewarded
    /// by the ranker's definition boost instead, and each field's own length normalisation already favours a hit in
    /// a short field.
    /// </summary>
    public double FieldSymbol { get; init; } = 1.0;

    public double FieldContainer { get; init; } = 1.0;

    public double FieldSignature { get; init; } = 1.0;

    public double FieldFile { get; init; } = 1.0;

    public double FieldDoc { get; init; } = 1.0;

    public double FieldBody { get; init; } = 1.0;

    /// <summary>How much of a query term's best field the other matching fields add (DisjunctionMax tie-breaker).</summary>
    public double FieldTieBreaker { get; init; } = 0.3;

    /// <summary>The lexical fields with their weights, in index order.</summary>
    public IReadOnlyList<(string Field, float Weight)> FieldWeights =>
    [
        ("symbol", (float)FieldSymbol),
        ("container", (float)FieldContainer),
        ("signature", (float)FieldSignature),
        ("file", (float)FieldFile),
        ("doc", (float)FieldDoc),
        ("body", (float)FieldBody),
    ];

    private static readonly PropertyInfo[] Tunable = typeof(RankingWeights).GetProperties()
        .Where(p => p.CanWrite && (p.PropertyType == typeof(double) || p.PropertyType == typeof(int)))
        .ToArray();

    /// <summary>Names a sweep can override (every number above).</summary>
    public static IReadOnlyList<string> Names => Tunable.Select(p => p.Name).ToList();

    /// <summary>
    /// These weights with <paramref name="overrides"/> applied: <c>Name=value</c> pairs separated by commas
    /// (<c>LexicalWeightSentence=0.2,FieldSymbol=2</c>). An unknown name or a bad number is an error naming it.
    /// </summary>
    public RankingWeights With(string overrides)
    {
        var copy = this with { };
        foreach (var pair in overrides.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = pair.IndexOf('=');
            var name = eq > 0 ? pair[..eq].Trim() : pair;
            var property = Tunable.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"Unknown ranking weight '{name}' (known: {string.Join(", ", Names)}).");
            var text = eq > 0 ? pair[(eq + 1)..].Trim() : "";
            if (property.PropertyType == typeof(int))
            {
                property.SetValue(copy, int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i)
                    ? i
                    : throw new ArgumentException($"Ranking weight {property.Name} needs a whole number, got '{text}'."));
            }
            else
            {
                property.SetValue(copy, double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                    ? d
                    : throw new ArgumentException($"Ranking weight {property.Name} needs a number, got '{text}'."));
            }
        }
        return copy;
    }
}
