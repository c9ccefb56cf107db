namespace SemanticSearch.VisualStudio.Core.Connection;

/// <summary>
/// When to bring a crashed server back: at once the first time, then after a doubling delay, and never after more
/// than <c>max</c> crashes in a window, so a server that dies on start does not spin forever (the VS Code client's
/// rule, client-vscode/src/logic/restart.ts).
/// </summary>
public sealed class RestartPolicy(int max = 5, TimeSpan? window = null)
{
    private readonly TimeSpan _window = window ?? TimeSpan.FromMinutes(3);
    private readonly List<DateTime> _crashes = [];

    public int Max => max;

    public TimeSpan Window => _window;

    /// <summary>Records a crash at <paramref name="now"/>; true when the server should be restarted.</summary>
    public bool ShouldRestart(DateTime now)
    {
        lock (_crashes)
        {
            _crashes.RemoveAll(t => now - t >= _window);
            _crashes.Add(now);
            return _crashes.Count <= max;
        }
    }

    /// <summary>Delay before the restart: none, then doubling from 500 ms, capped at 8 s.</summary>
    public TimeSpan Delay()
    {
        lock (_crashes)
        {
            var n = _crashes.Count;
            return n <= 1 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Math.Min(8000, 500 * Math.Pow(2, n - 2)));
        }
    }

    public void Reset()
    {
        lock (_crashes)
        {
            _crashes.Clear();
        }
    }
}
