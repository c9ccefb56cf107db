using System.Globalization;

namespace SemanticSearch.Engine.Workspace;

/// <summary>
/// Walks a workspace and decides, from paths and metadata only (no file is opened except ignore files), which
/// files are indexed and why the others are not.
/// </summary>
/// <remarks>
/// Rules, in order of precedence:
/// <list type="bullet">
/// <item><c>.git</c> and <c>.semantic-search</c> directories (and a <c>.git</c> gitlink file) are skipped silently
/// at any depth: they are never workspace content, so reporting them is noise.</item>
/// <item>Ignore rules, highest priority first: <see cref="ScanOptions.Excludes"/> (gitignore syntax, relative to
/// the root; reason <see cref="SkipReason.Excluded"/>), then .gitignore files from the deepest directory up to the
/// root, then <c>.git/info/exclude</c> (reason <see cref="SkipReason.GitIgnored"/>). Within one source the last
/// matching line wins; the first source with a matching line decides, so an Excludes "!pattern" can re-include
/// a gitignored file. An ignored directory is reported once (<see cref="SkippedFile.IsDirectory"/>) and not
/// descended into, so nothing below it can be re-included (as in git).</item>
/// <item>Directory symlinks are not followed (no cycles, no escaping the workspace) and not reported; file
/// symlinks are indexed like the file they point to; broken ones are <see cref="SkipReason.Unreadable"/>.</item>
/// <item>Binary extensions → Binary; lock files and generated names → Generated; *.min.js/css → Minified;
/// size over <see cref="ScanOptions.MaxFileBytes"/> → TooLarge.</item>
/// </list>
/// </remarks>
public sealed class WorkspaceScanner
{
    /// <summary>The index folder the engine writes inside a workspace.</summary>
    public const string IndexDirectoryName = ".semantic-search";

    private static readonly EnumerationOptions ListOptions = new()
    {
        RecurseSubdirectories = false,
        IgnoreInaccessible = false,
        AttributesToSkip = 0,
        ReturnSpecialDirectories = false,
    };

    /// <summary>
    /// Walks <paramref name="root"/>; returns accepted files sorted by RelativePath (ordinal, '/' separators)
    /// and skipped entries with reasons (also sorted). Cancellation is checked before each directory.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The root does not exist or is not a directory.</exception>
    public ScanResult Scan(string root, ScanOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(options);
        var fullRoot = Path.GetFullPath(root);
        if (!Directory.Exists(fullRoot))
        {
            var what = File.Exists(fullRoot) ? "is a file, not a directory" : "does not exist";
            throw new DirectoryNotFoundException($"Workspace root '{fullRoot}' {what}.");
        }

        var walk = NewWalk(fullRoot, options, cancellationToken);
        walk.Directory(new DirectoryInfo(fullRoot), "", []);
        return walk.Result();
    }

