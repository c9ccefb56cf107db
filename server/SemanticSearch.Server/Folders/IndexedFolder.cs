using SemanticSearch.Engine.Index;
using SemanticSearch.Engine.Indexing;
using SemanticSearch.Engine.Models;
using SemanticSearch.Server.Indexing;
using SemanticSearch.Server.Protocol;
using SemanticSearch.Server.Watching;

namespace SemanticSearch.Server.Folders;

/// <summary>
/// One workspace folder and its index: the open <see cref="SemanticWorkspace"/> (null until the indexing worker
/// first opens it), its <see cref="FolderState"/> and the figures status and search report.
/// <para>
/// The state moves only through the methods below, each a step of the indexing worker (who alone calls them):
/// <c>queued → opening → indexing → ready</c>, with <c>error</c> from opening or indexing and back to opening or
/// indexing on the next job. A step out of order is a bug and throws. Readers (status, search) see each field
/// as of some moment; they never need two fields to agree.
/// </para>
/// Only the worker opens, swaps or closes the workspace, under the write lock; searches hold the read lock while
/// they use it, so a rebuild or a removal never disposes a workspace under a running query.
/// </summary>
public sealed class IndexedFolder : IDisposable
{
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly SharedModels _models;
    private SemanticWorkspace? _workspace;
    private volatile FolderState _state = FolderState.Queued;
    private volatile int _filesKnown;
    private volatile int _filesIndexed;
    private volatile int _filesSkipped;
    private volatile int _chunksIndexed;
    private volatile int _progressPercent = -1;
    /// <summary>The last failure, message and kind in one object so a reader never sees one without the other.</summary>
    private volatile FolderError? _error;
    private volatile IndexFiles? _indexFiles;
    private volatile string? _model;
    private volatile string? _executionProvider;
    private DateTime? _lastIndexed;
    private volatile bool _needsFullPass = true;
    private volatile string? _damage;

    /// <param name="models">Where the workspaces' models come from; each closed workspace releases its model there.</param>
    public IndexedFolder(string uri, string name, string root, SharedModels models)
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

    /// <summary>Its saves and watcher events, batched into index jobs (set once, when the registry adds it).</summary>
    public ChangeBatcher? Changes { get; set; }

    public FolderState State => _state;
    /// <summary>
    /// Files of the folder: those the last full pass found (or a scan counted), give or take the saves since. Of them,
    /// <see cref="FilesIndexed"/> and <see cref="FilesSkipped"/> are what the index holds, counted by the engine's rule
    /// (<see cref="FileCounts"/>, as <c>semsearch index</c> and <c>status</c> count): once every file is checked,
    /// indexed + skipped = known.
    /// </summary>
    public int FilesKnown => _filesKnown;
    public int FilesIndexed => _filesIndexed;
    public int FilesSkipped => _filesSkipped;
    public int ChunksIndexed => _chunksIndexed;
    public string? LastError => _error?.Message;
    public FolderErrorKind? LastErrorKind => _error?.Kind;
    /// <summary>The index's LiteDB file, once opened.</summary>
    public string? IndexPath => _indexFiles?.Database;

    /// <summary>All files of its index, once opened (the watcher ignores them).</summary>
    public IndexFiles? IndexFiles => _indexFiles;
    public string? Model => _model;
    public string? ExecutionProvider => _executionProvider;
    public DateTime? LastIndexed => _lastIndexed;

    /// <summary>
    /// No full pass has finished since the index was opened, or the last pass was cancelled (or paused): files may
    /// be missing or stale. Search coverage is then not complete, and the folder's next job is a full pass (which
    /// skips what was committed, so it resumes where the last one stopped).
    /// </summary>
    public bool NeedsFullPass => _needsFullPass;

    /// <summary>Percentage of the pass in progress; null unless indexing.</summary>
    public int? ProgressPercent => _state == FolderState.Indexing && _progressPercent >= 0 ? _progressPercent : null;

    /// <summary>The workspace for the indexing worker (which alone swaps it, so it may read it without the lock).</summary>
    public SemanticWorkspace? Workspace => _workspace;

    /// <summary>
    /// Why its index was found damaged (by a search or a pass), with the remedy; null when it was not. From the moment
    /// it is set the folder serves nothing (<see cref="WithWorkspace{T}"/>), and the worker keeps it in
    /// <see cref="FolderState.Error"/> until a rebuild clears it: a damaged index never answers again, rightly or not.
    /// </summary>
    public string? Damage => _damage;

    /// <summary>Records that its index is damaged (any thread: a search may find it); the worker closes it at its next job.</summary>
    public void MarkDamaged(string message) => _damage ??= message;

    /// <summary>A rebuild starts: the damaged index is about to be deleted.</summary>
    public void ClearDamage() => _damage = null;

    // ------------------------------------------------------------ steps (the indexing worker only)

