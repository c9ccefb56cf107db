using System.Diagnostics;
using SemanticSearch.Engine.Chunking;
using SemanticSearch.Engine.Index;
using SemanticSearch.Engine.Indexing;
using SemanticSearch.Engine.Models;
using SemanticSearch.Engine.Search;

namespace SemanticSearch.Measurement.Evaluation;

/// <summary>A retrievable unit of an evaluation: a corpus record or a workspace chunk.</summary>
/// <param name="Key">Record id (corpus) or chunk id (workspace).</param>
/// <param name="Text">The text the model encoded (header + code); BM25 indexes the same text.</param>
public sealed record EvalDocument(string Key, string Path, string? Symbol, string? Container, string Language, string Text)
{
    /// <summary>The chunk's first and last line in its file (0 when unknown: a corpus record).</summary>
    public int StartLine { get; init; }

    public int EndLine { get; init; }
}

/// <summary>One of a query's top results as the JSON lists it: the document, its file, symbol and lines.</summary>
public sealed record TopHit(string Key, string Path, string? Symbol, int StartLine, int EndLine);

/// <summary>Scores the documents of an evaluation for a query.</summary>
public interface IEvalScorer
{
    string Name { get; }

    /// <summary>
    /// A score per document (same order as the document list; <see cref="float.NegativeInfinity"/> for a document
    /// the system did not return), with encode and search time. <paramref name="languages"/> is the language filter
    /// taken from the query (empty: none); a system may apply it itself, the evaluator applies it afterwards anyway.
    /// </summary>
    (float[] Scores, double EncodeMs, double SearchMs) ScoreAll(string query, IReadOnlyList<string> languages);
}

/// <summary>
/// A system of the product, scored through the product's own search path: <see cref="Searcher.Rank"/> with the
/// given <see cref="RankingOptions"/> (model only, lexical only, hybrid, ablations), over the same index and vector
/// cache that search uses. Its top <see cref="RankedCount"/> get the ranker's scores in rank order; every other
/// document is not returned (ranks beyond it are misses for every metric the report computes).
/// </summary>
public sealed class RankedScorer(string name, EmbeddingModel model, Searcher searcher, RankingOptions options, Evaluator evaluator, Func<RankCandidate, string> keyOf) : IEvalScorer
{
    /// <summary>Results taken per query: enough for Recall@20, and the same candidate pool as a 20-result search.</summary>
    public const int RankedCount = 20;

    public string Name => name;

    public (float[] Scores, double EncodeMs, double SearchMs) ScoreAll(string query, IReadOnlyList<string> languages)
    {
        var clock = Stopwatch.StartNew();
        var q = model.EncodeQuery(query);
        var encodeMs = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        var filters = new SearchFilters(languages.Count > 0 ? languages : null, LanguageFromQuery: false);
        var (ranked, _) = searcher.Rank(q, query, RankedCount, filters, options);
        var scores = new float[evaluator.Documents.Count];
        Array.Fill(scores, float.NegativeInfinity);
        foreach (var r in ranked)
        {
            if (evaluator.IndexOf(keyOf(r.Candidate)) is { } index)
            {
                scores[index] = (float)r.Score;
            }
        }
        return (scores, encodeMs, clock.Elapsed.TotalMilliseconds);
    }
}

/// <summary>The BM25 baseline over the documents' texts.</summary>
public sealed class Bm25Scorer(IReadOnlyList<EvalDocument> documents) : IEvalScorer
{
    private readonly Bm25Index _index = new(documents.Select(d => d.Text).ToList());

    public string Name => "bm25";

    public (float[] Scores, double EncodeMs, double SearchMs) ScoreAll(string query, IReadOnlyList<string> languages)
    {
        var clock = Stopwatch.StartNew();
        var scores = _index.Score(query);
        return (scores, 0, clock.Elapsed.TotalMilliseconds);
    }
}

public sealed record MetricSummary(int Queries, double Mrr10, double Ndcg10, double Recall1, double Recall5, double Recall10, double Recall20);

