namespace SemanticSearch.VisualStudio.Core.Connection;

/// <summary>Local paths and the <c>file:</c> URIs the protocol carries (the server's own rule: System.Uri both ways).</summary>
public static class FileUris
{
    public static string FromPath(string path) => new Uri(Path.GetFullPath(path)).AbsoluteUri;

    public static string ToPath(string uri) => new Uri(uri).LocalPath;
}
