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
    private SnapshotView _view = new([], new Dictionary<string, Entry>(StringComparer.Ordinal), null, [], []);
    private int _nextSlot;
    private CentroidLists? _lists;
    private bool _listsBuilding;
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
    public long VectorBytes => SumOverEntries(e => e.Vectors.Bytes.Length);

    /// <summary>Token vectors held (the indexer's compression threshold; benchmarks: bytes per vector in memory).</summary>
    public long TokenVectors => SumOverEntries(e => e.Count);

    /// <summary>A count over the current entries; no snapshot is made for it (that is the queries' business).</summary>
    private long SumOverEntries(Func<Entry, long> of)
    {
        lock (_gate)
        {
            return _entries.Values.Sum(of);
        }
    }

    public static VectorCache Load(IndexStore store, int dim)
    {
        var cache = new VectorCache(dim);
        cache.Reload(store);
        return cache;
    }

    /// <summary>Replaces everything with what the store holds (after its vectors changed format).</summary>
    public void Reload(IndexStore store) =>
        // A compressed index: everything the ranker needs is in the mapped codes file; no vector is copied.
        Replace(store.MappedChunks is { } mapped ? mapped.Select(Entry.From) : store.AllChunks().Select(Entry.From), store.Codec);

    /// <summary>A cache over a mapped codes file's chunks, lists built (what <see cref="Reload"/> does for a store's).</summary>
    internal static VectorCache FromMapped(int dim, ResidualCodec codec, IReadOnlyList<MappedChunk> chunks)
    {
        var cache = new VectorCache(dim, codec);
        cache.Replace(chunks.Select(Entry.From), codec);
        return cache;
    }

    /// <summary>
    /// Holds exactly <paramref name="entries"/> (made with slots 0, 1, … from the sequence index) and their centroid
    /// lists, built here rather than at the first query: the first query after open is as fast as the later ones.
    /// </summary>
    private void Replace(IEnumerable<Entry> entries, ResidualCodec? codec)
    {
        var byId = new Dictionary<string, Entry>(StringComparer.Ordinal);
        var slots = 0;
        foreach (var entry in entries)
        {
            byId[entry.Id] = entry;
            slots = Math.Max(slots, entry.Slot + 1);
        }
        var lists = codec is null ? null : CentroidLists.Build([.. byId.Values], codec, slots);
        lock (_gate)
        {
            Codec = codec;
            _entries = byId;
            _nextSlot = slots;
            _lists = lists;
            _dirty = true;
        }
    }

    /// <summary>
    /// Entries added since the lists were built are scored without them; past this many (or a 16th of the index)
    /// the lists are rebuilt in the background, so a query never waits for them.
    /// </summary>
    public const int RecentBeforeRebuild = 1024;

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
                    _entries[chunk.Chunk.Id] = Entry.From(chunk, _nextSlot++);
                }
            }
            _dirty = true;
        }
    }

    /// <summary>Whether any chunk of this language id is held (query language hints only apply to those).</summary>
    public bool HasLanguage(string language) => View().Languages.Contains(language);

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
                var lists = _lists is { } built && built.Codec == Codec ? built : null;
                var bySlot = new Entry?[_nextSlot];
                var unlisted = new List<Entry>();
                foreach (var entry in entries)
                {
                    bySlot[entry.Slot] = entry;
                    if (lists is null || entry.Slot >= lists.Covered || entry.Vectors.Format != VectorFormat.Residual)
                    {
                        unlisted.Add(entry);
                    }
                }
                _view = new SnapshotView(entries, _entries, lists, bySlot, [.. unlisted]);
                _dirty = false;
                // Stale lists are rebuilt; a cache that never had any (the benchmark's copies) waits for UseLists.
                if (Codec is { } codec && lists is not null && !_listsBuilding && unlisted.Count > Math.Max(RecentBeforeRebuild, entries.Length / 16))
                {
                    RebuildListsInBackground(entries, codec, _nextSlot);
                }
            }
            return _view;
        }
    }

    /// <summary>Takes lists built by the caller (the benchmark times the build itself).</summary>
    internal void UseLists(CentroidLists? lists)
    {
        lock (_gate)
        {
            _lists = lists;
            _dirty = true;
        }
    }

    private void RebuildListsInBackground(Entry[] entries, ResidualCodec codec, int covered)
    {
        _listsBuilding = true;
        Task.Run(() =>
        {
            var built = CentroidLists.Build(entries, codec, covered);
            lock (_gate)
            {
                _listsBuilding = false;
                if (Codec == codec)
                {
                    _lists = built;
                    _dirty = true;
                }
            }
        });
    }

    /// <summary>
    /// One immutable state of the cache: the entries, the same by chunk id, and for candidate generation the
    /// centroid lists (null without a codec), the live entries by slot and the entries the lists do not cover
    /// (added since they were built, or held as half floats), which every query scores.
    /// What a query would otherwise derive by walking every entry is derived once per view and kept with it: the
    /// languages held (each query's language hint asks) and the entries a filter keeps (a user typing with a
    /// language or path filter repeats the same filter on every keystroke).
    /// </summary>
    internal sealed record SnapshotView(Entry[] Entries, IReadOnlyDictionary<string, Entry> ById, CentroidLists? Lists, Entry?[] BySlot, Entry[] Unlisted)
    {
        /// <summary>Distinct filters whose entries a view keeps; past this the oldest are dropped.</summary>
        public const int FiltersKept = 16;

        private readonly Lazy<HashSet<string>> _languages = new(
            () => new HashSet<string>(Entries.Select(e => e.Language), StringComparer.OrdinalIgnoreCase));

        private readonly Dictionary<string, Entry[]> _filtered = new(StringComparer.Ordinal);
        private readonly Queue<string> _filterOrder = new();

        /// <summary>The language ids of the entries (case-insensitive).</summary>
        public IReadOnlySet<string> Languages => _languages.Value;

        /// <summary>
        /// The entries <paramref name="keep"/> accepts, computed once per <paramref name="key"/> (a text that names
        /// the filter exactly) for this view.
        /// </summary>
        public Entry[] Filtered(string key, Func<Entry, bool> keep)
        {
            lock (_filtered)
            {
                if (_filtered.TryGetValue(key, out var known))
                {
                    return known;
                }
            }
            var kept = Entries.Where(keep).ToArray();
            lock (_filtered)
            {
                if (_filtered.TryAdd(key, kept))
                {
                    _filterOrder.Enqueue(key);
                    if (_filterOrder.Count > FiltersKept)
                    {
                        _filtered.Remove(_filterOrder.Dequeue());
                    }
                }
                return _filtered[key];
            }
        }
    }

    /// <summary>
    /// The token vectors of a chunk and what the ranker reads without touching the store: path, language, and the
    /// symbol, container and kind that say what the chunk defines.
    /// </summary>
    /// <remarks><see cref="Slot"/>: a number no other entry of this cache has had, for the centroid lists.</remarks>
    internal sealed record Entry(string Id, string Path, string Language, Chunking.ChunkKind Kind, string? Symbol, string? Container, VectorBlob Vectors, int Count, int Slot)
    {
        public static Entry From(StoredChunk stored, int slot) =>
            new(stored.Chunk.Id, stored.Chunk.Path, stored.Chunk.Language, stored.Chunk.Kind, stored.Chunk.Symbol, stored.Chunk.Container,
                stored.Vectors, stored.VectorCount, slot);

        /// <summary>An entry whose codes stay in the mapped codes file.</summary>
        public static Entry From(MappedChunk chunk, int slot) =>
            new(chunk.Id, chunk.Path, chunk.Language, chunk.Kind, chunk.Symbol, chunk.Container, new VectorBlob(VectorFormat.Residual, chunk.Codes), chunk.Count, slot);
    }
}
