using SemanticSearch.Engine.Chunking;

namespace SemanticSearch.Server.Protocol;

/// <summary>File URIs and positions between LSP and the engine.</summary>
public static class LspPaths
{
    private static StringComparison PathComparison => OperatingSystem.IsWindows() || OperatingSystem.IsMacOS()
        ? StringComparison.OrdinalIgnoreCase
        : StringComparison.Ordinal;

    /// <summary>A file URI (or, leniently, a plain path) as a local path.</summary>
    public static string ToLocalPath(string uriOrPath)
    {
        if (Uri.TryCreate(uriOrPath, UriKind.Absolute, out var uri) && uri.IsFile)
        {
            return uri.LocalPath;
        }
        if (uriOrPath.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            throw new UriFormatException($"Cannot read the file URI '{uriOrPath}'.");
        }
        return Path.GetFullPath(uriOrPath);
    }

    public static string ToUri(string path) => new Uri(Path.GetFullPath(path)).AbsoluteUri;

    public static bool SamePath(string a, string b) =>
        string.Equals(a.TrimEnd('/', '\\'), b.TrimEnd('/', '\\'), PathComparison);

    public static bool IsUnder(string path, string root)
    {
        var r = root.TrimEnd('/', '\\');
        return SamePath(path, r)
            || (path.Length > r.Length && path.StartsWith(r, PathComparison) && path[r.Length] is '/' or '\\');
    }

    /// <summary>
    /// Engine ranges are 1-based with an inclusive end line and an exclusive end column; LSP positions are 0-based
    /// with an exclusive end. Both count UTF-16 code units, so each coordinate just drops by one.
    /// </summary>
    public static LspRange ToLspRange(SourceRange range) => new(
        new Position(Math.Max(0, range.StartLine - 1), Math.Max(0, range.StartColumn - 1)),
        new Position(Math.Max(0, range.EndLine - 1), Math.Max(0, range.EndColumn - 1)));

    /// <summary>A 1-based line and column with a length (a matched token) as an LSP range on that line.</summary>
    public static LspRange ToLspRange(int line, int column, int length) => new(
        new Position(Math.Max(0, line - 1), Math.Max(0, column - 1)),
        new Position(Math.Max(0, line - 1), Math.Max(0, column - 1 + length)));
}
