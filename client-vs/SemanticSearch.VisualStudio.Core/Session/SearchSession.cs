using SemanticSearch.Server.Protocol;
using SemanticSearch.VisualStudio.Core.Results;

namespace SemanticSearch.VisualStudio.Core.Session;

/// <summary>How one search ended: its results, or why there are none.</summary>
public sealed class SearchOutcome
{
    public required string Query { get; init; }
    /// <summary>Null when the query was empty (the results are cleared) or the search failed.</summary>
    public ResultsViewModel? Results { get; init; }
    public Exception? Error { get; init; }
}

/// <summary>
/// The search box's behaviour: live search after a typing pause (debounce), only the newest query's answer shown
/// (an older request is cancelled on the server, and an answer that arrives late anyway is dropped), Enter runs at
/// once and goes into the history.
/// </summary>
public sealed class SearchSession : IDisposable
{
    private readonly Func<SearchParams, CancellationToken, Task<SearchResultSet>> _search;
    private readonly Func<TimeSpan> _typingDelay;
    private readonly Func<int> _maxResults;
    private readonly object _gate = new();
    private CancellationTokenSource? _pending;
    private int _sequence;

    /// <param name="search">Runs a search on the server (<c>SemanticSearchClient.SearchAsync</c>).</param>
    /// <param name="typingDelay">The typing delay setting, read at each keystroke so a change applies at once.</param>
    /// <param name="maxResults">The max results setting, likewise.</param>
    /// <param name="history">The stored history.</param>
    public SearchSession(
        Func<SearchParams, CancellationToken, Task<SearchResultSet>> search,
        Func<TimeSpan> typingDelay,
        Func<int> maxResults,
        QueryHistory? history = null)
    {
        _search = search;
        _typingDelay = typingDelay;
        _maxResults = maxResults;
        History = history ?? new QueryHistory();
    }

    /// <summary>Raised with each search that is still the newest when it ends (on a background thread).</summary>
    public event Action<SearchOutcome>? Completed;

    public QueryHistory History { get; }

    /// <summary>Filters for every search of the box (languages, include / exclude globs, tests).</summary>
    public SearchFilterParams? Filters { get; set; }

    /// <summary>The folder URI searches are limited to; null: every folder.</summary>
    public string? Folder { get; set; }

    /// <summary>The results shown now (null before the first search, and after an empty query).</summary>
    public ResultsViewModel? Current { get; private set; }

    /// <summary>The user typed: search after the typing delay, unless they type again first.</summary>
    public void QueryChanged(string text) => _ = RunAsync(text, _typingDelay());

    /// <summary>Enter: search now, remember the query; the outcome, or null when a newer query replaced it.</summary>
    public Task<SearchOutcome?> SubmitAsync(string text)
    {
        History.Remember(text);
        return RunAsync(text, TimeSpan.Zero);
    }

    /// <summary>Drops the pending search and its answer (the tool window closed).</summary>
    public void Cancel()
    {
        lock (_gate)
        {
            _sequence++;
            _pending?.Cancel();
            _pending = null;
        }
    }

    public void Dispose() => Cancel();

    private async Task<SearchOutcome?> RunAsync(string text, TimeSpan delay)
    {
        int sequence;
        CancellationToken token;
        lock (_gate)
        {
            // The newer query wins: the older one's delay stops, and its request (if sent) is cancelled on the server.
            _pending?.Cancel();
            _pending = new CancellationTokenSource();
            token = _pending.Token;
            sequence = ++_sequence;
        }
        var query = text.Trim();
        SearchOutcome outcome;
        try
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, token).ConfigureAwait(false);
            }
            if (query.Length == 0)
            {
                outcome = new SearchOutcome { Query = "" };
            }
            else
            {
                var answer = await _search(new SearchParams { Query = query, TopK = _maxResults(), Filters = Filters, Folder = Folder }, token).ConfigureAwait(false);
                outcome = new SearchOutcome { Query = query, Results = new ResultsViewModel(answer) };
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            outcome = new SearchOutcome { Query = query, Error = e };
        }
        lock (_gate)
        {
            // An answer that arrives after a newer query started is stale, however it ended.
            if (sequence != _sequence)
            {
                return null;
            }
            Current = outcome.Results;
        }
        Completed?.Invoke(outcome);
        return outcome;
    }
}
