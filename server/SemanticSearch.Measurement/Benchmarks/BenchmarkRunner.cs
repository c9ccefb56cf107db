using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using SemanticSearch.Engine.Index;
using SemanticSearch.Engine.Indexing;
using SemanticSearch.Engine.Models;
using SemanticSearch.Engine.Search;
using SemanticSearch.Engine.Workspace;
using SemanticSearch.Measurement.Evaluation;

namespace SemanticSearch.Measurement.Benchmarks;

/// <summary>What to measure.</summary>
/// <param name="Root">The workspace to measure. It is never modified: the benchmark works on a copy of its scanned files.</param>
/// <param name="Queries">Query texts, cycled to reach <paramref name="QueryCount"/>.</param>
/// <param name="ScaleTargets">Chunk counts for the synthetic scale mode (the index's chunks replicated in memory).</param>
public sealed record BenchmarkOptions(
    string Root,
    string ModelPath,
    EncoderOptions Encoder,
    ScanOptions Scan,
    IReadOnlyList<string> Queries,
    int QueryCount = 100,
    int WarmupQueries = 10,
    int TopK = 10,
    IReadOnlyList<int>? ScaleTargets = null,
    bool MeasureEdit = true,
    RankingWeights? Weights = null,
    VectorCompression? Compression = null);

public sealed record MachineInfo(
    int Cores,
    string Cpu,
    IReadOnlyList<string> CpuFlags,
    int VectorFloats,
    string Os,
    string Runtime,
    long TotalMemoryBytes);

public sealed record IndexingBench(
    int Files,
    int Chunks,
    long TokenVectors,
    double ColdSeconds,
    double FilesPerSecond,
    double ChunksPerSecond,
    double TokenVectorsPerSecond,
    long PeakRssBytes,
    long IndexBytes,
    long LexicalIndexBytes,
    double LexicalShareOfIndex,
    double IndexBytesPerChunk,
    double IndexBytesPerTokenVector,
    double WarmSeconds,
    double StartupOpenSeconds,
    double StartupDetectSeconds)
{
    /// <summary>Of the cold index: training the codec and converting the vectors stored before it.</summary>
    public double CompressionSeconds { get; init; }

    /// <summary>The model alone on the same machine in the same run: chunks/s encoding a sample of the index's chunk texts (the better of two runs).</summary>
    public double ModelChunksPerSecond { get; init; }

    /// <summary>Cold-index chunks/s as a share of <see cref="ModelChunksPerSecond"/> (what scan, chunking and storing cost).</summary>
    public double ShareOfModelRate { get; init; }

    /// <summary>Of <see cref="IndexBytes"/>: the memory-mapped codes file (0 for an uncompressed index).</summary>
    public long CodesFileBytes { get; init; }

    /// <summary>Bytes of the scanned (indexed) source files, and the index as a multiple of them.</summary>
    public long SourceBytes { get; init; }

    public double IndexToSourceRatio { get; init; }

    /// <summary>How the vectors are stored (half, or the codec) and the bytes one token vector takes in that form.</summary>
    public string Vectors { get; init; } = "";

    public double VectorBytesPerToken { get; init; }
}

public sealed record Percentiles(double P50Ms, double P95Ms, double P99Ms, double MeanMs, double MaxMs)
{
    public static Percentiles Of(IReadOnlyList<double> values)
    {
        var l = LatencySummary.Of(values);
        return new Percentiles(l.P50Ms, l.P95Ms, l.P99Ms, l.MeanMs, l.MaxMs);
    }
}

/// <summary>
/// Query latency of the product's search (hybrid), and of the model alone (exact MaxSim, no lexical side, no ranking
/// layer) over the same queries and index, with the ratio of their p95 totals.
/// </summary>
public sealed record QueryBench(int Queries, int Warmup, int Chunks, Percentiles EncodeMs, Percentiles SearchMs, Percentiles TotalMs,
    Percentiles ModelOnlyTotalMs, double HybridToModelOnlyP95);

/// <summary>Save-to-searchable: a Markdown file gets a new section; time until a search returns the new text.</summary>
public sealed record EditBench(string File, bool Found, int Attempts, double UpdateMs, double SearchMs, double TotalMs);