public sealed record LatencySummary(double MeanMs, double P50Ms, double P95Ms, double P99Ms, double MaxMs)
{
    public static LatencySummary Of(IReadOnlyList<double> values) => values.Count == 0
        ? new LatencySummary(0, 0, 0, 0, 0)
        : new LatencySummary(
            Math.Round(values.Average(), 3),
            Math.Round(RankingMetrics.Percentile(values, 50), 3),
            Math.Round(RankingMetrics.Percentile(values, 95), 3),
            Math.Round(RankingMetrics.Percentile(values, 99), 3),
            Math.Round(values.Max(), 3));
}

/// <summary>One query's outcome in one system (the per-query part of the JSON, for diffing runs).</summary>
public sealed record QueryOutcome(
    string Id,
    string Language,
    int? FirstRelevantRank,
    IReadOnlyList<int> RelevantRanks,
    int Relevant,
    int MissingGolds,
    double Rr10,
    double Ndcg10,
    double EncodeMs,
    double SearchMs,
    IReadOnlyList<string> Top)
{
    public string? Category { get; init; }

    /// <summary>The top 10 with path, symbol and line range (what <see cref="Top"/> names by key).</summary>
    public IReadOnlyList<TopHit> TopHits { get; init; } = [];
}

public sealed record SystemReport(
    string Name,
    MetricSummary Metrics,
    IReadOnlyDictionary<string, int> FirstRelevantRank,
    IReadOnlyDictionary<string, MetricSummary> ByLanguage,
    LatencySummary EncodeMs,
    LatencySummary SearchMs,
    LatencySummary TotalMs,
    IReadOnlyList<QueryOutcome> Queries)
{
    /// <summary>Metrics per query category (empty when the set has none).</summary>
    public IReadOnlyDictionary<string, MetricSummary> ByCategory { get; init; } = new Dictionary<string, MetricSummary>();
}

/// <summary>
/// Runs a query set against scored documents and aggregates <see cref="RankingMetrics"/>. Queries without any
/// relevant gold are skipped (counted in <see cref="Evaluator.SkippedQueries"/>); queries whose golds are missing
/// from the corpus are kept and score 0.
/// </summary>
public sealed class Evaluator
{
    private readonly IReadOnlyList<EvalDocument> _documents;
    private readonly Dictionary<string, int> _byKey;
    private readonly ILookup<string, int> _byPath;
    private readonly HashSet<string> _languages;

