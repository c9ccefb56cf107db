using SemanticSearch.Server.Protocol;

namespace SemanticSearch.Server.Handlers.Workspace;

/// <summary>Removed folders: their jobs cancelled, their indexes closed; added folders: watched and queued.</summary>
[LspMethod("workspace/didChangeWorkspaceFolders", MutatesState = true)]
public sealed class DidChangeWorkspaceFoldersHandler(ServerSession session) : INotificationHandler<DidChangeWorkspaceFoldersParams>
{
    public void Handle(DidChangeWorkspaceFoldersParams notification)
    {
        foreach (var removed in notification.Event.Removed)
        {
            if (session.Folders.Remove(removed.Uri) is { } folder)
            {
                session.StopServing(folder);
            }
        }
        foreach (var added in notification.Event.Added)
        {
            if (session.Folders.Add(added, message => session.Client.Log(MessageType.Error, message)) is { } folder)
            {
                session.StartServing(folder);
            }
        }
    }
}
