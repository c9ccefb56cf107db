using SemanticSearch.Engine.Index;
using SemanticSearch.Engine.Workspace;

namespace SemanticSearch.Engine.Indexing;

/// <summary>The state of a workspace's index, read without loading a model.</summary>
/// <param name="Indexed">False when no index file exists yet.</param>
/// <param name="StaleFiles">Files added, changed (size or mtime) or deleted since they were indexed.</param>
/// <param name="Writer">The process writing the index as it was read (<see cref="IndexLock"/>); null when none was.</param>
public sealed record WorkspaceStatus(
    string Root,
    string IndexPath,
    bool Indexed,
    IndexInfo? Info,
    long IndexBytes,
    int FilesIndexed,
    IReadOnlyDictionary<string, int> SkippedByReason,
    int StaleFiles,
    IndexHolder? Writer = null)
{
    /// <summary>
    /// Reads the status as a reader of the index (<see cref="IndexStore.OpenExisting"/>: nothing is written); a
    /// damaged index is <see cref="IndexCorruptException"/>.
    /// </summary>
    public static WorkspaceStatus Read(string root, string indexPath, ScanOptions scanOptions, CancellationToken cancellationToken = default)
    {
        try
        {
            var status = ReadIndex(root, indexPath, scanOptions, cancellationToken);
            return status with { Writer = IndexLock.CurrentWriter(new IndexFiles(indexPath)) };
        }
        catch (Exception ex) when (IndexCorruptException.IsDamage(ex))
        {
            throw new IndexCorruptException(Path.GetFullPath(indexPath), ex);
        }
    }

    private static WorkspaceStatus ReadIndex(string root, string indexPath, ScanOptions scanOptions, CancellationToken cancellationToken)
    {
        var fullRoot = Path.GetFullPath(root);
        if (!Directory.Exists(fullRoot))
        {
            throw new DirectoryNotFoundException($"Workspace folder not found: {fullRoot}");
        }
        using var store = IndexStore.OpenExisting(indexPath);
        if (store is null)
        {
            return new WorkspaceStatus(fullRoot, indexPath, false, null, 0, 0, new Dictionary<string, int>(), 0);
        }
        var files = store.LoadFiles();
        var scan = new WorkspaceScanner().Scan(fullRoot, scanOptions, cancellationToken);
        var present = scan.Files.ToDictionary(f => f.RelativePath, StringComparer.Ordinal);
        var stale = present.Values.Count(f => !files.TryGetValue(f.RelativePath, out var r) || r.Size != f.Size || r.LastWriteTicks != f.LastWriteUtc.Ticks)
            + files.Keys.Count(p => !present.ContainsKey(p));
        var skipped = files.Values.Where(f => f.Skipped is not null).Select(f => f.Skipped!.Value.ToString())
            .Concat(scan.Skipped.Select(s => s.Reason.ToString()))
            .GroupBy(r => r)
            .ToDictionary(g => g.Key, g => g.Count());
        var bytes = new FileInfo(indexPath).Length;
        return new WorkspaceStatus(fullRoot, indexPath, true, store.Info, bytes, FileCounts.Of(files.Values).Indexed, skipped, stale);
    }
}
