namespace SemanticSearch.Engine.Workspace;

/// <summary>A file the scanner accepted. <see cref="RelativePath"/> uses '/' separators.</summary>
public sealed record WorkspaceFile(string RelativePath, string FullPath, long Size, DateTime LastWriteUtc, string Language);

/// <summary>Why a file (or a whole directory) was not indexed. Persisted by name, so only append.</summary>
public enum SkipReason
{
    GitIgnored,
    Excluded,
    TooLarge,
    Binary,
    Generated,
    Minified,
    Unreadable,

    /// <summary>A named pipe, a socket or a device: never opened.</summary>
    SpecialFile,

    /// <summary>A symbolic link (to a file or a folder) whose real target lies outside the workspace root: not followed.</summary>
    OutsideWorkspace,

    /// <summary>On an ignore source: one of its lines is a pattern git would never match, left out (the detail names it).</summary>
    InvalidPattern,
}

/// <summary>A skipped file or pruned directory (<see cref="IsDirectory"/>), with a human-readable detail.</summary>
public sealed record SkippedFile(string RelativePath, SkipReason Reason, string Detail, bool IsDirectory = false);

/// <summary>Scanner settings.</summary>
/// <param name="Excludes">Extra gitignore-syntax patterns applied at the root (e.g. "**/bin/", "*.lock").</param>
/// <param name="MaxFileBytes">Files larger than this are skipped as <see cref="SkipReason.TooLarge"/>.</param>
/// <param name="UseGitIgnore">Honour .gitignore files (nested, negations) and .git/info/exclude.</param>
public sealed record ScanOptions(IReadOnlyList<string> Excludes, long MaxFileBytes = 1_000_000, bool UseGitIgnore = true)
{
    public static ScanOptions Default { get; } = new([]);
}

/// <summary>The outcome of a scan: accepted files (sorted by path) and everything skipped, with reasons.</summary>
public sealed record ScanResult(IReadOnlyList<WorkspaceFile> Files, IReadOnlyList<SkippedFile> Skipped);
