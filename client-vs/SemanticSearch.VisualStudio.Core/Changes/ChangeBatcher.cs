using SemanticSearch.Server.Protocol;
using SemanticSearch.VisualStudio.Core.Connection;

namespace SemanticSearch.VisualStudio.Core.Changes;

/// <summary>
/// What Visual Studio reports about files (saves from the running document table, renames and deletes from the
/// project system), collected for a quiet moment and sent together: a Save All of fifty files is fifty didSave
/// notifications in one go, not fifty separate wake-ups, and a file saved then deleted is only a delete. Saves go
/// as <c>textDocument/didSave</c> and the rest as one <c>workspace/didChangeWatchedFiles</c>, as the VS Code
/// client sends them; the server's own batcher then reindexes each path once.
/// </summary>
public sealed class ChangeBatcher : IDisposable
{
    private readonly Func<IReadOnlyList<string>, IReadOnlyList<FileEvent>, Task> _send;
    private readonly TimeSpan _quiet;
    private readonly object _gate = new();
    private readonly List<string> _saved = [];
    // Insertion order kept, one entry per uri: the last word about a file is what counts.
    private readonly List<FileEvent> _events = [];
    private Timer? _timer;
    private bool _disposed;

    public ChangeBatcher(Func<IReadOnlyList<string>, IReadOnlyList<FileEvent>, Task> send, TimeSpan quiet)
    {
        _send = send;
        _quiet = quiet;
    }

    /// <summary>Notifications sent so far (batches, not files).</summary>
    public int BatchesSent { get; private set; }

    public void Saved(string path) => Add(FileUris.FromPath(path), save: true, type: 0);

    public void Created(string path) => Add(FileUris.FromPath(path), save: false, type: 1);

    public void Deleted(string path) => Add(FileUris.FromPath(path), save: false, type: 3);

    /// <summary>A rename is the old path deleted and the new one created.</summary>
    public void Renamed(string oldPath, string newPath)
    {
        Deleted(oldPath);
        Created(newPath);
    }

    /// <summary>Sends what is pending now (closing the solution, or a test that does not wait).</summary>
    public async Task FlushAsync()
    {
        string[] saved;
        FileEvent[] events;
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = null;
            saved = [.. _saved];
            events = [.. _events];
            _saved.Clear();
            _events.Clear();
        }
        if (saved.Length == 0 && events.Length == 0)
        {
            return;
        }
        BatchesSent++;
        await _send(saved, events).ConfigureAwait(false);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _timer?.Dispose();
            _timer = null;
        }
    }

    private void Add(string uri, bool save, int type)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _events.RemoveAll(e => e.Uri == uri);
            if (save)
            {
                if (!_saved.Contains(uri))
                {
                    _saved.Add(uri);
                }
            }
            else
            {
                // A delete makes an earlier save moot; a create after it is new content the server must read.
                _saved.Remove(uri);
                _events.Add(new FileEvent { Uri = uri, Type = type });
            }
            _timer?.Dispose();
            _timer = new Timer(_ => _ = FlushQuietlyAsync(), null, _quiet, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task FlushQuietlyAsync()
    {
        try
        {
            await FlushAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or ObjectDisposedException or StreamJsonRpc.ConnectionLostException)
        {
            // The server went away meanwhile; its restart indexes the folders again.
        }
    }
}
