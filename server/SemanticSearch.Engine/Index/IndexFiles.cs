namespace SemanticSearch.Engine.Index;

/// <summary>
/// The files one index consists of, all named after its LiteDB file (<c>index.db</c>): LiteDB's log
/// (<c>index-log.db</c>), the mapped codes (<c>index.codes</c>, and <c>index.codes.tmp</c> while it is written
/// anew) and the lexical index folder (<c>index.lexical/</c>). The one home of those names: opening, deleting,
/// measuring, and keeping the scanner and the watchers out of them all go through here.
/// </summary>
public sealed record IndexFiles
{
    public IndexFiles(string database)
    {
        Database = Path.GetFullPath(database);
    }

    /// <summary>The LiteDB file: the index of record.</summary>
    public string Database { get; }

    public string Folder => Path.GetDirectoryName(Database)!;

    private string Stem => Path.GetFileNameWithoutExtension(Database);

    /// <summary>LiteDB's write-ahead log beside the database (LiteDB's own naming rule).</summary>
    public string Log => Path.Combine(Folder, Stem + "-log" + Path.GetExtension(Database));

    public string Codes => Path.Combine(Folder, Stem + ".codes");

    /// <summary>Where the codes file is written before it replaces <see cref="Codes"/>.</summary>
    public string CodesTemporary => Codes + ".tmp";

    public string LexicalFolder => Path.Combine(Folder, Stem + ".lexical");

    /// <summary>True for a path that is one of these files or inside the lexical folder.</summary>
    public bool Contains(string path)
    {
        var full = Path.GetFullPath(path);
        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return string.Equals(full, Database, comparison) || string.Equals(full, Log, comparison)
            || string.Equals(full, Codes, comparison) || string.Equals(full, CodesTemporary, comparison)
            || string.Equals(full, LexicalFolder, comparison) || full.StartsWith(LexicalFolder + Path.DirectorySeparatorChar, comparison);
    }

    /// <summary>
    /// Scanner exclude patterns (root-anchored, '/') for the files that lie inside <paramref name="root"/>, so an
    /// index placed in its workspace never indexes itself; none when the index lives elsewhere.
    /// </summary>
    public IReadOnlyList<string> ExcludesUnder(string root)
    {
        var fullRoot = Path.GetFullPath(root);
        string? Relative(string path)
        {
            var relative = Path.GetRelativePath(fullRoot, path).Replace('\\', '/');
            return relative.StartsWith("../", StringComparison.Ordinal) || relative == ".." || Path.IsPathRooted(relative) ? null : "/" + relative;
        }
        var lexical = Relative(LexicalFolder);
        return new[] { Relative(Database), Relative(Log), Relative(Codes), Relative(CodesTemporary), lexical is null ? null : lexical + "/" }
            .OfType<string>().ToList();
    }

    /// <summary>Bytes of the database and its log (what LiteDB holds).</summary>
    public long DatabaseBytes => FileBytes(Database) + FileBytes(Log);

    public long CodesBytes => FileBytes(Codes);

    public long LexicalBytes => Directory.Exists(LexicalFolder)
        ? Directory.EnumerateFiles(LexicalFolder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length)
        : 0;

    /// <summary>Deletes every file of the index (for a rebuild); files that are not there are fine.</summary>
    public void Delete()
    {
        File.Delete(Database);
        File.Delete(Log);
        File.Delete(Codes);
        File.Delete(CodesTemporary);
        if (Directory.Exists(LexicalFolder))
        {
            Directory.Delete(LexicalFolder, recursive: true);
        }
    }

    private static long FileBytes(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;
}
