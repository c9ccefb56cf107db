using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.IO.MemoryMappedFiles;
using System.Text;
using SemanticSearch.Engine.Chunking;
using SemanticSearch.Engine.Common;

namespace SemanticSearch.Engine.Index;

/// <summary>A chunk as the codes file holds it: what the ranker reads, and its codes inside the mapped file.</summary>
public sealed record MappedChunk(string Id, string Path, string Language, ChunkKind Kind, string? Symbol, string? Container, int Count, ReadOnlyMemory<byte> Codes);

/// <summary>
/// The residual codes of every chunk in one contiguous file beside the index (<c>index.codes</c>), memory-mapped
/// so that opening an index reads no vector into the managed heap: searches decode straight from the mapped pages,
/// which the OS shares and pages in and out (not the process's private memory). Derived data, like the lexical
/// index: LiteDB stays the record, and a file that does not match it is rebuilt from it.
/// <para>Layout, little-endian. Header (<see cref="HeaderBytes"/>): magic <c>SSCF</c>, format version, dim, bytes
/// per code, the codec's hash (16 ASCII hex characters: codes of another codec are never read), the store
/// generation the file has caught up with, and the length of the records after the header. Records, appended
/// per store commit: <c>1</c> add (id, path, language, kind byte, symbol, container — strings as int32 UTF-8
/// length then bytes, -1 for null — then int32 count and count codes) or <c>2</c> delete (a path: every earlier
/// add of it is gone), each followed by its checksum (<see cref="ChecksumBytes"/>). A commit appends its records
/// and flushes them to disk, then rewrites the header; a crash in between leaves a header whose generation is
/// behind the store's, so the next open rebuilds the file.</para>
/// </summary>
public sealed unsafe class CodesFile : IDisposable
{
    /// <summary>
    /// 2: every record ends in its checksum. A format-1 file (no checksums) is not read but written anew: its
    /// records cannot be told intact, and a flipped bit in a code would only shift a score, never fail a parse.
    /// </summary>
    public const int FormatVersion = 2;
    public const int HeaderBytes = 64;

    /// <summary>
    /// The checksum after each record: XxHash3 (64-bit, seed 0, little-endian) of the record's bytes from its op
    /// byte to its last code. Checked for every record whenever the file is mapped at open, so a damaged record
    /// sends the file back to be rebuilt from the store instead of being scored.
    /// </summary>
    public const int ChecksumBytes = 8;

    private const uint Magic = 0x46435353; // "SSCF"
    private const byte AddRecord = 1;
    private const byte DeleteRecord = 2;

    /// <summary>Mapped windows of this size (plus the overlap) keep every chunk's codes inside one window's span.</summary>
    private const long WindowBytes = 1L << 30;
    private const int WindowOverlap = 1 << 20;

    private readonly string _codecHash;
    private readonly int _dim;
    private readonly int _bytesPerVector;
    private readonly FileStream _writer;
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte* _base;
    private long _length;

