using System.Diagnostics;
using SemanticSearch.Engine.Common;
using SemanticSearch.Engine.Index;
using SemanticSearch.Engine.Models;
using SemanticSearch.Engine.Search;
using SemanticSearch.Engine.Workspace;

namespace SemanticSearch.Engine.Indexing;

/// <summary>Everything needed to open a workspace.</summary>
/// <param name="Root">The workspace folder.</param>
/// <param name="ModelPath">A model folder (with semsearch-model.json) or a manifest file.</param>
/// <param name="Index">Where the index lives; null means inside the workspace (<see cref="IndexLocation.Workspace"/>).</param>
/// <param name="ReadOnly">Open the index as a reader (<see cref="IndexStore.OpenReader"/>): search it as it is, never write it.</param>
/// <param name="WriterWait">How long a writer waits for another process's writer lock (<see cref="IndexLock"/>); zero: fail at once.</param>
/// <param name="WaitingForWriter">Told once who holds the writer lock when a writer starts to wait for it.</param>
/// <param name="Replacement">
/// Open the replacement of the index (<see cref="IndexFiles.Replacement"/>), built beside it to take its place
/// (<see cref="SemanticWorkspace.BuildReplacement"/>).
/// </param>
public sealed record WorkspaceOptions(
    string Root,
    string ModelPath,
    IndexLocation? Index = null,
    ScanOptions? Scan = null,
    EncoderOptions? Encoder = null,
    VectorCompression? Compression = null,
    bool ReadOnly = false,
    TimeSpan WriterWait = default,
    Action<IndexHolder>? WaitingForWriter = null,
    bool Replacement = false)
{
    /// <summary>The files of the index these options point at (the replacement's with <see cref="Replacement"/>).</summary>
    public IndexFiles IndexFiles => Replacement ? MainIndexFiles.Replacement : MainIndexFiles;

    /// <summary>The files of the workspace's index, whichever these options open.</summary>
    public IndexFiles MainIndexFiles => (Index ?? IndexLocation.Workspace).For(Root);

    /// <summary>Takes the index's writer lock as these options say (waiting up to <see cref="WriterWait"/>).</summary>
    internal IndexLock AcquireWriter(CancellationToken cancellationToken = default) =>
        IndexLock.AcquireWriter(IndexFiles, WriterWait, WaitingForWriter, cancellationToken);
}

/// <summary>One workspace's share of a search across workspaces (<see cref="SemanticWorkspace.Candidates"/>).</summary>
public sealed record WorkspaceCandidates(TokenVectors Query, List<RankCandidate> Candidates, int ChunksSearched, double EncodeMilliseconds, double SearchMilliseconds);

/// <summary>
/// One workspace with its model, index, vector cache, indexer and searcher: the unit the CLI and the language
/// server work with.
/// </summary>
public sealed class SemanticWorkspace : IDisposable
{
    private readonly WorkspaceIndexer _indexer;
    private readonly Searcher _searcher;
    private readonly VectorCache _cache;
    private readonly bool _ownsModel;

    private SemanticWorkspace(string root, IndexFiles files, EmbeddingModel model, IndexStore store, ScanOptions scan, VectorCompression? compression, bool ownsModel)
    {
        _ownsModel = ownsModel;
        Root = root;
        Files = files;
        Model = model;
        Store = store;
        _cache = VectorCache.Load(store, model.Dimension);
        _indexer = new WorkspaceIndexer(root, model, store, _cache, scan, compression);
        _searcher = new Searcher(store, _cache);
    }

    public string Root { get; }
    /// <summary>The files of this workspace's index.</summary>
    public IndexFiles Files { get; }

    /// <summary>The index's LiteDB file (<see cref="IndexFiles.Database"/>).</summary>
    public string IndexPath => Files.Database;

    public EmbeddingModel Model { get; }
    /// <summary>The index of record. Internal: front ends ask the workspace (the members below), never the store.</summary>
    internal IndexStore Store { get; }

    /// <summary>The search path over this workspace's index (what <see cref="Search"/> runs, and <c>semsearch eval</c> scores).</summary>
    public Searcher Searcher => _searcher;

