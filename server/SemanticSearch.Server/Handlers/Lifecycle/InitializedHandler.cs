using SemanticSearch.Server.Protocol;

namespace SemanticSearch.Server.Handlers.Lifecycle;

/// <summary>Starts watching (the client's watcher, registered now, or the server's own) and queues a full incremental pass per folder.</summary>
[LspMethod("initialized", MutatesState = true)]
public sealed class InitializedHandler(ServerSession session) : INotificationHandler<NoParams>
{
    public void Handle(NoParams notification)
    {
        session.Watching.Start();
        foreach (var folder in session.Folders.All)
        {
            session.StartServing(folder);
        }
    }
}
