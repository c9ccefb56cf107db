using System.Text;
using SemanticSearch.Engine.Workspace;

using SemanticSearch.TestSupport;

namespace SemanticSearch.Engine.Tests.Workspace;

/// <summary>A real directory tree under the temp folder, deleted on dispose.</summary>
internal sealed class TempTree : IDisposable
{
    public TempTree()
    {
        Root = Path.Combine(Path.GetTempPath(), "semsearch-scan-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    /// <summary>Writes a UTF-8 file (no BOM) at a '/'-separated relative path, creating folders.</summary>
    public string File(string relativePath, string content = "x")
        => Bytes(relativePath, Encoding.UTF8.GetBytes(content));

    public string Bytes(string relativePath, byte[] content)
    {
        var full = Path.Combine(Root, relativePath.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        System.IO.File.WriteAllBytes(full, content);
        return full;
    }

    public string Dir(string relativePath)
    {
        var full = Path.Combine(Root, relativePath.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(full);
        return full;
    }

    public ScanResult Scan(ScanOptions? options = null) => new WorkspaceScanner().Scan(Root, options ?? ScanOptions.Default);

    public void Dispose()
    {
        try
        {
            TestFolders.Delete(Root);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder must not fail a test.
        }
    }
}

internal static class ScanResultExtensions
{
    public static string[] Accepted(this ScanResult result) => [.. result.Files.Select(f => f.RelativePath)];

    /// <summary>Skipped entries as "path:Reason" ("path/:Reason" for directories), sorted.</summary>
    public static string[] SkippedSummary(this ScanResult result)
        => [.. result.Skipped.Select(s => s.RelativePath + (s.IsDirectory ? "/" : "") + ":" + s.Reason).Order(StringComparer.Ordinal)];
}
