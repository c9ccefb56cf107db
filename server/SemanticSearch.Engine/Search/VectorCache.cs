using SemanticSearch.Engine.Index;

namespace SemanticSearch.Engine.Search;

/// <summary>
/// The token vectors of every indexed chunk, held in memory as the store holds them (residual codes, or half floats
/// for an index without a codec) so that a query scores the workspace without touching the database. Kept in step
/// with the store by <see cref="Apply"/>.
/// </summary>
public sealed class VectorCache
{
    private readonly object _gate = new();
    private Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private SnapshotView _view = new([], new Dictionary<string, Entry>(StringComparer.Ordinal), new Lazy<CentroidLists?>(() => null));
    private bool _dirty;

    public VectorCache(int dim, ResidualCodec? codec = null)
    {
        Dim = dim;
        Codec = codec;
    }

    public int Dim { get; }

    /// <summary>The index's codec, for entries held as residual codes (null while the index has none).</summary>
    public ResidualCodec? Codec { get; private set; }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Memory held by vectors, in bytes (for status and benchmarks).</summary>
    public long VectorBytes => Snapshot().Sum(e => (long)e.Vectors.Bytes.Length);

    /// <summary>Token vectors held (for benchmarks: bytes per vector in memory).</summary>
    public long TokenVectors => Snapshot().Sum(e => (long)e.Count);

    public static VectorCache Load(IndexStore store, int dim)
    {
        var cache = new VectorCache(dim);
        cache.Reload(store);
        return cache;
    }

    /// <summary>Replaces everything with what the store holds (after its vectors changed format).</summary>
    public void Reload(IndexStore store)
    {
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var stored in store.AllChunks())
        {
            entries[stored.Chunk.Id] = Entry.From(stored);
        }
        lock (_gate)
        {
            Codec = store.Codec;
            _entries = entries;
            _dirty = true;
        }
    }

    /// <summary>An entry's vectors as floats into <paramref name="destination"/> (≥ Count × Dim).</summary>
    internal void Decode(Entry entry, Span<float> destination) => entry.Vectors.Decode(entry.Count, Dim, Codec, destination);

    /// <summary>Mirrors a committed group of store changes.</summary>
    public void Apply(IReadOnlyList<FileUpdate> updates, IReadOnlyList<string> deletedPaths)
    {
        lock (_gate)
        {
            var replaced = new HashSet<string>(updates.Select(u => u.File.Path).Concat(deletedPaths), StringComparer.Ordinal);
            // Copy on write: a snapshot handed out earlier keeps the dictionary it was made from (see View), so the
            // entries below always go into a fresh one (every update names its path, so replaced is never empty then).
            if (replaced.Count > 0)
            {
                var next = new Dictionary<string, Entry>(_entries.Count, StringComparer.Ordinal);
                foreach (var (id, entry) in _entries)
                {
                    if (!replaced.Contains(entry.Path))
                    {
                        next[id] = entry;
                    }
                }
                _entries = next;
            }
            foreach (var update in updates)
            {
                foreach (var chunk in update.Chunks)
                {
                    _entries[chunk.Chunk.Id] = Entry.From(chunk);
                }
            }
            _dirty = true;
        }
    }

    /// <summary>Whether any chunk of this language id is held (query language hints only apply to those).</summary>
    public bool HasLanguage(string language) => Snapshot().Any(e => string.Equals(e.Language, language, StringComparison.OrdinalIgnoreCase));

    /// <summary>An immutable view for one search; concurrent updates do not disturb a running query.</summary>
    internal Entry[] Snapshot() => View().Entries;

    /// <summary>The snapshot with its entries by chunk id (for candidates that come from the lexical index).</summary>
    internal SnapshotView View()
    {
        lock (_gate)
        {
            if (_dirty)
            {
                var entries = _entries.Values.ToArray();
                var codec = Codec;
                _view = new SnapshotView(entries, _entries, new Lazy<CentroidLists?>(() => codec is null ? null : CentroidLists.Build(entries, codec)));
                _dirty = false;
            }
            return _view;
        }
    }

    /// <summary>
    /// One immutable state of the cache: the entries, the same by chunk id, and the centroid → entry lists for
    /// candidate generation (built at the first query that needs them, then shared by every query of the snapshot).
    /// </summary>
    internal sealed record SnapshotView(Entry[] Entries, IReadOnlyDictionary<string, Entry> ById, Lazy<CentroidLists?> Lists);

    /// <summary>
    /// The token vectors of a chunk and what the ranker reads without touching the store: path, language, and the
    /// symbol, container and kind that say what the chunk defines.
    /// </summary>
    internal sealed record Entry(string Id, string Path, string Language, Chunking.ChunkKind Kind, string? Symbol, string? Container, VectorBlob Vectors, int Count)
    {
        public static Entry From(StoredChunk stored) =>
            new(stored.Chunk.Id, stored.Chunk.Path, stored.Chunk.Language, stored.Chunk.Kind, stored.Chunk.Symbol, stored.Chunk.Container, stored.Vectors, stored.VectorCount);
    }
}
