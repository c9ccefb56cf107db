using System.Runtime.InteropServices;
using LiteDB;
using SemanticSearch.Engine.Chunking;
using SemanticSearch.Engine.Models;
using SemanticSearch.Engine.Workspace;

namespace SemanticSearch.Engine.Index;

/// <summary>What fixes an engine error; each front end words it in its own terms (a CLI flag, an editor command).</summary>
public enum ErrorRemedy
{
    /// <summary>Delete the index and build it again (nothing else is lost: the workspace is the source).</summary>
    RebuildIndex,

    /// <summary>Run an update (an index pass), which writes what a reader found missing or out of date.</summary>
    UpdateIndex,
}

/// <summary>The index file cannot be read. The fix is a rebuild (<see cref="Remedy"/>), which each front end names.</summary>
public sealed class IndexCorruptException(string path, Exception inner)
    : Exception($"The index at {path} is corrupt or unreadable ({inner.Message}); rebuilding it fixes this.", inner)
{
    public string IndexPath { get; } = path;

    public ErrorRemedy Remedy => ErrorRemedy.RebuildIndex;

    /// <summary>
    /// What reading a damaged LiteDB file throws, past its open: LiteDB's own page checks, a string whose bytes are
    /// no longer UTF-8, a field of the wrong type, a blob cut short. Turned into this exception (with the remedy)
    /// wherever a front end reads the index, never shown raw. So is a document that no longer matches our checksum
    /// (<see cref="DocumentChecksum"/>). A reader's LiteDB asked to write (to fix up a file of the wrong length) is damage too: its streams refuse.
    /// </summary>
    public static bool IsDamage(Exception ex) =>
        ex is LiteException or System.Text.DecoderFallbackException or InvalidCastException or EndOfStreamException or NotSupportedException
            or ChecksumMismatchException;
}

/// <summary>
/// A reader (<see cref="IndexStore.OpenReader"/>) found no index it can use as it is (none yet, another model's,
/// an older format): only a writer's update makes it usable, and a reader never writes.
/// </summary>
public sealed class IndexNeedsUpdateException(string path, string reason)
    : Exception($"The index at {path} {reason}; an update writes it.")
{
    public string IndexPath { get; } = path;

    public ErrorRemedy Remedy => ErrorRemedy.UpdateIndex;
}

/// <summary>
/// The on-disk index: one LiteDB file per workspace (the index of record) and, beside it, the lexical index
/// (<see cref="LexicalIndex"/>, Lucene.NET, derived from the stored chunks). The LiteDB file has three collections:
/// <c>meta</c> (one header document: schema version, model identity, root),
/// <c>files</c> (one document per workspace file: size, mtime, content hash, chunk ids or skip reason) and
/// <c>chunks</c> (one document per chunk: metadata, text and its token vectors as one half-float blob).
/// Every file's chunks and its file record change in one transaction, so a killed process leaves each file either
/// fully old or fully new, and the next run resumes with the files that were not committed. The lexical index is
/// written after each LiteDB commit with the same group; a process killed between the two leaves it behind for
/// those files, so <see cref="Open"/> compares it with the file records and re-indexes lexically, from the stored
/// chunk text, every file where they disagree (<see cref="LexicalRepairs"/>); vectors are never re-encoded for it.
/// A compressed index also keeps its codes in a memory-mapped <see cref="CodesFile"/>, appended after the same
/// commits and rewritten from the stored chunks when it is behind them.
/// </summary>
public sealed class IndexStore : IDisposable
{
    /// <summary>
    /// Bump when the stored layout changes; an index of another version is rebuilt, never misread. 2: chunks may
    /// hold residual codes (<c>codes</c>) instead of half floats (<c>vec</c>), the header a codec. 3: a path too long
    /// for a LiteDB index key is keyed by its hash (<see cref="PathKey"/>) and kept whole in <c>longPath</c>. 4: a
    /// chunk written since holds its token spans as varints (<see cref="TokenSpans"/>, <c>sp</c>) instead of two int32
    /// arrays (<c>ts</c>, <c>tl</c>), which chunks written before keep. An index of version 1 to 3 is read as it is
    /// (its layout is contained in 4: every path it holds was short enough to be its own key, every chunk has
    /// <c>ts</c>/<c>tl</c>) and its header is moved to 4; older builds rebuild a newer index rather than misread it.
    /// </summary>
    public const int SchemaVersion = 4;

    /// <summary>The versions this build reads: <see cref="SchemaVersion"/>, and 1 to 3, whose layouts it contains.</summary>
    private static bool IsReadableSchema(int schema) => schema is >= 1 and <= SchemaVersion;

    /// <summary>
    /// The longest key LiteDB indexes, in UTF-8 bytes ("Index key must be less than 1023 bytes" counts a type byte
    /// too). Exactly LiteDB's limit, so that every path an older index could hold is still its own key.
    /// </summary>
    internal const int MaxKeyBytes = 1021;

    /// <summary>
    /// What a file's path is stored under (<c>files._id</c>, <c>chunks.path</c>): the path itself when LiteDB can
    /// index it, else '/' and the SHA-256 of the path in hex (a workspace-relative path never starts with '/', so the
    /// two never meet); such a document holds the path whole in <c>longPath</c>.
    /// </summary>
    internal static string PathKey(string path) =>
        System.Text.Encoding.UTF8.GetByteCount(path) <= MaxKeyBytes ? path : "/" + Common.ContentHash.Of(path, 64);

