using SemanticSearch.Server.Protocol;

namespace SemanticSearch.Server.Handlers.TextDocument;

/// <summary>The file is no longer open in the editor.</summary>
[LspMethod("textDocument/didClose", MutatesState = true)]
public sealed class DidCloseHandler(ServerSession session) : INotificationHandler<DidCloseTextDocumentParams>
{
    public void Handle(DidCloseTextDocumentParams notification) => session.OpenDocuments.Closed(notification.TextDocument.Uri);
}
