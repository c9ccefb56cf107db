using SemanticSearch.Engine.Index;

namespace SemanticSearch.Engine.Search;

/// <summary>
/// The token vectors of every indexed chunk, held in memory as half floats so that a query scores the whole
/// workspace without touching the database. Kept in step with the store by <see cref="Apply"/>.
/// </summary>
public sealed class VectorCache
{
    private readonly object _gate = new();
    private Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private Entry[] _snapshot = [];
    private IReadOnlyDictionary<string, Entry> _snapshotById = new Dictionary<string, Entry>(StringComparer.Ordinal);
    private bool _dirty;

    public VectorCache(int dim) => Dim = dim;

    public int Dim { get; }

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
    public long VectorBytes => Snapshot().Sum(e => (long)e.Vectors.Length * 2);

    public static VectorCache Load(IndexStore store, int dim)
    {
        var cache = new VectorCache(dim);
        foreach (var stored in store.AllChunks())
        {
            cache._entries[stored.Chunk.Id] = Entry.From(stored);
        }
        cache._dirty = true;
        return cache;
    }

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
    internal (Entry[] Entries, IReadOnlyDictionary<string, Entry> ById) View()
    {
        lock (_gate)
        {
            if (_dirty)
            {
                _snapshot = [.. _entries.Values];
                _snapshotById = _entries;
                _dirty = false;
            }
            return (_snapshot, _snapshotById);
        }
    }

    /// <summary>
    /// The token vectors of a chunk and what the ranker reads without touching the store: path, language, and the
    /// symbol, container and kind that say what the chunk defines.
    /// </summary>
    internal sealed record Entry(string Id, string Path, string Language, Chunking.ChunkKind Kind, string? Symbol, string? Container, Half[] Vectors, int Count)
    {
        public static Entry From(StoredChunk stored) =>
            new(stored.Chunk.Id, stored.Chunk.Path, stored.Chunk.Language, stored.Chunk.Kind, stored.Chunk.Symbol, stored.Chunk.Container, stored.Vectors, stored.VectorCount);
    }
}
