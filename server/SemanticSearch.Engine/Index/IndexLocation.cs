using SemanticSearch.Engine.Common;
using SemanticSearch.Engine.Workspace;

namespace SemanticSearch.Engine.Index;

/// <summary>Where the indexes of workspaces are kept (the server's <c>indexLocation</c> setting, the CLI's <c>--cache</c>/<c>--index</c>).</summary>
public enum IndexPlacement
{
    /// <summary><c>&lt;root&gt;/.semantic-search/index.db</c>.</summary>
    Workspace,
    /// <summary>The user's cache folder, one sub-folder per workspace.</summary>
    UserCache,
    /// <summary>A folder of the user's choosing, one sub-folder per workspace.</summary>
    SharedFolder,
    /// <summary>One index file, named exactly.</summary>
    File,
}

/// <summary>
/// Where a workspace's index lives: the one home of the rule for the CLI, the server, eval and the bench.
/// <see cref="For"/> turns it into the <see cref="IndexFiles"/> of one workspace.
/// </summary>
public sealed record IndexLocation
{
    /// <summary>The folder inside a workspace that holds its index (the scanner never descends into it).</summary>
    public const string WorkspaceFolderName = WorkspaceScanner.IndexDirectoryName;

    public const string FileName = "index.db";

    private IndexLocation(IndexPlacement placement, string? path)
    {
        Placement = placement;
        Path = path;
    }

    public IndexPlacement Placement { get; }

    /// <summary>The folder (<see cref="IndexPlacement.SharedFolder"/>) or file (<see cref="IndexPlacement.File"/>); null otherwise.</summary>
    public string? Path { get; }

    public static IndexLocation Workspace { get; } = new(IndexPlacement.Workspace, null);

    public static IndexLocation UserCache { get; } = new(IndexPlacement.UserCache, null);

    public static IndexLocation InFolder(string folder) => new(IndexPlacement.SharedFolder, System.IO.Path.GetFullPath(folder));

    public static IndexLocation AtFile(string file) => new(IndexPlacement.File, System.IO.Path.GetFullPath(file));

    /// <summary>The command line's choice: an explicit file wins over the user cache, which wins over the workspace.</summary>
    public static IndexLocation From(string? explicitFile, bool userCache) =>
        !string.IsNullOrWhiteSpace(explicitFile) ? AtFile(explicitFile) : userCache ? UserCache : Workspace;

    /// <summary>The editor setting: <c>workspace</c> (or empty), <c>cache</c>, or a folder for all indexes.</summary>
    public static IndexLocation ParseSetting(string setting) => setting switch
    {
        "" or "workspace" => Workspace,
        "cache" => UserCache,
        var folder => InFolder(folder),
    };

    /// <summary>The editor setting that means this location (<see cref="ParseSetting"/>'s inverse; a file has none).</summary>
    public string SettingValue => Placement switch
    {
        IndexPlacement.Workspace => "workspace",
        IndexPlacement.UserCache => "cache",
        IndexPlacement.SharedFolder => Path!,
        _ => throw new InvalidOperationException("A single index file is a command-line choice, not an editor setting."),
    };

    /// <summary>The user's cache folder for indexes: <c>$XDG_CACHE_HOME</c>, else <c>~/.cache</c> (LocalAppData on Windows), then <c>semantic-search</c>.</summary>
    public static string CacheFolder
    {
        get
        {
            var cacheHome = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            if (string.IsNullOrEmpty(cacheHome))
            {
                cacheHome = OperatingSystem.IsWindows()
                    ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)
                    : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            }
            return System.IO.Path.Combine(cacheHome, "semantic-search");
        }
    }

    /// <summary>The index files of the workspace at <paramref name="root"/>.</summary>
    public IndexFiles For(string root) => new(Placement switch
    {
        IndexPlacement.Workspace => System.IO.Path.Combine(System.IO.Path.GetFullPath(root), WorkspaceFolderName, FileName),
        IndexPlacement.UserCache => InSharedFolder(CacheFolder, root),
        IndexPlacement.SharedFolder => InSharedFolder(Path!, root),
        _ => Path!,
    });

    /// <summary>
    /// A workspace's index inside a shared folder (the user cache, or a folder of the user's choosing): one
    /// sub-folder per workspace, named after it plus a hash of its full path, so two checkouts never share an index.
    /// </summary>
    private static string InSharedFolder(string folder, string root)
    {
        var fullRoot = System.IO.Path.GetFullPath(root).TrimEnd(System.IO.Path.DirectorySeparatorChar, System.IO.Path.AltDirectorySeparatorChar);
        return System.IO.Path.Combine(System.IO.Path.GetFullPath(folder), $"{System.IO.Path.GetFileName(fullRoot)}-{ContentHash.Of(fullRoot, 12)}", FileName);
    }
}
