namespace SemanticSearch.Engine.Index;

/// <summary>
/// The files one index consists of, all named after its LiteDB file (<c>index.db</c>): LiteDB's log
/// (<c>index-log.db</c>), the mapped codes (<c>index.codes</c>, and <c>index.codes.tmp</c> while it is written
/// anew), the lexical index folder (<c>index.lexical/</c>) and the cross-process locks (<c>index.lock</c>,
/// <c>index.read.lock</c>, <c>index.holder</c>: <see cref="IndexLock"/>), and, while a re-trained index is built
/// to take its place, that index's own set (<see cref="Replacement"/>: <c>index.replacement.db</c>, …) and the
/// marker of its move into place (<c>index.replacing</c>: <see cref="IndexReplacement"/>). The one home of those
/// names: opening, deleting, measuring, and keeping the scanner and the watchers out of them all go through here.
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

    /// <summary>The writer lock (<see cref="IndexLock"/>): exclusive, held by the one process that writes the index.</summary>
    public string WriterLock => Path.Combine(Folder, Stem + ".lock");

    /// <summary>The read gate (<see cref="IndexLock"/>): shared by readers, exclusive while the writer changes the files.</summary>
    public string ReadGate => Path.Combine(Folder, Stem + ".read.lock");

    /// <summary>Who holds the writer lock: one line the holder writes when it takes the lock (<see cref="IndexHolder"/>).</summary>
    public string Holder => Path.Combine(Folder, Stem + ".holder");

    /// <summary>
    /// The index built beside this one to replace it (a codec re-trained on the workspace as it is now): the same
    /// set of files named after <c>index.replacement.db</c>, with its own locks, so it is written while this index
    /// still serves searches and takes updates. <see cref="IndexReplacement.MoveIn"/> puts it in this one's place.
    /// </summary>
    public IndexFiles Replacement => new(Path.Combine(Folder, Stem + ".replacement" + Path.GetExtension(Database)));

    /// <summary>
    /// Present only while <see cref="Replacement"/> is being moved into this index's place: the list of its parts to
    /// move (<see cref="IndexReplacement"/>). A writer that finds it finishes the move; a reader refuses to open.
    /// </summary>
    public string ReplacingMarker => Path.Combine(Folder, Stem + ".replacing");

    /// <summary>Where the marker is written before it appears under its name (whole or not at all).</summary>
    public string ReplacingMarkerTemporary => ReplacingMarker + ".tmp";

    /// <summary>This index's own files (not the lexical folder's contents).</summary>
    private string[] OwnFiles => [Database, Log, Codes, CodesTemporary, WriterLock, ReadGate, Holder];

    /// <summary>Every file of the index and of its replacement, and the marker between them.</summary>
    private string[] AllFiles => [.. OwnFiles, ReplacingMarker, ReplacingMarkerTemporary, .. Replacement.OwnFiles];

    private string[] LexicalFolders => [LexicalFolder, Replacement.LexicalFolder];

    /// <summary>True for a path that is one of these files (the replacement's included) or inside a lexical folder.</summary>
    public bool Contains(string path)
    {
        var full = Path.GetFullPath(path);
        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return AllFiles.Any(file => string.Equals(full, file, comparison))
            || LexicalFolders.Any(folder => string.Equals(full, folder, comparison) || full.StartsWith(folder + Path.DirectorySeparatorChar, comparison));
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
        var lexical = LexicalFolders.Select(Relative).OfType<string>().Select(folder => folder + "/");
        return AllFiles.Select(Relative).OfType<string>().Concat(lexical).ToList();
    }

    /// <summary>Bytes of the database and its log (what LiteDB holds).</summary>
    public long DatabaseBytes => FileBytes(Database) + FileBytes(Log);

    public long CodesBytes => FileBytes(Codes);

    public long LexicalBytes => Directory.Exists(LexicalFolder)
        ? Directory.EnumerateFiles(LexicalFolder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length)
        : 0;

    /// <summary>
    /// Where LiteDB (v5) writes its signature in the first page of every database file. Checked before anything
    /// opens or deletes <see cref="Database"/>: LiteDB opening any other file would overwrite it with an empty
    /// database, and a rebuild would delete it, so a mistyped <c>--index notes.txt</c> must never reach either.
    /// </summary>
    private const int SignatureOffset = 32;

    private static readonly byte[] Signature = "** This is a LiteDB file **"u8.ToArray();

    /// <summary>
    /// Checks <see cref="Database"/> before anything opens or deletes it. Fine: no file, an empty one (a new index),
    /// or a LiteDB file. A file without LiteDB's signature is a damaged index (<see cref="IndexCorruptException"/>:
    /// a rebuild may replace it) only where there is evidence it was one — the index's other files beside it, or
    /// the workspace's own index folder — and otherwise someone's file given as the index
    /// (<see cref="InvalidDataException"/>: never opened, rewritten or deleted). Nothing is written either way.
    /// </summary>
    public void EnsureDatabaseOrNew()
    {
        if (Directory.Exists(Database))
        {
            throw new InvalidDataException($"{Database} is a folder, not an index file; nothing was changed.");
        }
        if (!File.Exists(Database))
        {
            return;
        }
        var head = new byte[SignatureOffset + Signature.Length];
        int read;
        using (var stream = new FileStream(Database, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            if (stream.Length == 0)
            {
                return;
            }
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        if (read == head.Length && head.AsSpan(SignatureOffset).SequenceEqual(Signature))
        {
            return;
        }
        var wasIndex = File.Exists(Log) || File.Exists(Codes) || Directory.Exists(LexicalFolder)
            || Path.GetFileName(Folder) == IndexLocation.WorkspaceFolderName;
        throw wasIndex
            ? new IndexCorruptException(Database, new InvalidDataException("its first page is not a LiteDB header"))
            : new InvalidDataException(
                $"{Database} is not a SemanticSearch index (not a LiteDB database file); nothing was changed. Give --index a new path or an index file.");
    }

    /// <summary>
    /// Refuses (<see cref="InvalidDataException"/>) a database path that holds someone's file rather than an index,
    /// before anything is created beside it (the lock files) or deleted; a damaged index passes, since a rebuild is
    /// what repairs it (opening it reports it as corrupt).
    /// </summary>
    public void EnsureNotForeign()
    {
        try
        {
            EnsureDatabaseOrNew();
        }
        catch (IndexCorruptException)
        {
            // A damaged index: ours to report, rebuild or delete.
        }
    }

    /// <summary>
    /// Deletes every file of the index (for a rebuild), and of a replacement in the making or half moved in (a
    /// rebuild supersedes both); files that are not there are fine. A database path that holds someone's file rather
    /// than an index, damaged or not, is refused (<see cref="EnsureDatabaseOrNew"/>), and nothing is deleted. The
    /// lock files stay (<see cref="IndexLock"/>: a lock file must never be replaced), so the caller should hold the
    /// writer lock.
    /// </summary>
    public void Delete()
    {
        EnsureNotForeign();
        DeleteData();
        Replacement.DeleteData();
        File.Delete(ReplacingMarker);
        File.Delete(ReplacingMarkerTemporary);
    }

    /// <summary>Deletes the data files and the lexical folder (not the locks); files that are not there are fine.</summary>
    internal void DeleteData()
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