    /// <summary>The path of a <c>files</c> or <c>chunks</c> document, whose key field is <paramref name="keyField"/>.</summary>
    private static string PathOf(BsonDocument doc, string keyField) =>
        doc.TryGetValue("longPath", out var longPath) && longPath.IsString ? longPath.AsString : doc[keyField].AsString;

    private const string MetaId = "index";
    private readonly object _gate = new();
    private readonly LiteDatabase _db;
    /// <summary>The writer lock (<see cref="IndexLock"/>) of a writer store; null for a reader.</summary>
    private readonly IndexLock? _writer;
    /// <summary>The file streams LiteDB works on (and a reader's shared hold of the read gate), let go when the store closes.</summary>
    private readonly List<IDisposable> _resources = [];
    /// <summary>A writer's LiteDB log, synced once per write (<see cref="CommitSyncedLog"/>); null for a reader.</summary>
    private readonly CommitSyncedLog? _log;
    private readonly ILiteCollection<BsonDocument> _meta;
    private readonly ILiteCollection<BsonDocument> _files;
    private readonly ILiteCollection<BsonDocument> _chunks;
    private LexicalIndex? _lexical;
    private ResidualCodec? _codec;
    private CodesFile? _codes;
    private readonly List<CodesFile> _retiredCodes = [];
    private IReadOnlyList<MappedChunk>? _mapped;

    /// <summary>
    /// Test fault point: with this variable set to <see cref="FaultAfterStoreCommit"/>, the process dies right after
    /// a LiteDB commit and before the lexical index gets the same group (the crash that <see cref="Open"/> repairs).
    /// </summary>
    public const string FaultVariable = "SEMSEARCH_TEST_FAULT";

    public const string FaultAfterStoreCommit = "after-store-commit";

    private static readonly bool DieAfterStoreCommit = Environment.GetEnvironmentVariable(FaultVariable) == FaultAfterStoreCommit;

    private IndexStore(string path, LiteDatabase db, IndexLock? writer, IEnumerable<IDisposable?> resources)
    {
        IndexPath = path;
        _db = db;
        _writer = writer;
        _resources.AddRange(resources.OfType<IDisposable>());
        _log = _resources.OfType<CommitSyncedLog>().SingleOrDefault();
        _meta = db.GetCollection("meta");
        _files = db.GetCollection("files");
        _chunks = db.GetCollection("chunks");
        if (writer is not null)
        {
            _chunks.EnsureIndex("path");
        }
    }

    public string IndexPath { get; }

    /// <summary>Opened by <see cref="OpenReader"/> or <see cref="OpenExisting"/>: LiteDB read-only, nothing ever written.</summary>
    public bool IsReader => _writer is null;

    /// <summary>
    /// The writer's hold of the read gate around a change of the files (<see cref="IndexLock.Writing"/>). Every
    /// method that writes takes it, inside <c>_gate</c>; a reader store cannot write at all. Letting go of it syncs
    /// LiteDB's log first (<see cref="CommitSyncedLog"/>), so what a write committed is on disk before a reader may look.
    /// </summary>
    private WriteScope Writing() =>
        new(_writer?.Writing() ?? throw new InvalidOperationException($"The index at {IndexPath} was opened for reading only."), _log);

    private readonly struct WriteScope(IDisposable gate, CommitSyncedLog? log) : IDisposable
    {
        public void Dispose()
        {
            try
            {
                log?.Sync();
            }
            finally
            {
                gate.Dispose();
            }
        }
    }

    /// <summary>Why the index was wiped on open (model or schema changed), or null if it was reused or new.</summary>
    public string? ResetReason { get; private set; }

    /// <summary>Files whose lexical documents disagreed with their file records at open and were re-indexed lexically.</summary>
    public int LexicalRepairs { get; private set; }

    /// <summary>The lexical index (null for an index opened by <see cref="OpenExisting"/>, which only reads status).</summary>
    public LexicalIndex? Lexical => _lexical;

