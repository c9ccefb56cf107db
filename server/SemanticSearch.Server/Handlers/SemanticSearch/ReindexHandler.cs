using SemanticSearch.Server.Indexing;
using SemanticSearch.Server.Protocol;

namespace SemanticSearch.Server.Handlers.SemanticSearch;

/// <summary>
/// Queues a pass per folder (incremental, or with <c>full</c> a delete and rebuild) behind whatever runs, and
/// answers when they are done; cancelling the request cancels them (committed groups stay).
/// </summary>
[LspMethod(Methods.Reindex)]
public sealed class ReindexHandler(ServerSession session) : IRequestHandler<ReindexParams, ReindexResult>
{
    public async Task<ReindexResult> HandleAsync(ReindexParams request, CancellationToken cancellationToken)
    {
        var folders = session.Folders.FromOptionalParam(request.Folder);
        var kind = request.Full == true ? JobKind.Rebuild : JobKind.Full;
        var jobs = folders.Select(f => (Folder: f, Task: session.Queue.Enqueue(new IndexJob(f, kind, null, cancellationToken)))).ToList();
        var results = new List<FolderReindexResult>();
        foreach (var (folder, task) in jobs)
        {
            var r = await task.WaitAsync(cancellationToken);
            results.Add(new FolderReindexResult
            {
                Uri = folder.Uri,
                FilesScanned = r?.FilesScanned ?? 0,
                FilesAdded = r?.FilesAdded ?? 0,
                FilesChanged = r?.FilesChanged ?? 0,
                FilesDeleted = r?.FilesDeleted ?? 0,
                ChunksEncoded = r?.ChunksEncoded ?? 0,
                ChunksTotal = r?.ChunksTotal ?? 0,
                Errors = r?.Errors.ToArray() ?? [],
                ElapsedMs = Math.Round(r?.Elapsed.TotalMilliseconds ?? 0, 1),
            });
        }
        return new ReindexResult { Folders = [.. results] };
    }
}
