using SemanticSearch.VisualStudio.Core.Launch;
using SemanticSearch.VisualStudio.Core.Settings;

namespace SemanticSearch.VisualStudio.Core.Connection;

/// <summary>What a <see cref="SemanticSearchClient"/> needs from its host (the package, or a test).</summary>
public sealed class ClientOptions
{
    /// <summary>The server shipped with the extension (its SemanticSearch.Server.dll), used when serverPath is empty.</summary>
    public required string BundledServer { get; init; }

    /// <summary>The folders to index and search (a solution's folder, an opened folder).</summary>
    public required IReadOnlyList<string> Folders { get; init; }

    public ClientSettings Settings { get; init; } = new();

    /// <summary>Where dotnet is looked for when the dotnetPath setting is empty.</summary>
    public RuntimeLookup Runtime { get; init; } = RuntimeLookup.Current;

    /// <summary>Receives the server's log lines and the client's own notes (the output pane).</summary>
    public Action<string> Log { get; init; } = _ => { };

    /// <summary>Variables added to the server's environment.</summary>
    public IDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Server settings that no Options page shows, sent with the others (the tests set <c>fileWatcher: off</c>, so
    /// that only the client's notifications reindex).
    /// </summary>
    public IDictionary<string, object> ExtraServerSettings { get; init; } = new Dictionary<string, object>();

    public RestartPolicy RestartPolicy { get; init; } = new();
}
