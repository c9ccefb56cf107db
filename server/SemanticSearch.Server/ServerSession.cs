using SemanticSearch.Server.Client;
using SemanticSearch.Server.Folders;
using SemanticSearch.Server.Indexing;
using SemanticSearch.Server.Protocol;
using SemanticSearch.Server.Searching;
using SemanticSearch.Server.Watching;
using StreamJsonRpc;

namespace SemanticSearch.Server;

/// <summary>
/// The state one connection's handlers share, and the operations that touch several parts of it at once (adding,
/// removing and stopping folders). Threading: StreamJsonRpc runs handlers concurrently on the thread pool
/// (handlers that mutate state one at a time, see <c>HandlerTable</c>); searches read immutable vector snapshots
/// and the stores serialize their own reads; all indexing, and every open, swap or close of a workspace, happens
/// on the single <see cref="IndexQueue"/> worker.
/// </summary>
public sealed class ServerSession : IDisposable
{
    private volatile ServerSettings _settings = new();

    /// <param name="rpc">The connection to the editor.</param>
    /// <param name="wireJson">The options the connection serializes with (the worker's warm-up search uses them too).</param>
    public ServerSession(JsonRpc rpc, System.Text.Json.JsonSerializerOptions wireJson)
    {
        Client = new EditorClient(rpc);
        Worker = new IndexingWorker(() => _settings, Client, Models, OpenDocuments, () => Lifecycle.IsShuttingDown, RetryWhenFree, Retrain, wireJson);
        Queue = new IndexQueue(Worker.Run, () => _settings.BatchThreshold);
        Folders = new FolderRegistry(Models, () => _settings.DebounceMs, (folder, paths, everything) =>
        {
            if (!Lifecycle.IsShuttingDown)
            {
                _ = Queue.Enqueue(new IndexJob(folder, everything ? JobKind.Full : JobKind.Paths, paths));
            }
        });
        Watching = new FileWatching(Folders, Client, () => _settings, () => Lifecycle.IsShuttingDown);
    }

    public ServerLifecycle Lifecycle { get; } = new();
    public EditorClient Client { get; }
    public SharedModels Models { get; } = new();
    public FolderRegistry Folders { get; }
    public OpenDocuments OpenDocuments { get; } = new();
    public IndexingWorker Worker { get; }
    public IndexQueue Queue { get; }
    public FileWatching Watching { get; }
    public FeedbackLog Feedback { get; } = new();

    /// <summary>The settings in effect (replaced whole by <c>initialize</c> and <c>didChangeConfiguration</c>).</summary>
    public ServerSettings Settings
    {
        get => _settings;
        set => _settings = value;
    }

    /// <summary>Serves a new folder: watched, and a full pass queued (the first opens its index).</summary>
    public void StartServing(IndexedFolder folder)
    {
        Watching.Watch(folder);
        _ = Queue.Enqueue(new IndexJob(folder, JobKind.Full));
    }

    /// <summary>
    /// A search found <paramref name="folder"/>'s index damaged: from now on it serves nothing, and a job closes it and
    /// puts it in error (with the rebuild remedy) for the client to show.
    /// </summary>
    public void ReportDamage(IndexedFolder folder, SemanticSearch.Engine.Index.IndexCorruptException damage)
    {
        folder.MarkDamaged($"{damage.Message} {IndexingWorker.Remedy(damage.Remedy)}");
        Client.Log(MessageType.Error, $"{folder.Name}: {folder.Damage}");
        if (!Lifecycle.IsShuttingDown)
        {
            _ = Queue.Enqueue(new IndexJob(folder, JobKind.Reopen));
        }
    }

    /// <summary>How often a folder whose index another process writes tries again to open it.</summary>
    internal static readonly TimeSpan InUseRetry = TimeSpan.FromSeconds(2);

    /// <summary>Queues the folder's background re-training of a drifted codec (at most one: the queue keeps one per folder).</summary>
    private void Retrain(IndexedFolder folder)
    {
        if (!Lifecycle.IsShuttingDown)
        {
            _ = Queue.Enqueue(new IndexJob(folder, JobKind.Retrain));
        }
    }

    /// <summary>
    /// Queues a full pass (its first step opens the index) for a folder whose index another process writes, after
    /// <see cref="InUseRetry"/>, unless the folder was removed, the server is stopping or something else reopened it.
    /// </summary>
    private void RetryWhenFree(IndexedFolder folder)
    {
        CancellationToken removed;
        try
        {
            removed = folder.Removed.Token;
        }
        catch (ObjectDisposedException)
        {
            return;
        }
        _ = Task.Delay(InUseRetry, removed).ContinueWith(delay =>
        {
            if (!delay.IsCanceled && !Lifecycle.IsShuttingDown && folder.LastErrorKind == FolderErrorKind.InUse && folder.Workspace is null)
            {
                _ = Queue.Enqueue(new IndexJob(folder, JobKind.Full));
            }
        }, TaskScheduler.Default);
    }

    /// <summary>Stops serving a folder: its jobs cancelled, its index closed once the worker has let go of it.</summary>
    public void StopServing(IndexedFolder folder)
    {
        Watching.Unwatch(folder);
        folder.Removed.Cancel();
        Queue.CancelFolder(folder);
        // Close only once the worker has let go of it (it was told to stop) and running searches finish.
        _ = Task.Run(() =>
        {
            if (!Queue.WaitUntilIdle(folder, TimeSpan.FromMinutes(2)))
            {
                Client.Log(MessageType.Warning, $"{folder.Name} is still being indexed; closing its index later.");
                while (!Queue.WaitUntilIdle(folder, TimeSpan.FromMinutes(1)))
                {
                }
            }
            DisposeFolder(folder);
        });
        Client.Log(MessageType.Info, $"Removed folder {folder.Root}.");
    }

    /// <summary>Cancels indexing, waits for the group in flight, checkpoints and closes every index. Idempotent.</summary>
    public void StopEverything()
    {
        if (!Lifecycle.BeginShutdown())
        {
            return;
        }
        Watching.Dispose();
        foreach (var folder in Folders.All)
        {
            folder.Changes?.Dispose();
        }
        Queue.Stop(TimeSpan.FromSeconds(20));
        foreach (var folder in Folders.All)
        {
            try
            {
                folder.Close();
            }
            catch (Exception ex)
            {
                Client.Log(MessageType.Error, $"Closing the index of {folder.Name} failed: {ex.Message}");
            }
        }
    }

    private void DisposeFolder(IndexedFolder folder)
    {
        try
        {
            folder.Dispose();
        }
        catch (Exception ex)
        {
            Client.Log(MessageType.Warning, $"Closing {folder.Root}: {ex.Message}");
        }
    }

    public void Dispose()
    {
        StopEverything();
        Queue.Dispose();
        foreach (var folder in Folders.All)
        {
            DisposeFolder(folder);
        }
    }
}
