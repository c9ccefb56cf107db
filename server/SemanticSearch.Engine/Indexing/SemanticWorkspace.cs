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
/// <param name="IndexPath">Explicit index file; null means the default location (see <see cref="IndexLocations"/>).</param>
/// <param name="UseUserCache">Put the index in the user's cache folder instead of the workspace.</param>
public sealed record WorkspaceOptions(
    string Root,
    string ModelPath,
    string? IndexPath = null,
    bool UseUserCache = false,
    ScanOptions? Scan = null,
    EncoderOptions? Encoder = null,
    VectorCompression? Compression = null);

/// <summary>One workspace's share of a search across workspaces (<see cref="SemanticWorkspace.Candidates"/>).</summary>
public sealed record WorkspaceCandidates(TokenVectors Query, List<RankCandidate> Candidates, int ChunksSearched, double EncodeMilliseconds, double SearchMilliseconds);

/// <summary>Where index files live: the one home of the rule for the CLI, the server and eval.</summary>
public static class IndexLocations
{
    /// <summary>The folder inside a workspace that holds its index (the scanner never descends into it).</summary>
    public const string WorkspaceFolderName = WorkspaceScanner.IndexDirectoryName;

    public const string FileName = "index.db";

    /// <summary>The user's cache folder for indexes: <c>$XDG_CACHE_HOME</c>, else <c>~/.cache</c> (LocalAppData on Windows), then <c>semantic-search</c>.</summary>
    public static string CacheFolder
    {
        get
        {
            var cacheHome = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            if (string.IsNullOrEmpty(cacheHome))
            {
                cacheHome = OperatingSystem.IsWindows()
                    ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)
                    : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            }
            return Path.Combine(cacheHome, "semantic-search");
        }
    }

    /// <summary>
    /// A workspace's index inside a shared folder (the user cache, or a folder of the user's choosing): one
    /// sub-folder per workspace, named after it plus a hash of its full path, so two checkouts never share an index.
    /// </summary>
    public static string InFolder(string folder, string root)
    {
        var fullRoot = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        return Path.Combine(Path.GetFullPath(folder), $"{Path.GetFileName(fullRoot)}-{ContentHash.Of(fullRoot, 12)}", FileName);
    }

    public static string Resolve(string root, string? explicitPath, bool useUserCache)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return Path.GetFullPath(explicitPath);
        }
        return useUserCache ? InFolder(CacheFolder, root) : Path.Combine(Path.GetFullPath(root), WorkspaceFolderName, FileName);
    }
}

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

    private SemanticWorkspace(string root, string indexPath, EmbeddingModel model, IndexStore store, ScanOptions scan, VectorCompression? compression, bool ownsModel)
    {
        _ownsModel = ownsModel;
        Root = root;
        IndexPath = indexPath;
        Model = model;
        Store = store;
        _cache = VectorCache.Load(store, model.Dimension);
        _indexer = new WorkspaceIndexer(root, model, store, _cache, scan, compression);
        _searcher = new Searcher(store, _cache);
    }

    public string Root { get; }
    public string IndexPath { get; }
    public EmbeddingModel Model { get; }
    public IndexStore Store { get; }

    /// <summary>The search path over this workspace's index (what <see cref="Search"/> runs, and <c>semsearch eval</c> scores).</summary>
    public Searcher Searcher => _searcher;

    /// <summary>Opens the workspace: loads the model, opens (or creates, or resets) the index, loads vectors.</summary>
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
        var indexPath = IndexLocations.Resolve(root, options.IndexPath, options.UseUserCache);
        var scan = WithIndexExcluded(options.Scan ?? ScanOptions.Default, root, indexPath);
        var store = IndexStore.Open(indexPath, model.Identity, model.Dimension, root, (options.Compression ?? VectorCompression.Default).PoolFactor);
        return new SemanticWorkspace(root, indexPath, model, store, scan, options.Compression, ownsModel);
    }

    /// <summary>An index file placed inside the workspace must never index itself (nor its LiteDB log, nor its lexical folder).</summary>
    private static ScanOptions WithIndexExcluded(ScanOptions scan, string root, string indexPath)
    {
        var relative = Path.GetRelativePath(root, indexPath).Replace('\\', '/');
        if (relative.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(relative))
        {
            return scan;
        }
        var log = relative[..^Path.GetExtension(relative).Length] + "-log" + Path.GetExtension(relative);
        var lexical = Path.GetRelativePath(root, LexicalIndex.FolderFor(indexPath)).Replace('\\', '/');
        var codes = Path.GetRelativePath(root, CodesFile.PathFor(indexPath)).Replace('\\', '/');
        return scan with { Excludes = [.. scan.Excludes, "/" + relative, "/" + log, "/" + lexical + "/", "/" + codes, "/" + codes + ".tmp"] };
    }

    public IndexRunResult Index(IProgress<IndexProgress>? progress = null, CancellationToken cancellationToken = default) =>
        _indexer.Run(progress, cancellationToken);

    /// <summary>A full pass that takes <paramref name="first"/> (relative paths, e.g. the files open in an editor) before the others.</summary>
    public IndexRunResult Index(IProgress<IndexProgress>? progress, IReadOnlyCollection<string>? first, CancellationToken cancellationToken = default) =>
        _indexer.Run(progress, first, cancellationToken);

    public IndexRunResult Update(IEnumerable<string> relativePaths, CancellationToken cancellationToken = default) =>
        _indexer.Update(relativePaths, cancellationToken);

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
        var response = _searcher.Search(encoded, intent.Text, topK, filters, ranking ?? RankingOptions.Hybrid, cancellationToken);
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
        var (candidates, searched) = _searcher.Candidates(encoded, text, topK, filters, RankingOptions.Hybrid, cancellationToken);
        return new WorkspaceCandidates(encoded, candidates, searched, encodeMs, clock.Elapsed.TotalMilliseconds);
    }

    /// <summary>The results (read from this workspace's store) of its chunks among a ranking made across workspaces.</summary>
    public List<SearchResult> Results(IReadOnlyList<RankedChunk> ranked, TokenVectors query, string text) => _searcher.Results(ranked, query, text);

    /// <summary>Whether the index holds chunks of this language id.</summary>
    public bool HoldsLanguage(string language) => _cache.HasLanguage(language);

    /// <summary>Chunks held in memory for search, and their vector bytes.</summary>
    public (int Chunks, long VectorBytes) CacheSize => (_cache.Count, _cache.VectorBytes);

    /// <summary>Files the index holds.</summary>
    public int FilesIndexed => Store.Info.FileCount;

    /// <summary>Why the index was cleared when it opened (another model, an old format); null when it was not.</summary>
    public string? ResetReason => Store.ResetReason;

    /// <summary>How far the codes written since training have drifted from the codec; null for an uncompressed index.</summary>
    public CodecDrift? CompressionDrift => VectorCompression.Drift(Store);

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
                known ??= [.. Store.LoadFiles().Keys];
                var prefix = path + "/";
                result.AddRange(known.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)));
            }
        }
        return result;
    }

    /// <summary>Deletes the index these options point at (its data, log, codes and lexical files), for a rebuild; returns its path.</summary>
    public static string DeleteIndex(WorkspaceOptions options)
    {
        var path = IndexLocations.Resolve(options.Root, options.IndexPath, options.UseUserCache);
        IndexStore.Delete(path);
        return path;
    }

    public void Dispose()
    {
        Store.Dispose();
        if (_ownsModel)
        {
            Model.Dispose();
        }
    }
}
