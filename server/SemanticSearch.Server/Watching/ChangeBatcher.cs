namespace SemanticSearch.Server.Watching;

/// <summary>
/// Collects changed paths of one folder (saves, client and server watcher events) and hands them on as one batch
/// once no change has arrived for the debounce interval (or after <see cref="MaxDelay"/> of continuous changes),
/// so a burst (a git checkout touching thousands of files) becomes one job rather than thousands.
/// </summary>
public sealed class ChangeBatcher : IDisposable
{
    /// <summary>A steady stream of changes is still flushed this often.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);

    private readonly object _gate = new();
    private readonly Action<IReadOnlyCollection<string>, bool> _flush;
    private readonly Timer _timer;
    private HashSet<string> _paths = new(StringComparer.Ordinal);
    private bool _everything;
    private DateTime _firstChange;
    private bool _disposed;

    /// <param name="flush">Receives the batch and whether a full pass was asked for (watcher overflow).</param>
    public ChangeBatcher(Func<int> debounceMs, Action<IReadOnlyCollection<string>, bool> flush)
    {
        DebounceMs = debounceMs;
        _flush = flush;
        _timer = new Timer(_ => Flush());
    }

    private Func<int> DebounceMs { get; }

    /// <summary>Adds folder-relative paths ('/' separators).</summary>
    public void Add(IEnumerable<string> relativePaths, bool everything = false)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            if (_paths.Count == 0 && !_everything)
            {
                _firstChange = DateTime.UtcNow;
            }
            _paths.UnionWith(relativePaths);
            _everything |= everything;
            var due = DateTime.UtcNow - _firstChange >= MaxDelay ? TimeSpan.Zero : TimeSpan.FromMilliseconds(DebounceMs());
            _timer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    private void Flush()
    {
        HashSet<string> paths;
        bool everything;
        lock (_gate)
        {
            if (_disposed || (_paths.Count == 0 && !_everything))
            {
                return;
            }
            paths = _paths;
            everything = _everything;
            _paths = new HashSet<string>(StringComparer.Ordinal);
            _everything = false;
        }
        _flush(paths, everything);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
        }
        _timer.Dispose();
    }
}
