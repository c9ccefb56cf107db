using SemanticSearch.Engine.Indexing;

namespace SemanticSearch.Server;

public enum FolderState
{
    Queued,
    Opening,
    Indexing,
    Ready,
    Error,
}

/// <summary>
/// One workspace folder: its open <see cref="SemanticWorkspace"/> (null until the indexer first opens it), the
/// figures status and search report, and its change batcher and watcher.
/// Only the indexing worker opens, swaps or closes the workspace, under the write lock; searches hold the read
/// lock while they use it, so a rebuild or a removal never disposes a workspace under a running query.
/// </summary>
public sealed class FolderIndex : IDisposable
{
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly SharedModels _models;
    private SemanticWorkspace? _workspace;

    /// <param name="models">Where the workspaces' models come from; each closed workspace releases its model there.</param>
    public FolderIndex(string uri, string name, string root, SharedModels models)
    {
        _models = models;
        Uri = uri;
        Name = name;
        Root = root;
    }

    public string Uri { get; }
    public string Name { get; }
    public string Root { get; }

    /// <summary>Cancelled when the folder is removed: its queued and running jobs stop.</summary>
    public CancellationTokenSource Removed { get; } = new();

    public volatile FolderState State = FolderState.Queued;
    public volatile int FilesKnown;
    public volatile int FilesIndexed;
    public volatile int ChunksIndexed;
    public volatile int Queued;
    public volatile string? LastError;
    public volatile string? IndexPath;
    public volatile string? Model;
    public volatile string? ExecutionProvider;
    public volatile int ProgressPercent = -1;
    public DateTime? LastIndexed { get; set; }

    public ChangeBatcher? Changes { get; set; }
    public FileSystemWatcher? Watcher { get; set; }

    /// <summary>The workspace for the indexing worker (which alone swaps it, so it may read it without the lock).</summary>
    public SemanticWorkspace? Workspace => _workspace;

    /// <summary>Runs <paramref name="action"/> with the workspace held open; null when it is not open.</summary>
    public T? WithWorkspace<T>(Func<SemanticWorkspace, T> action)
    {
        _lock.EnterReadLock();
        try
        {
            return _workspace is null ? default : action(_workspace);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Installs a newly opened workspace (or null), disposing the old one after searches on it finish.</summary>
    public void Swap(SemanticWorkspace? next)
    {
        SemanticWorkspace? old;
        _lock.EnterWriteLock();
        try
        {
            old = _workspace;
            _workspace = next;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
        if (old is not null && !ReferenceEquals(old, next))
        {
            Close(old);
        }
    }

    /// <summary>Flushes committed pages into the data file, closes it and lets go of the shared model.</summary>
    private void Close(SemanticWorkspace workspace)
    {
        try
        {
            workspace.Store.Checkpoint();
        }
        finally
        {
            workspace.Dispose();
            _models.Release(workspace.Model);
        }
    }

    public void Dispose()
    {
        Watcher?.Dispose();
        Changes?.Dispose();
        Swap(null);
        Removed.Dispose();
        _lock.Dispose();
    }
}
