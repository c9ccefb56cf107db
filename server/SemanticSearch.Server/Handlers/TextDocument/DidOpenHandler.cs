using SemanticSearch.Server.Protocol;

namespace SemanticSearch.Server.Handlers.TextDocument;

/// <summary>The file is open in the editor: a full pass of its folder indexes it before the others. Its text is not read.</summary>
[LspMethod("textDocument/didOpen", MutatesState = true)]
public sealed class DidOpenHandler(ServerSession session) : INotificationHandler<DidOpenTextDocumentParams>
{
    public void Handle(DidOpenTextDocumentParams notification) => session.OpenDocuments.Opened(notification.TextDocument.Uri);
}