/// <summary>
/// One synthetic scale point: the chunks replicated to <see cref="Chunks"/>, search only (query encoded once), the
/// model's side alone so the two searches compare: <see cref="SearchMs"/> with candidate generation (what users
/// get on a compressed index), <see cref="ExactSearchMs"/> the full MaxSim scan, and <see cref="RecallAt10"/> the
/// share of the full scan's top 10 that candidate generation also returns. <see cref="ListsBuildMs"/>: the centroid
/// lists, built once per snapshot at its first query.
/// </summary>
public sealed record ScaleBench(
    int Chunks,
    long TokenVectors,
    long VectorBytes,
    double VectorBytesPerToken,
    long ManagedHeapBytes,
    long PeakRssBytes,
    bool Compressed,
    double ListsBuildMs,
    Percentiles SearchMs,
    Percentiles ExactSearchMs,
    double RecallAt10)
{
    /// <summary>
    /// A compressed index opened from disk, as a restarted server would: the copies written to a codes file, the
    /// in-memory ones dropped, then the file mapped, the centroid lists built and the first query encoded and
    /// answered (<see cref="OpenToFirstResultMs"/>; the model is already loaded). Null without a codec.
    /// </summary>
    public MappedOpenBench? Mapped { get; init; }

    /// <summary>
    /// The same queries with a language filter (the index's most common language): what a user typing with the
    /// sidebar's language filter set gets. <see cref="FilteredLanguage"/> names it.
    /// </summary>
    public Percentiles? FilteredSearchMs { get; init; }

    public string? FilteredLanguage { get; init; }

    /// <summary>Managed bytes allocated per query with candidate generation (all threads), a garbage-per-keystroke figure.</summary>
    public long AllocatedBytesPerQuery { get; init; }
}

/// <summary>
/// What opening a mapped codes file costs, and the process's memory then: <see cref="PrivateRssBytes"/> (anonymous
/// resident memory: the heap, the model) and <see cref="MappedRssBytes"/> (file-backed pages the OS shares and can
/// drop), from /proc/self/status (0 elsewhere). <see cref="FirstToLaterQuery"/>: the first query's time over the
/// median of the same query run ten times more.
/// </summary>
public sealed record MappedOpenBench(long CodesFileBytes, double OpenToFirstResultMs, double FirstQueryMs, double LaterQueryP50Ms, double FirstToLaterQuery,
    long PrivateRssBytes, long MappedRssBytes);

public sealed record BenchmarkReport(
    MachineInfo Machine,
    string Model,
    string ModelKey,
    int Dim,
    string ExecutionProvider,
    string Root,
    IndexingBench Indexing,
    QueryBench Query,
    EditBench? Edit,
    IReadOnlyList<ScaleBench> Scale);

/// <summary>
/// <c>semsearch bench</c>: indexing throughput, index size, startup change detection, query latency percentiles,
/// save-to-searchable latency and the synthetic scale mode. Everything runs on a temporary copy of the workspace's
/// scanned files with a temporary index, so the user's workspace and index are never touched. Numbers are printed,
/// never asserted.
/// </summary>
public static class BenchmarkRunner
{
    /// <summary>Used when no query file is given: everyday code-search questions.</summary>
    public static readonly IReadOnlyList<string> DefaultQueries =
    [
        "parse command line arguments", "read a file into a string", "retry with exponential backoff",
        "validate an email address", "compute a hash of the file contents", "least recently used cache",
        "where is the index opened", "split identifiers on camel case", "handle cancellation with ctrl-c",
        "convert a string to a date", "sort results by score", "write json output", "load the model from disk",
        "ignore files listed in gitignore", "connect to the database", "measure elapsed time",
    ];

