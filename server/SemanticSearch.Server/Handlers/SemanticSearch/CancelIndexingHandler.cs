using SemanticSearch.Server.Protocol;

namespace SemanticSearch.Server.Handlers.SemanticSearch;

/// <summary>
/// Cancels the running pass and drops the queued jobs of one folder (or all): committed groups stay, and the folder
/// stays ready on what it has (status and coverage say how much; see <c>IndexQueue.Cancel</c>). The next save or
/// reindex of it runs a full pass, which carries on where this one stopped. Paused or not, the pause is unchanged.
/// </summary>
[LspMethod(Methods.CancelIndexing, MutatesState = true)]
public sealed class CancelIndexingHandler(ServerSession session) : IRequestHandler<CancelIndexingParams, CancelIndexingResult>
{
    public Task<CancelIndexingResult> HandleAsync(CancelIndexingParams request, CancellationToken cancellationToken)
    {
        var folders = session.Folders.FromOptionalParam(request.Folder);
        var cancelled = session.Queue.Cancel(folders);
        if (cancelled > 0)
        {
            session.Client.Log(MessageType.Info, $"Indexing cancelled for {cancelled} folder(s); committed work is kept.");
        }
        return Task.FromResult(new CancelIndexingResult { CancelledFolders = cancelled });
    }
}
