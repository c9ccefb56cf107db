using SemanticSearch.Server.Protocol;

namespace SemanticSearch.Server.Handlers.SemanticSearch;

/// <summary>Runs the indexing queue again, the pass the pause stopped first. A no-op when not paused.</summary>
[LspMethod(Methods.ResumeIndexing, MutatesState = true)]
public sealed class ResumeIndexingHandler(ServerSession session) : IRequestHandler<NoParams, PauseIndexingResult>
{
    public Task<PauseIndexingResult> HandleAsync(NoParams request, CancellationToken cancellationToken)
    {
        if (session.Queue.Resume())
        {
            session.Client.Log(MessageType.Info, "Indexing resumed.");
        }
        return Task.FromResult(new PauseIndexingResult { Paused = false });
    }
}
