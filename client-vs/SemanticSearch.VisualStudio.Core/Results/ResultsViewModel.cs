using SemanticSearch.Server.Protocol;

namespace SemanticSearch.VisualStudio.Core.Results;

/// <summary>A file's hits, as one node of the results tree.</summary>
public sealed class FileGroup
{
    public required string Uri { get; init; }
    public required string Folder { get; init; }
    /// <summary>Folder-relative, with '/'.</summary>
    public required string Path { get; init; }
    /// <summary>The best (lowest) rank in the file: files are ordered by their best hit.</summary>
    public required int BestRank { get; init; }
    /// <summary>In rank order.</summary>
    public required IReadOnlyList<SearchHit> Hits { get; init; }
}

/// <summary>
/// One search's answer for the results tree: hits grouped by file (files by their best hit, hits by rank, so the
/// ranking is kept), one row per symbol, and next / previous through them in the order the tree shows (the VS
/// Code client's rules: client-vscode/src/logic/results.ts).
/// </summary>
public sealed class ResultsViewModel
{
    public ResultsViewModel(SearchResultSet answer)
    {
        Answer = answer;
        var hits = MergeBySymbol(answer.Results);
        Files =
        [
            .. hits.Select((hit, i) => (Hit: hit, Rank: hit.Rank > 0 ? hit.Rank : i + 1))
                .GroupBy(h => h.Hit.Uri, StringComparer.Ordinal)
                .Select(g => new FileGroup
                {
                    Uri = g.Key,
                    Folder = g.First().Hit.Folder,
                    Path = g.First().Hit.Path,
                    BestRank = g.Min(h => h.Rank),
                    Hits = [.. g.OrderBy(h => h.Rank).Select(h => h.Hit)],
                })
                .OrderBy(g => g.BestRank),
        ];
        Order = [.. Files.SelectMany(f => f.Hits)];
    }

    public SearchResultSet Answer { get; }

    public string Query => Answer.Query;

    public IReadOnlyList<FileGroup> Files { get; }

    /// <summary>Every hit in the order next / previous visit them: as the tree shows them.</summary>
    public IReadOnlyList<SearchHit> Order { get; }

    /// <summary>Where next / previous stand; null before the first step.</summary>
    public int? CurrentIndex { get; private set; }

    public SearchHit? Current => CurrentIndex is { } i ? Order[i] : null;

    /// <summary>False while the index was still being built when the query ran: the answer may miss files.</summary>
    public bool Complete => Answer.Coverage.Complete;

    public bool IsEmpty => Order.Count == 0;

    /// <summary>The next hit, wrapping; from nothing, the first. Null when there are none.</summary>
    public SearchHit? Next() => Step(1);

    /// <summary>The previous hit, wrapping; from nothing, the last.</summary>
    public SearchHit? Previous() => Step(-1);

    /// <summary>The user picked a row: next / previous go on from there.</summary>
    public void Select(SearchHit hit)
    {
        var index = Order.ToList().IndexOf(hit);
        CurrentIndex = index >= 0 ? index : CurrentIndex;
    }

    /// <summary>
    /// One row per symbol: later hits of a symbol already listed (the parts of a long method, the same declaration
    /// found twice) are dropped, the first (best ranked) kept. Hits without a symbol are all kept.
    /// </summary>
    public static IReadOnlyList<SearchHit> MergeBySymbol(IEnumerable<SearchHit> hits)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return [.. hits.Where(hit => string.IsNullOrEmpty(hit.Symbol) || seen.Add($"{hit.Uri}\0{hit.Container}\0{hit.Symbol}\0{hit.Kind}"))];
    }

    private SearchHit? Step(int direction)
    {
        if (Order.Count == 0)
        {
            return null;
        }
        CurrentIndex = CurrentIndex is { } i ? (i + direction + Order.Count) % Order.Count : direction > 0 ? 0 : Order.Count - 1;
        return Current;
    }
}
