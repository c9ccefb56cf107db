using SemanticSearch.Server.Protocol;

namespace SemanticSearch.Server.Handlers.SemanticSearch;

/// <summary>Each folder's state and figures, and the jobs waiting.</summary>
[LspMethod(Methods.Status)]
public sealed class StatusHandler(ServerSession session) : IRequestHandler<NoParams, StatusResult>
{
    public Task<StatusResult> HandleAsync(NoParams request, CancellationToken cancellationToken) => Task.FromResult(new StatusResult
    {
        QueuedJobs = session.Queue.Count,
        Paused = session.Queue.Paused,
        Folders = session.Folders.All.Select(f => new FolderStatus
        {
            Uri = f.Uri,
            Name = f.Name,
            Path = f.Root,
            State = f.State,
            FilesIndexed = f.FilesIndexed,
            FilesSkipped = f.FilesSkipped,
            FilesKnown = f.FilesKnown,
            ChunksIndexed = f.WithWorkspace(ws => ws.CacheSize.Chunks),
            Queued = session.Queue.CountFor(f),
            IndexPath = f.IndexPath,
            Model = f.Model,
            ExecutionProvider = f.ExecutionProvider,
            LastError = f.LastError,
            LastErrorKind = f.LastErrorKind,
            LastIndexed = f.LastIndexed,
            Progress = f.ProgressPercent,
        }).ToArray(),
    });
}
