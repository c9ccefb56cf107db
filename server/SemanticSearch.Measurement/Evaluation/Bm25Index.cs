using SemanticSearch.Engine.Search;

namespace SemanticSearch.Measurement.Evaluation;

/// <summary>
/// Okapi BM25 (k1 = 1.2, b = 0.75, idf = ln(1 + (N − df + 0.5)/(df + 0.5))) over the same texts the model encodes,
/// as the lexical baseline of <c>semsearch eval</c>. Query terms are counted once each.
/// Terms are <see cref="CodeTerms"/> (identifier-split, lower-cased, whole word kept), with no stop words removed:
/// this is the plain baseline, one text per document, not the product's fielded lexical index.
/// </summary>
public sealed class Bm25Index
{
    public const double K1 = 1.2;
    public const double B = 0.75;

    private readonly Dictionary<string, List<(int Doc, int Tf)>> _postings = new(StringComparer.Ordinal);
    private readonly int[] _lengths;
    private readonly double _averageLength;

    public Bm25Index(IReadOnlyList<string> documents)
    {
        _lengths = new int[documents.Count];
        for (var d = 0; d < documents.Count; d++)
        {
            var terms = Terms(documents[d]);
            _lengths[d] = terms.Count;
            foreach (var group in terms.GroupBy(t => t, StringComparer.Ordinal))
            {
                if (!_postings.TryGetValue(group.Key, out var list))
                {
                    _postings[group.Key] = list = [];
                }
                list.Add((d, group.Count()));
            }
        }
        _averageLength = documents.Count == 0 ? 0 : _lengths.Average();
    }

    public int Count => _lengths.Length;

    /// <summary>BM25 score of every document for <paramref name="query"/> (0 where no term matches).</summary>
    public float[] Score(string query)
    {
        var scores = new float[_lengths.Length];
        foreach (var term in Terms(query).Distinct(StringComparer.Ordinal))
        {
            if (!_postings.TryGetValue(term, out var list))
            {
                continue;
            }
            var idf = Math.Log(1 + ((_lengths.Length - list.Count + 0.5) / (list.Count + 0.5)));
            foreach (var (doc, tf) in list)
            {
                var norm = K1 * (1 - B + (B * _lengths[doc] / Math.Max(1e-9, _averageLength)));
                scores[doc] += (float)(idf * tf * (K1 + 1) / (tf + norm));
            }
        }
        return scores;
    }

    /// <summary>The terms of a text: <see cref="CodeTerms"/>, the rule the lexical index uses too.</summary>
    public static List<string> Terms(string text) => CodeTerms.Strings(text);
}
