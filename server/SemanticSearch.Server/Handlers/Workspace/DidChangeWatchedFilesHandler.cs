using SemanticSearch.Server.Protocol;

namespace SemanticSearch.Server.Handlers.Workspace;

/// <summary>The client's watcher: each path goes to its folder's change batcher.</summary>
[LspMethod("workspace/didChangeWatchedFiles")]
public sealed class DidChangeWatchedFilesHandler(ServerSession session) : INotificationHandler<DidChangeWatchedFilesParams>
{
    public void Handle(DidChangeWatchedFilesParams notification)
    {
        foreach (var change in notification.Changes)
        {
            session.Watching.UriChanged(change.Uri);
        }
    }
}
