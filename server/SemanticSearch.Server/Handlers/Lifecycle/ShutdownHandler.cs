using SemanticSearch.Server.Protocol;

namespace SemanticSearch.Server.Handlers.Lifecycle;

/// <summary>
/// Cancels indexing, waits for the group in flight, checkpoints and closes every index; answers null. Only once,
/// and only after <c>initialize</c>.
/// </summary>
[LspMethod("shutdown", MutatesState = true, Lifecycle = true)]
public sealed class ShutdownHandler(ServerSession session) : IRequestHandler<NoParams, object?>
{
    public Task<object?> HandleAsync(NoParams request, CancellationToken cancellationToken)
    {
        session.Lifecycle.EnsureFirstShutdown();
        session.StopEverything();
        return Task.FromResult<object?>(null);
    }
}
