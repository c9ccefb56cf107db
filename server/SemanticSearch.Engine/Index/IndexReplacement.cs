namespace SemanticSearch.Engine.Index;

/// <summary>
/// Moves a finished replacement index (<see cref="IndexFiles.Replacement"/>: built beside the index with a codec
/// re-trained on the workspace as it is now) into the index's place, so that a crash at any step leaves either the
/// old index, or a move that the next writer finishes — never a database beside another index's log or codes.
/// <para>
/// How: first the marker (<see cref="IndexFiles.ReplacingMarker"/>) is written and flushed, one line per part of the
/// replacement that exists (<see cref="Parts"/>). From then on the move is a list of idempotent steps: the index's
/// parts the list lacks are deleted (an old log must never be replayed onto the new database), each listed part
/// still in the replacement is moved over the index's, and the marker is deleted last. Every step checks what is on
/// disk, so running them again after a crash, at any point, ends in the same place. A reader refuses an index while
/// the marker exists; the writer that opens it next finishes the move first (<see cref="FinishIfInterrupted"/>).
/// </para>
/// </summary>
public static class IndexReplacement
{
    /// <summary>The parts a replacement can have, as the marker names them.</summary>
    private static readonly string[] Parts = ["database", "log", "codes", "lexical"];

    /// <summary>
    /// Moves the replacement into place. The caller holds the index's writer lock and its exclusive read gate
    /// (<see cref="IndexLock.Writing"/>), and neither index is open in this process. A replacement without a
    /// database is refused (<see cref="InvalidOperationException"/>), and nothing changes.
    /// </summary>
    public static void MoveIn(IndexFiles files)
    {
        if (!File.Exists(files.ReplacingMarker))
        {
            var replacement = files.Replacement;
            if (!File.Exists(replacement.Database))
            {
                throw new InvalidOperationException($"There is no replacement index at {replacement.Database} to move in; nothing was changed.");
            }
            var present = Parts.Where(part => Exists(replacement, part)).ToList();
            var temporary = files.ReplacingMarkerTemporary;
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.Write(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', present) + "\n"));
                stream.Flush(flushToDisk: true);
            }
            // The marker appears whole or not at all: a torn list would move half the parts.
            File.Move(temporary, files.ReplacingMarker, overwrite: true);
        }
        Finish(files);
    }

    /// <summary>
    /// Finishes a move that a crash interrupted (a no-op without the marker). The caller holds the writer lock and
    /// the exclusive read gate, before it opens the index.
    /// </summary>
    public static void FinishIfInterrupted(IndexFiles files)
    {
        if (File.Exists(files.ReplacingMarker))
        {
            Finish(files);
        }
    }

    private static void Finish(IndexFiles files)
    {
        var listed = File.ReadAllLines(files.ReplacingMarker).Where(Parts.Contains).ToHashSet(StringComparer.Ordinal);
        var replacement = files.Replacement;
        // The marker is written only with a database listed; one without (damaged) must not delete the index.
        if (!listed.Contains("database"))
        {
            throw new IndexCorruptException(files.Database, new InvalidDataException($"{files.ReplacingMarker} lists no database to move in"));
        }
        foreach (var part in Parts.Where(part => !listed.Contains(part)))
        {
            Delete(files, part);
        }
        File.Delete(files.CodesTemporary);
        foreach (var part in Parts.Where(listed.Contains))
        {
            if (Exists(replacement, part))
            {
                Delete(files, part);
                Move(replacement, files, part);
            }
        }
        File.Delete(replacement.CodesTemporary);
        File.Delete(files.ReplacingMarker);
    }

    private static string PathOf(IndexFiles files, string part) => part switch
    {
        "database" => files.Database,
        "log" => files.Log,
        "codes" => files.Codes,
        "lexical" => files.LexicalFolder,
        _ => throw new ArgumentOutOfRangeException(nameof(part), part, null),
    };

    private static bool Exists(IndexFiles files, string part) =>
        part == "lexical" ? Directory.Exists(files.LexicalFolder) : File.Exists(PathOf(files, part));

    private static void Delete(IndexFiles files, string part)
    {
        if (part == "lexical")
        {
            if (Directory.Exists(files.LexicalFolder))
            {
                Directory.Delete(files.LexicalFolder, recursive: true);
            }
        }
        else
        {
            File.Delete(PathOf(files, part));
        }
    }

    private static void Move(IndexFiles from, IndexFiles to, string part)
    {
        if (part == "lexical")
        {
            Directory.Move(from.LexicalFolder, to.LexicalFolder);
        }
        else
        {
            File.Move(PathOf(from, part), PathOf(to, part), overwrite: true);
        }
    }
}