    /// <summary>
    /// Opens the workspace: loads the model, opens (or creates, or resets) the index, loads vectors. As the index's
    /// writer unless <see cref="WorkspaceOptions.ReadOnly"/>: another process writing it is
    /// <see cref="IndexBusyException"/> (after <see cref="WorkspaceOptions.WriterWait"/>).
    /// </summary>
    public static SemanticWorkspace Open(WorkspaceOptions options)
    {
        var root = CheckRoot(options.Root);
        var model = EmbeddingModel.Open(options.ModelPath, options.Encoder ?? new EncoderOptions());
        try
        {
            return Open(options, root, model, ownsModel: true);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens the workspace with a model the caller already loaded and keeps owning (the language server shares one
    /// model between its workspace folders; ONNX Runtime sessions are safe to run from several threads).
    /// <see cref="WorkspaceOptions.ModelPath"/> and <see cref="WorkspaceOptions.Encoder"/> are not used.
    /// </summary>
    public static SemanticWorkspace Open(WorkspaceOptions options, EmbeddingModel sharedModel) =>
        Open(options, CheckRoot(options.Root), sharedModel, ownsModel: false);

    private static string CheckRoot(string root)
    {
        var full = Path.GetFullPath(root);
        return Directory.Exists(full) ? full : throw new DirectoryNotFoundException($"Workspace folder not found: {full}");
    }

    private static SemanticWorkspace Open(WorkspaceOptions options, string root, EmbeddingModel model, bool ownsModel)
    {
        var location = options.Index ?? IndexLocation.Workspace;
        var main = location.For(root);
        var files = options.Replacement ? main.Replacement : main;
        // An index placed inside the workspace must never index itself (the main files' excludes cover a replacement).
        var scan = options.Scan ?? ScanOptions.Default;
        scan = scan with { Excludes = [.. scan.Excludes, .. main.ExcludesUnder(root)] };
        if (options.ReadOnly)
        {
            return Loaded(root, files, model, IndexStore.OpenReader(files.Database, model.Identity, model.Dimension), scan, options.Compression, ownsModel);
        }
        if (location.Placement == IndexPlacement.Workspace)
        {
            KeepOutOfGit(files.Folder);
        }
        files.EnsureNotForeign(); // before the lock files are made beside it
        var writer = options.AcquireWriter();
        var store = IndexStore.Open(files.Database, model.Identity, model.Dimension, root, (options.Compression ?? VectorCompression.Default).PoolFactor, writer);
        return Loaded(root, files, model, store, scan, options.Compression, ownsModel);
    }

    /// <summary>The workspace over an opened store (its vectors loaded); the store is closed when that fails.</summary>
    private static SemanticWorkspace Loaded(string root, IndexFiles files, EmbeddingModel model, IndexStore store, ScanOptions scan, VectorCompression? compression, bool ownsModel)
    {
        try
        {
            return new SemanticWorkspace(root, files, model, store, scan, compression, ownsModel);
        }
        catch (Exception ex)
        {
            store.Dispose();
            throw IndexCorruptException.IsDamage(ex) ? new IndexCorruptException(files.Database, ex) : ex;
        }
    }

    /// <summary>
    /// Runs a step that reads (or writes) the index, reporting a damaged file as <see cref="IndexCorruptException"/>
    /// (with its remedy) rather than as whatever LiteDB threw where it noticed.
    /// </summary>
    private T Guarded<T>(Func<T> step)
    {
        try
        {
            return step();
        }
        catch (Exception ex) when (IndexCorruptException.IsDamage(ex))
        {
            throw new IndexCorruptException(IndexPath, ex);
        }
    }

    /// <summary>What the index folder inside a workspace holds, so that none of it ever shows in Source Control.</summary>
    internal const string GitIgnoreText = "# Written by SemanticSearch: this folder holds the search index (rebuilt on demand); none of it belongs in git.\n*\n";

    /// <summary>
    /// The workspace's index folder carries its own <c>.gitignore</c> (<c>*</c>): the index, its log and the query
    /// log then never appear as untracked files, whatever the repository's own ignore rules say. A
    /// <c>.gitignore</c> the user put there is left alone.
    /// </summary>
    private static void KeepOutOfGit(string folder)
    {
        var gitIgnore = Path.Combine(folder, ".gitignore");
        if (File.Exists(gitIgnore))
        {
            return;
        }
        try
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(gitIgnore, GitIgnoreText);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A read-only workspace: the index cannot be written there either, and IndexStore.Open says so.
        }
    }

    /// <summary>Opened as a reader (<see cref="WorkspaceOptions.ReadOnly"/>): searches only; every update throws.</summary>
    public bool IsReadOnly => Store.IsReader;

    public IndexRunResult Index(IProgress<IndexProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Index(progress, null, cancellationToken);

    /// <summary>A full pass that takes <paramref name="first"/> (relative paths, e.g. the files open in an editor) before the others.</summary>
    public IndexRunResult Index(IProgress<IndexProgress>? progress, IReadOnlyCollection<string>? first, CancellationToken cancellationToken = default) =>
        Guarded(() => _indexer.Run(progress, first, RequireWriter(cancellationToken)));

    private CancellationToken RequireWriter(CancellationToken cancellationToken) => IsReadOnly
        ? throw new InvalidOperationException($"The index at {IndexPath} was opened for reading only; it cannot be updated.")
        : cancellationToken;

    /// <summary>The files a full pass would visit, counted by a scan (nothing read, nothing indexed).</summary>
    public int CountFiles(CancellationToken cancellationToken = default) => _indexer.CountFiles(cancellationToken);

    public IndexRunResult Update(IEnumerable<string> relativePaths, CancellationToken cancellationToken = default) =>
        Guarded(() => _indexer.Update(relativePaths, RequireWriter(cancellationToken)));

    /// <summary>Searches with the hybrid ranker (or <paramref name="ranking"/>: the benchmark's model-only comparison).</summary>
    public SearchResponse Search(string query, int topK = 10, SearchFilters? filters = null, CancellationToken cancellationToken = default, RankingOptions? ranking = null)
    {
        if (string.IsNullOrWhiteSpace(query))
        {
            throw new ArgumentException("The query is empty.", nameof(query));
        }
        (var intent, filters) = QueryLanguageHint.Apply(query, filters ?? SearchFilters.None, _cache.HasLanguage);
        var clock = Stopwatch.StartNew();
        var encoded = Model.EncodeQuery(intent.Text);
        var encodeMs = clock.Elapsed.TotalMilliseconds;
        var response = Guarded(() => _searcher.Search(encoded, intent.Text, topK, filters, ranking ?? RankingOptions.Hybrid, cancellationToken));
        return response with { EncodeMilliseconds = encodeMs, LanguagesFromQuery = intent.Languages, ScoredText = intent.Text };
    }

    /// <summary>
    /// The first half of a search over several workspaces (the language server's folders): encodes the query and
    /// returns this workspace's candidates. The caller ranks every folder's candidates together
    /// (<see cref="HybridRanker.RankAcross"/>) and builds the results of each folder's winners with
    /// <see cref="Results"/>. <paramref name="filters"/> are final: the query's language was read by the caller.
    /// </summary>
    public WorkspaceCandidates Candidates(string text, int topK, SearchFilters filters, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var encoded = Model.EncodeQuery(text);
        var encodeMs = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        var (candidates, searched) = Guarded(() => _searcher.Candidates(encoded, text, topK, filters, RankingOptions.Hybrid, cancellationToken));
        return new WorkspaceCandidates(encoded, candidates, searched, encodeMs, clock.Elapsed.TotalMilliseconds);
    }

    /// <summary>The results (read from this workspace's store) of its chunks among a ranking made across workspaces.</summary>
    public List<SearchResult> Results(IReadOnlyList<RankedChunk> ranked, TokenVectors query, string text) => Guarded(() => _searcher.Results(ranked, query, text));

    /// <summary>Whether the index holds chunks of this language id.</summary>
    public bool HoldsLanguage(string language) => _cache.HasLanguage(language);

    /// <summary>Chunks held in memory for search, and their vector bytes.</summary>
    public (int Chunks, long VectorBytes) CacheSize => (_cache.Count, _cache.VectorBytes);

    /// <summary>
    /// Chunks whose vectors the cache holds in managed arrays rather than in mapped codes-file pages (tests: a
    /// compressed index keeps none there, even for chunks committed after it was opened).
    /// </summary>
    internal int ChunksOnHeap => _cache.View().Entries.Count(e => System.Runtime.InteropServices.MemoryMarshal.TryGetArray(e.Vectors.Bytes, out _));

    /// <summary>Files the index holds a record of, indexed or skipped (<see cref="Indexing.FileCounts"/>); reads every file record.</summary>
    public FileCounts FileCounts => Guarded(() => FileCounts.Of(Store.LoadFiles().Values));

    /// <summary>Why the index was cleared when it opened (another model, an old format); null when it was not.</summary>
    public string? ResetReason => Store.ResetReason;

    /// <summary>How far the codes written since training have drifted from the codec; null for an uncompressed index.</summary>
    public CodecDrift? CompressionDrift => _indexer.Compression.Drift(Store);

    /// <summary>Files whose lexical documents had fallen behind the store (a crash between the two commits) and were re-indexed from stored text at open.</summary>
    public int LexicalRepairs => Store.LexicalRepairs;

    /// <summary>Lexical documents held (one per chunk).</summary>
    public int LexicalChunks => Store.Lexical?.Count ?? 0;

    /// <summary>The codec of a compressed index; null while its vectors are half floats.</summary>
    public ResidualCodec? Codec => Store.Codec;

    /// <summary>
    /// Why the codes file had to be written anew at open (missing, of an older format, behind the store after a crash,
    /// or damaged: <see cref="IndexStore.CodesRebuilt"/>); null when it was mapped as it was.
    /// </summary>
    public string? CodesFileRebuilt => Store.CodesRebuilt;

    /// <summary>Document token vectors pooled per stored vector (1: none).</summary>
    public int PoolFactor => Store.PoolFactor;

    /// <summary>Flushes committed pages into the data file (the server does it before it closes an index).</summary>
    public void Checkpoint() => Store.Checkpoint();

    /// <summary>
    /// Changed paths (relative, '/') from saves and watcher events, as <see cref="Update"/> needs them: a file or
    /// a vanished path stays; a vanished directory also stands for every indexed file under it. Null when a
    /// directory exists among them (it appeared or was renamed in): only a full pass finds what it holds.
    /// </summary>
    public List<string>? ExpandChangedPaths(IEnumerable<string> paths)
    {
        var result = new List<string>();
        HashSet<string>? known = null;
        foreach (var path in paths)
        {
            var full = Path.Combine(Root, path);
            if (Directory.Exists(full))
            {
                return null;
            }
            result.Add(path);
            if (!File.Exists(full))
            {
                known ??= [.. Guarded(Store.LoadFiles).Keys];
                var prefix = path + "/";
                result.AddRange(known.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)));
            }
        }
        return result;
    }

    /// <summary>
    /// Deletes the index these options point at (its data, log, codes and lexical files), for a rebuild, holding its
    /// writer lock meanwhile (<see cref="WorkspaceOptions.WriterWait"/>: another process's index is never deleted
    /// under it); returns its path.
    /// </summary>
    public static string DeleteIndex(WorkspaceOptions options)
    {
        options = options with { Replacement = false };
        var files = options.IndexFiles;
        files.EnsureNotForeign();
        using (options.AcquireWriter())
        {
            files.Delete();
        }
        return files.Database;
    }

    /// <summary>
    /// Builds (or resumes building) the replacement of the workspace's index (<see cref="IndexFiles.Replacement"/>):
    /// a full pass into a new index beside it, which trains its codec on the workspace as it is now, while the index
    /// itself stays open elsewhere for searches and updates. Why: a codec is trained once and kept (codes written with
    /// it stay valid), so when it no longer fits the code written since (<see cref="CompressionDrift"/>) only a new
    /// index re-trains it. A cancelled build keeps what it wrote, and the next call goes on from there.
    /// <see cref="ReplaceIndex"/> then moves it into place.
    /// </summary>
    public static IndexRunResult BuildReplacement(WorkspaceOptions options, EmbeddingModel model, IProgress<IndexProgress>? progress,
        IReadOnlyCollection<string>? first, CancellationToken cancellationToken = default)
    {
        using var replacement = Open(options with { Replacement = true, ReadOnly = false }, model);
        return replacement.Index(progress, first, cancellationToken);
    }

    /// <summary>
    /// Moves a built replacement (<see cref="BuildReplacement"/>, complete) into the index's place, holding the
    /// index's writer lock (<see cref="WorkspaceOptions.WriterWait"/>) and keeping readers out meanwhile
    /// (<see cref="IndexReplacement"/>: a crash at any step is finished by the next writer). The index must not be
    /// open in this process. Changes made to the index since the replacement's pass are not in it: an update pass
    /// afterwards picks them up from the files.
    /// </summary>
    public static void ReplaceIndex(WorkspaceOptions options)
    {
        options = options with { Replacement = false };
        using var writer = options.AcquireWriter();
        using (writer.Writing())
        {
            IndexReplacement.MoveIn(options.IndexFiles);
        }
    }

    /// <summary>Who writes the index these options point at now (another process, or this one); null when nobody does.</summary>
    public static IndexHolder? CurrentWriter(WorkspaceOptions options) => IndexLock.CurrentWriter(options.IndexFiles);

    private int _disposed;

    /// <summary>Closes the index (and the model when this workspace loaded it); a second call does nothing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        Store.Dispose();
        if (_ownsModel)
        {
            Model.Dispose();
        }
    }
}
