using SemanticSearch.Engine.Indexing;
using SemanticSearch.Server.Folders;

namespace SemanticSearch.Server.Indexing;

public enum JobKind
{
    /// <summary>Re-check the given paths only.</summary>
    Paths,
    /// <summary>Full incremental pass (unchanged files cost a stat).</summary>
    Full,
    /// <summary>Close and reopen with the current settings, then a full incremental pass.</summary>
    Reopen,
    /// <summary>Delete the index and build it again.</summary>
    Rebuild,
    /// <summary>
    /// Re-train the drifted codec in the background (<see cref="IndexingWorker"/>): build a replacement index beside
    /// the open one, move it into place, then a full pass. Never merged with other jobs; it gives way to every other
    /// job (see <see cref="IndexQueue"/>) and is not counted as queued work.
    /// </summary>
    Retrain,
}

/// <summary>One unit of indexing work for one folder.</summary>
public sealed class IndexJob(IndexedFolder folder, JobKind kind, IEnumerable<string>? paths = null, CancellationToken requestToken = default)
{
    public IndexedFolder Folder { get; } = folder;
    public JobKind Kind { get; set; } = kind;
    public HashSet<string> Paths { get; } = new(paths ?? [], StringComparer.Ordinal);
    public CancellationToken RequestToken { get; } = requestToken;

    /// <summary>A job someone waits for (a reindex request) is never merged, so its cancellation stays its own.</summary>
    public bool HasWaiter => RequestToken.CanBeCanceled;

    public TaskCompletionSource<IndexRunResult?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public CancellationTokenSource? Running { get; set; }

    private volatile bool _yieldRequested;
    private volatile bool _yielded;

    /// <summary>
    /// Set by the queue on the running job when indexing is paused: the worker stops its pass at the next committed
    /// group (nothing encoded is thrown away) and marks it <see cref="Yielded"/>.
    /// </summary>
    public bool YieldRequested
    {
        get => _yieldRequested;
        set => _yieldRequested = value;
    }

    /// <summary>Set by the worker when the pass stopped for a pause: the queue puts the job back at the front to resume it.</summary>
    public bool Yielded
    {
        get => _yielded;
        set => _yielded = value;
    }

    /// <summary>
    /// Open the folder's index (reopen it, for a <see cref="JobKind.Reopen"/>) and run no pass: what is left of the
    /// jobs of a folder not open yet, or waiting for new settings, when indexing is cancelled. A pass merged into it
    /// clears it.
    /// </summary>
    public bool OpenOnly { get; set; }
}

/// <summary>
/// The single indexing worker: folders are indexed one at a time, in order. Background jobs (saves, watcher
/// batches, passes after a settings change) for a folder are merged while queued: paths unite, a full pass
/// absorbs path jobs, and more paths than the batch threshold turn into a full pass.
/// <para>
/// A re-training (<see cref="JobKind.Retrain"/>, at most one per folder) is background work that may take as long as
/// the first index did, so it never delays anything: other jobs are queued ahead of it, one that arrives while it
/// runs makes it stop at its next committed group and go to the back (it resumes from what it wrote), and the
/// counts the status reports (<see cref="Count"/>, <see cref="CountFor"/>) leave it out, so an editor does not show
/// the folder busy meanwhile.
/// </para>
/// <para>
/// Paused (<see cref="Pause"/>, in memory only), the queue starts no job: jobs still arrive and merge, and the pass
/// that was running stops at its next committed group and goes back to the front, so <see cref="Resume"/>
/// continues it.
/// </para>
/// </summary>
public sealed class IndexQueue : IDisposable
{
    private readonly object _gate = new();
    private readonly LinkedList<IndexJob> _jobs = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<IndexJob, CancellationToken, IndexRunResult?> _run;
    private readonly Func<int> _batchThreshold;
    private readonly Task _worker;
    private IndexJob? _current;
    private bool _paused;

