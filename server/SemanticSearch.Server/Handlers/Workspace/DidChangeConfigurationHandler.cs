using SemanticSearch.Server.Indexing;
using SemanticSearch.Server.Protocol;

namespace SemanticSearch.Server.Handlers.Workspace;

/// <summary>
/// New settings (invalid ones are logged and change nothing). A watcher change restarts watching; a model,
/// provider, index location or scan change reopens every folder and re-checks it.
/// </summary>
[LspMethod("workspace/didChangeConfiguration", MutatesState = true)]
public sealed class DidChangeConfigurationHandler(ServerSession session) : INotificationHandler<DidChangeConfigurationParams>
{
    public void Handle(DidChangeConfigurationParams notification)
    {
        ServerSettings next;
        try
        {
            next = ServerSettings.Parse(notification.Settings, session.Settings);
        }
        catch (ArgumentException ex)
        {
            session.Client.Log(MessageType.Warning, $"Settings ignored: {ex.Message}");
            return;
        }
        var previous = session.Settings;
        session.Settings = next;
        if (next.FileWatcher != previous.FileWatcher)
        {
            foreach (var folder in session.Folders.All)
            {
                session.Watching.Watch(folder);
            }
        }
        if (next.NeedsReopen(previous))
        {
            session.Client.Log(MessageType.Info, "Settings changed: reopening the indexes.");
            foreach (var folder in session.Folders.All)
            {
                _ = session.Queue.Enqueue(new IndexJob(folder, JobKind.Reopen));
            }
        }
    }
}
