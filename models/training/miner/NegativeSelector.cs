namespace SemanticSearch.Miner;

/// <summary>A mined member chunk: candidate positive (when it has a usable query) and candidate negative.</summary>
public sealed record MinedDoc(string Path, string Symbol, string Document, string CodeHash, string? Query)
{
    public string Language { get; init; } = "";

    /// <summary>The same member as the engine indexes it, doc comment included (equals Document when it has none).</summary>
    public string DocumentWithDoc { get; init; } = "";

    public HashSet<string> NameWords { get; } = global::SemanticSearch.Miner.NameWords.Split(Symbol).ToHashSet(StringComparer.Ordinal);
}

/// <summary>
/// Hard negatives from the same package: documents whose names share subwords with the positive's, and from the
/// same file, score highest, since those are the confusable ones at search time.
/// </summary>
public static class NegativeSelector
{
    public static List<string> Select(MinedDoc positive, IReadOnlyList<MinedDoc> pool, int count) =>
        SelectDocs(positive, pool, count).Select(d => d.Document).ToList();

    public static List<MinedDoc> SelectDocs(MinedDoc positive, IReadOnlyList<MinedDoc> pool, int count)
    {
        var query = positive.Query is null ? null : EvalExclusions.NormalizeQuery(positive.Query);
        return pool
            .Where(d => !ReferenceEquals(d, positive) && d.CodeHash != positive.CodeHash && d.Document != positive.Document
                && (query is null || d.Query is null || EvalExclusions.NormalizeQuery(d.Query) != query))
            .Select(d => (Doc: d, Score: Score(positive, d)))
            .OrderByDescending(x => x.Score)
            // Ties: stable but not alphabetical, so negatives are not always the same first few members.
            .ThenBy(x => Tiebreak(positive.CodeHash, x.Doc.CodeHash))
            .Take(count)
            .Select(x => x.Doc)
            .ToList();
    }

    // Same file counts like 1.5 shared name subwords: a same-named member elsewhere beats an unrelated neighbour.
    private static int Score(MinedDoc a, MinedDoc b) =>
        (2 * a.NameWords.Count(b.NameWords.Contains)) + (a.Path == b.Path ? 3 : 0);

    // FNV-1a: string.GetHashCode is randomized per process and would make the output irreproducible.
    private static uint Tiebreak(string a, string b)
    {
        var hash = 2166136261u;
        foreach (var c in a + "\u0001" + b)
        {
            hash = (hash ^ c) * 16777619u;
        }
        return hash;
    }
}