    /// <summary>
    /// The decisions <see cref="Scan"/> makes, for a few paths only (saves, watcher events), without walking the
    /// rest of the tree: each path's ancestor directories are checked as the walk would meet them (a <c>.git</c>
    /// or index folder, a directory symlink or an ignored directory: nothing below it is content) and their
    /// .gitignore files read once. A path that is not a file now (gone, or a directory) is in neither list; the
    /// caller treats it as gone.
    /// </summary>
    /// <param name="relativePaths">Root-relative paths with '/' separators.</param>
    public ScanResult ScanPaths(string root, ScanOptions options, IEnumerable<string> relativePaths, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(relativePaths);
        var fullRoot = Path.GetFullPath(root);
        if (!Directory.Exists(fullRoot))
        {
            throw new DirectoryNotFoundException($"Workspace root '{fullRoot}' does not exist.");
        }
        var walk = NewWalk(fullRoot, options, cancellationToken);
        foreach (var path in relativePaths.Distinct(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            walk.SinglePath(fullRoot, path);
        }
        return walk.Result();
    }

    private static Walk NewWalk(string fullRoot, ScanOptions options, CancellationToken cancellationToken)
    {
        var ignoreCase = IgnoreRuleSet.PlatformIgnoreCase;
        var walk = new Walk(options, cancellationToken, ignoreCase)
        {
            Excludes = options.Excludes.Count > 0
                ? new IgnoreRuleSet("", "Excludes option", options.Excludes, ignoreCase)
                : null,
        };
        if (options.UseGitIgnore)
        {
            walk.InfoExclude = LoadIgnoreFile(Path.Combine(fullRoot, ".git", "info", "exclude"), "", ".git/info/exclude", ignoreCase, walk.Skipped);
        }
        return walk;
    }

    private static IgnoreRuleSet? LoadIgnoreFile(string path, string baseDirectory, string sourceName, bool ignoreCase, List<SkippedFile> skipped)
    {
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }
            // ReadAllLines splits on \n and \r\n alike, so CRLF ignore files work; the parser also strips a stray \r.
            var set = new IgnoreRuleSet(baseDirectory, sourceName, File.ReadAllLines(path), ignoreCase);
            return set.Count > 0 ? set : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            skipped.Add(new SkippedFile(sourceName, SkipReason.Unreadable, ex.Message));
            return null;
        }
    }

    private sealed class Walk(ScanOptions options, CancellationToken cancellationToken, bool ignoreCase)
    {
        public List<WorkspaceFile> Files { get; } = [];

        public List<SkippedFile> Skipped { get; } = [];

        public IgnoreRuleSet? Excludes { get; init; }

        public IgnoreRuleSet? InfoExclude { get; set; }

        /// <summary>The .gitignore sets in force inside each directory met so far; null: the directory is not content.</summary>
        private readonly Dictionary<string, IReadOnlyList<IgnoreRuleSet>?> _directories = new(StringComparer.Ordinal);

        public ScanResult Result()
        {
            Files.Sort((a, b) => string.CompareOrdinal(a.RelativePath, b.RelativePath));
            Skipped.Sort((a, b) => string.CompareOrdinal(a.RelativePath, b.RelativePath));
            return new ScanResult(Files, Skipped);
        }

        /// <summary>One path, decided as <see cref="Directory"/> would decide it when the walk reached it.</summary>
        public void SinglePath(string fullRoot, string relativePath)
        {
            var segments = relativePath.Split('/');
            if (segments.Any(s => s is "" or "." or "..") || segments[^1] == ".git")
            {
                return; // not a path inside the workspace, or a gitlink
            }
            var slash = relativePath.LastIndexOf('/');
            var gitIgnores = InDirectory(fullRoot, slash < 0 ? "" : relativePath[..slash]);
            if (gitIgnores is null)
            {
                return;
            }
            var file = new FileInfo(Path.Combine(fullRoot, relativePath));
            if (System.IO.Directory.Exists(file.FullName) || (!file.Exists && file.LinkTarget is null))
            {
                return;
            }
            var skip = Ignore(relativePath, isDirectory: false, gitIgnores) ?? FileNameRules.Classify(relativePath);
            if (skip is not null)
            {
                Skipped.Add(skip);
                return;
            }
            AddFile(file, relativePath);
        }

        /// <summary>The .gitignore sets in force inside a directory, its ancestors first; null when the walk would not enter it.</summary>
        private IReadOnlyList<IgnoreRuleSet>? InDirectory(string fullRoot, string relativeDirectory)
        {
            if (_directories.TryGetValue(relativeDirectory, out var known))
            {
                return known;
            }
            IReadOnlyList<IgnoreRuleSet>? result = [];
            if (relativeDirectory.Length > 0)
            {
                var slash = relativeDirectory.LastIndexOf('/');
                var parent = InDirectory(fullRoot, slash < 0 ? "" : relativeDirectory[..slash]);
                var directory = new DirectoryInfo(Path.Combine(fullRoot, relativeDirectory));
                result = parent is null || directory.Name is ".git" or IndexDirectoryName || !directory.Exists || directory.LinkTarget is not null
                    || Ignore(relativeDirectory, isDirectory: true, parent) is not null
                        ? null
                        : parent;
            }
            if (result is not null && options.UseGitIgnore)
            {
                var source = relativeDirectory.Length == 0 ? ".gitignore" : relativeDirectory + "/.gitignore";
                var local = LoadIgnoreFile(Path.Combine(fullRoot, relativeDirectory, ".gitignore"), relativeDirectory, source, ignoreCase, Skipped);
                if (local is not null)
                {
                    result = [.. result, local];
                }
            }
            _directories[relativeDirectory] = result;
            return result;
        }

        /// <param name="gitIgnores">.gitignore rule sets of the ancestors, shallowest first.</param>
        public void Directory(DirectoryInfo directory, string relativeDirectory, IReadOnlyList<IgnoreRuleSet> gitIgnores)
        {
            cancellationToken.ThrowIfCancellationRequested();

            FileSystemInfo[] entries;
            try
            {
                entries = [.. directory.EnumerateFileSystemInfos("*", ListOptions)];
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.SecurityException)
            {
                Skipped.Add(new SkippedFile(relativeDirectory.Length == 0 ? "." : relativeDirectory, SkipReason.Unreadable, ex.Message, IsDirectory: true));
                return;
            }

            if (options.UseGitIgnore)
            {
                var gitIgnorePath = Path.Combine(directory.FullName, ".gitignore");
                var source = relativeDirectory.Length == 0 ? ".gitignore" : relativeDirectory + "/.gitignore";
                var local = LoadIgnoreFile(gitIgnorePath, relativeDirectory, source, ignoreCase, Skipped);
                if (local is not null)
                {
                    gitIgnores = [.. gitIgnores, local];
                }
            }

            // Ordinal order keeps the walk (and any partial result on cancellation) deterministic.
            Array.Sort(entries, (a, b) => string.CompareOrdinal(a.Name, b.Name));
            foreach (var entry in entries)
            {
                var relativePath = relativeDirectory.Length == 0 ? entry.Name : relativeDirectory + "/" + entry.Name;
                if (entry is DirectoryInfo subdirectory)
                {
                    if (entry.Name is ".git" or IndexDirectoryName || entry.LinkTarget is not null)
                    {
                        continue;
                    }
                    var ignored = Ignore(relativePath, isDirectory: true, gitIgnores);
                    if (ignored is not null)
                    {
                        Skipped.Add(ignored with { IsDirectory = true });
                        continue;
                    }
                    Directory(subdirectory, relativePath, gitIgnores);
                }
                else if (entry is FileInfo file)
                {
                    if (entry.Name == ".git")
                    {
                        continue; // gitlink of a submodule or worktree
                    }
                    var skip = Ignore(relativePath, isDirectory: false, gitIgnores) ?? FileNameRules.Classify(relativePath);
                    if (skip is not null)
                    {
                        Skipped.Add(skip);
                        continue;
                    }
                    AddFile(file, relativePath);
                }
            }
        }

        private void AddFile(FileInfo file, string relativePath)
        {
            // The path inside the workspace, also for a symlink (the indexer reads through the link).
            var fullPath = file.FullName;
            long size;
            DateTime lastWriteUtc;
            try
            {
                if (file.LinkTarget is not null)
                {
                    // Size and time of what the link points to; a dangling link cannot be indexed.
                    var target = file.ResolveLinkTarget(returnFinalTarget: true);
                    if (target is not FileInfo { Exists: true } targetFile)
                    {
                        Skipped.Add(new SkippedFile(relativePath, SkipReason.Unreadable, $"broken symbolic link to '{file.LinkTarget}'"));
                        return;
                    }
                    file = targetFile;
                }
                size = file.Length;
                lastWriteUtc = file.LastWriteTimeUtc;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Skipped.Add(new SkippedFile(relativePath, SkipReason.Unreadable, ex.Message));
                return;
            }

            if (size > options.MaxFileBytes)
            {
                Skipped.Add(new SkippedFile(relativePath, SkipReason.TooLarge, $"{FormatSize(size)} > {FormatSize(options.MaxFileBytes)} limit"));
                return;
            }
            Files.Add(new WorkspaceFile(relativePath, fullPath, size, lastWriteUtc, LanguageDetector.FromPath(relativePath)));
        }

        /// <summary>The skip for an ignored path, or null when no ignore source excludes it.</summary>
        private SkippedFile? Ignore(string relativePath, bool isDirectory, IReadOnlyList<IgnoreRuleSet> gitIgnores)
        {
            var match = Excludes?.Match(relativePath, isDirectory);
            if (match is null && options.UseGitIgnore)
            {
                for (var i = gitIgnores.Count - 1; i >= 0 && match is null; i--)
                {
                    match = gitIgnores[i].Match(relativePath, isDirectory);
                }
                match ??= InfoExclude?.Match(relativePath, isDirectory);
            }
            if (match is not { Ignored: true })
            {
                return null;
            }
            var reason = ReferenceEquals(match.Source, Excludes) ? SkipReason.Excluded : SkipReason.GitIgnored;
            return new SkippedFile(relativePath, reason, $"matches '{match.Rule.Text}' in {match.Source.SourceName}");
        }
    }

    /// <summary>Decimal units, one decimal: "2.3 MB", "512 B".</summary>
    internal static string FormatSize(long bytes)
    {
        if (bytes < 1000)
        {
            return bytes.ToString(CultureInfo.InvariantCulture) + " B";
        }
        string[] units = ["KB", "MB", "GB", "TB"];
        double value = bytes;
        var unit = -1;
        do
        {
            value /= 1000;
            unit++;
        }
        while (value >= 1000 && unit < units.Length - 1);
        return value.ToString("0.0", CultureInfo.InvariantCulture) + " " + units[unit];
    }
}
