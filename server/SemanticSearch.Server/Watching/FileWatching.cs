using System.Collections.Concurrent;
using SemanticSearch.Engine.Index;
using SemanticSearch.Server.Client;
using SemanticSearch.Server.Folders;
using SemanticSearch.Server.Protocol;

namespace SemanticSearch.Server.Watching;

/// <summary>
/// Where file changes come from and where they go. The <c>fileWatcher</c> setting picks the source: the client's
/// watcher (registered once, dynamically), the server's own <see cref="FileSystemWatcher"/> per folder, or none
/// (saves still arrive). Every change, whatever its source, is routed by <see cref="PathChanged"/> to the
/// innermost folder's <see cref="ChangeBatcher"/>.
/// </summary>
public sealed class FileWatching(FolderRegistry folders, EditorClient client, Func<ServerSettings> settings, Func<bool> shuttingDown) : IDisposable
{
    private readonly ConcurrentDictionary<IndexedFolder, FileSystemWatcher> _watchers = new();

    /// <summary>The source in effect: <c>auto</c> is the client's watcher when it can register one, else ours.</summary>
    public FileWatcherMode Mode => settings().FileWatcher == FileWatcherMode.Auto
        ? (client.SupportsWatching ? FileWatcherMode.Client : FileWatcherMode.Server)
        : settings().FileWatcher;

    /// <summary>After <c>initialized</c>: registers the client's watcher if that is the source.</summary>
    public void Start()
    {
        if (Mode == FileWatcherMode.Client)
        {
            _ = RegisterClientWatcherAsync();
        }
    }

    private async Task RegisterClientWatcherAsync()
    {
        try
        {
            await client.RegisterFileWatcherAsync();
        }
        catch (Exception ex)
        {
            client.Log(MessageType.Warning, $"The client did not accept file watching ({ex.Message}); using the server's own watcher.");
            client.WatchingRefused();
            foreach (var folder in folders.All)
            {
                Watch(folder);
            }
        }
    }

    /// <summary>(Re)starts the server's watcher of one folder when the server watches; stops it otherwise.</summary>
    public void Watch(IndexedFolder folder)
    {
        Unwatch(folder);
        if (Mode != FileWatcherMode.Server || shuttingDown())
        {
            return;
        }
        try
        {
            var watcher = new FileSystemWatcher(folder.Root)
            {
                IncludeSubdirectories = true,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
                InternalBufferSize = 64 * 1024,
            };
            FileSystemEventHandler onChange = (_, e) => PathChanged(e.FullPath);
            watcher.Changed += onChange;
            watcher.Created += onChange;
            watcher.Deleted += onChange;
            watcher.Renamed += (_, e) =>
            {
                PathChanged(e.OldFullPath);
                PathChanged(e.FullPath);
            };
            // Overflow: events were lost, so only a full pass is sure to catch up.
            watcher.Error += (_, e) => folder.Changes?.Add([], everything: true);
            watcher.EnableRaisingEvents = true;
            _watchers[folder] = watcher;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or PlatformNotSupportedException)
        {
            client.Log(MessageType.Warning, $"Cannot watch {folder.Root} ({ex.Message}); saves still re-index.");
        }
    }

    public void Unwatch(IndexedFolder folder)
    {
        if (_watchers.TryRemove(folder, out var watcher))
        {
            watcher.Dispose();
        }
    }

    /// <summary>A change the client reported by uri (a save, its watcher).</summary>
    public void UriChanged(string uri)
    {
        try
        {
            PathChanged(LspPaths.ToLocalPath(uri));
        }
        catch (Exception ex) when (ex is UriFormatException or ArgumentException or NotSupportedException)
        {
            client.Log(MessageType.Warning, $"Ignored a change to '{uri}': {ex.Message}");
        }
    }

    public void PathChanged(string fullPath)
    {
        var folder = folders.FindByPath(fullPath);
        if (folder is null)
        {
            return;
        }
        var relative = Path.GetRelativePath(folder.Root, fullPath).Replace('\\', '/');
        var first = relative.Split('/')[0];
        // Our own index writes and git's internals are never content; reacting to them would loop.
        if (relative is "." || first is ".git" or IndexLocation.WorkspaceFolderName || relative.StartsWith("../", StringComparison.Ordinal)
            || folder.IndexFiles?.Contains(fullPath) == true)
        {
            return;
        }
        folder.Changes?.Add([relative]);
    }

    public void Dispose()
    {
        foreach (var folder in _watchers.Keys)
        {
            Unwatch(folder);
        }
    }
}
