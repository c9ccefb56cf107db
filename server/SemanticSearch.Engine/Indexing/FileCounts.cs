using SemanticSearch.Engine.Index;

namespace SemanticSearch.Engine.Indexing;

/// <summary>
/// Files by what the index holds of them: the one counting rule behind every "indexed / skipped" a front end shows
/// (<c>semsearch index</c> and <c>status</c>, the language server's status, progress and search coverage).
/// <see cref="Indexed"/>: the file's text is in the index, whether this pass read it or found it unchanged.
/// <see cref="Skipped"/>: left out for its content (binary, generated, minified) or unreadable, with no text of it
/// in the index. Together they are the files checked, so a pass that checked every file it found has covered them all,
/// however many it skipped.
/// </summary>
public readonly record struct FileCounts(int Indexed, int Skipped)
{
    /// <summary>Files whose fate is known: indexed or skipped.</summary>
    public int Checked => Indexed + Skipped;

    /// <summary>What the index holds of these records (a record with a skip reason holds no text).</summary>
    public static FileCounts Of(IEnumerable<FileRecord> records) => records.Aggregate(default(FileCounts), (counts, r) => counts.With(r));

    public FileCounts With(FileRecord record) => With(indexed: record.Skipped is null);

    public FileCounts Without(FileRecord record) => record.Skipped is null ? this with { Indexed = Indexed - 1 } : this with { Skipped = Skipped - 1 };

    /// <summary>The record <paramref name="old"/> (null: none) replaced by <paramref name="now"/>.</summary>
    public FileCounts Replacing(FileRecord? old, FileRecord now) => (old is null ? this : Without(old)).With(now);

    public FileCounts With(bool indexed) => indexed ? this with { Indexed = Indexed + 1 } : this with { Skipped = Skipped + 1 };
}
