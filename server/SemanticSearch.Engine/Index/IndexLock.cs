using System.Diagnostics;
using System.Globalization;

namespace SemanticSearch.Engine.Index;

/// <summary>Who holds an index's writer lock, as that process recorded it when it took the lock.</summary>
/// <param name="ProcessId">The holder's process id.</param>
/// <param name="Program">What the holder is, in words ("semsearch index", "SemanticSearch language server").</param>
/// <param name="Since">When it took the lock (UTC).</param>
public sealed record IndexHolder(int ProcessId, string Program, DateTime Since)
{
    /// <summary>A holder that had not recorded itself (yet) when it was asked for.</summary>
    public static IndexHolder Unknown { get; } = new(0, "another process", DateTime.MinValue);

    /// <summary>"semsearch index (pid 4242, since 13:40:02)": how every front end names the holder.</summary>
    public string Describe() => ProcessId <= 0
        ? Program
        : $"{Program} (pid {ProcessId}, since {Since.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture)})";

    /// <summary>The line this process writes into the holder file: pid, start time (ticks, UTC) and program, tab-separated.</summary>
    internal string ToLine() => string.Join('\t', ProcessId.ToString(CultureInfo.InvariantCulture), Since.Ticks.ToString(CultureInfo.InvariantCulture), Program);

    internal static IndexHolder? FromLine(string line)
    {
        var parts = line.Trim().Split('\t', 3);
        return parts.Length == 3
            && int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid)
            && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var ticks)
            && ticks >= DateTime.MinValue.Ticks && ticks <= DateTime.MaxValue.Ticks
            ? new IndexHolder(pid, parts[2], new DateTime(ticks, DateTimeKind.Utc))
            : null;
    }
}

/// <summary>
/// Another process holds the index: its writer lock (a second writer), or its read gate for longer than a reader
/// waits (a write in progress). <see cref="Holder"/> is <see cref="IndexHolder.Unknown"/> when the holder had not
/// recorded itself yet.
/// </summary>
public sealed class IndexBusyException(string indexPath, IndexHolder holder, string? advice = null)
    : IOException($"The index at {indexPath} is in use by {holder.Describe()}.{(advice is null ? "" : " " + advice)}")
{
    public string IndexPath { get; } = indexPath;

    public IndexHolder Holder { get; } = holder;
}

/// <summary>
/// The cross-process locks of one index.
/// <para>
/// Why: LiteDB in direct mode keeps its page cache and its log's index in the process, and on Linux takes only a
/// shared advisory lock, so two processes that open one index each believe they own it and write their own view
/// back: two <c>semsearch index</c> runs, or the CLI beside an editor's server, corrupt it. Even a process that only
/// reads writes when it opens (LiteDB moves a pending log into the data file) and when it closes. So an index has
/// exactly one writer at a time, and readers open LiteDB read-only and never while the writer changes the files.
/// </para>
/// <para>
/// How: two lock files beside the index (<see cref="IndexFiles.WriterLock"/>, <see cref="IndexFiles.ReadGate"/>),
/// locked through .NET's file sharing (an exclusive or shared <c>flock</c> on Unix, share modes on Windows). The OS
/// releases them when the process exits, however it exits, so a killed writer leaves no stale lock behind. The lock
/// files are never deleted: a new file under the same name would be a second, unrelated lock.
/// </para>
/// <list type="bullet">
/// <item><b>Writer lock</b>: exclusive, held by the one process that may write the index, for as long as it has it
/// open (a CLI run; the language server while the folder is open). Its holder records itself in
/// <see cref="IndexFiles.Holder"/> so a second writer can be told who to wait for.</item>
/// <item><b>Read gate</b>: readers (<c>status</c>, <c>search --no-update</c>) hold it shared for as long as they
/// read; the writer holds it exclusively only while it changes the files (each commit, an open, a close), so a
/// reader never sees half a commit and the writer never changes pages under a reader. A reader that keeps the gate
/// past <see cref="ReadersWait"/> (a stopped process) is not waited for: the writer goes on, since a read-only
/// reader cannot damage the index; only that reader may then read a torn page and fail.</item>
/// </list>
/// </summary>
public sealed class IndexLock : IDisposable
{
    /// <summary>How long a writer waits for readers to leave the read gate before it writes anyway.</summary>
    public static readonly TimeSpan ReadersWait = TimeSpan.FromSeconds(10);

    /// <summary>How long a reader waits for a write in progress (commits take milliseconds; an open can take seconds).</summary>
    public static readonly TimeSpan WriteWait = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// What this process calls itself as a holder (set once at start by each front end: the CLI names its command,
    /// the server says it is the editor's language server).
    /// </summary>
    public static string ProgramName { get; set; } = Path.GetFileNameWithoutExtension(Environment.ProcessPath) ?? "a SemanticSearch process";

    private readonly IndexFiles _files;
    private readonly FileStream _writer;
    private readonly object _gate = new();
    private FileStream? _readGate;
    private int _writing;
    private bool _disposed;

    private IndexLock(IndexFiles files, FileStream writer)
    {
        _files = files;
        _writer = writer;
    }