    public void BeginOpening() => MoveTo(FolderState.Opening, FolderState.Queued, FolderState.Opening, FolderState.Ready, FolderState.Error);

    /// <summary>The index opened: it is installed and its figures read.</summary>
    public void Opened(SemanticWorkspace workspace)
    {
        Require(FolderState.Opening);
        // The figures first, the workspace (whose chunks status reads live) last, so a status read meanwhile never
        // shows the chunks of an index whose files it does not know yet; the files are counted once (a read of the
        // store's file records, not of its chunks).
        var counts = workspace.FileCounts;
        InIndex(counts);
        _filesKnown = Math.Max(_filesKnown, counts.Checked);
        _chunksIndexed = workspace.CacheSize.Chunks;
        _indexFiles = workspace.Files;
        _model = workspace.Model.Identity.Name;
        _executionProvider = workspace.Model.ExecutionProvider.Name();
        _error = null;
        _needsFullPass = true; // nothing checked against the files yet
        Swap(workspace);
    }

    /// <summary>
    /// Opened, and no pass follows (indexing was cancelled before one ran): it serves what its index holds, and
    /// says how much that is of the <paramref name="filesKnown"/> files a scan found (null: unknown).
    /// </summary>
    public void OpenedWithoutPass(int? filesKnown)
    {
        Require(FolderState.Opening);
        if (filesKnown is { } known)
        {
            _filesKnown = known;
        }
        MoveTo(FolderState.Ready, FolderState.Opening);
    }

    public void OpenFailed(string error, FolderErrorKind kind)
    {
        MoveTo(FolderState.Error, FolderState.Opening);
        _error = new FolderError(error, kind);
    }

    public void BeginPass()
    {
        MoveTo(FolderState.Indexing, FolderState.Opening, FolderState.Ready, FolderState.Error);
        _progressPercent = 0;
    }

    public void Progressed(IndexProgress progress)
    {
        _progressPercent = progress.Percent;
        _filesKnown = progress.FilesTotal;
        InIndex(progress.InIndex);
    }

    private void InIndex(FileCounts counts)
    {
        _filesIndexed = counts.Indexed;
        _filesSkipped = counts.Skipped;
    }

    /// <summary>A pass ended (completed or cancelled between groups): the folder serves what it committed.</summary>
    public void PassEnded(IndexRunResult result, bool fullPass)
    {
        Require(FolderState.Indexing);
        _filesKnown = fullPass ? result.FilesScanned : Math.Max(0, _filesKnown + result.FilesAdded - result.FilesDeleted);
        InIndex(result.InIndex);
        _chunksIndexed = _workspace?.CacheSize.Chunks ?? 0;
        _error = result.Errors.Count > 0 ? new FolderError($"{result.Errors.Count} file(s) could not be read; see the log.", FolderErrorKind.Other) : null;
        if (result.Cancelled)
        {
            _needsFullPass = true;
        }
        else
        {
            _lastIndexed = DateTime.UtcNow;
            if (fullPass)
            {
                _needsFullPass = false;
            }
        }
        MoveTo(FolderState.Ready, FolderState.Indexing);
    }

    /// <summary>The pass was cancelled before it could report (removal, shutdown, a cancelled request).</summary>
    public void PassCancelled()
    {
        MoveTo(FolderState.Ready, FolderState.Indexing);
        _needsFullPass = true;
    }

    public void PassFailed(string error, FolderErrorKind kind)
    {
        MoveTo(FolderState.Error, FolderState.Indexing);
        _error = new FolderError(error, kind);
    }

    private sealed record FolderError(string Message, FolderErrorKind Kind);

    // ------------------------------------------------------------ the workspace

    /// <summary>Runs <paramref name="action"/> with the workspace held open; null when it is not open or found damaged.</summary>
    public T? WithWorkspace<T>(Func<SemanticWorkspace, T> action)
    {
        _lock.EnterReadLock();
        try
        {
            return _workspace is null || _damage is not null ? default : action(_workspace);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Closes the workspace (after searches on it finish), for a reopen, a rebuild or the end.</summary>
    public void Close() => Swap(null);

    /// <summary>Installs a newly opened workspace (or null), disposing the old one after searches on it finish.</summary>
    private void Swap(SemanticWorkspace? next)
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
            workspace.Checkpoint();
        }
        finally
        {
            workspace.Dispose();
            _models.Release(workspace.Model);
        }
    }

    private void MoveTo(FolderState next, params FolderState[] from)
    {
        if (Array.IndexOf(from, _state) < 0)
        {
            throw new InvalidOperationException($"{Name}: cannot go from {_state} to {next}.");
        }
        _state = next;
    }

    private void Require(FolderState state)
    {
        if (_state != state)
        {
            throw new InvalidOperationException($"{Name}: expected {state}, is {_state}.");
        }
    }

    public void Dispose()
    {
        Changes?.Dispose();
        Swap(null);
        Removed.Dispose();
        _lock.Dispose();
    }
}