    /// <summary>
    /// Opens (or creates) the index at <paramref name="path"/> for <paramref name="model"/>. An index built by a
    /// different model, or with another schema version, is cleared: vectors from two models never mix.
    /// </summary>
    /// <remarks>
    /// <paramref name="poolFactor"/> (1, or 2: <see cref="TokenPooling"/>) is recorded when the header is written
    /// (a new or cleared index); an existing index keeps the factor it was built with (<see cref="PoolFactor"/>).
    /// The store is the index's one writer: it holds <paramref name="writer"/> (taken here, failing at once with
    /// <see cref="IndexBusyException"/> when another process holds it, if none is given) until it is disposed.
    /// </remarks>
    public static IndexStore Open(string path, ModelIdentity model, int dim, string root, int poolFactor = 1, IndexLock? writer = null)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        if (writer is null)
        {
            new IndexFiles(full).EnsureNotForeign();
            writer = IndexLock.AcquireWriter(new IndexFiles(full), TimeSpan.Zero);
        }
        IndexStore store;
        using (writer.Writing())
        {
            try
            {
                // A re-trained index that was being moved into place when a writer stopped: finished first.
                IndexReplacement.FinishIfInterrupted(new IndexFiles(full));
                store = OpenDatabase(full, writer, readerGate: null);
            }
            catch
            {
                writer.Dispose();
                throw;
            }
            try
            {
                store.EnsureHeader(model, dim, root, poolFactor);
            }
            catch (Exception ex) when (ex is IndexCorruptException || IndexCorruptException.IsDamage(ex))
            {
                store.Dispose();
                throw ex as IndexCorruptException ?? new IndexCorruptException(full, ex);
            }
            try
            {
                store.OpenLexical();
                store.OpenCodes();
            }
            catch
            {
                store.Dispose();
                throw;
            }
        }
        return store;
    }

    /// <summary>
    /// Opens an index to search it as it is, never writing (<c>search --no-update</c>, and a search whose update
    /// another process's writer lock prevents): LiteDB read-only, the lexical index read-only, the codes file
    /// mapped only when it is current (otherwise vectors come from LiteDB). Holds the read gate shared until
    /// disposed (<see cref="IndexLock"/>). An index that only a writer can make usable (none yet, another model's,
    /// an older format) is <see cref="IndexNeedsUpdateException"/>.
    /// </summary>
    public static IndexStore OpenReader(string path, ModelIdentity model, int dim, CancellationToken cancellationToken = default)
    {
        var full = Path.GetFullPath(path);
        var store = OpenReadOnly(full, cancellationToken) ?? throw new IndexNeedsUpdateException(full, "does not exist yet");
        try
        {
            var info = store.ReadInfo();
            if (!IsReadableSchema(info.SchemaVersion))
            {
                throw new IndexNeedsUpdateException(full, $"has format {info.SchemaVersion} (this build reads {SchemaVersion})");
            }
            if (info.ModelKey != model.Key || info.Dim != dim)
            {
                throw new IndexNeedsUpdateException(full, $"was built with model {info.ModelName}, not {model.Name}");
            }
            var meta = store.Header();
            store._codec = store.CodecOf(meta);
            store.PoolFactor = meta.TryGetValue("pool", out var pool) && pool.IsInt32 ? pool.AsInt32 : 1;
            store._lexical = LexicalIndex.TryOpenReader(new IndexFiles(full).LexicalFolder);
            if (store._codec is { } codec && store.CodesComplete)
            {
                store._codes = CodesFile.TryOpen(full, codec, GenerationOf(meta), out var chunks, out _, readOnly: true);
                store._mapped = store._codes is null ? null : chunks;
            }
            return store;
        }
        catch (Exception ex)
        {
            store.Dispose();
            throw IndexCorruptException.IsDamage(ex) ? new IndexCorruptException(full, ex) : ex;
        }
    }

    /// <summary>
    /// What both readers share (<see cref="OpenReader"/>, <see cref="OpenExisting"/>): the file checked to be an
    /// index, the read gate entered, LiteDB opened read-only and its header read (and checked); null when there is no
    /// index file.
    /// </summary>
    private static IndexStore? OpenReadOnly(string full, CancellationToken cancellationToken)
    {
        if (!File.Exists(full) || new FileInfo(full).Length == 0)
        {
            return null;
        }
        var files = new IndexFiles(full);
        files.EnsureNotForeign();
        var gate = IndexLock.EnterReader(files, cancellationToken);
        IndexStore store;
        try
        {
            if (File.Exists(files.ReplacingMarker))
            {
                // Half old index, half its replacement (IndexReplacement): only the writer may finish the move.
                throw new IndexNeedsUpdateException(full, "was being replaced by a re-trained index when its writer stopped");
            }
            store = OpenDatabase(full, writer: null, gate);
        }
        catch
        {
            gate?.Dispose();
            throw;
        }
        try
        {
            _ = store.Header(); // present and intact: the header is what every reader reads first
            return store;
        }
        catch (Exception ex) when (ex is IndexCorruptException || IndexCorruptException.IsDamage(ex))
        {
            store.Dispose();
            throw ex as IndexCorruptException ?? new IndexCorruptException(full, ex);
        }
    }

    /// <summary>
    /// Opens the lexical index and brings it in line with the file records (see the class summary). Every store
    /// commit bumps a generation kept in the header, in the same transaction; the lexical index records the one it
    /// caught up with. Equal: nothing to check (the usual open costs no scan); different or unknown: compare every
    /// file's chunk ids and repair.
    /// </summary>
    private void OpenLexical()
    {
        _lexical = LexicalIndex.Open(new IndexFiles(IndexPath).LexicalFolder, out _);
        var generation = Generation;
        if (generation < 0)
        {
            generation = StartGenerations(); // an index from before generations: start counting now
        }
        else if (_lexical.Generation == generation)
        {
            return;
        }
        var held = _lexical.ChunkIdsByPath();
        var updates = new List<FileUpdate>();
        var files = LoadFiles();
        foreach (var (path, file) in files)
        {
            var agrees = held.TryGetValue(path, out var ids)
                ? ids.Count == file.ChunkIds.Count && file.ChunkIds.All(ids.Contains)
                : file.ChunkIds.Count == 0;
            if (!agrees)
            {
                updates.Add(new FileUpdate(file, LoadChunksOfFile(path).Values.ToList()));
            }
        }
        var stale = held.Keys.Where(p => !files.ContainsKey(p)).ToList();
        // Applied even when nothing was off: it stamps the generation, so the next open skips the scan.
        _lexical.Apply(updates, stale, generation);
        LexicalRepairs = updates.Count + stale.Count;
    }

    /// <summary>
    /// Maps the codes file of a compressed index (every chunk in codes), or writes it from the stored chunks when it
    /// is missing, of another codec, behind the store (a crash between the two commits) or damaged.
    /// </summary>
    private void OpenCodes()
    {
        if (Codec is not { } codec || !CodesComplete)
        {
            return;
        }
        var generation = Generation;
        _codes = CodesFile.TryOpen(IndexPath, codec, generation, out var chunks, out var unusable);
        if (_codes is null)
        {
            CodesRebuilt = unusable;
            _codes = CodesFile.Create(IndexPath, codec, generation, AllChunks(), out chunks);
        }
        _mapped = chunks;
    }

    /// <summary>
    /// Why opening the index had to write its codes file anew ("missing", "of format 1 (…)", "behind the store (…)",
    /// "damaged: the record at byte … fails its checksum", …); null when it was mapped as it was.
    /// </summary>
    public string? CodesRebuilt { get; private set; }

    /// <summary>
    /// The chunks of the mapped codes file as of its last mapping (at open, or when a conversion finished), for the
    /// vector cache: no LiteDB read and no vector on the managed heap. Null when the index has no codes file.
    /// </summary>
    public IReadOnlyList<MappedChunk>? MappedChunks
    {
        get
        {
            lock (_gate)
            {
                return _mapped;
            }
        }
    }

    /// <summary>Bytes of the codes file (0 without one).</summary>
    public long CodesFileBytes
    {
        get
        {
            lock (_gate)
            {
                return _codes?.Bytes ?? 0;
            }
        }
    }

    /// <summary>Gives an index written before commit generations its first one (0).</summary>
    private long StartGenerations()
    {
        lock (_gate)
        {
            using var writing = Writing();
            var meta = Header();
            meta["gen"] = 0L;
            _meta.Update(DocumentChecksum.Seal(meta));
            return 0;
        }
    }

    /// <summary>LiteDB's page size, the buffer it gives its own file streams.</summary>
    private const int WriterBuffer = 8192;

    /// <summary>The store's commit generation (header field <c>gen</c>; -1 for an index written before it existed).</summary>
    private long Generation
    {
        get
        {
            lock (_gate)
            {
                return ReadHeader() is { } doc ? GenerationOf(doc) : -1;
            }
        }
    }

    /// <summary>The header document (checked against its checksum: <see cref="DocumentChecksum"/>); null in a new file.</summary>
    private BsonDocument? ReadHeader() => _meta.FindById(MetaId) is { } doc ? DocumentChecksum.Verify(doc, "the index header") : null;

    /// <summary>The header of an index that has one (every open index but a new file's before its header is written).</summary>
    private BsonDocument Header() => ReadHeader() ?? throw new IndexCorruptException(IndexPath, new InvalidDataException("missing header"));

    /// <summary>The <c>gen</c> field of a header document, -1 when it has none.</summary>
    private static long GenerationOf(BsonDocument meta) =>
        meta.TryGetValue("gen", out var gen) && gen.IsNumber ? gen.AsInt64 : -1;

    /// <summary>
    /// Opens an existing index as it is, whatever model built it (for status), read-only and holding the read gate
    /// shared (<see cref="IndexLock"/>); null when there is none.
    /// </summary>
    public static IndexStore? OpenExisting(string path, CancellationToken cancellationToken = default) =>
        OpenReadOnly(Path.GetFullPath(path), cancellationToken);

    /// <summary>Deletes the index file, its LiteDB log, its codes file and its lexical index.</summary>
    public static void Delete(string path) => new IndexFiles(path).Delete();

    /// <summary>
    /// Opens the LiteDB file: for the writer holding <paramref name="writer"/>, or read-only for a reader. Both hand
    /// LiteDB streams rather than the file names. A reader's are read-only: given a name, even a read-only LiteDB
    /// deletes an empty log file as it closes, the very file the writer keeps appending to (its later commits would
    /// then go to a file nobody else can see). The writer's log is synced once per write (<see cref="CommitSyncedLog"/>);
    /// both writer files are opened as LiteDB opens them (others may read, random access, page-sized buffer).
    /// </summary>
    private static IndexStore OpenDatabase(string full, IndexLock? writer, IDisposable? readerGate)
    {
        // Before LiteDB sees it: LiteDB would turn any other file into an empty database.
        var files = new IndexFiles(full);
        files.EnsureDatabaseOrNew();
        FileStream? data = null;
        Stream? log = null;
        try
        {
            if (writer is not null)
            {
                data = new FileStream(full, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, WriterBuffer, FileOptions.RandomAccess);
                log = new CommitSyncedLog(new FileStream(files.Log, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, WriterBuffer, FileOptions.RandomAccess));
                var writerEngine = new LiteDB.Engine.LiteEngine(new LiteDB.Engine.EngineSettings { DataStream = data, LogStream = log });
                return new IndexStore(full, new LiteDatabase(writerEngine), writer, [data, log]);
            }
            data = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            log = File.Exists(files.Log) ? new FileStream(files.Log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete) : new MemoryStream();
            var engine = new LiteDB.Engine.LiteEngine(new LiteDB.Engine.EngineSettings { DataStream = data, LogStream = log, ReadOnly = true });
            return new IndexStore(full, new LiteDatabase(engine), writer: null, [readerGate, data, log]);
        }
        catch (Exception ex) when (ex is LiteException or InvalidCastException or IOException or InvalidOperationException or ArgumentException
            or IndexOutOfRangeException or NotSupportedException)
        {
            data?.Dispose();
            log?.Dispose();
            if (ex is IOException && ex.Message.Contains("lock", StringComparison.OrdinalIgnoreCase))
            {
                throw new IOException($"The index at {full} is in use by another process.", ex);
            }
            throw new IndexCorruptException(full, ex);
        }
    }

    public IndexInfo Info
    {
        get
        {
            lock (_gate)
            {
                return ReadInfo();
            }
        }
    }

    private IndexInfo ReadInfo()
    {
        var doc = Header();
        return new IndexInfo(
            doc["schema"].AsInt32,
            doc["modelKey"].AsString,
            doc["modelName"].AsString,
            doc["dim"].AsInt32,
            doc["root"].AsString,
            doc["created"].AsDateTime,
            doc["completed"].IsNull ? null : doc["completed"].AsDateTime,
            _files.Count(),
            _chunks.Count());
    }

    private void EnsureHeader(ModelIdentity model, int dim, string root, int poolFactor)
    {
        var doc = ReadHeader();
        if (doc is not null)
        {
            var schema = doc["schema"].AsInt32;
            var key = doc["modelKey"].AsString;
            if (IsReadableSchema(schema) && key == model.Key && doc["dim"].AsInt32 == dim)
            {
                if (schema != SchemaVersion)
                {
                    doc["schema"] = SchemaVersion;
                    _meta.Update(DocumentChecksum.Seal(doc));
                }
                _codec = CodecOf(doc);
                PoolFactor = doc.TryGetValue("pool", out var pool) && pool.IsInt32 ? pool.AsInt32 : 1;
                return;
            }
            ResetReason = schema != SchemaVersion
                ? $"index schema {schema} differs from {SchemaVersion}"
                : $"index was built with model {key}, now using {model.Key}";
            _db.BeginTrans();
            _files.DeleteAll();
            _chunks.DeleteAll();
            _meta.DeleteAll();
            _db.Commit();
        }
        _meta.Upsert(DocumentChecksum.Seal(new BsonDocument
        {
            ["_id"] = MetaId,
            ["schema"] = SchemaVersion,
            ["modelKey"] = model.Key,
            ["modelName"] = model.Name,
            ["dim"] = dim,
            ["root"] = Path.GetFullPath(root),
            ["created"] = DateTime.UtcNow,
            ["completed"] = BsonValue.Null,
            ["gen"] = 0L,
            ["pool"] = poolFactor,
            ["chunker"] = Chunking.ChunkerSet.Version,
        }));
        PoolFactor = poolFactor;
        if (ResetReason is not null)
        {
            // Give back the space of the old vectors now rather than on some later run.
            _db.Rebuild();
        }
    }

    /// <summary>Document vectors are pooled by this factor before they are stored (header <c>pool</c>; 1: not pooled).</summary>
    public int PoolFactor { get; private set; } = 1;

    /// <summary>The codec of the stored residual codes (<c>codec</c> in the header); null while vectors are half floats.</summary>
    public ResidualCodec? Codec
    {
        get
        {
            lock (_gate)
            {
                return _codec;
            }
        }
    }

    private ResidualCodec? CodecOf(BsonDocument meta)
    {
        if (!meta.TryGetValue("codec", out var blob) || blob.IsNull)
        {
            return null;
        }
        try
        {
            return ResidualCodec.FromBytes(blob.AsBinary);
        }
        catch (InvalidDataException ex)
        {
            throw new IndexCorruptException(IndexPath, ex);
        }
    }

    /// <summary>
    /// Records the index's codec (trained once, kept: codes written with it stay valid). From then on every commit
    /// writes codes; chunks already stored as half floats stay readable until <see cref="ConvertToResidual"/>.
    /// </summary>
    public void SetCodec(ResidualCodec codec)
    {
        lock (_gate)
        {
            if (_codec is not null)
            {
                throw new InvalidOperationException("The index already has a codec; a new one needs a rebuild.");
            }
            using var writing = Writing();
            var meta = Header();
            meta["codec"] = codec.ToBytes();
            meta["codesDone"] = false;
            meta["codecRefSum"] = 0.0;
            meta["codecRefCount"] = 0L;
            meta["codecErrSum"] = 0.0;
            meta["codecErrCount"] = 0L;
            meta["codecPassDone"] = false;
            _meta.Update(DocumentChecksum.Seal(meta));
            _codec = codec;
        }
    }

    /// <summary>
    /// Rewrites every chunk still stored as half floats as residual codes (groups of chunks, one transaction each,
    /// so an interrupted conversion resumes where it stopped) and records that the conversion is complete.
    /// Returns the chunks converted.
    /// </summary>
    public int ConvertToResidual(CancellationToken cancellationToken = default)
    {
        const int Group = 512;
        var codec = Codec ?? throw new InvalidOperationException("The index has no codec.");
        List<string> pending;
        lock (_gate)
        {
            pending = _chunks.FindAll().Where(d => !d.ContainsKey("codes")).Select(d => d["_id"].AsString).ToList();
        }
        var converted = 0;
        for (var start = 0; start < pending.Count; start += Group)
        {
            cancellationToken.ThrowIfCancellationRequested();
            lock (_gate)
            {
                using var writing = Writing();
                _db.BeginTrans();
                try
                {
                    var docs = pending.Skip(start).Take(Group).Select(id => _chunks.FindById(id)).Where(doc => doc is not null && !doc.ContainsKey("codes")).ToArray();
                    // Checking, encoding and sealing a chunk is CPU work on its own document: spread over the cores.
                    var rewritten = new BsonDocument[docs.Length];
                    Parallel.For(0, docs.Length, i =>
                    {
                        var stored = ToStoredChunk(docs[i]);
                        rewritten[i] = ToDocument(stored with { Vectors = stored.Vectors.ToResidual(stored.VectorCount, codec) });
                    });
                    foreach (var doc in rewritten)
                    {
                        _chunks.Update(doc);
                    }
                    converted += rewritten.Length;
                    _db.Commit();
                }
                catch
                {
                    _db.Rollback();
                    throw;
                }
            }
        }
        // No LiteDB Rebuild() to shrink the file: LiteDB 5.0.19+ fails it on any collection with a secondary index
        // past 2,550 documents (litedb-org/LiteDB#2827). The codec is trained early in a first pass instead
        // (VectorCompression.TrainsNow), so the pages freed here are reused by the groups that follow.
        lock (_gate)
        {
            using var writing = Writing();
            var meta = Header();
            meta["codesDone"] = true;
            _meta.Update(DocumentChecksum.Seal(meta));
            // Every chunk is codes now: map them. A mapping handed out before stays open until the store closes
            // (a search may still read it).
            if (_codes is not null)
            {
                _retiredCodes.Add(_codes);
            }
            _codes = CodesFile.Create(IndexPath, codec, GenerationOf(meta), AllChunks(), out var chunks);
            _mapped = chunks;
        }
        return converted;
    }

    /// <summary>Whether every chunk is stored as codes (header <c>codesDone</c>; false until a conversion finishes).</summary>
    public bool CodesComplete
    {
        get
        {
            lock (_gate)
            {
                return _codec is not null && ReadHeader() is { } meta && meta.TryGetValue("codesDone", out var done) && done.IsBoolean && done.AsBoolean;
            }
        }
    }

    /// <summary>
    /// Adds a pass's sampled codec errors of newly written vectors: to the reference (header <c>codecRefSum</c>,
    /// <c>codecRefCount</c>) until the pass that trained the codec has completed (header <c>codecPassDone</c>) and
    /// the reference holds <paramref name="referenceSamples"/>, after that to the errors since (<c>codecErrSum</c>,
    /// <c>codecErrCount</c>). See <see cref="VectorCompression.Drift"/> for why.
    /// </summary>
    public void RecordCodecError(double sum, long count, long referenceSamples)
    {
        lock (_gate)
        {
            using var writing = Writing();
            var meta = Header();
            var (reference, since) = CodecErrorsOf(meta);
            if (!CodecPassDoneOf(meta) || reference.Count < referenceSamples)
            {
                reference = (reference.Sum + sum, reference.Count + count);
            }
            else
            {
                since = (since.Sum + sum, since.Count + count);
            }
            meta["codecRefSum"] = reference.Sum;
            meta["codecRefCount"] = reference.Count;
            meta["codecErrSum"] = since.Sum;
            meta["codecErrCount"] = since.Count;
            _meta.Update(DocumentChecksum.Seal(meta));
        }
    }

    /// <summary>The sampled codec errors since the codec was trained: the reference, then those after it (sum, count each).</summary>
    public ((double Sum, long Count) Reference, (double Sum, long Count) Since) CodecErrors
    {
        get
        {
            lock (_gate)
            {
                return CodecErrorsOf(Header());
            }
        }
    }

    /// <summary>
    /// The header's reference and later errors (zeros when absent). An index from before the reference fields
    /// counted every error since training in <c>codecErrSum</c>: that was its first pass, so it becomes the reference.
    /// </summary>
    private static ((double Sum, long Count) Reference, (double Sum, long Count) Since) CodecErrorsOf(BsonDocument meta)
    {
        (double, long) Pair(string sum, string count) =>
            (meta.TryGetValue(sum, out var s) && s.IsNumber ? s.AsDouble : 0, meta.TryGetValue(count, out var c) && c.IsNumber ? c.AsInt64 : 0);
        var errors = Pair("codecErrSum", "codecErrCount");
        return meta.ContainsKey("codecRefCount") ? (Pair("codecRefSum", "codecRefCount"), errors) : (errors, (0, 0));
    }

    /// <summary>
    /// Whether the full pass that trained the codec has completed (header <c>codecPassDone</c>): until then every
    /// sampled error is the reference's, so the codec's own first pass can never advise re-training it. An index
    /// from before the field had completed that pass (it recorded a reference only afterwards, or none).
    /// </summary>
    private static bool CodecPassDoneOf(BsonDocument meta) =>
        !meta.TryGetValue("codecPassDone", out var done) || !done.IsBoolean || done.AsBoolean;

    /// <summary>
    /// The chunker version the index's chunks were made with (header <c>chunker</c>; 1 for an index from before the
    /// field): below <see cref="Chunking.ChunkerSet.Version"/>, a full pass re-chunks every file.
    /// </summary>
    public int ChunkerVersion
    {
        get
        {
            lock (_gate)
            {
                return Header().TryGetValue("chunker", out var v) && v.IsInt32 ? v.AsInt32 : 1;
            }
        }
    }

    /// <summary>Records that a full pass over the workspace finished, every file chunked by this build's chunker.</summary>
    public void MarkCompleted()
    {
        lock (_gate)
        {
            using var writing = Writing();
            var doc = Header();
            doc["completed"] = DateTime.UtcNow;
            doc["chunker"] = Chunking.ChunkerSet.Version;
            if (_codec is not null)
            {
                doc["codecPassDone"] = true;
            }
            _meta.Update(DocumentChecksum.Seal(doc));
        }
    }

    public Dictionary<string, FileRecord> LoadFiles()
    {
        var result = new Dictionary<string, FileRecord>(StringComparer.Ordinal);
        lock (_gate)
        {
            foreach (var doc in _files.FindAll())
            {
                var record = ToFileRecord(doc);
                result[record.Path] = record;
            }
        }
        return result;
    }

    /// <summary>The stored chunks of one file, keyed by chunk id (for vector reuse on re-index).</summary>
    public Dictionary<string, StoredChunk> LoadChunksOfFile(string path)
    {
        var result = new Dictionary<string, StoredChunk>(StringComparer.Ordinal);
        lock (_gate)
        {
            foreach (var doc in _chunks.Find(Query.EQ("path", PathKey(path))))
            {
                var chunk = ToStoredChunk(doc);
                result[chunk.Chunk.Id] = chunk;
            }
        }
        return result;
    }

    public StoredChunk? GetChunk(string id)
    {
        BsonDocument? doc;
        lock (_gate)
        {
            doc = _chunks.FindById(id);
        }
        return doc is null ? null : ToStoredChunk(doc);
    }

    /// <summary>Streams every stored chunk (used to build the in-memory search cache).</summary>
    public IEnumerable<StoredChunk> AllChunks() => _chunks.FindAll().Select(ToStoredChunk);

    /// <summary>
    /// Applies a group of file changes in ONE transaction: each update replaces all chunks of its file, each
    /// deletion removes a file and its chunks. Either all of the group lands or none of it.
    /// Returns the updates as stored: with a codec, half-float vectors become codes here, so what the caller
    /// mirrors in memory is what the store holds.
    /// </summary>
    public IReadOnlyList<FileUpdate> Commit(IReadOnlyList<FileUpdate> updates, IReadOnlyList<string> deletions)
    {
        if (updates.Count == 0 && deletions.Count == 0)
        {
            return updates;
        }
        lock (_gate)
        {
            using var writing = Writing();
            if (_codec is { } codec)
            {
                updates = updates.Select(u => u with { Chunks = u.Chunks.Select(c => c with { Vectors = c.Vectors.ToResidual(c.VectorCount, codec) }).ToList() }).ToList();
            }
            var generation = CommitLocked(updates, deletions);
            if (DieAfterStoreCommit)
            {
                Environment.FailFast($"{FaultVariable}={FaultAfterStoreCommit}: stopping between the LiteDB and the lexical commit.");
            }
            _lexical?.Apply(updates, deletions, generation);
            if (_codes is not null)
            {
                try
                {
                    if (_codes.Append(updates, deletions, generation) is { } mapped)
                    {
                        updates = InMappedCodes(updates, mapped);
                    }
                }
                catch (IOException)
                {
                    // Its header stays behind the store, so the next open rebuilds it; until then no more appends
                    // (a file missing this group must not claim a later generation). Searches keep the cache.
                    _retiredCodes.Add(_codes);
                    _codes = null;
                }
            }
            return updates;
        }
    }

    /// <summary>The updates with each chunk's vectors replaced by its codes in the codes file (same bytes, mapped).</summary>
    private static List<FileUpdate> InMappedCodes(IReadOnlyList<FileUpdate> updates, IReadOnlyList<ReadOnlyMemory<byte>> mapped)
    {
        var next = 0;
        return updates.Select(u => u with { Chunks = u.Chunks.Select(c => c with { Vectors = new VectorBlob(VectorFormat.Residual, mapped[next++]) }).ToList() }).ToList();
    }

    /// <summary>Applies the group and bumps the commit generation, in one transaction; returns the new generation.</summary>
    private long CommitLocked(IReadOnlyList<FileUpdate> updates, IReadOnlyList<string> deletions)
    {
        _db.BeginTrans();
        try
        {
            var meta = Header();
            var generation = Math.Max(GenerationOf(meta), 0) + 1;
            meta["gen"] = generation;
            _meta.Update(DocumentChecksum.Seal(meta));
            foreach (var path in deletions)
            {
                _chunks.DeleteMany(Query.EQ("path", PathKey(path)));
                _files.Delete(PathKey(path));
            }
            foreach (var update in updates)
            {
                _chunks.DeleteMany(Query.EQ("path", PathKey(update.File.Path)));
                if (update.Chunks.Count > 0)
                {
                    _chunks.InsertBulk(update.Chunks.Select(ToDocument));
                }
                _files.Upsert(ToDocument(update.File));
            }
            _db.Commit();
            return generation;
        }
        catch
        {
            _db.Rollback();
            throw;
        }
    }

    /// <summary>Updates only the change-detection stamp of a file whose bytes did not change (touched, not edited).</summary>
    public void Touch(FileRecord record)
    {
        lock (_gate)
        {
            using var writing = Writing();
            _files.Upsert(ToDocument(record));
        }
    }

    /// <summary>Forces committed pages from the log into the data file (done at the end of a run).</summary>
    public void Checkpoint()
    {
        lock (_gate)
        {
            using var writing = Writing();
            _db.Checkpoint();
        }
    }

    /// <summary>
    /// Closes the file; waits for a commit in flight on another thread, so committed work is on disk. A writer
    /// closes inside the read gate (LiteDB writes its log into the data file as it closes) and then lets go of its
    /// writer lock; a reader leaves the gate.
    /// </summary>
    public void Dispose()
    {
        lock (_gate)
        {
            using (_writer?.Writing())
            {
                // LiteDB checkpoints its log into the data file as it closes (syncing the data file first).
                _db.Dispose();
                _lexical?.Dispose();
                _codes?.Dispose();
                foreach (var retired in _retiredCodes)
                {
                    retired.Dispose();
                }
                foreach (var resource in _resources)
                {
                    resource.Dispose();
                }
            }
            _writer?.Dispose();
        }
    }

    private static BsonDocument ToDocument(FileRecord file)
    {
        var doc = new BsonDocument
        {
            ["_id"] = PathKey(file.Path),
            ["size"] = file.Size,
            ["mtime"] = file.LastWriteTicks,
            ["hash"] = file.ContentHash,
            ["lang"] = file.Language,
            ["chunks"] = new BsonArray(file.ChunkIds.Select(id => new BsonValue(id))),
            ["skipped"] = file.Skipped is { } reason ? reason.ToString() : BsonValue.Null,
            ["skipDetail"] = file.SkipDetail is null ? BsonValue.Null : file.SkipDetail,
        };
        KeepLongPath(doc, file.Path);
        return DocumentChecksum.Seal(doc);
    }

    /// <summary>Adds <c>longPath</c> to a document whose path is too long to be its own key.</summary>
    private static void KeepLongPath(BsonDocument doc, string path)
    {
        if (PathKey(path) != path)
        {
            doc["longPath"] = path;
        }
    }

    private static FileRecord ToFileRecord(BsonDocument stored) => ToFileRecordChecked(DocumentChecksum.Verify(stored, "a file record"));

    private static FileRecord ToFileRecordChecked(BsonDocument doc) => new(
        PathOf(doc, "_id"),
        doc["size"].AsInt64,
        doc["mtime"].AsInt64,
        doc["hash"].AsString,
        doc["lang"].AsString,
        doc["chunks"].AsArray.Select(v => v.AsString).ToArray(),
        doc["skipped"].IsNull ? null : Enum.Parse<SkipReason>(doc["skipped"].AsString),
        doc["skipDetail"].IsNull ? null : doc["skipDetail"].AsString);

    private static BsonDocument ToDocument(StoredChunk stored)
    {
        var c = stored.Chunk;
        var doc = new BsonDocument
        {
            ["_id"] = c.Id,
            ["path"] = PathKey(c.Path),
            ["lang"] = c.Language,
            ["kind"] = c.Kind.ToString(),
            ["symbol"] = c.Symbol is null ? BsonValue.Null : c.Symbol,
            ["container"] = c.Container is null ? BsonValue.Null : c.Container,
            ["signature"] = c.Signature is null ? BsonValue.Null : c.Signature,
            ["doc"] = c.Documentation is null ? BsonValue.Null : c.Documentation,
            ["range"] = new BsonArray(new BsonValue(c.Range.StartLine), new BsonValue(c.Range.StartColumn), new BsonValue(c.Range.EndLine), new BsonValue(c.Range.EndColumn)),
            ["text"] = c.Text,
            ["hash"] = c.ContentHash,
            ["origins"] = c.TextOrigins is null ? BsonValue.Null : new BsonArray(c.TextOrigins.ToFlat().Select(v => new BsonValue(v))),
            ["part"] = c.Part,
            ["parts"] = c.PartCount,
            ["enc"] = stored.EncodingHash,
            ["n"] = stored.VectorCount,
            [stored.Vectors.Format == VectorFormat.Half ? "vec" : "codes"] = stored.Vectors.Bytes.ToArray(),
            [TokenSpans.Field] = TokenSpans.Encode(stored.TokenStarts, stored.TokenLengths),
        };
        KeepLongPath(doc, c.Path);
        return DocumentChecksum.Seal(doc);
    }

    private static StoredChunk ToStoredChunk(BsonDocument doc)
    {
        DocumentChecksum.Verify(doc, "a chunk document");
        var range = doc["range"].AsArray;
        var chunk = new Chunk
        {
            Id = doc["_id"].AsString,
            Path = PathOf(doc, "path"),
            Language = doc["lang"].AsString,
            Kind = Enum.Parse<ChunkKind>(doc["kind"].AsString),
            Symbol = NullableString(doc["symbol"]),
            Container = NullableString(doc["container"]),
            Signature = NullableString(doc["signature"]),
            Documentation = NullableString(doc["doc"]),
            Range = new SourceRange(range[0].AsInt32, range[1].AsInt32, range[2].AsInt32, range[3].AsInt32),
            Text = doc["text"].AsString,
            ContentHash = doc["hash"].AsString,
            TextOrigins = doc["origins"].IsNull ? null : LineOrigins.FromFlat(doc["origins"].AsArray.Select(v => v.AsInt32)),
            Part = doc["part"].AsInt32,
            PartCount = doc["parts"].AsInt32,
        };
        var count = doc["n"].AsInt32;
        var (starts, lengths) = doc.TryGetValue(TokenSpans.Field, out var spans)
            ? TokenSpans.Decode(spans.AsBinary, count)
            // Schema 3 and before: two int32 arrays.
            : (MemoryMarshal.Cast<byte, int>(doc["ts"].AsBinary).ToArray(), MemoryMarshal.Cast<byte, int>(doc["tl"].AsBinary).ToArray());
        return new StoredChunk(
            chunk,
            doc["enc"].AsString,
            count,
            doc.TryGetValue("codes", out var codes) ? new VectorBlob(VectorFormat.Residual, codes.AsBinary) : new VectorBlob(VectorFormat.Half, doc["vec"].AsBinary),
            starts,
            lengths);
    }

    private static string? NullableString(BsonValue value) => value.IsNull ? null : value.AsString;
}

/// <summary>The new state of one file: its record and all of its chunks (reused or freshly encoded).</summary>
public sealed record FileUpdate(FileRecord File, IReadOnlyList<StoredChunk> Chunks);
