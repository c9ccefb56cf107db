using SemanticSearch.Server.Indexing;
using SemanticSearch.Server.Protocol;
using SemanticSearch.Server.Watching;
using StreamJsonRpc;

namespace SemanticSearch.Server.Folders;

/// <summary>
/// The workspace folders the server serves, by root. Folders may nest: a path belongs to the innermost one.
/// Adding a folder gives it a change batcher that turns its changes into index jobs.
/// </summary>
public sealed class FolderRegistry(SharedModels models, Func<int> debounceMs, Action<IndexedFolder, IReadOnlyCollection<string>, bool> changed)
{
    private readonly object _gate = new();
    private readonly List<IndexedFolder> _folders = [];

    public IReadOnlyList<IndexedFolder> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _folders];
            }
        }
    }

    /// <summary>The new folder; null when the uri is not a local folder (reported through <paramref name="log"/>) or is served already.</summary>
    public IndexedFolder? Add(WorkspaceFolder folder, Action<string> log)
    {
        string root;
        try
        {
            root = Path.GetFullPath(LspPaths.ToLocalPath(folder.Uri));
        }
        catch (Exception ex) when (ex is UriFormatException or ArgumentException)
        {
            log($"Ignored workspace folder '{folder.Uri}': {ex.Message}");
            return null;
        }
        lock (_gate)
        {
            if (_folders.Any(f => LspPaths.SamePath(f.Root, root)))
            {
                return null;
            }
            var added = new IndexedFolder(LspPaths.ToUri(root), string.IsNullOrEmpty(folder.Name) ? Path.GetFileName(root) : folder.Name, root, models);
            added.Changes = new ChangeBatcher(debounceMs, (paths, everything) => changed(added, paths, everything));
            _folders.Add(added);
            return added;
        }
    }

    /// <summary>Takes the folder out of the registry (the caller closes it once its jobs stop); null when unknown.</summary>
    public IndexedFolder? Remove(string uri)
    {
        lock (_gate)
        {
            var folder = FindByUriLocked(uri);
            if (folder is not null)
            {
                _folders.Remove(folder);
            }
            return folder;
        }
    }

    /// <summary>The folder a request names; InvalidParams when it names none.</summary>
    public IndexedFolder FromParam(string uri)
    {
        lock (_gate)
        {
            try
            {
                return FindByUriLocked(uri) ?? throw InvalidParams($"'{uri}' is not a workspace folder.");
            }
            catch (Exception ex) when (ex is UriFormatException or ArgumentException)
            {
                throw InvalidParams($"'{uri}' is not a folder URI.");
            }
        }
    }

    /// <summary>The folders a request names: one, or all when it names none.</summary>
    public IReadOnlyList<IndexedFolder> FromOptionalParam(string? uri) => uri is null ? All : [FromParam(uri)];

    /// <summary>The innermost folder holding the path (folders may nest).</summary>
    public IndexedFolder? FindByPath(string fullPath)
    {
        lock (_gate)
        {
            return _folders.Where(f => LspPaths.IsUnder(fullPath, f.Root)).MaxBy(f => f.Root.Length);
        }
    }

    private IndexedFolder? FindByUriLocked(string uri)
    {
        var path = Path.GetFullPath(LspPaths.ToLocalPath(uri));
        return _folders.FirstOrDefault(f => LspPaths.SamePath(f.Root, path));
    }

    private static LocalRpcException InvalidParams(string message) => new(message) { ErrorCode = LspErrorCodes.InvalidParams };
}
