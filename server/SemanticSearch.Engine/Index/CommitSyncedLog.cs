namespace SemanticSearch.Engine.Index;

/// <summary>
/// The writer's LiteDB log file, synced to disk once per commit instead of once per write burst.
/// Why: LiteDB's log writer is a background thread that forces the file to disk (<c>fsync</c>) every time its page
/// queue runs empty, and while a transaction is written the queue runs empty every page or two: a commit of 256
/// chunks (~1 MB) made ~250 syncs, and committing took 0.5 ms per chunk — more than a third of a cold index of a
/// Python workspace (13.3 s of 77 s on 25,862 chunks). Those syncs order nothing (the commit's confirming page
/// goes out in the same bursts), so here a flush leaves the pages with the operating system, and
/// <see cref="IndexStore"/> calls <see cref="Sync"/> once after each commit returns: the commit is on disk before
/// the caller goes on. The data file stays a plain
/// <see cref="FileStream"/>: a checkpoint syncs it before the log is cut, as LiteDB does.
/// A process that dies loses nothing either way (the pages are in the OS); only a power cut between a commit's
/// writes and its sync can lose that commit, as with LiteDB's own log.
/// </summary>
internal sealed class CommitSyncedLog(FileStream file) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => true;
    public override long Length => file.Length;

    public override long Position
    {
        get => file.Position;
        set => file.Position = value;
    }

    /// <summary>Hands buffered bytes to the OS only (LiteDB's "flush to disk" on a stream that is not a FileStream).</summary>
    public override void Flush() => file.Flush(flushToDisk: false);

    /// <summary>Forces everything written so far to disk: once per commit.</summary>
    public void Sync() => file.Flush(flushToDisk: true);

    public override int Read(byte[] buffer, int offset, int count) => file.Read(buffer, offset, count);
    public override long Seek(long offset, SeekOrigin origin) => file.Seek(offset, origin);
    public override void SetLength(long value) => file.SetLength(value);
    public override void Write(byte[] buffer, int offset, int count) => file.Write(buffer, offset, count);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            file.Dispose();
        }
        base.Dispose(disposing);
    }
}
