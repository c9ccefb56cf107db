using SemanticSearch.Server.Protocol;

namespace SemanticSearch.Server.Handlers.Lifecycle;

/// <summary>Ends the process: exit code 0 after <c>shutdown</c>, 1 without (LSP's rule).</summary>
[LspMethod("exit", Lifecycle = true)]
public sealed class ExitHandler(ServerSession session) : INotificationHandler<NoParams>
{
    public void Handle(NoParams notification) => session.Lifecycle.Exit();
}