    private CodesFile(string codecHash, int dim, int bytesPerVector, FileStream writer, long length, long generation)
    {
        _codecHash = codecHash;
        _dim = dim;
        _bytesPerVector = bytesPerVector;
        _writer = writer;
        _length = length;
        Generation = generation;
        if (writer.Length > 0)
        {
            _map = MemoryMappedFile.CreateFromFile(writer, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
            _view = _map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            _base = pointer + _view.PointerOffset;
        }
    }

    /// <summary>The store generation whose commits the file holds.</summary>
    public long Generation { get; private set; }

    /// <summary>Bytes of the file (header and records).</summary>
    public long Bytes => HeaderBytes + _length;

    /// <summary>
    /// Opens the codes file of an index whose store is at <paramref name="generation"/> with <paramref name="codec"/>
    /// and reads its chunks, checking every record's checksum. Null when there is none, or it is of another format or
    /// codec, or it is behind (a crash between commits), or it is damaged: the caller rebuilds it (<see cref="Create"/>),
    /// and <paramref name="unusable"/> says which it was. <paramref name="readOnly"/>: for a reader of the index
    /// (<see cref="IndexStore.OpenReader"/>), which maps it beside the writer and never appends.
    /// </summary>
    public static CodesFile? TryOpen(string indexPath, ResidualCodec codec, long generation, out List<MappedChunk> chunks, out string? unusable, bool readOnly = false)
    {
        chunks = [];
        unusable = null;
        var path = new IndexFiles(indexPath).Codes;
        if (!File.Exists(path))
        {
            unusable = "missing";
            return null;
        }
        FileStream? stream = null;
        CodesFile? file = null;
        try
        {
            stream = readOnly
                ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete)
                : new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
            var header = new byte[HeaderBytes];
            var hash = CodecHash(codec);
            unusable = stream.Length < HeaderBytes || stream.Read(header) != HeaderBytes
                ? "damaged: shorter than its header"
                : HeaderProblem(header, hash, codec, generation, stream.Length);
            if (unusable is not null)
            {
                stream.Dispose();
                return null;
            }
            var length = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(40));
            file = new CodesFile(hash, codec.Dim, codec.BytesPerVector, stream, length, generation);
            stream = null;
            chunks = file.ReadChunks();
            return file;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException)
        {
            stream?.Dispose();
            file?.Dispose();
            unusable = ex is InvalidDataException ? $"damaged: {ex.Message}" : $"unreadable ({ex.Message})";
            return null;
        }
    }

    /// <summary>
    /// Writes a new codes file holding <paramref name="chunks"/> (all residual codes), at <paramref name="generation"/>,
    /// into a temporary file that then replaces the old one, and opens it.
    /// </summary>
    public static CodesFile Create(string indexPath, ResidualCodec codec, long generation, IEnumerable<StoredChunk> chunks, out List<MappedChunk> mapped)
    {
        var files = new IndexFiles(indexPath);
        var path = files.Codes;
        var temporary = files.CodesTemporary;
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(new byte[HeaderBytes]);
            var buffer = new ArrayBufferWriter<byte>();
            long length = 0;
            foreach (var chunk in chunks)
            {
                WriteAdd(buffer, chunk);
                if (buffer.WrittenCount > 1 << 20)
                {
                    stream.Write(buffer.WrittenSpan);
                    length += buffer.WrittenCount;
                    buffer.Clear();
                }
            }
            stream.Write(buffer.WrittenSpan);
            length += buffer.WrittenCount;
            stream.Flush(flushToDisk: true);
            stream.Position = 0;
            stream.Write(Header(CodecHash(codec), codec.Dim, codec.BytesPerVector, generation, length));
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
        return TryOpen(indexPath, codec, generation, out mapped, out var unusable)
            ?? throw new IOException($"The codes file {path} could not be read back after writing it ({unusable}).");
    }

    /// <summary>
    /// Appends one store commit (deletions, then each update's path deleted and its chunks added) and moves the
    /// header to <paramref name="generation"/>. Returns the added chunks' codes inside the file, in the order of
    /// the updates and their chunks, so that what the vector cache keeps of a commit is mapped pages rather than
    /// the commit's own arrays (a long first index would otherwise hold every chunk it wrote on the heap until the
    /// next open); null when the new records could not be mapped (the caller keeps its arrays).
    /// </summary>
    public IReadOnlyList<ReadOnlyMemory<byte>>? Append(IReadOnlyList<FileUpdate> updates, IReadOnlyList<string> deletions, long generation)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var codesAt = new List<(int Offset, int Length)>();
        foreach (var path in deletions)
        {
            WriteDelete(buffer, path);
        }
        foreach (var update in updates)
        {
            WriteDelete(buffer, update.File.Path);
            foreach (var chunk in update.Chunks)
            {
                codesAt.Add(WriteAdd(buffer, chunk));
            }
        }
        var start = HeaderBytes + _length;
        _writer.Position = start;
        _writer.Write(buffer.WrittenSpan);
        if (FaultDuringAppend)
        {
            _writer.Flush(flushToDisk: true);
            Environment.FailFast($"{IndexStore.FaultVariable}={FaultDuringCodesWrite}: stopping after the codes, before the codes file's header.");
        }
        _writer.Flush(flushToDisk: true);
        _length += buffer.WrittenCount;
        _writer.Position = 0;
        _writer.Write(Header(_codecHash, _dim, _bytesPerVector, generation, _length));
        _writer.Flush(flushToDisk: true);
        Generation = generation;
        return codesAt.Count == 0 ? [] : MapAppended(start, buffer.WrittenCount, codesAt);
    }

    /// <summary>
    /// Maps the records one append wrote. Each append is its own small mapping (a view of its range), kept, like
    /// the first, until the file is disposed: the cache's entries point into it. A long session adds one mapping
    /// per commit; the next open maps the whole file as one again.
    /// </summary>
    private IReadOnlyList<ReadOnlyMemory<byte>>? MapAppended(long start, int length, List<(int Offset, int Length)> codesAt)
    {
        MemoryMappedFile? map = null;
        MemoryMappedViewAccessor? view = null;
        try
        {
            map = MemoryMappedFile.CreateFromFile(_writer, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
            view = map.CreateViewAccessor(start, length, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            ReadOnlyMemory<byte> memory = new MappedWindow(pointer + view.PointerOffset, length).Memory;
            _appended.Add((map, view));
            return codesAt.Select(c => memory.Slice(c.Offset, c.Length)).ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            view?.Dispose();
            map?.Dispose();
            return null;
        }
    }

    /// <summary>Mappings of appended records (see <see cref="MapAppended"/>), released with the file.</summary>
    private readonly List<(MemoryMappedFile Map, MemoryMappedViewAccessor View)> _appended = [];

    /// <summary>Test fault point: the process dies after a commit's codes are written and before the header moves.</summary>
    public const string FaultDuringCodesWrite = "during-codes-write";

    private static readonly bool FaultDuringAppend = Environment.GetEnvironmentVariable(IndexStore.FaultVariable) == FaultDuringCodesWrite;

    public void Dispose()
    {
        foreach (var (map, view) in _appended)
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
            view.Dispose();
            map.Dispose();
        }
        _appended.Clear();
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }
        _map?.Dispose();
        _writer.Dispose();
    }

    private List<MappedChunk> ReadChunks()
    {
        var byPath = new Dictionary<string, List<MappedChunk>>(StringComparer.Ordinal);
        var windows = new Dictionary<long, ReadOnlyMemory<byte>>();
        var strings = new Dictionary<string, string>(StringComparer.Ordinal); // one string per distinct path, language…
        var end = HeaderBytes + _length;
        var at = (long)HeaderBytes;
        while (at < end)
        {
            var record = at;
            var op = _base[at++];
            if (op == DeleteRecord)
            {
                var deleted = ReadString(ref at, end, strings) ?? throw Damaged();
                Verify(record, ref at, end);
                byPath.Remove(deleted);
                continue;
            }
            if (op != AddRecord)
            {
                throw Damaged();
            }
            var id = ReadString(ref at, end, null) ?? throw Damaged();
            var path = ReadString(ref at, end, strings) ?? throw Damaged();
            var language = ReadString(ref at, end, strings) ?? throw Damaged();
            Need(at, 1, end);
            var kind = (ChunkKind)_base[at++];
            var symbol = ReadString(ref at, end, null);
            var container = ReadString(ref at, end, strings);
            var count = ReadInt32(ref at, end);
            var bytes = (long)count * _bytesPerVector;
            if (count < 0 || bytes > WindowOverlap)
            {
                throw Damaged();
            }
            Need(at, bytes, end);
            var window = at / WindowBytes;
            if (!windows.TryGetValue(window, out var memory))
            {
                var start = window * WindowBytes;
                var length = (int)Math.Min(WindowBytes + WindowOverlap, Bytes - start);
                memory = new MappedWindow(_base + start, length).Memory;
                windows[window] = memory;
            }
            var codes = memory.Slice((int)(at - (window * WindowBytes)), (int)bytes);
            at += bytes;
            Verify(record, ref at, end);
            if (!byPath.TryGetValue(path, out var list))
            {
                byPath[path] = list = [];
            }
            list.Add(new MappedChunk(id, path, language, kind, symbol, container, count, codes));
        }
        return [.. byPath.Values.SelectMany(l => l)];
    }

    private string? ReadString(ref long at, long end, Dictionary<string, string>? pool)
    {
        var length = ReadInt32(ref at, end);
        if (length < 0)
        {
            return length == -1 ? null : throw Damaged();
        }
        Need(at, length, end);
        var text = Encoding.UTF8.GetString(_base + at, length);
        at += length;
        if (pool is null)
        {
            return text;
        }
        if (!pool.TryGetValue(text, out var shared))
        {
            pool[text] = shared = text;
        }
        return shared;
    }

    private int ReadInt32(ref long at, long end)
    {
        Need(at, 4, end);
        var value = BinaryPrimitives.ReadInt32LittleEndian(new ReadOnlySpan<byte>(_base + at, 4));
        at += 4;
        return value;
    }

    private void Need(long at, long bytes, long end)
    {
        if (at + bytes > end)
        {
            throw Damaged();
        }
    }

    /// <summary>Why a header rules its file out for this codec and store generation; null when it does not.</summary>
    private static string? HeaderProblem(byte[] header, string codecHash, ResidualCodec codec, long generation, long fileLength)
    {
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != Magic)
        {
            return "damaged: not a codes file";
        }
        var version = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(4));
        if (version != FormatVersion)
        {
            return $"of format {version} (this build reads {FormatVersion})";
        }
        if (BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(8)) != codec.Dim
            || BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(12)) != codec.BytesPerVector
            || Encoding.ASCII.GetString(header, 16, 16) != codecHash)
        {
            return "of another codec";
        }
        var held = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(32));
        if (held != generation)
        {
            return $"behind the store (generation {held}, the store's {generation})";
        }
        var length = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(40));
        return length < 0 || HeaderBytes + length > fileLength ? "damaged: cut off" : null;
    }

    /// <summary>Checks the checksum at <paramref name="at"/> against the record from <paramref name="record"/> up to it.</summary>
    private void Verify(long record, ref long at, long end)
    {
        Need(at, ChecksumBytes, end);
        var stored = BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(_base + at, ChecksumBytes));
        // A record is at most a few strings and WindowOverlap bytes of codes, so its length fits an int.
        if (XxHash3.HashToUInt64(new ReadOnlySpan<byte>(_base + record, (int)(at - record))) != stored)
        {
            throw new InvalidDataException($"the record at byte {record} fails its checksum");
        }
        at += ChecksumBytes;
    }

    /// <summary>A record that does not parse (the file's name is the caller's to give: see <see cref="TryOpen"/>).</summary>
    private static InvalidDataException Damaged() => new("a record does not parse");

    private static string CodecHash(ResidualCodec codec) => ContentHash.Of(codec.ToBytes(), 16);

    private static byte[] Header(string codecHash, int dim, int bytesPerVector, long generation, long length)
    {
        var header = new byte[HeaderBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), dim);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), bytesPerVector);
        Encoding.ASCII.GetBytes(codecHash, header.AsSpan(16, 16));
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(32), generation);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(40), length);
        return header;
    }

    /// <summary>Writes an add record; returns where its codes lie in <paramref name="buffer"/>.</summary>
    private static (int Offset, int Length) WriteAdd(ArrayBufferWriter<byte> buffer, StoredChunk stored)
    {
        if (stored.Vectors.Format != VectorFormat.Residual)
        {
            throw new InvalidOperationException($"Chunk {stored.Chunk.Id} is not stored as residual codes.");
        }
        var c = stored.Chunk;
        var record = buffer.WrittenCount;
        buffer.Write([AddRecord]);
        WriteString(buffer, c.Id);
        WriteString(buffer, c.Path);
        WriteString(buffer, c.Language);
        buffer.Write([(byte)c.Kind]);
        WriteString(buffer, c.Symbol);
        WriteString(buffer, c.Container);
        WriteInt32(buffer, stored.VectorCount);
        var offset = buffer.WrittenCount;
        buffer.Write(stored.Vectors.Bytes.Span);
        WriteChecksum(buffer, record);
        return (offset, stored.Vectors.Bytes.Length);
    }

    private static void WriteDelete(ArrayBufferWriter<byte> buffer, string path)
    {
        var record = buffer.WrittenCount;
        buffer.Write([DeleteRecord]);
        WriteString(buffer, path);
        WriteChecksum(buffer, record);
    }

    /// <summary>Ends the record that starts at <paramref name="record"/> in <paramref name="buffer"/> with its checksum.</summary>
    private static void WriteChecksum(ArrayBufferWriter<byte> buffer, int record)
    {
        var hash = XxHash3.HashToUInt64(buffer.WrittenSpan[record..]);
        BinaryPrimitives.WriteUInt64LittleEndian(buffer.GetSpan(ChecksumBytes), hash);
        buffer.Advance(ChecksumBytes);
    }

    private static void WriteString(ArrayBufferWriter<byte> buffer, string? text)
    {
        if (text is null)
        {
            WriteInt32(buffer, -1);
            return;
        }
        var bytes = Encoding.UTF8.GetBytes(text);
        WriteInt32(buffer, bytes.Length);
        buffer.Write(bytes);
    }

    private static void WriteInt32(ArrayBufferWriter<byte> buffer, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(buffer.GetSpan(4), value);
        buffer.Advance(4);
    }

    /// <summary>A window of the mapped file as <see cref="Memory{T}"/> (a chunk's codes are a slice of one).</summary>
    private sealed class MappedWindow(byte* pointer, int length) : MemoryManager<byte>
    {
        public override Span<byte> GetSpan() => new(pointer, length);

        public override MemoryHandle Pin(int elementIndex = 0) => new(pointer + elementIndex);

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing)
        {
        }
    }
}
