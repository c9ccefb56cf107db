using SemanticSearch.Server.Protocol;

namespace SemanticSearch.Server.Handlers.Lifecycle;

/// <summary>
/// Reads the settings (<c>initializationOptions</c>), what the client supports and the workspace folders
/// (<c>workspaceFolders</c>, else <c>rootUri</c>, else <c>rootPath</c>); answers the capabilities. Indexing starts
/// at <c>initialized</c>.
/// </summary>
[LspMethod("initialize", MutatesState = true, Lifecycle = true)]
public sealed class InitializeHandler(ServerSession session) : IRequestHandler<InitializeParams, InitializeResult>
{
    public Task<InitializeResult> HandleAsync(InitializeParams request, CancellationToken cancellationToken)
    {
        StartupClock.InitializeReceived();
        session.Lifecycle.EnsureFirstInitialize();
        try
        {
            session.Settings = ServerSettings.Parse(request.InitializationOptions, new ServerSettings());
        }
        catch (ArgumentException ex)
        {
            session.Client.Log(MessageType.Warning, $"Settings ignored: {ex.Message}");
        }
        session.Client.ReadCapabilities(request.Capabilities);
        foreach (var folder in FoldersOf(request))
        {
            session.Folders.Add(folder, message => session.Client.Log(MessageType.Error, message));
        }
        session.Lifecycle.MarkInitialized();
        return Task.FromResult(new InitializeResult
        {
            Capabilities = Capabilities,
            ServerInfo = new ServerInfo { Name = "SemanticSearch.Server", Version = typeof(InitializeHandler).Assembly.GetName().Version?.ToString(3) },
        });
    }

    /// <summary>
    /// Open and close only say which files are open (a full pass indexes those first); text and edits are read
    /// from disk on save. The custom methods are the handler table's.
    /// </summary>
    public static ServerCapabilities Capabilities { get; } = new()
    {
        TextDocumentSync = new TextDocumentSyncOptions { OpenClose = true, Change = 0, Save = new SaveOptions { IncludeText = false } },
        Workspace = new WorkspaceServerCapabilities { WorkspaceFolders = new WorkspaceFoldersServerCapabilities { Supported = true, ChangeNotifications = true } },
        Experimental = new ExperimentalCapabilities { SemanticSearch = new SemanticSearchCapability { Version = 1, Methods = HandlerTable.CustomMethods } },
    };

    private static WorkspaceFolder[] FoldersOf(InitializeParams p) => p.WorkspaceFolders is { Length: > 0 } list
        ? list
        : p.RootUri is { Length: > 0 } rootUri
            ? [new WorkspaceFolder { Uri = rootUri, Name = Path.GetFileName(LspPaths.ToLocalPath(rootUri).TrimEnd('/', '\\')) }]
            : p.RootPath is { Length: > 0 } rootPath
                ? [new WorkspaceFolder { Uri = LspPaths.ToUri(rootPath), Name = Path.GetFileName(rootPath.TrimEnd('/', '\\')) }]
                : [];
}
