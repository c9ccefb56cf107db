using System.Globalization;

namespace SemanticSearch.Engine.Workspace;

/// <summary>
/// Walks a workspace and decides, from paths and metadata only (no file is opened except ignore files), which
/// files are indexed and why the others are not. Nothing it accepts can block, run without end or lie outside
/// the workspace: the indexer then reads only what it was given, within the size limit
/// (<see cref="WorkspaceFileReader"/>).
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
/// <item>Symbolic links are judged by their real target (every link on the way resolved, as realpath(3)): one
/// that leads outside the workspace root is never followed, file or directory, and is reported as
/// <see cref="SkipReason.OutsideWorkspace"/> (a link to /etc/hostname, to /dev/zero, to a folder elsewhere).
/// Inside the root, directory symlinks are not followed either (no cycles) and not reported; file symlinks are
/// indexed like the file they point to; broken ones (and loops) are <see cref="SkipReason.Unreadable"/>.</item>
/// <item>Only regular files are content: a named pipe, a socket or a device (itself or as a link's target) is
/// <see cref="SkipReason.SpecialFile"/> and never opened (open(2) on a pipe blocks until a writer comes; a device
/// may never end).</item>
/// <item>Binary extensions → Binary; lock files and generated names → Generated; *.min.js/css → Minified;
/// size over <see cref="ScanOptions.MaxFileBytes"/> → TooLarge.</item>
/// <item>An ignore file is read only when it could be indexed itself (the two rules above, and the size limit);
/// otherwise its rules do not apply and the file's own skip says why. A line that is a pattern git would never
/// match (a reversed range such as <c>[z-a]</c>, an unknown <c>[:class:]</c>, a trailing backslash) is left out
/// and reported as <see cref="SkipReason.InvalidPattern"/> on its ignore file, with the line number; the rest of
/// the file applies. Matching takes time linear in path × pattern length (<see cref="Wildmatch"/>).</item>
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
            walk.SinglePath(path);
        }
        return walk.Result();
    }

    private static Walk NewWalk(string fullRoot, ScanOptions options, CancellationToken cancellationToken)
    {
        var walk = new Walk(fullRoot, options, cancellationToken);
        walk.Excludes = walk.Report(options.Excludes.Count > 0 ? new IgnoreRuleSet("", ExcludesSource, options.Excludes, walk.IgnoreCase) : null);
        if (options.UseGitIgnore)
        {
            walk.InfoExclude = walk.LoadIgnoreFile(Path.Combine(fullRoot, ".git", "info", "exclude"), "", ".git/info/exclude");
        }
        return walk;
    }

    /// <summary>The source name of <see cref="ScanOptions.Excludes"/> in skip details.</summary>
    private const string ExcludesSource = "Excludes option";

    private sealed class Walk(string fullRoot, ScanOptions options, CancellationToken cancellationToken)
    {
        /// <summary>Case sensitivity of ignore patterns and of "inside the root" (the platform's, as git's core.ignorecase).</summary>
        public bool IgnoreCase { get; } = IgnoreRuleSet.PlatformIgnoreCase;

        /// <summary>The root with its own links resolved: what "inside the workspace" is measured against.</summary>
        private readonly string _realRoot = FileKinds.RealPath(fullRoot) ?? fullRoot;

        public List<WorkspaceFile> Files { get; } = [];

        public List<SkippedFile> Skipped { get; } = [];

        public IgnoreRuleSet? Excludes { get; set; }

        public IgnoreRuleSet? InfoExclude { get; set; }

        /// <summary>Reports the lines of <paramref name="set"/> that cannot be used; returns the set, or null when no rule is left.</summary>
        public IgnoreRuleSet? Report(IgnoreRuleSet? set)
        {
            if (set is null)
            {
                return null;
            }
            foreach (var invalid in set.Invalid)
            {
                var where = set.SourceName == ExcludesSource ? $"pattern {invalid.Line}" : $"line {invalid.Line}";
                Skipped.Add(new SkippedFile(set.SourceName, SkipReason.InvalidPattern,
                    $"{where} '{invalid.Text}': {invalid.Problem}; that line is skipped, the others apply"));
            }
            return set.Count > 0 ? set : null;
        }

        /// <summary>
        /// The rules of an ignore file, read only if the file could be indexed itself (<see cref="Admit"/>: a pipe
        /// would block the scan, a link to a device never end); otherwise null, and the walk's own skip of the file
        /// says why.
        /// </summary>
        public IgnoreRuleSet? LoadIgnoreFile(string path, string baseDirectory, string sourceName)
        {
            var file = new FileInfo(path);
            try
            {
                if ((!file.Exists && file.LinkTarget is null) || Admit(file, sourceName, out _) is not null)
                {
                    return null;
                }
                if (WorkspaceFileReader.ReadAtMost(path, options.MaxFileBytes) is not { } bytes)
                {
                    return null; // over the size limit: skipped as TooLarge by the walk
                }
                // Split on \n: CRLF files work too, as the parser strips a trailing \r.
                return Report(new IgnoreRuleSet(baseDirectory, sourceName, ContentClassifier.Decode(bytes).Split('\n'), IgnoreCase));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Skipped.Add(new SkippedFile(sourceName, SkipReason.Unreadable, ex.Message));
                return null;
            }
        }

        /// <summary>The .gitignore sets in force inside each directory met so far; null: the directory is not content.</summary>
        private readonly Dictionary<string, IReadOnlyList<IgnoreRuleSet>?> _directories = new(StringComparer.Ordinal);

        public ScanResult Result()
        {
            Files.Sort((a, b) => string.CompareOrdinal(a.RelativePath, b.RelativePath));
            Skipped.Sort((a, b) => string.CompareOrdinal(a.RelativePath, b.RelativePath));
            return new ScanResult(Files, Skipped);
        }

        /// <summary>One path, decided as <see cref="Directory"/> would decide it when the walk reached it.</summary>
        public void SinglePath(string relativePath)
        {
            var segments = relativePath.Split('/');
            if (segments.Any(s => s is "" or "." or "..") || segments[^1] == ".git")
            {
                return; // not a path inside the workspace, or a gitlink
            }
            var slash = relativePath.LastIndexOf('/');
            var gitIgnores = InDirectory(slash < 0 ? "" : relativePath[..slash]);
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
        private IReadOnlyList<IgnoreRuleSet>? InDirectory(string relativeDirectory)
        {
            if (_directories.TryGetValue(relativeDirectory, out var known))
            {
                return known;
            }
            IReadOnlyList<IgnoreRuleSet>? result = [];
            if (relativeDirectory.Length > 0)
            {
                var slash = relativeDirectory.LastIndexOf('/');
                var parent = InDirectory(slash < 0 ? "" : relativeDirectory[..slash]);
                var directory = new DirectoryInfo(Path.Combine(fullRoot, relativeDirectory));
                result = parent is null || directory.Name is ".git" or IndexDirectoryName || !directory.Exists || directory.LinkTarget is not null
                    || Ignore(relativeDirectory, isDirectory: true, parent) is not null
                        ? null
                        : parent;
            }
            if (result is not null && options.UseGitIgnore)
            {
                var source = relativeDirectory.Length == 0 ? ".gitignore" : relativeDirectory + "/.gitignore";
                var local = LoadIgnoreFile(Path.Combine(fullRoot, relativeDirectory, ".gitignore"), relativeDirectory, source);
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
                var local = LoadIgnoreFile(gitIgnorePath, relativeDirectory, source);
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
                    var outside = entry.LinkTarget is null ? null : DirectoryLinkOutside(entry, relativePath);
                    if (entry.Name is ".git" or IndexDirectoryName || (entry.LinkTarget is not null && outside is null))
                    {
                        continue; // never content, or a link to a folder inside: not followed (no cycles), nothing to say
                    }
                    var ignored = Ignore(relativePath, isDirectory: true, gitIgnores) ?? outside;
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
                if (Admit(file, relativePath, out var target) is { } skip)
                {
                    Skipped.Add(skip);
                    return;
                }
                // Size and time of what a link points to.
                size = target.Length;
                lastWriteUtc = target.LastWriteTimeUtc;
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

        /// <summary>
        /// Null when <paramref name="file"/> (not a directory) may be opened: a regular file, itself or at the end of
        /// links that stay inside the workspace (<paramref name="target"/>: that file). Otherwise the skip that says why.
        /// </summary>
        private SkippedFile? Admit(FileInfo file, string relativePath, out FileInfo target)
        {
            target = file;
            if (file.LinkTarget is { } linkTarget)
            {
                var real = FileKinds.RealPath(file.FullName);
                if (real is null)
                {
                    return new SkippedFile(relativePath, SkipReason.Unreadable, $"symbolic link loop through '{linkTarget}'");
                }
                if (!FileKinds.IsUnder(real, _realRoot, IgnoreCase))
                {
                    return OutsideSkip(relativePath, real);
                }
                target = new FileInfo(real);
            }
            // The real path has no link left in it, so lstat(2) sees the file itself.
            var kind = FileKinds.Of(target.FullName, followLinks: false);
            return kind switch
            {
                FileKind.Regular => null,
                FileKind.Missing when file.LinkTarget is not null => new SkippedFile(relativePath, SkipReason.Unreadable, $"broken symbolic link to '{file.LinkTarget}'"),
                FileKind.Missing => new SkippedFile(relativePath, SkipReason.Unreadable, "gone while the workspace was scanned"),
                FileKind.Directory => new SkippedFile(relativePath, SkipReason.Unreadable, "became a directory while the workspace was scanned"),
                _ => new SkippedFile(relativePath, SkipReason.SpecialFile, $"{FileKinds.Describe(kind)}, never opened"),
            };
        }

        /// <summary>The skip of a directory link that leads outside the workspace; null for one that stays inside.</summary>
        private SkippedFile? DirectoryLinkOutside(FileSystemInfo link, string relativePath)
        {
            var real = FileKinds.RealPath(link.FullName);
            return real is not null && FileKinds.IsUnder(real, _realRoot, IgnoreCase) ? null : OutsideSkip(relativePath, real ?? link.LinkTarget);
        }

        private static SkippedFile OutsideSkip(string relativePath, string? target) =>
            new(relativePath, SkipReason.OutsideWorkspace, $"symbolic link to '{target}', outside the workspace: not followed");

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
