using SemanticSearch.Server.Protocol;
using StreamJsonRpc;

namespace SemanticSearch.Server;

/// <summary>
/// Where the server is in LSP's lifecycle: before <c>initialize</c>, serving, shutting down (after <c>shutdown</c>),
/// and the exit code once <c>exit</c> arrives. The handler table asks it before every message, so no handler checks
/// the lifecycle itself.
/// </summary>
public sealed class ServerLifecycle
{
    private readonly TaskCompletionSource<int> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile int _phase; // 0 not initialized, 1 serving, 2 shutting down

    /// <summary>Completes with the process exit code when the client sends exit (0 after shutdown, else 1).</summary>
    public Task<int> Exited => _exit.Task;

    public bool IsServing => _phase == 1;

    public bool IsShuttingDown => _phase == 2;

    /// <summary>At the start of <c>initialize</c>: a second one is refused.</summary>
    public void EnsureFirstInitialize()
    {
        if (_phase != 0)
        {
            throw new LocalRpcException("initialize was already sent.") { ErrorCode = LspErrorCodes.InvalidRequest };
        }
    }

    /// <summary>
    /// At the end of <c>initialize</c>, once the folders and settings are in place, so no request is served on a
    /// half-initialized server (initialize mutates state, so no other initialize runs meanwhile).
    /// </summary>
    public void MarkInitialized() => Interlocked.CompareExchange(ref _phase, 1, 0);

    /// <summary>
    /// At the start of <c>shutdown</c>: before <c>initialize</c> it is refused like any request (-32002), a second
    /// one like any request after shutdown (-32600), so a client never takes a repeated shutdown for a fresh one.
    /// </summary>
    public void EnsureFirstShutdown()
    {
        if (_phase == 2)
        {
            throw new LocalRpcException("shutdown was already sent.") { ErrorCode = LspErrorCodes.InvalidRequest };
        }
        EnsureServing();
    }

    /// <summary>True the first time: the caller then stops everything.</summary>
    public bool BeginShutdown() => Interlocked.Exchange(ref _phase, 2) != 2;

    public void Exit() => _exit.TrySetResult(_phase == 2 ? 0 : 1);

    /// <summary>LSP's rule for a request that is not part of the lifecycle: -32002 before initialize, -32600 after shutdown.</summary>
    public void EnsureServing()
    {
        switch (_phase)
        {
            case 0:
                throw new LocalRpcException("The server is not initialized.") { ErrorCode = LspErrorCodes.ServerNotInitialized };
            case 2:
                throw new LocalRpcException("The server is shutting down.") { ErrorCode = LspErrorCodes.InvalidRequest };
        }
    }
}
