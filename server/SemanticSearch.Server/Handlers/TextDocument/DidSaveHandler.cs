using SemanticSearch.Server.Protocol;

namespace SemanticSearch.Server.Handlers.TextDocument;

/// <summary>A save: the path goes to its folder's change batcher (the text is read from disk).</summary>
[LspMethod("textDocument/didSave")]
public sealed class DidSaveHandler(ServerSession session) : INotificationHandler<DidSaveTextDocumentParams>
{
    public void Handle(DidSaveTextDocumentParams notification) => session.Watching.UriChanged(notification.TextDocument.Uri);
}
