using System.Collections.Concurrent;
using SemanticSearch.Server.Protocol;

namespace SemanticSearch.Server.Folders;

/// <summary>The documents open in the editor, by uri: a full pass indexes their files first. Text and edits are not kept.</summary>
public sealed class OpenDocuments
{
    private readonly ConcurrentDictionary<string, byte> _uris = new(StringComparer.Ordinal);

    public void Opened(string uri) => _uris[uri] = 0;

    public void Closed(string uri) => _uris.TryRemove(uri, out _);

    /// <summary>The open documents inside <paramref name="root"/>, as paths relative to it ('/').</summary>
    public List<string> Under(string root)
    {
        var result = new List<string>();
        foreach (var uri in _uris.Keys)
        {
            string path;
            try
            {
                path = LspPaths.ToLocalPath(uri);
            }
            catch (UriFormatException)
            {
                continue; // an untitled or virtual document: nothing on disk to put first
            }
            if (LspPaths.IsUnder(path, root) && !LspPaths.SamePath(path, root))
            {
                result.Add(Path.GetRelativePath(root, path).Replace('\\', '/'));
            }
        }
        return result;
    }
}
