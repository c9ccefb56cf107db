using System.Text.Json;
using SemanticSearch.Engine.Index;
using SemanticSearch.Engine.Indexing;
using SemanticSearch.Engine.Models;
using SemanticSearch.Engine.Search;
using SemanticSearch.Measurement.Evaluation;

namespace SemanticSearch.Cli;

/// <summary>
/// <c>semsearch eval</c>: retrieval quality of the model (and baselines measured on the same documents) over a
/// query set, against a JSONL corpus (one chunk per record) or a workspace (golds by path + symbol).
/// </summary>
internal static class EvalCommand
{
    public static readonly HashSet<string> Flags = ["--rebuild", "--no-query-language"];
    public static readonly HashSet<string> Values = ["--queries", "--corpus", "--root", "--baseline", "--systems", "--weights", "--limit", "--output", "--vectors"];

    public const string TieRule =
        "pessimistic: among equal scores, non-relevant documents rank before golds (golds by ascending grade), so a gold gets the worst rank of its tie group";

    public static int Run(CliArguments a, CancellationToken cancellationToken)
    {
        a.ExpectPositionals(0);
        var queryFiles = a.Values("--queries");
        if (queryFiles.Count == 0)
        {
            throw new UsageException("eval needs --queries FILE (JSONL).");
        }
        var corpora = a.Values("--corpus");
        var roots = a.Values("--root");
        if ((corpora.Count == 0) == (roots.Count == 0))
        {
            throw new UsageException("eval needs exactly one of --corpus FILE (JSONL) or --root DIR (a workspace).");
        }
        var targets = corpora.Count > 0 ? corpora : roots;
        if (targets.Count != queryFiles.Count)
        {
            throw new UsageException(
                $"Several query sets pair up in order with as many --{(corpora.Count > 0 ? "corpus" : "root")} values (got {queryFiles.Count} --queries and {targets.Count}).");
        }
        var baselines = a.Values("--baseline").SelectMany(b => b.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct().ToList();
        if (baselines.FirstOrDefault(b => b != "bm25") is { } unknown)
        {
            throw new UsageException($"Unknown baseline '{unknown}' (supported: bm25).");
        }
        // The first system is the one compared with each of the others (paired bootstrap).
        var systems = a.Values("--systems").SelectMany(b => b.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (systems.Count == 0)
        {
            systems = ["model", .. baselines];
        }
        else if (baselines.Count > 0)
        {
            throw new UsageException("Give either --systems or --baseline, not both (--systems model,bm25 does what --baseline bm25 does).");
        }
        if (systems.FirstOrDefault(n => n != "bm25" && !RankingOptions.Named.ContainsKey(n)) is { } unknownSystem)
        {
            throw new UsageException($"Unknown system '{unknownSystem}' (supported: bm25, {string.Join(", ", RankingOptions.Named.Keys)}).");
        }
        // A tuning sweep: the named ranking constants changed for every ranked system of this run.
        var weights = CommandLine.WeightsFrom(a);
        var limit = a.IntValue("--limit", int.MaxValue, 1, int.MaxValue);
        var json = a.Flag("--json");
        var quiet = a.Flag("--quiet");
        var output = a.Value("--output");
        if (queryFiles.Count > 1 && a.Value("--index") is not null)
        {
            throw new UsageException("--index names one index; with several query sets each set uses its own default index.");
        }

        var sets = new List<(object Report, List<SystemReport> Systems)>();
        for (var i = 0; i < queryFiles.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            sets.Add(RunSet(a, queryFiles[i], corpora.Count > 0 ? corpora[i] : null, roots.Count > 0 ? roots[i] : null, systems, weights, limit, json, quiet, cancellationToken));
        }
        object result = sets[0].Report;
        if (sets.Count > 1)
        {
            // The mean over the sets (each set weighs the same, as the Semble benchmark averages its repositories).
            var mean = sets[0].Systems.Select((system, s) => new
            {
                name = system.Name,
                sets = sets.Count,
                mrr10 = Math.Round(sets.Average(x => x.Systems[s].Metrics.Mrr10), 5),
                ndcg10 = Math.Round(sets.Average(x => x.Systems[s].Metrics.Ndcg10), 5),
                recall10 = Math.Round(sets.Average(x => x.Systems[s].Metrics.Recall10), 5),
                queries = sets.Sum(x => x.Systems[s].Metrics.Queries),
            }).ToList();
            result = new { sets = sets.Select(x => x.Report), mean };
            if (!json)
            {
                var o = Console.Out;
                var width = Math.Max(19, mean.Max(m => m.name.Length));
                o.WriteLine($"Mean over {sets.Count} query sets (each set weighs the same)");
                o.WriteLine($"{"system".PadRight(width)}  MRR@10  nDCG@10   R@10  queries");
                foreach (var m in mean)
                {
                    o.WriteLine($"{m.name.PadRight(width)}  {m.mrr10,6:0.0000}  {m.ndcg10,7:0.0000}  {m.recall10,5:0.000}  {m.queries,7}");
                }
            }
        }
        var text = JsonSerializer.Serialize(result, CommandLine.Json);
        if (output is not null)
        {
            File.WriteAllText(Path.GetFullPath(output), text + "\n");
        }
        if (json)
        {
            Console.Out.WriteLine(text);
        }
        return CommandLine.Ok;
    }

    /// <summary>One query set against its corpus or workspace: every system, the report object and the system reports.</summary>
    private static (object Report, List<SystemReport> Systems) RunSet(
        CliArguments a, string queriesFile, string? corpusFile, string? rootArg, List<string> systems, RankingWeights weights, int limit, bool silent,
        bool quiet, CancellationToken cancellationToken)
    {
        var queries = EvalData.ReadQueries(Path.GetFullPath(queriesFile)).Take(limit).ToList();
        var (modelPath, encoder) = CommandLine.ModelOptionsFrom(a, quiet);

        IReadOnlyList<EvalDocument> documents;
        Searcher searcher;
        Func<RankCandidate, string> keyOf;
        EmbeddingModel model;
        IDisposable owner;
        string indexPath;
        object indexing;
        string? corpusPath = null;
        string? root = null;

        if (corpusFile is not null)
        {
            corpusPath = Path.GetFullPath(corpusFile);
            if (!File.Exists(corpusPath))
            {
                throw new FileNotFoundException($"Corpus file not found: {corpusPath}");
            }
            var records = EvalData.ReadCorpus(corpusPath);
            model = EmbeddingModel.Open(modelPath, encoder);
            var compression = CommandLine.CompressionFrom(a);
            indexPath = a.Value("--index") is { } explicitIndex ? Path.GetFullPath(explicitIndex) : CorpusIndex.DefaultPath(corpusPath, model.Identity, compression);
            if (a.Flag("--rebuild"))
            {
                IndexStore.Delete(indexPath);
            }
            IndexStore store;
            try
            {
                store = IndexStore.Open(indexPath, model.Identity, model.Dimension, Path.GetDirectoryName(corpusPath)!, compression.PoolFactor);
            }
            catch
            {
                model.Dispose();
                throw;
            }
            owner = new Owner(store, model);
            try
            {
                var hadContent = store.Info.FileCount > 0;
                var corpusRoot = Path.GetFullPath(Path.GetDirectoryName(corpusPath)!);
                if (hadContent && !string.Equals(Path.GetFullPath(store.Info.Root), corpusRoot, StringComparison.Ordinal))
                {
                    // Never turn a workspace index (or another corpus's) into this corpus's: that would delete its files.
                    throw new ArgumentException($"The index at {indexPath} belongs to {store.Info.Root}, not to the corpus folder {corpusRoot}; choose another --index.");
                }
                if (store.ResetReason is { } reason && !quiet)
                {
                    Console.Error.WriteLine($"semsearch: rebuilding the corpus index: {reason}.");
                }
                CommandLine.CheckVectors(a, store.IndexPath, store.PoolFactor, store.Codec);
                var built = CorpusIndex.Build(store, model, records, quiet ? null : new CorpusProgressPrinter(), cancellationToken, compression);
                if (hadContent && (built.Encoded > 0 || built.Removed > 0) && !quiet)
                {
                    Console.Error.WriteLine($"semsearch: the index was stale ({built.Encoded} records changed or missing, {built.Removed} removed); reindexed before evaluating.");
                }
                indexing = new
                {
                    records = built.Records,
                    encoded = built.Encoded,
                    reused = built.Reused,
                    removed = built.Removed,
                    elapsedSeconds = Math.Round(built.Elapsed.TotalSeconds, 3),
                    vectors = VectorCompression.Describe(store.Codec),
                };
                documents = Evaluator.FromCorpus(records, store, model);
                searcher = new Searcher(store, VectorCache.Load(store, model.Dimension));
                keyOf = c => c.Path; // a corpus record is a one-chunk file named by its id
            }
            catch
            {
                owner.Dispose();
                throw;
            }
        }
        else
        {
            root = Path.GetFullPath(rootArg!);
            if (!Directory.Exists(root))
            {
                throw new DirectoryNotFoundException($"Workspace folder not found: {root}");
            }
            var workspace = SemanticWorkspace.Open(CommandLine.WorkspaceOptionsFrom(a, root, quiet));
            owner = workspace;
            try
            {
                CommandLine.CheckVectors(a, workspace.IndexPath, workspace.PoolFactor, workspace.Codec);
                var hadContent = workspace.FileCounts.Checked > 0;
                // Evaluating a stale index would measure the wrong code: bring it up to date first.
                var update = workspace.Index(quiet ? null : new ProgressPrinter(), cancellationToken);
                if (update.Cancelled)
                {
                    throw new OperationCanceledException();
                }
                var changed = update.FilesAdded + update.FilesChanged + update.FilesDeleted;
                if (hadContent && changed > 0 && !quiet)
                {
                    Console.Error.WriteLine($"semsearch: the index was stale ({changed} files changed); reindexed before evaluating.");
                }
                indexing = new
                {
                    filesChanged = changed,
                    chunksEncoded = update.ChunksEncoded,
                    chunksTotal = update.ChunksTotal,
                    elapsedSeconds = Math.Round(update.Elapsed.TotalSeconds, 3),
                    vectors = VectorCompression.Describe(workspace.Codec),
                };
                model = workspace.Model;
                indexPath = workspace.IndexPath;
                documents = Evaluator.FromWorkspace(workspace);
                searcher = workspace.Searcher;
                keyOf = c => c.Id;
            }
            catch
            {
                owner.Dispose();
                throw;
            }
        }

        using (owner)
        {
            var evaluator = new Evaluator(documents) { LanguageFromQuery = !a.Flag("--no-query-language") };
            var scorers = systems.Select(name => name == "bm25"
                ? (IEvalScorer)new Bm25Scorer(documents)
                // "model" keeps the model's own name in the report, as before the ranker existed.
                : new RankedScorer(name == "model" ? model.Identity.Name : name, model, searcher, RankingOptions.Named[name] with { Weights = weights },
                    evaluator, keyOf)).ToList();
            var usable = Evaluator.Usable(queries);
            var reports = new List<SystemReport>();
            foreach (var scorer in scorers)
            {
                IProgress<int>? progress = quiet ? null : new QueryProgressPrinter(scorer.Name, usable.Count);
                reports.Add(evaluator.Run(scorer, queries, progress, cancellationToken));
            }
            // The model against each baseline, query for query: is the difference more than the luck of the query set?
            var comparisons = reports.Skip(1).Select(b => PairedBootstrap.Compare(reports[0], b)).ToList();
            var missingGoldQueries = usable.Count(q => q.Golds.Where(g => g.IsRelevant).All(g => !evaluator.Matches(g).Any()));
            var report = new
            {
                queriesFile = Path.GetFullPath(queriesFile),
                corpus = corpusPath,
                root,
                index = indexPath,
                model = model.Identity.Name,
                modelKey = model.Identity.Key,
                executionProvider = model.ExecutionProvider.Name(),
                documents = documents.Count,
                queries = usable.Count,
                skippedQueries = Evaluator.SkippedQueries(queries),
                queriesWithoutGoldInCorpus = missingGoldQueries,
                tieRule = TieRule,
                languageFromQuery = evaluator.LanguageFromQuery,
                weights = a.Value("--weights"),
                indexing,
                systems = reports,
                comparisons,
            };
            if (!silent)
            {
                PrintSummary(corpusPath ?? root!, documents.Count, usable.Count, Evaluator.SkippedQueries(queries), missingGoldQueries, model, reports, comparisons);
                Console.Out.WriteLine(evaluator.LanguageFromQuery
                    ? "A language named in a query (\"python ...\") filtered the documents and left the scored text, for every system (--no-query-language: score the raw text)."
                    : "Queries were scored as written (--no-query-language).");
            }
            return (report, reports);
        }
    }

    private static void PrintSummary(string source, int documents, int queries, int skipped, int missing, EmbeddingModel model, List<SystemReport> reports,
        List<MrrComparison> comparisons)
    {
        var o = Console.Out;
        o.WriteLine($"Evaluated {queries} queries against {documents} documents of {TerminalText.Escape(source)} ({model.Identity.Name}, {model.ExecutionProvider.Name()})");
        if (skipped > 0 || missing > 0)
        {
            o.WriteLine($"  {skipped} queries without relevant golds skipped; {missing} queries whose golds are not in the corpus (score 0)");
        }
        var width = Math.Max(19, reports.Max(r => r.Name.Length));
        o.WriteLine();
        o.WriteLine($"{"system".PadRight(width)}  MRR@10  nDCG@10    R@1    R@5   R@10   R@20   p50 ms   p95 ms");
        foreach (var r in reports)
        {
            var m = r.Metrics;
            o.WriteLine($"{r.Name.PadRight(width)}  {m.Mrr10,6:0.0000}  {m.Ndcg10,7:0.0000}  {m.Recall1,5:0.000}  {m.Recall5,5:0.000}  " +
                $"{m.Recall10,5:0.000}  {m.Recall20,5:0.000}  {r.TotalMs.P50Ms,7:0.00}  {r.TotalMs.P95Ms,7:0.00}");
        }
        o.WriteLine();
        o.WriteLine($"{"first relevant rank".PadRight(width)}  {string.Join("  ", RankingMetrics.Buckets.Select(b => b.PadLeft(5)))}");
        foreach (var r in reports)
        {
            o.WriteLine($"{r.Name.PadRight(width)}  {string.Join("  ", RankingMetrics.Buckets.Select(b => r.FirstRelevantRank[b].ToString().PadLeft(5)))}");
        }
        if (reports[0].ByLanguage.Count > 1 || reports.Count > 1)
        {
            o.WriteLine();
            o.WriteLine("by language (MRR@10 / nDCG@10 / R@10, queries)");
            foreach (var language in reports[0].ByLanguage.Keys)
            {
                var cells = reports.Select(r => r.ByLanguage.TryGetValue(language, out var m) ? $"{r.Name}: {m.Mrr10:0.000} / {m.Ndcg10:0.000} / {m.Recall10:0.000}" : "");
                o.WriteLine($"  {TerminalText.Escape(language),-12} ({reports[0].ByLanguage[language].Queries,4})  {string.Join("   ", cells)}");
            }
        }
        if (reports[0].ByCategory.Count > 0)
        {
            o.WriteLine();
            o.WriteLine("by category (MRR@10 / nDCG@10 / R@10, queries)");
            foreach (var category in reports[0].ByCategory.Keys)
            {
                var cells = reports.Select(r => r.ByCategory.TryGetValue(category, out var m) ? $"{r.Name}: {m.Mrr10:0.000} / {m.Ndcg10:0.000} / {m.Recall10:0.000}" : "");
                o.WriteLine($"  {TerminalText.Escape(category),-12} ({reports[0].ByCategory[category].Queries,4})  {string.Join("   ", cells)}");
            }
        }
        if (comparisons.Count > 0)
        {
            o.WriteLine();
            foreach (var c in comparisons)
            {
                o.WriteLine($"{c.System} vs {c.Baseline}: MRR@10 {c.Difference:+0.000;-0.000;0.000} " +
                    $"(95% interval {c.DifferenceLow:+0.000;-0.000;0.000} to {c.DifferenceHigh:+0.000;-0.000;0.000}){RatioText(c)}; " +
                    $"paired bootstrap, {c.Queries} queries, {c.Resamples} resamples");
            }
        }
        o.WriteLine();
        foreach (var r in reports)
        {
            o.WriteLine($"latency {r.Name}: encode p50 {r.EncodeMs.P50Ms:0.00} ms, search p50 {r.SearchMs.P50Ms:0.00} ms, " +
                $"total p95 {r.TotalMs.P95Ms:0.00} ms, p99 {r.TotalMs.P99Ms:0.00} ms");
        }
    }

    private static string RatioText(MrrComparison c) => c.Ratio is not { } ratio
        ? ""
        : $", ratio {ratio:0.000} ({(c.RatioLow is { } low ? low.ToString("0.000") : "?")} to {(c.RatioHigh is { } high ? high.ToString("0.000") : "unbounded")})";

    private sealed class Owner(IndexStore store, EmbeddingModel model) : IDisposable
    {
        public void Dispose()
        {
            store.Dispose();
            model.Dispose();
        }
    }

    private sealed class CorpusProgressPrinter : IProgress<CorpusProgress>
    {
        private readonly ProgressLine _line = new();

        public void Report(CorpusProgress value) =>
            _line.Show($"indexing corpus: {value.Done}/{value.Total} records ({value.Encoded} encoded)", value.Done == value.Total);
    }

    private sealed class QueryProgressPrinter(string name, int total) : IProgress<int>
    {
        private DateTime _last = DateTime.UtcNow;

        public void Report(int value)
        {
            if (value != total && DateTime.UtcNow - _last < TimeSpan.FromSeconds(2))
            {
                return;
            }
            _last = DateTime.UtcNow;
            Console.Error.WriteLine($"evaluating {name}: {value}/{total} queries");
        }
    }
}
