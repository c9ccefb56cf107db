using SemanticSearch.Server.Protocol;

namespace SemanticSearch.Server.Handlers.SemanticSearch;

/// <summary>
/// Pauses indexing (in memory: a restarted server is not paused). The running pass stops at its next committed
/// group and waits at the front of the queue; saves and watcher events still queue and merge; searches answer from
/// what is indexed. Answers at once, before the pass has stopped (status shows when it has). Pausing again is a no-op.
/// </summary>
[LspMethod(Methods.PauseIndexing, MutatesState = true)]
public sealed class PauseIndexingHandler(ServerSession session) : IRequestHandler<NoParams, PauseIndexingResult>
{
    public Task<PauseIndexingResult> HandleAsync(NoParams request, CancellationToken cancellationToken)
    {
        if (session.Queue.Pause())
        {
            session.Client.Log(MessageType.Info, "Indexing paused: saved files wait until it is resumed.");
        }
        return Task.FromResult(new PauseIndexingResult { Paused = true });
    }
}