    public static BenchmarkReport Run(BenchmarkOptions options, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        var root = Path.GetFullPath(options.Root);
        var work = Directory.CreateTempSubdirectory("semsearch-bench-").FullName;
        try
        {
            var copy = Path.Combine(work, "workspace");
            log?.Invoke($"copying the scanned files of {root}");
            var files = CopyScanned(root, copy, options.Scan, cancellationToken);
            var index = new IndexFiles(Path.Combine(work, "index", IndexLocation.FileName));
            var workspaceOptions = new WorkspaceOptions(copy, options.ModelPath, IndexLocation.AtFile(index.Database), options.Scan, options.Encoder, options.Compression);

            // Cold: a fresh index.
            log?.Invoke($"cold index of {files} files");
            IndexingBench indexing;
            QueryBench query;
            EditBench? edit = null;
            var scale = new List<ScaleBench>();
            string model, modelKey, provider;
            int dim;
            using (var workspace = SemanticWorkspace.Open(workspaceOptions))
            {
                var cold = workspace.Index(null, cancellationToken);
                cancellationToken.ThrowIfCancellationRequested();
                var peak = PeakRss();
                var tokenVectors = workspace.Store.AllChunks().Sum(c => (long)c.VectorCount);
                var lexicalBytes = index.LexicalBytes;
                var codesBytes = workspace.Store.CodesFileBytes;
                var indexBytes = index.DatabaseBytes + lexicalBytes + codesBytes;
                log?.Invoke("warm (no-change) pass");
                var warm = workspace.Index(null, cancellationToken);
                var chunks = cold.ChunksTotal;
                var coldSeconds = Math.Max(1e-9, cold.Elapsed.TotalSeconds);
                indexing = new IndexingBench(
                    cold.FilesScanned,
                    chunks,
                    tokenVectors,
                    Math.Round(cold.Elapsed.TotalSeconds, 3),
                    Math.Round(cold.FilesScanned / coldSeconds, 1),
                    Math.Round(chunks / coldSeconds, 1),
                    Math.Round(tokenVectors / coldSeconds, 1),
                    peak,
                    indexBytes,
                    lexicalBytes,
                    indexBytes == 0 ? 0 : Math.Round(lexicalBytes / (double)indexBytes, 4),
                    chunks == 0 ? 0 : Math.Round(indexBytes / (double)chunks, 1),
                    tokenVectors == 0 ? 0 : Math.Round(indexBytes / (double)tokenVectors, 1),
                    Math.Round(warm.Elapsed.TotalSeconds, 3),
                    0,
                    0);
                var modelRate = ModelRate(workspace, cancellationToken);
                var codec = workspace.Store.Codec;
                var sourceBytes = new WorkspaceScanner().Scan(copy, options.Scan, cancellationToken).Files.Sum(f => f.Size);
                indexing = indexing with
                {
                    CompressionSeconds = Math.Round(cold.CompressionTime.TotalSeconds, 3),
                    ModelChunksPerSecond = Math.Round(modelRate, 1),
                    ShareOfModelRate = modelRate <= 0 ? 0 : Math.Round(chunks / coldSeconds / modelRate, 3),
                    SourceBytes = sourceBytes,
                    CodesFileBytes = codesBytes,
                    IndexToSourceRatio = sourceBytes == 0 ? 0 : Math.Round(indexBytes / (double)sourceBytes, 2),
                    Vectors = VectorCompression.Describe(codec),
                    VectorBytesPerToken = codec?.BytesPerVector ?? 2 * workspace.Model.Dimension,
                };
                model = workspace.Model.Identity.Name;
                modelKey = workspace.Model.Identity.Key;
                provider = workspace.Model.ExecutionProvider.Name();
                dim = workspace.Model.Dimension;
            }

            // Startup: open (model + index + vector cache) and detect changes, as `search` does on every run.
            log?.Invoke("startup: open and detect changes");
            var openClock = Stopwatch.StartNew();
            using (var workspace = SemanticWorkspace.Open(workspaceOptions))
            {
                var openSeconds = openClock.Elapsed.TotalSeconds;
                var detect = workspace.Index(null, cancellationToken);
                indexing = indexing with
                {
                    StartupOpenSeconds = Math.Round(openSeconds, 3),
                    StartupDetectSeconds = Math.Round(detect.Elapsed.TotalSeconds, 3),
                };

                log?.Invoke($"{options.WarmupQueries} warm-up + {options.QueryCount} queries");
                query = MeasureQueries(workspace, options, cancellationToken);

                if (options.MeasureEdit)
                {
                    log?.Invoke("save-to-searchable");
                    edit = MeasureEdit(workspace, copy, options.TopK, cancellationToken);
                }

                foreach (var target in options.ScaleTargets ?? [])
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    log?.Invoke($"scale: {target} chunks");
                    scale.Add(MeasureScale(workspace, target, options, cancellationToken));
                }
            }

            return new BenchmarkReport(Machine(), model, modelKey, dim, provider, root, indexing, query, edit, scale);
        }
        finally
        {
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a temp folder left behind is harmless.
            }
        }
    }

    /// <summary>
    /// The model's bare encoding rate: up to 1,024 of the index's chunks (every n-th, so all kinds of files are in
    /// it) encoded again as one list, as the indexer hands them over, chunks per second.
    /// </summary>
    private static double ModelRate(SemanticWorkspace workspace, CancellationToken cancellationToken)
    {
        var chunks = workspace.Store.AllChunks().Select(c => c.Chunk).ToList();
        if (chunks.Count == 0)
        {
            return 0;
        }
        var step = Math.Max(1, chunks.Count / 1024);
        var texts = chunks.Where((_, i) => i % step == 0).Take(1024).Select(c => ChunkEncoding.TextFor(c, workspace.Model, out _)).ToList();
        // The better of two runs: one run on a shared machine varied 1.6× between benches, and the share of this
        // rate that the cold index reaches should not look better because the model's own run was slowed.
        var best = TimeSpan.MaxValue;
        for (var run = 0; run < 2; run++)
        {
            var clock = Stopwatch.StartNew();
            workspace.Model.EncodeDocuments(texts, cancellationToken);
            best = clock.Elapsed < best ? clock.Elapsed : best;
        }
        return texts.Count / Math.Max(1e-9, best.TotalSeconds);
    }

    private static int CopyScanned(string root, string target, ScanOptions scan, CancellationToken cancellationToken)
    {
        var result = new WorkspaceScanner().Scan(root, scan, cancellationToken);
        foreach (var file in result.Files)
        {
            var destination = Path.Combine(target, file.RelativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file.FullPath, destination);
        }
        Directory.CreateDirectory(target);
        return result.Files.Count;
    }

    private static QueryBench MeasureQueries(SemanticWorkspace workspace, BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var queries = options.Queries.Count > 0 ? options.Queries : DefaultQueries;
        var weights = options.Weights ?? RankingWeights.Default;
        List<(double Total, SearchResponse Response)> Run(RankingOptions ranking)
        {
            ranking = ranking with { Weights = weights };
            for (var i = 0; i < options.WarmupQueries; i++)
            {
                workspace.Search(queries[i % queries.Count], options.TopK, null, cancellationToken, ranking);
            }
            var runs = new List<(double, SearchResponse)>(options.QueryCount);
            for (var i = 0; i < options.QueryCount; i++)
            {
                var clock = Stopwatch.StartNew();
                var response = workspace.Search(queries[i % queries.Count], options.TopK, null, cancellationToken, ranking);
                runs.Add((clock.Elapsed.TotalMilliseconds, response));
            }
            return runs;
        }
        var hybrid = Run(RankingOptions.Hybrid);
        var modelOnly = Run(RankingOptions.ModelOnly);
        var total = Percentiles.Of(hybrid.Select(r => r.Total).ToList());
        var modelTotal = Percentiles.Of(modelOnly.Select(r => r.Total).ToList());
        return new QueryBench(
            options.QueryCount,
            options.WarmupQueries,
            hybrid.Count == 0 ? 0 : hybrid[^1].Response.ChunksSearched,
            Percentiles.Of(hybrid.Select(r => r.Response.EncodeMilliseconds).ToList()),
            Percentiles.Of(hybrid.Select(r => r.Response.SearchMilliseconds).ToList()),
            total,
            modelTotal,
            modelTotal.P95Ms <= 0 ? 0 : Math.Round(total.P95Ms / modelTotal.P95Ms, 3));
    }

    /// <summary>
    /// Appends a Markdown section with a unique word to a Markdown file of the copy (or creates one), then updates
    /// that file and searches for the word until a result from the file shows the new text.
    /// </summary>
    private static EditBench MeasureEdit(SemanticWorkspace workspace, string copy, int topK, CancellationToken cancellationToken)
    {
        var relative = Directory.EnumerateFiles(copy, "*.md", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(copy, f).Replace('\\', '/'))
            .Where(p => !p.StartsWith('.'))
            .OrderBy(p => p.Count(c => c == '/')).ThenBy(p => p, StringComparer.Ordinal)
            .FirstOrDefault() ?? "SEMSEARCH_BENCH.md";
        var full = Path.Combine(copy, relative);
        var marker = "zebraquokka" + Environment.TickCount64 % 100000;
        var clock = Stopwatch.StartNew();
        File.AppendAllText(full, $"\n\n## Benchmark {marker}\n\nThe {marker} paragraph was added by semsearch bench.\n");
        double updateMs = 0, searchMs = 0;
        for (var attempt = 1; attempt <= 20; attempt++)
        {
            var step = Stopwatch.StartNew();
            workspace.Update([relative], cancellationToken);
            updateMs += step.Elapsed.TotalMilliseconds;
            step.Restart();
            var response = workspace.Search(marker, topK, null, cancellationToken);
            searchMs += step.Elapsed.TotalMilliseconds;
            if (response.Results.Any(r => r.Chunk.Path == relative && r.Chunk.Text.Contains(marker, StringComparison.Ordinal)))
            {
                return new EditBench(relative, true, attempt, Math.Round(updateMs, 3), Math.Round(searchMs, 3), Math.Round(clock.Elapsed.TotalMilliseconds, 3));
            }
        }
        return new EditBench(relative, false, 20, Math.Round(updateMs, 3), Math.Round(searchMs, 3), Math.Round(clock.Elapsed.TotalMilliseconds, 3));
    }

    /// <summary>
    /// Replicates the index's chunks (vectors copied, not shared, so memory is honest) into a separate in-memory
    /// cache of <paramref name="target"/> chunks, then times the model's search over it, with candidate generation and
    /// as a full scan. Winners that are copies are not
    /// in the store, so this measures scoring and ranking; reading the k winners is in the normal query numbers.
    /// </summary>
    private static ScaleBench MeasureScale(SemanticWorkspace workspace, int target, BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var scale = MeasureScaleInMemory(workspace, target, options, cancellationToken);
        if (workspace.Store.Codec is not { } codec)
        {
            return scale;
        }
        return scale with { Mapped = MeasureMappedOpen(workspace, codec, target, options, cancellationToken) };
    }

    /// <summary>The index's chunks replicated to <paramref name="target"/>, one list per copied file (a file's chunks together).</summary>
    private static IEnumerable<List<StoredChunk>> Replicate(List<StoredChunk> originals, int target, bool copyBytes)
    {
        var files = originals.GroupBy(c => c.Chunk.Path, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.ToList()).ToList();
        var added = 0;
        for (var copyNumber = 0; added < target; copyNumber++)
        {
            foreach (var file in files)
            {
                if (added >= target)
                {
                    yield break;
                }
                var path = $"{file[0].Chunk.Path}~{copyNumber}";
                var number = copyNumber;
                var copies = file.Take(target - added).Select(source =>
                {
                    var chunk = source.Chunk with { Id = $"{source.Chunk.Id}~{number}", Path = path };
                    return source with { Chunk = chunk, Vectors = copyBytes ? source.Vectors with { Bytes = source.Vectors.Bytes.ToArray() } : source.Vectors };
                }).ToList();
                added += copies.Count;
                yield return copies;
            }
        }
    }

    private static MappedOpenBench MeasureMappedOpen(SemanticWorkspace workspace, ResidualCodec codec, int target, BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("semsearch-bench-codes-").FullName;
        try
        {
            var indexPath = Path.Combine(folder, IndexLocation.FileName);
            var originals = workspace.Store.AllChunks().ToList();
            CodesFile.Create(indexPath, codec, 0, Replicate(originals, target, copyBytes: false).SelectMany(f => f), out _).Dispose();
            originals.Clear();
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            var texts = options.Queries.Count > 0 ? options.Queries : DefaultQueries;
            var ranking = RankingOptions.Hybrid with { Weights = options.Weights ?? RankingWeights.Default };

            var clock = Stopwatch.StartNew();
            using var file = CodesFile.TryOpen(indexPath, codec, 0, out var mapped, out _) ?? throw new IOException("The benchmark's codes file did not open.");
            var cache = VectorCache.FromMapped(workspace.Model.Dimension, codec, mapped);
            var searcher = new Searcher(workspace.Store, cache);
            var step = Stopwatch.StartNew();
            searcher.Rank(workspace.Model.EncodeQuery(texts[0]), texts[0], options.TopK, null, ranking, cancellationToken);
            var firstMs = step.Elapsed.TotalMilliseconds;
            var openToFirst = clock.Elapsed.TotalMilliseconds;
            // Later: the same query again (queries differ in cost; the first against the others would compare texts).
            var later = new List<double>();
            for (var i = 1; i <= 10; i++)
            {
                step.Restart();
                searcher.Rank(workspace.Model.EncodeQuery(texts[0]), texts[0], options.TopK, null, ranking, cancellationToken);
                later.Add(step.Elapsed.TotalMilliseconds);
            }
            var laterP50 = Percentiles.Of(later).P50Ms;
            var (anonymous, mappedRss) = ResidentMemory();
            GC.KeepAlive(cache);
            return new MappedOpenBench(file.Bytes, Math.Round(openToFirst, 1), Math.Round(firstMs, 2), Math.Round(laterP50, 2),
                laterP50 <= 0 ? 0 : Math.Round(firstMs / laterP50, 2), anonymous, mappedRss);
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // Best effort, as for the workspace copy.
            }
        }
    }

    /// <summary>RssAnon and RssFile of this process (Linux /proc/self/status), bytes; zeros elsewhere.</summary>
    private static (long Anonymous, long File) ResidentMemory()
    {
        const string Status = "/proc/self/status";
        if (!File.Exists(Status))
        {
            return (0, 0);
        }
        long Field(string name) => File.ReadLines(Status).FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.Ordinal)) is { } line
            && long.TryParse(line[(name.Length + 1)..].Trim().Split(' ')[0], out var kb) ? kb * 1024 : 0;
        return (Field("RssAnon"), Field("RssFile"));
    }

    private static ScaleBench MeasureScaleInMemory(SemanticWorkspace workspace, int target, BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var originals = workspace.Store.AllChunks().ToList();
        if (originals.Count == 0)
        {
            return new ScaleBench(target, 0, 0, 0, 0, PeakRss(), false, 0, Percentiles.Of([]), Percentiles.Of([]), 0);
        }
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var cache = new VectorCache(workspace.Model.Dimension, workspace.Store.Codec);
        // Whole files per copy: the cache replaces a path's chunks on every update, so a file's copy must arrive
        // in one update (chunks of one file spread over two batches would replace each other).
        var batch = new List<FileUpdate>();
        var batchChunks = 0;
        foreach (var copies in Replicate(originals, target, copyBytes: true))
        {
            batch.Add(new FileUpdate(new FileRecord(copies[0].Chunk.Path, 0, 0, "", copies[0].Chunk.Language, [.. copies.Select(c => c.Chunk.Id)]), copies));
            batchChunks += copies.Count;
            if (batchChunks >= 4096)
            {
                cache.Apply(batch, []);
                batch.Clear();
                batchChunks = 0;
            }
        }
        cache.Apply(batch, []);
        originals.Clear();
        var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        var searcher = new Searcher(workspace.Store, cache);
        var queries = (options.Queries.Count > 0 ? options.Queries : DefaultQueries).Select(workspace.Model.EncodeQuery).ToList();
        var texts = options.Queries.Count > 0 ? options.Queries : DefaultQueries;
        // The copies went in through Apply, as commits do; what a freshly opened index does is build the lists
        // once (VectorCache.Reload), timed here the same way.
        var listsClock = Stopwatch.StartNew();
        var lists = cache.Codec is { } codec ? CentroidLists.Build(cache.View().Entries, codec, cache.View().BySlot.Length) : null;
        var listsMs = listsClock.Elapsed.TotalMilliseconds;
        cache.UseLists(lists);
        var approximate = RankingOptions.ModelOnly with { Weights = options.Weights ?? RankingWeights.Default };
        var exact = approximate with { Exact = true };
        for (var i = 0; i < Math.Min(options.WarmupQueries, 3); i++)
        {
            searcher.Rank(queries[i % queries.Count], texts[i % texts.Count], options.TopK, null, approximate, cancellationToken);
            searcher.Rank(queries[i % queries.Count], texts[i % texts.Count], options.TopK, null, exact, cancellationToken);
        }
        var times = new List<double>();
        var exactTimes = new List<double>();
        double found = 0, wanted = 0;
        var count = Math.Max(5, Math.Min(options.QueryCount, target >= 1_000_000 ? 10 : target >= 100_000 ? 20 : 50));
        for (var i = 0; i < count; i++)
        {
            var clock = Stopwatch.StartNew();
            var (fast, _) = searcher.Rank(queries[i % queries.Count], texts[i % texts.Count], 10, null, approximate, cancellationToken);
            times.Add(clock.Elapsed.TotalMilliseconds);
            clock.Restart();
            var (full, _) = searcher.Rank(queries[i % queries.Count], texts[i % texts.Count], 10, null, exact, cancellationToken);
            exactTimes.Add(clock.Elapsed.TotalMilliseconds);
            // Recall with ties: a result counts when its score reaches the full scan's 10th. Replicated chunks score
            // alike, and which copy wins a tie says nothing about candidate generation. Both paths score their
            // candidates by the same exact MaxSim, so the scores compare.
            if (full.Count > 0)
            {
                var tenth = full.Min(r => r.Candidate.Semantic) - 1e-6f;
                found += Math.Min(full.Count, fast.Count(r => r.Candidate.Semantic >= tenth));
                wanted += full.Count;
            }
        }
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < count; i++)
        {
            searcher.Rank(queries[i % queries.Count], texts[i % texts.Count], 10, null, approximate, cancellationToken);
        }
        var allocatedPerQuery = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / count;
        var language = cache.View().Entries.GroupBy(e => e.Language).MaxBy(g => g.Count())!.Key;
        var filter = new SearchFilters([language]);
        var filteredTimes = new List<double>();
        for (var i = 0; i < count; i++)
        {
            var clock = Stopwatch.StartNew();
            searcher.Rank(queries[i % queries.Count], texts[i % texts.Count], 10, filter, approximate, cancellationToken);
            filteredTimes.Add(clock.Elapsed.TotalMilliseconds);
        }
        var tokens = cache.TokenVectors;
        var result = new ScaleBench(
            cache.Count,
            tokens,
            cache.VectorBytes,
            tokens == 0 ? 0 : Math.Round(cache.VectorBytes / (double)tokens, 1),
            heapAfter - heapBefore,
            PeakRss(),
            lists is not null,
            Math.Round(listsMs, 1),
            Percentiles.Of(times),
            Percentiles.Of(exactTimes),
            wanted == 0 ? 1 : Math.Round(found / wanted, 4))
        {
            FilteredSearchMs = Percentiles.Of(filteredTimes),
            FilteredLanguage = language,
            AllocatedBytesPerQuery = allocatedPerQuery,
        };
        GC.KeepAlive(cache);
        return result;
    }

    /// <summary>Peak resident set size of this process so far (VmHWM on Linux).</summary>
    public static long PeakRss()
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.PeakWorkingSet64;
    }

    public static MachineInfo Machine()
    {
        var flags = new List<string>();
        void Add(bool supported, string name)
        {
            if (supported)
            {
                flags.Add(name);
            }
        }
        Add(Sse42.IsSupported, "sse4.2");
        Add(Avx.IsSupported, "avx");
        Add(Avx2.IsSupported, "avx2");
        Add(Fma.IsSupported, "fma");
        Add(Avx512F.IsSupported, "avx512f");
        Add(System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported, "neon");
        Add(Vector.IsHardwareAccelerated, "vector-accelerated");
        return new MachineInfo(
            Environment.ProcessorCount,
            CpuName(),
            flags,
            Vector<float>.Count,
            RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription,
            GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
    }

    private static string CpuName()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
                if (line is not null)
                {
                    return line[(line.IndexOf(':') + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
            // Fall through to the architecture name.
        }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}