    /// <summary>
    /// Takes the writer lock, waiting up to <paramref name="wait"/> for the holder to let go (zero: fail at once;
    /// <see cref="Timeout.InfiniteTimeSpan"/>: until it does, or <paramref name="cancellationToken"/>).
    /// <paramref name="waiting"/> hears once who is waited for. Throws <see cref="IndexBusyException"/> naming the
    /// holder when the wait ends first.
    /// </summary>
    public static IndexLock AcquireWriter(IndexFiles files, TimeSpan wait, Action<IndexHolder>? waiting = null, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(files.Folder);
        var clock = Stopwatch.StartNew();
        var told = false;
        while (true)
        {
            if (TryLock(files.WriterLock, exclusive: true) is { } stream)
            {
                var held = new IndexLock(files, stream);
                held.RecordHolder();
                return held;
            }
            var holder = ReadHolder(files);
            if (wait != Timeout.InfiniteTimeSpan && clock.Elapsed >= wait)
            {
                throw new IndexBusyException(files.Database, holder);
            }
            if (!told)
            {
                waiting?.Invoke(holder);
                told = true;
            }
            cancellationToken.WaitHandle.WaitOne(Poll);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>
    /// The process holding the writer lock now (<see cref="IndexHolder.Unknown"/> when it has not recorded itself);
    /// null when nobody does (then nobody writes the index).
    /// </summary>
    public static IndexHolder? CurrentWriter(IndexFiles files)
    {
        if (!File.Exists(files.WriterLock))
        {
            return null;
        }
        try
        {
            using var probe = TryLock(files.WriterLock, exclusive: false);
            if (probe is not null)
            {
                return null;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // a lock file nobody can open is a lock nobody holds
        }
        return ReadHolder(files);
    }

    /// <summary>
    /// Enters the read gate shared (a reader), waiting up to <see cref="WriteWait"/> for a write in progress; the
    /// result is left when the reader is done. Null where no lock file can be made (a read-only folder: nobody can
    /// write the index there either).
    /// </summary>
    public static IDisposable? EnterReader(IndexFiles files, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            FileStream? stream;
            try
            {
                stream = TryLock(files.ReadGate, exclusive: false);
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
            {
                return null;
            }
            if (stream is not null)
            {
                return stream;
            }
            if (clock.Elapsed >= WriteWait)
            {
                throw new IndexBusyException(files.Database, ReadHolder(files), "It is being written; try again when it is done.");
            }
            cancellationToken.WaitHandle.WaitOne(Poll);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>
    /// The writer's exclusive hold of the read gate while it changes the index files; nested holds (an open that
    /// commits) share the outer one. Waits up to <see cref="ReadersWait"/> for readers, then writes anyway.
    /// </summary>
    public IDisposable Writing()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_writing++ == 0)
            {
                var clock = Stopwatch.StartNew();
                while ((_readGate = TryLock(_files.ReadGate, exclusive: true)) is null && clock.Elapsed < ReadersWait)
                {
                    Thread.Sleep(Poll);
                }
            }
            return new WriteScope(this);
        }
    }

    private void EndWriting()
    {
        lock (_gate)
        {
            if (--_writing == 0)
            {
                _readGate?.Dispose();
                _readGate = null;
            }
        }
    }

    private sealed class WriteScope(IndexLock owner) : IDisposable
    {
        private int _ended;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0)
            {
                owner.EndWriting();
            }
        }
    }

    private void RecordHolder()
    {
        try
        {
            File.WriteAllText(_files.Holder, new IndexHolder(Environment.ProcessId, ProgramName, DateTime.UtcNow).ToLine() + "\n");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Only a courtesy to the next writer (it is then told "another process"); the lock itself holds.
        }
    }

    /// <summary>Who holds the writer lock, as its holder file says; <see cref="IndexHolder.Unknown"/> when it says nothing readable.</summary>
    private static IndexHolder ReadHolder(IndexFiles files)
    {
        try
        {
            return (File.Exists(files.Holder) ? IndexHolder.FromLine(File.ReadAllText(files.Holder)) : null) ?? IndexHolder.Unknown;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return IndexHolder.Unknown;
        }
    }

    /// <summary>EWOULDBLOCK, which .NET reports for a lock another process holds on Unix.</summary>
    private const int SharingViolationUnix = 11;

    /// <summary>ERROR_SHARING_VIOLATION and ERROR_LOCK_VIOLATION, in an HRESULT, on Windows.</summary>
    private static bool IsHeldElsewhere(IOException ex) =>
        OperatingSystem.IsWindows() ? (ex.HResult & 0xFFFF) is 32 or 33 : ex.HResult == SharingViolationUnix;

    /// <summary>Opens and locks a lock file (exclusive: no other opener; shared: other shared openers only); null when another process holds it.</summary>
    private static FileStream? TryLock(string path, bool exclusive)
    {
        try
        {
            return exclusive
                ? new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None)
                : new FileStream(path, FileMode.OpenOrCreate, FileAccess.Read, FileShare.Read);
        }
        catch (IOException ex) when (IsHeldElsewhere(ex))
        {
            return null;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            _readGate?.Dispose();
            _readGate = null;
            try
            {
                File.Delete(_files.Holder);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A stale holder file names nobody: it is read only when the lock is held, and then rewritten.
            }
            _writer.Dispose();
        }
    }
}
