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
}

/// <summary>
/// The single indexing worker: folders are indexed one at a time, in order. Background jobs (saves, watcher
/// batches, passes after a settings change) for a folder are merged while queued: paths unite, a full pass
/// absorbs path jobs, and more paths than the batch threshold turn into a full pass.
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
                return _jobs.Count + (_current is null ? 0 : 1);
            }
        }
    }

    /// <summary>Jobs of this folder waiting or running.</summary>
    public int CountFor(IndexedFolder folder)
    {
        lock (_gate)
        {
            return _jobs.Count(j => j.Folder == folder) + (_current?.Folder == folder ? 1 : 0);
        }
    }

    public Task<IndexRunResult?> Enqueue(IndexJob job)
    {
        lock (_gate)
        {
            if (_stop.IsCancellationRequested)
            {
                job.Done.TrySetCanceled();
                return job.Done.Task;
            }
            if (job.Kind == JobKind.Paths && job.Paths.Count > _batchThreshold())
            {
                job.Kind = JobKind.Full;
            }
            if (!job.HasWaiter && Merge(job) is { } merged)
            {
                return merged.Done.Task;
            }
            _jobs.AddLast(job);
        }
        _signal.Release();
        return job.Done.Task;
    }

    /// <summary>Folds a background job into a queued one for the same folder; the job that now covers it, or null.</summary>
    private IndexJob? Merge(IndexJob job)
    {
        foreach (var queued in _jobs)
        {
            if (queued.Folder != job.Folder || queued.HasWaiter)
            {
                continue;
            }
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
        while (true)
        {
            try
            {
                _signal.Wait(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            IndexJob job;
            lock (_gate)
            {
                if (_jobs.First is null)
                {
                    continue;
                }
                job = _jobs.First.Value;
                _jobs.RemoveFirst();
                _current = job;
                job.Running = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, job.RequestToken, job.Folder.Removed.Token);
            }
            try
            {
                job.Running.Token.ThrowIfCancellationRequested();
                job.Done.TrySetResult(_run(job, job.Running.Token));
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
                    job.Running.Dispose();
                    job.Running = null;
                    Monitor.PulseAll(_gate);
                }
            }
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