    public Evaluator(IReadOnlyList<EvalDocument> documents)
    {
        _documents = documents;
        _byKey = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < documents.Count; i++)
        {
            _byKey.TryAdd(documents[i].Key, i);
        }
        _byPath = Enumerable.Range(0, documents.Count).ToLookup(i => documents[i].Path, StringComparer.Ordinal);
        _languages = new HashSet<string>(documents.Select(d => d.Language), StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyList<EvalDocument> Documents => _documents;

    /// <summary>The position of the document with this key, or null.</summary>
    public int? IndexOf(string key) => _byKey.TryGetValue(key, out var index) ? index : null;

    /// <summary>
    /// Treat a language named in a query as a filter, as search does (<see cref="QueryLanguageHint"/>), for every
    /// system alike. On by default so eval measures what users get; off measures the raw query text.
    /// </summary>
    public bool LanguageFromQuery { get; init; } = true;

    public static IReadOnlyList<EvalQuery> Usable(IReadOnlyList<EvalQuery> queries) => queries.Where(q => q.RelevantCount > 0).ToList();

    /// <summary>Queries without a relevant gold (not evaluated).</summary>
    public static int SkippedQueries(IReadOnlyList<EvalQuery> queries) => queries.Count(q => q.RelevantCount == 0);

    /// <summary>
    /// Documents a gold matches: by id (the record id or chunk id) or by path, then symbol. A symbol matches the
    /// chunk's simple name or a dotted suffix of Container.Symbol ("Validator.IsValid"); line numbers are ignored.
    /// </summary>
    public IEnumerable<int> Matches(GoldRef gold)
    {
        if (gold.Id is not null && _byKey.TryGetValue(gold.Id, out var index))
        {
            return [index];
        }
        var (path, symbol) = (gold.Path, gold.Symbol);
        if (path is null && gold.Id is not null)
        {
            // Workspace mode accepts "path" or "path#Symbol" strings too.
            var hash = gold.Id.IndexOf('#');
            (path, symbol) = hash < 0 ? (gold.Id, null) : (gold.Id[..hash], gold.Id[(hash + 1)..]);
        }
        if (path is null)
        {
            return [];
        }
        return _byPath[path].Where(i => (symbol is null || SymbolMatches(_documents[i], symbol)) && LinesOverlap(_documents[i], gold));
    }

    /// <summary>A gold with a line span matches only chunks whose lines overlap it; one without matches any chunk.</summary>
    private static bool LinesOverlap(EvalDocument d, GoldRef gold) =>
        gold.StartLine is not { } start || d.EndLine == 0 || (d.StartLine <= (gold.EndLine ?? start) && d.EndLine >= start);

    private static bool SymbolMatches(EvalDocument d, string symbol)
    {
        if (d.Symbol == symbol)
        {
            return true;
        }
        var qualified = string.IsNullOrEmpty(d.Container) ? d.Symbol : $"{d.Container}.{d.Symbol}";
        return qualified is not null && (qualified == symbol || qualified.EndsWith("." + symbol, StringComparison.Ordinal));
    }

    public SystemReport Run(IEvalScorer scorer, IReadOnlyList<EvalQuery> queries, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        var outcomes = new List<(QueryOutcome Outcome, QueryMetrics Metrics)>();
        var goldOf = new int[_documents.Count];
        Array.Fill(goldOf, -1);
        var done = 0;
        foreach (var query in Usable(queries))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (intent, _) = QueryLanguageHint.Apply(query.Query, new SearchFilters(LanguageFromQuery: LanguageFromQuery), _languages.Contains);
            var (scores, encodeMs, searchMs) = scorer.ScoreAll(intent.Text, intent.Languages);
            if (intent.Languages.Count > 0)
            {
                for (var i = 0; i < scores.Length; i++)
                {
                    if (!intent.Languages.Contains(_documents[i].Language, StringComparer.OrdinalIgnoreCase))
                    {
                        scores[i] = float.NegativeInfinity;
                    }
                }
            }
            var touched = new List<int>();
            for (var g = 0; g < query.Golds.Count; g++)
            {
                foreach (var d in Matches(query.Golds[g]))
                {
                    if (goldOf[d] < 0)
                    {
                        goldOf[d] = g;
                        touched.Add(d);
                    }
                }
            }
            var metrics = RankingMetrics.Evaluate(scores, goldOf, query.Golds);
            var language = query.Language?.ToLowerInvariant()
                ?? (touched.Count > 0 ? _documents[touched[0]].Language : "unknown");
            foreach (var d in touched)
            {
                goldOf[d] = -1;
            }
            var top = Enumerable.Range(0, scores.Length)
                .Where(i => !float.IsNegativeInfinity(scores[i])) // not returned, or filtered out by a language named in the query
                .OrderByDescending(i => scores[i]).ThenBy(i => _documents[i].Key, StringComparer.Ordinal)
                .Take(RankingMetrics.Cutoff).Select(i => _documents[i]).ToList();
            outcomes.Add((new QueryOutcome(
                query.Id, language, metrics.FirstRelevantRank, metrics.RelevantRanks, metrics.RelevantCount, metrics.MissingGolds,
                Math.Round(metrics.ReciprocalRankAt10, 5), Math.Round(metrics.NdcgAt10, 5),
                Math.Round(encodeMs, 3), Math.Round(searchMs, 3), top.Select(d => d.Key).ToList())
            {
                Category = query.Category,
                TopHits = top.Select(d => new TopHit(d.Key, d.Path, d.Symbol, d.StartLine, d.EndLine)).ToList(),
            }, metrics));
            progress?.Report(++done);
        }

        var histogram = RankingMetrics.Buckets.ToDictionary(b => b, _ => 0);
        foreach (var (o, _) in outcomes)
        {
            histogram[RankingMetrics.Bucket(o.FirstRelevantRank)]++;
        }
        return new SystemReport(
            scorer.Name,
            Summarize(outcomes.Select(o => o.Metrics).ToList()),
            histogram,
            outcomes.GroupBy(o => o.Outcome.Language).OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => Summarize(g.Select(o => o.Metrics).ToList())),
            LatencySummary.Of(outcomes.Select(o => o.Outcome.EncodeMs).ToList()),
            LatencySummary.Of(outcomes.Select(o => o.Outcome.SearchMs).ToList()),
            LatencySummary.Of(outcomes.Select(o => o.Outcome.EncodeMs + o.Outcome.SearchMs).ToList()),
            outcomes.Select(o => o.Outcome).ToList())
        {
            ByCategory = outcomes.Where(o => o.Outcome.Category is not null).GroupBy(o => o.Outcome.Category!).OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => Summarize(g.Select(o => o.Metrics).ToList())),
        };
    }

    /// <summary>Means over queries, rounded to 5 decimals.</summary>
    public static MetricSummary Summarize(IReadOnlyList<QueryMetrics> metrics)
    {
        if (metrics.Count == 0)
        {
            return new MetricSummary(0, 0, 0, 0, 0, 0, 0);
        }
        double Mean(Func<QueryMetrics, double> f) => Math.Round(metrics.Average(f), 5);
        return new MetricSummary(
            metrics.Count,
            Mean(m => m.ReciprocalRankAt10),
            Mean(m => m.NdcgAt10),
            Mean(m => m.RecallAt(1)),
            Mean(m => m.RecallAt(5)),
            Mean(m => m.RecallAt(10)),
            Mean(m => m.RecallAt(20)));
    }

    /// <summary>Documents from an index store (workspace mode: one document per chunk, keyed by chunk id).</summary>
    /// <summary>The documents of a workspace's index, as its model sees them.</summary>
    public static List<EvalDocument> FromWorkspace(SemanticWorkspace workspace) => FromStore(workspace.Store, workspace.Model);

    public static List<EvalDocument> FromStore(IndexStore store, ITokenCounter counter) =>
        store.AllChunks()
            .OrderBy(s => s.Chunk.Path, StringComparer.Ordinal).ThenBy(s => s.Chunk.Id, StringComparer.Ordinal)
            .Select(s => new EvalDocument(s.Chunk.Id, s.Chunk.Path, s.Chunk.Symbol, s.Chunk.Container, s.Chunk.Language, ChunkEncoding.TextFor(s.Chunk, counter, out _))
            {
                StartLine = s.Chunk.Range.StartLine,
                EndLine = s.Chunk.Range.EndLine,
            })
            .ToList();

    /// <summary>
    /// Documents (corpus order, keyed by record id) of a corpus index built by <see cref="CorpusIndex"/>; every
    /// record must be in the store.
    /// </summary>
    public static List<EvalDocument> FromCorpus(IReadOnlyList<CorpusRecord> records, IndexStore store, ITokenCounter counter)
    {
        var held = store.LoadFiles();
        var documents = new List<EvalDocument>(records.Count);
        foreach (var record in records)
        {
            if (!held.ContainsKey(record.Id))
            {
                throw new InvalidOperationException($"corpus record {record.Id} is not in the index");
            }
            var chunk = CorpusIndex.ChunkOf(record);
            documents.Add(new EvalDocument(record.Id, record.Path ?? record.Id, chunk.Symbol, null, record.Language, CorpusIndex.EncodingText(record, chunk, counter, out _)));
        }
        return documents;
    }
}