    public IndexQueue(Func<IndexJob, CancellationToken, IndexRunResult?> run, Func<int> batchThreshold)
    {
        _run = run;
        _batchThreshold = batchThreshold;
        _worker = Task.Factory.StartNew(Loop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _jobs.Count(Counted) + (_current is { } current && Counted(current) ? 1 : 0);
            }
        }
    }

    /// <summary>No job is started until <see cref="Resume"/>.</summary>
    public bool Paused
    {
        get
        {
            lock (_gate)
            {
                return _paused;
            }
        }
    }

    /// <summary>Jobs of this folder waiting or running.</summary>
    public int CountFor(IndexedFolder folder)
    {
        lock (_gate)
        {
            return _jobs.Count(j => j.Folder == folder && Counted(j)) + (_current is { } current && current.Folder == folder && Counted(current) ? 1 : 0);
        }
    }

    /// <summary>Queued work as the status reports it: everything but a background re-training.</summary>
    private static bool Counted(IndexJob job) => job.Kind != JobKind.Retrain;

    public Task<IndexRunResult?> Enqueue(IndexJob job)
    {
        lock (_gate)
        {
            if (_stop.IsCancellationRequested)
            {
                job.Done.TrySetCanceled();
                return job.Done.Task;
            }
            if (job.Kind == JobKind.Retrain)
            {
                // One per folder: the one queued or running already covers it.
                var existing = _current is { Kind: JobKind.Retrain } running && running.Folder == job.Folder
                    ? running
                    : _jobs.FirstOrDefault(j => j.Folder == job.Folder && j.Kind == JobKind.Retrain);
                if (existing is not null)
                {
                    return existing.Done.Task;
                }
                _jobs.AddLast(job);
            }
            else
            {
                if (job.Kind == JobKind.Paths && job.Paths.Count > _batchThreshold())
                {
                    job.Kind = JobKind.Full;
                }
                if (!job.HasWaiter && Merge(job) is { } merged)
                {
                    return merged.Done.Task;
                }
                AddAheadOfRetraining(job);
                if (_current is { Kind: JobKind.Retrain } retraining)
                {
                    retraining.YieldRequested = true; // stops at its next committed group, then waits behind this job
                }
            }
        }
        _signal.Release();
        return job.Done.Task;
    }

    /// <summary>Queues a job behind the other jobs but ahead of every re-training.</summary>
    private void AddAheadOfRetraining(IndexJob job)
    {
        var node = _jobs.First;
        while (node is not null && node.Value.Kind != JobKind.Retrain)
        {
            node = node.Next;
        }
        if (node is null)
        {
            _jobs.AddLast(job);
        }
        else
        {
            _jobs.AddBefore(node, job);
        }
    }

    /// <summary>Folds a background job into a queued one for the same folder; the job that now covers it, or null.</summary>
    private IndexJob? Merge(IndexJob job)
    {
        foreach (var queued in _jobs)
        {
            if (queued.Folder != job.Folder || queued.HasWaiter || queued.Kind == JobKind.Retrain)
            {
                continue;
            }
            // What a cancel left (open only) runs the pass that comes in, as a pass of its kind (full or reopen).
            queued.OpenOnly &= job.OpenOnly;
            if (queued.Kind != JobKind.Paths)
            {
                // A queued full pass, reopen or rebuild covers any paths; a reopen absorbs a full pass too.
                if (job.Kind == JobKind.Paths || job.Kind <= queued.Kind)
                {
                    return queued;
                }
                queued.Kind = job.Kind;
                return queued;
            }
            if (job.Kind == JobKind.Paths)
            {
                queued.Paths.UnionWith(job.Paths);
                if (queued.Paths.Count > _batchThreshold())
                {
                    queued.Kind = JobKind.Full;
                    queued.Paths.Clear();
                }
                return queued;
            }
            queued.Kind = job.Kind;
            queued.Paths.Clear();
            return queued;
        }
        return null;
    }

    /// <summary>
    /// Starts no more jobs; the running pass stops at its next committed group and goes back to the front. Returns
    /// whether this paused the queue (false: it already was).
    /// </summary>
    public bool Pause()
    {
        lock (_gate)
        {
            if (_paused)
            {
                return false;
            }
            _paused = true;
            if (_current is { } running)
            {
                running.YieldRequested = true;
            }
        }
        return true;
    }

    /// <summary>Runs the queue again (a pass that stopped for the pause first). Returns false when it was not paused (nothing done).</summary>
    public bool Resume()
    {
        lock (_gate)
        {
            if (!_paused)
            {
                return false;
            }
            _paused = false;
            if (_current is { } running)
            {
                running.YieldRequested = false; // not at its boundary yet: it just carries on
            }
        }
        _signal.Release();
        return true;
    }

    /// <summary>
    /// Cancels the running pass and drops the queued jobs of these folders (the user's cancel; committed groups
    /// stay). A folder not open yet, or waiting to be reopened with new settings, keeps one job that only opens it:
    /// cancelling stops encoding, never leaves a folder unopened or on old settings. Returns how many folders had a
    /// pass cancelled.
    /// </summary>
    public int Cancel(IReadOnlyCollection<IndexedFolder> folders)
    {
        var cancelled = new HashSet<IndexedFolder>();
        var added = false;
        lock (_gate)
        {
            var running = _current is { OpenOnly: false } current && folders.Contains(current.Folder) ? current : null;
            if (running is not null)
            {
                cancelled.Add(running.Folder);
                running.Running?.Cancel();
            }
            var opens = new Dictionary<IndexedFolder, JobKind>();
            for (var node = _jobs.First; node is not null;)
            {
                var next = node.Next;
                var job = node.Value;
                if (folders.Contains(job.Folder) && !job.OpenOnly)
                {
                    cancelled.Add(job.Folder);
                    // The running job of the folder opens (or reopens) it before its pass; a later reopen still has to run.
                    var reopens = job.Kind == JobKind.Reopen;
                    if (reopens || (job.Folder.Workspace is null && running?.Folder != job.Folder))
                    {
                        opens[job.Folder] = reopens || opens.GetValueOrDefault(job.Folder) == JobKind.Reopen ? JobKind.Reopen : JobKind.Full;
                    }
                    _jobs.Remove(node);
                    job.Done.TrySetCanceled();
                }
                node = next;
            }
            foreach (var (folder, kind) in opens)
            {
                if (_jobs.FirstOrDefault(j => j.Folder == folder && j.OpenOnly) is { } left)
                {
                    left.Kind = left.Kind == JobKind.Reopen ? left.Kind : kind;
                    continue;
                }
                _jobs.AddLast(new IndexJob(folder, kind) { OpenOnly = true });
                added = true;
            }
        }
        if (added)
        {
            _signal.Release();
        }
        return cancelled.Count;
    }

    /// <summary>Cancels the running and queued jobs of one folder (removed from the workspace).</summary>
    public void CancelFolder(IndexedFolder folder)
    {
        lock (_gate)
        {
            for (var node = _jobs.First; node is not null;)
            {
                var next = node.Next;
                if (node.Value.Folder == folder)
                {
                    node.Value.Done.TrySetCanceled();
                    _jobs.Remove(node);
                }
                node = next;
            }
            if (_current?.Folder == folder)
            {
                _current.Running?.Cancel();
            }
        }
    }

    /// <summary>Waits until no job of this folder is running (so its workspace can be closed under nobody).</summary>
    public bool WaitUntilIdle(IndexedFolder folder, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        lock (_gate)
        {
            while (_current?.Folder == folder)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !Monitor.Wait(_gate, left))
                {
                    return _current?.Folder != folder;
                }
            }
            return true;
        }
    }

    /// <summary>Cancels whatever is running (work/done progress cancel from the client).</summary>
    public void CancelCurrent()
    {
        lock (_gate)
        {
            _current?.Running?.Cancel();
        }
    }

    private void Loop()
    {
        while (!_stop.IsCancellationRequested)
        {
            // The signal only wakes the loop: it waits only when nothing can start (none queued, or paused), and
            // every enqueue and resume releases it, so a job is never left waiting.
            if (Next() is not { } job)
            {
                try
                {
                    _signal.Wait(_stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                continue;
            }
            try
            {
                job.Running!.Token.ThrowIfCancellationRequested();
                job.Done.TrySetResult(_run(job, job.Running.Token));
            }
            catch (OperationCanceledException) when (Requeue(job))
            {
                // Paused at a group boundary: back at the front, its waiter (if any) still waiting.
            }
            catch (OperationCanceledException)
            {
                job.Done.TrySetCanceled();
            }
            catch (Exception ex)
            {
                job.Done.TrySetException(ex);
            }
            finally
            {
                lock (_gate)
                {
                    _current = null;
                    job.Running!.Dispose();
                    job.Running = null;
                    Monitor.PulseAll(_gate);
                }
            }
        }
    }

    /// <summary>Takes the first job to run, unless paused or none is queued.</summary>
    private IndexJob? Next()
    {
        lock (_gate)
        {
            if (_paused || _stop.IsCancellationRequested || _jobs.First is not { } first)
            {
                return null;
            }
            var job = first.Value;
            _jobs.RemoveFirst();
            _current = job;
            job.YieldRequested = false;
            job.Running = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, job.RequestToken, job.Folder.Removed.Token);
            return job;
        }
    }

    /// <summary>
    /// A pass that stopped for the pause (and was not cancelled meanwhile) goes back to the front; a re-training that
    /// gave way to another job goes to the back.
    /// </summary>
    private bool Requeue(IndexJob job)
    {
        lock (_gate)
        {
            if (!job.Yielded || job.Running!.IsCancellationRequested)
            {
                return false;
            }
            job.Yielded = false;
            if (job.Kind == JobKind.Retrain)
            {
                _jobs.AddLast(job); // it gave way to the jobs that came in meanwhile
            }
            else
            {
                _jobs.AddFirst(job);
            }
            return true;
        }
    }

    /// <summary>Cancels all work and waits (bounded) for the job in flight to stop; committed groups stay committed.</summary>
    public void Stop(TimeSpan wait)
    {
        lock (_gate)
        {
            if (_stop.IsCancellationRequested)
            {
                return;
            }
            _stop.Cancel();
            foreach (var job in _jobs)
            {
                job.Done.TrySetCanceled();
            }
            _jobs.Clear();
        }
        _worker.Wait(wait);
    }

    public void Dispose()
    {
        Stop(TimeSpan.FromSeconds(10));
        _signal.Dispose();
        _stop.Dispose();
    }
}
