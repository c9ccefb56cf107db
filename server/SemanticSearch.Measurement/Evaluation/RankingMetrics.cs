namespace SemanticSearch.Measurement.Evaluation;

/// <summary>What one query scored. Ranks are 1-based over the whole corpus (every document is scored).</summary>
/// <param name="FirstRelevantRank">Rank of the first relevant gold; null when no relevant gold is in the corpus.</param>
/// <param name="RelevantRanks">Rank of each relevant gold found (first occurrence), ascending.</param>
/// <param name="RelevantCount">Relevant golds of the query, including those missing from the corpus.</param>
/// <param name="MissingGolds">Golds (relevant or graded) that match no document of the corpus.</param>
public sealed record QueryMetrics(
    int? FirstRelevantRank,
    IReadOnlyList<int> RelevantRanks,
    int RelevantCount,
    int MissingGolds,
    double ReciprocalRankAt10,
    double NdcgAt10)
{
    /// <summary>Share of the relevant golds ranked within the first <paramref name="k"/>.</summary>
    public double RecallAt(int k) => RelevantCount == 0 ? 0 : RelevantRanks.Count(r => r <= k) / (double)RelevantCount;
}

/// <summary>
/// Ranking metrics over one fully scored corpus.
/// <para><b>Tie rule (pessimistic):</b> documents are ordered by score, descending; among documents with exactly
/// equal scores, non-relevant ones come first, then golds by ascending gain. A gold tied with other documents thus
/// gets the worst rank of its tie group, so a model cannot gain from ties (a constant scorer gets no credit).</para>
/// <para><b>Duplicates:</b> when several documents match the same gold (several chunks of one symbol), only the
/// first counts; later ones are neither relevant nor gain. <b>Missing golds</b> (in no document) still count in the
/// Recall denominator and in the ideal DCG, so a corpus that lacks the answer scores 0, never "not applicable".</para>
/// <para>MRR@10 = 1/rank of the first relevant gold if ≤ 10, else 0. Recall@k = relevant golds within k / relevant
/// golds. nDCG@10 = Σ_{i≤10} gain_i / log2(i+1), divided by the same sum over the golds' gains sorted descending
/// (linear gain: 1 for binary relevance, the grade for graded sets).</para>
/// </summary>
public static class RankingMetrics
{
    public const int Cutoff = 10;

    /// <param name="scores">Score of every document.</param>
    /// <param name="goldOfDocument">For every document, the index into <paramref name="golds"/> it matches, or -1.</param>
    public static QueryMetrics Evaluate(ReadOnlySpan<float> scores, ReadOnlySpan<int> goldOfDocument, IReadOnlyList<GoldRef> golds)
    {
        if (scores.Length != goldOfDocument.Length)
        {
            throw new ArgumentException("scores and goldOfDocument differ in length");
        }
        // Only documents that match a gold need a position: rank = 1 + documents strictly ahead of it.
        // Ahead = higher score, or equal score and ordered before it by the tie rule.
        var candidates = new List<(int Doc, float Score, int Gold)>();
        for (var d = 0; d < scores.Length; d++)
        {
            if (goldOfDocument[d] >= 0)
            {
                candidates.Add((d, scores[d], goldOfDocument[d]));
            }
        }
        var ranked = new List<(int Rank, int Gold)>(candidates.Count);
        foreach (var c in candidates)
        {
            var ahead = 0;
            for (var d = 0; d < scores.Length; d++)
            {
                if (d == c.Doc)
                {
                    continue;
                }
                if (scores[d] > c.Score || (scores[d] == c.Score && TieAhead(d, goldOfDocument[d], c.Doc, c.Gold, golds)))
                {
                    ahead++;
                }
            }
            ranked.Add((ahead + 1, c.Gold));
        }
        ranked.Sort((a, b) => a.Rank.CompareTo(b.Rank));

        var seen = new HashSet<int>();
        var relevantRanks = new List<int>();
        var dcg = 0.0;
        foreach (var (rank, gold) in ranked)
        {
            if (!seen.Add(gold))
            {
                continue;
            }
            if (golds[gold].IsRelevant)
            {
                relevantRanks.Add(rank);
            }
            if (rank <= Cutoff && golds[gold].Grade > 0)
            {
                dcg += golds[gold].Grade / Math.Log2(rank + 1);
            }
        }
        var ideal = golds.Select(g => g.Grade).Where(g => g > 0).OrderByDescending(g => g).Take(Cutoff)
            .Select((g, i) => g / Math.Log2(i + 2)).Sum();
        var missing = Enumerable.Range(0, golds.Count).Count(g => !seen.Contains(g));
        int? first = relevantRanks.Count > 0 ? relevantRanks[0] : null;
        return new QueryMetrics(
            first,
            relevantRanks,
            golds.Count(g => g.IsRelevant),
            missing,
            first is { } f && f <= Cutoff ? 1.0 / f : 0,
            ideal > 0 ? dcg / ideal : 0);
    }

    /// <summary>Within a tie: does document <paramref name="d"/> come before the gold document <paramref name="c"/>?</summary>
    private static bool TieAhead(int d, int dGold, int c, int cGold, IReadOnlyList<GoldRef> golds)
    {
        if (dGold < 0)
        {
            return true; // Non-relevant documents go first (pessimistic).
        }
        var (dKey, cKey) = (Key(golds[dGold]), Key(golds[cGold]));
        return dKey != cKey ? dKey < cKey : d < c;
    }

    private static double Key(GoldRef g) => (g.IsRelevant ? 1_000_000 : 0) + g.Grade;

    /// <summary>Bucket of a first-relevant rank: "1", "2", "3", "4-5", "6-10" or "miss" (beyond 10 or not found).</summary>
    public static string Bucket(int? rank) => rank switch
    {
        1 => "1",
        2 => "2",
        3 => "3",
        4 or 5 => "4-5",
        >= 6 and <= 10 => "6-10",
        _ => "miss",
    };

    public static readonly string[] Buckets = ["1", "2", "3", "4-5", "6-10", "miss"];

    /// <summary>Nearest-rank percentile (p in 0..100) of unsorted values; 0 for none.</summary>
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0)
        {
            return 0;
        }
        var sorted = values.OrderBy(v => v).ToArray();
        var index = (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Length - 1)];
    }
}
