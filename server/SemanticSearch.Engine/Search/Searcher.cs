using System.Diagnostics;
using System.Numerics.Tensors;
using SemanticSearch.Engine.Chunking;
using SemanticSearch.Engine.Index;
using SemanticSearch.Engine.Models;

namespace SemanticSearch.Engine.Search;

/// <summary>
/// Hybrid search over one index: the semantic side scores every (filtered) chunk in the <see cref="VectorCache"/>
/// by exact MaxSim against the encoded query, the lexical side asks the <see cref="LexicalIndex"/> (fielded BM25);
/// the union of both sides' best candidates goes through <see cref="HybridRanker"/>, and only the chunks that make
/// the final top k are read from the store to build results.
/// </summary>
public sealed class Searcher(IndexStore store, VectorCache cache)
{
    /// <summary>Lines of chunk text shown as the snippet.</summary>
    public const int SnippetLines = 8;

    /// <summary>Characters per snippet, so one minified line cannot flood a result list.</summary>
    public const int SnippetChars = 600;

    public SearchResponse Search(TokenVectors query, string queryText, int topK, SearchFilters? filters = null, CancellationToken cancellationToken = default) =>
        Search(query, queryText, topK, filters, RankingOptions.Hybrid, cancellationToken);

    public SearchResponse Search(TokenVectors query, string queryText, int topK, SearchFilters? filters, RankingOptions options, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var (ranked, searched) = Rank(query, queryText, topK, filters, options, cancellationToken);
        return new SearchResponse(Results(ranked, query, queryText), searched, 0, clock.Elapsed.TotalMilliseconds);
    }

    /// <summary>Reads the ranked chunks from the store and builds results (snippet, "why it matched").</summary>
    public List<SearchResult> Results(IReadOnlyList<RankedChunk> ranked, TokenVectors query, string queryText)
    {
        var results = new List<SearchResult>(ranked.Count);
        foreach (var r in ranked)
        {
            var stored = store.GetChunk(r.Candidate.Id);
            if (stored is null)
            {
                continue; // Removed between snapshot and read: the next query will not see it either.
            }
            results.Add(new SearchResult(
                stored.Chunk,
                (float)r.Score,
                MakeSnippet(stored.Chunk.Text),
                Explain(query, queryText, stored))
            {
                SemanticScore = r.Candidate.Semantic,
                LexicalScore = r.Candidate.Lexical,
            });
        }
        return results;
    }

    /// <summary>
    /// The ranked top <paramref name="count"/> without reading the store: what <see cref="Search"/> shows, and what
    /// <c>semsearch eval</c> scores (so eval measures the product's own path). Also returns the chunks searched.
    /// </summary>
    public (List<RankedChunk> Ranked, int ChunksSearched) Rank(TokenVectors query, string queryText, int count, SearchFilters? filters, RankingOptions options,
        CancellationToken cancellationToken = default)
    {
        var (candidates, searched) = Candidates(query, queryText, count, filters, options, cancellationToken);
        return (HybridRanker.Rank(candidates, QueryAnalysis.Of(queryText), options, count), searched);
    }

    /// <summary>
    /// What both retrievers propose for a result list of <paramref name="count"/>: the semantic and the lexical top
    /// N, united, each with both scores (for <see cref="HybridRanker"/>, alone or across folders). Also returns the
    /// chunks searched.
    /// </summary>
    public (List<RankCandidate> Candidates, int ChunksSearched) Candidates(TokenVectors query, string queryText, int count, SearchFilters? filters,
        RankingOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (query.Dim != cache.Dim)
        {
            throw new InvalidOperationException($"Query vectors have {query.Dim} dims but the index holds {cache.Dim}-dim vectors.");
        }
        filters ??= SearchFilters.None;
        var view = cache.View();
        var byId = view.ById;
        // One predicate per query (its globs are compiled regexes), null when nothing is filtered.
        var keep = filters.Languages is { Count: > 0 } || filters.FiltersPaths ? Keeps(filters) : null;
        var entries = keep is null ? view.Entries : view.Filtered(FilterKey(filters), keep);
        var pool = Math.Max(options.Weights.CandidatesPerRetriever, count * 5);
        var prepared = new QueryMatrix(query.Data, query.Count, cache.Dim);
        var perToken = 1f / Math.Max(1, query.Count);

        var candidates = new Dictionary<string, (VectorCache.Entry Entry, float Semantic, float Lexical)>(StringComparer.Ordinal);
        if (options.Semantic)
        {
            var scored = entries;
            var exactCandidates = Math.Max(options.Weights.ExactCandidates, pool);
            if (!options.Exact && entries.Length > exactCandidates && view.Lists is { } lists)
            {
                // A filter that keeps everything need not be asked.
                var listedKeep = entries.Length == view.Entries.Length ? null : keep;
                var listed = lists.Candidates(query.Data, query.Count, options.Weights.CentroidProbes, options.Weights.CentroidCandidates, exactCandidates,
                    view.BySlot, listedKeep);
                scored = [.. listed, .. listedKeep is null ? view.Unlisted : view.Unlisted.Where(listedKeep)];
            }
            foreach (var (entry, score) in ScoreAll(prepared, scored, pool, cancellationToken))
            {
                candidates[entry.Id] = (entry, score * perToken, 0);
            }
        }
        if (options.Lexical && store.Lexical is { } lexical)
        {
            // Path filters (glob, excluded globs, tests) are applied after Lucene: ask for more so the pool survives them.
            var hits = lexical.Search(queryText, filters.FiltersPaths ? pool * 4 : pool, filters.Languages, options.Weights);
            var taken = 0;
            float[]? scratch = null;
            foreach (var hit in hits)
            {
                if (taken >= pool || !byId.TryGetValue(hit.ChunkId, out var entry) || (keep is not null && !keep(entry)))
                {
                    continue;
                }
                taken++;
                candidates[entry.Id] = candidates.TryGetValue(entry.Id, out var known)
                    ? known with { Lexical = hit.Score }
                    : (entry, options.Semantic ? SemanticOf(prepared, entry, ref scratch) * perToken : 0, hit.Score);
            }
        }
        return (candidates.Values.Select(c => new RankCandidate(c.Entry.Id, c.Entry.Path, c.Entry.Symbol, c.Entry.Container, c.Entry.Kind, c.Semantic, c.Lexical))
            .ToList(), entries.Length);
    }

    /// <summary>Exact MaxSim of one chunk (a lexical-only candidate), reusing one decoding buffer per query.</summary>
    private float SemanticOf(QueryMatrix prepared, VectorCache.Entry entry, ref float[]? scratch)
    {
        var needed = entry.Count * prepared.Dim;
        if (scratch is null || scratch.Length < needed)
        {
            scratch = new float[needed];
        }
        return MaxSimOf(prepared, entry, scratch);
    }

    /// <summary>MaxSim of one chunk: its vectors decoded into <paramref name="scratch"/> (≥ Count × Dim), then scored.</summary>
    private float MaxSimOf(QueryMatrix prepared, VectorCache.Entry entry, float[] scratch)
    {
        cache.Decode(entry, scratch);
        return prepared.Score(scratch.AsSpan(0, entry.Count * prepared.Dim), entry.Count);
    }

    private static Func<VectorCache.Entry, bool> Keeps(SearchFilters filters)
    {
        var languages = filters.Languages is { Count: > 0 }
            ? new HashSet<string>(filters.Languages, StringComparer.OrdinalIgnoreCase)
            : null;
        var glob = string.IsNullOrWhiteSpace(filters.PathGlob) ? null : new PathGlob(filters.PathGlob);
        var excluded = ExcludedGlobs(filters).Select(g => new PathGlob(g)).ToArray();
        var noTests = filters.ExcludeTests;
        return e => (languages is null || languages.Contains(e.Language))
            && (glob is null || glob.IsMatch(e.Path))
            && (excluded.Length == 0 || !excluded.Any(g => g.IsMatch(e.Path)))
            // The ranker's test penalty reads the same classification: one rule for what a test is.
            && (!noTests || PathRoles.Of(e.Path) != PathRole.Test);
    }

    private static IEnumerable<string> ExcludedGlobs(SearchFilters filters) =>
        (filters.ExcludeGlobs ?? []).Where(g => !string.IsNullOrWhiteSpace(g));

    /// <summary>
    /// A text that names the filter exactly, for the view's memo of filtered entries (<see cref="VectorCache.SnapshotView.Filtered"/>):
    /// every field is in it, so two filters that keep different entries never share them.
    /// </summary>
    private static string FilterKey(SearchFilters filters)
    {
        var languages = filters.Languages is { Count: > 0 } named
            ? string.Join('\n', named.Select(l => l.ToLowerInvariant()).Order(StringComparer.Ordinal))
            : "";
        var excluded = string.Join('\n', ExcludedGlobs(filters).Order(StringComparer.Ordinal));
        return string.Join('\0', languages, filters.PathGlob ?? "", excluded, filters.ExcludeTests ? "no-tests" : "");
    }

    private List<(VectorCache.Entry Entry, float Score)> ScoreAll(QueryMatrix prepared, VectorCache.Entry[] entries, int topK, CancellationToken cancellationToken)
    {
        if (entries.Length == 0)
        {
            return []; // An empty (or still empty, while indexing) index; the partitioner rejects an empty range.
        }
        var dim = cache.Dim;
        var maxRows = entries.Length == 0 ? 0 : entries.Max(e => e.Count);
        var merged = new List<(VectorCache.Entry, float)>();
        var gate = new object();
        // Each partition keeps its own top-k heap and scratch buffer; they are merged at the end.
        Parallel.ForEach(
            System.Collections.Concurrent.Partitioner.Create(0, entries.Length, Math.Max(256, entries.Length / (Environment.ProcessorCount * 4) + 1)),
            new ParallelOptions { CancellationToken = cancellationToken },
            range =>
            {
                var scratch = new float[maxRows * dim];
                var heap = new PriorityQueue<int, float>(topK + 1);
                for (var i = range.Item1; i < range.Item2; i++)
                {
                    var e = entries[i];
                    var score = MaxSimOf(prepared, e, scratch);
                    if (heap.Count < topK)
                    {
                        heap.Enqueue(i, score);
                    }
                    else if (heap.TryPeek(out _, out var worst) && score > worst)
                    {
                        heap.DequeueEnqueue(i, score);
                    }
                }
                lock (gate)
                {
                    while (heap.TryDequeue(out var index, out var score))
                    {
                        merged.Add((entries[index], score));
                    }
                }
            });
        // Ties break by path then id so that equal scores always come back in the same order.
        return merged
            .OrderByDescending(t => t.Item2)
            .ThenBy(t => t.Item1.Path, StringComparer.Ordinal)
            .ThenBy(t => t.Item1.Id, StringComparer.Ordinal)
            .Take(topK)
            .ToList();
    }

    /// <summary>How far below a query token's best similarity a token in the file text may be and still be shown.</summary>
    public const float ExplainTolerance = 0.05f;

    /// <summary>Occurrences of one lexical query term shown per result (the first ones in the chunk).</summary>
    public const int LexicalMatchesPerTerm = 3;

    /// <summary>
    /// "Why it matched", in whole words. Semantic side: for each query word that is not a stop word, the chunk token
    /// that answered its model tokens best, widened from the model's sub-word ("Re", "##try") to the word part that
    /// holds it ("Retry"); the best overall match may lie in the encoding header (path and symbol), and the best
    /// text token is shown when it is within <see cref="ExplainTolerance"/> of it. Lexical side: the chunk's words
    /// that equal one of the query's lexical terms. One span per place in the file.
    /// </summary>
    private List<MatchedSpan> Explain(TokenVectors query, string queryText, StoredChunk stored)
    {
        var text = stored.Chunk.Text;
        var byPlace = new Dictionary<(int Start, int Length), MatchedSpan>();
        var dim = query.Dim;
        var doc = new float[stored.VectorCount * dim];
        stored.Vectors.Decode(stored.VectorCount, dim, store.Codec, doc);
        for (var qi = 0; qi < query.Count; qi++)
        {
            if (query.TokenStarts.Length == 0 || query.TokenStarts[qi] < 0
                || CodeTerms.PartAt(queryText, query.TokenStarts[qi]) is not { } queryWord)
            {
                continue;
            }
            var queryToken = queryText.Substring(queryWord.Start, queryWord.Length);
            if (CodeTerms.IsStopWord(queryToken.ToLowerInvariant()))
            {
                continue;
            }
            var q = query.Row(qi);
            var bestOverall = float.NegativeInfinity;
            var bestInText = float.NegativeInfinity;
            var bestInTextIndex = -1;
            for (var di = 0; di < stored.VectorCount; di++)
            {
                var similarity = TensorPrimitives.Dot(q, doc.AsSpan(di * dim, dim));
                bestOverall = Math.Max(bestOverall, similarity);
                if (stored.TokenStarts[di] >= 0 && similarity > bestInText)
                {
                    bestInText = similarity;
                    bestInTextIndex = di;
                }
            }
            if (bestInTextIndex < 0 || bestInText < bestOverall - ExplainTolerance
                || CodeTerms.PartAt(text, stored.TokenStarts[bestInTextIndex]) is not { } word)
            {
                continue; // Answered by the header (path/symbol line), which has no place in the file text.
            }
            if (CodeTerms.IsStopWord(text.Substring(word.Start, word.Length).ToLowerInvariant()))
            {
                continue;
            }
            Add(stored.Chunk, word, queryToken, bestInText, lexical: false);
        }

        var terms = new HashSet<string>(LexicalIndex.QueryTerms(queryText).Where(t => !CodeTerms.IsStopWord(t)), StringComparer.Ordinal);
        var shown = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var term in CodeTerms.Of(text))
        {
            if (!terms.Contains(term.Text) || shown.GetValueOrDefault(term.Text) >= LexicalMatchesPerTerm)
            {
                continue;
            }
            shown[term.Text] = shown.GetValueOrDefault(term.Text) + 1;
            Add(stored.Chunk, (term.Start, term.Length), term.Text, 0, lexical: true);
        }
        return byPlace.Values.OrderBy(s => s.Line).ThenBy(s => s.Column).ToList();

        void Add(Chunk chunk, (int Start, int Length) word, string queryToken, float similarity, bool lexical)
        {
            if (ChunkPositions.ToFilePosition(chunk, word.Start) is not { } position)
            {
                return;
            }
            var span = new MatchedSpan(position.Line, position.Column, word.Length, chunk.Text.Substring(word.Start, word.Length), queryToken, similarity) { Lexical = lexical };
            if (byPlace.TryGetValue(word, out var existing))
            {
                // One span per place: the model's similarity where it has one, lexical if either side says so.
                span = (existing.Similarity >= span.Similarity ? existing : span) with { Lexical = existing.Lexical || lexical };
            }
            byPlace[word] = span;
        }
    }

    private static string MakeSnippet(string text)
    {
        var lines = text.Split('\n');
        var snippet = string.Join('\n', lines.Take(SnippetLines).Select(l => l.TrimEnd('\r'))).TrimEnd();
        return snippet.Length > SnippetChars ? snippet[..SnippetChars] + "…" : snippet;
    }
}

/// <summary>Maps character offsets in a chunk's text to 1-based file positions.</summary>
public static class ChunkPositions
{
    /// <summary>
    /// Maps an offset in the chunk text to the file. Lines that are not in the file (repeated headers, synthesized
    /// summaries; see <see cref="Chunk.TextOrigins"/>) map to null.
    /// </summary>
    public static (int Line, int Column)? ToFilePosition(Chunk chunk, int offset)
    {
        if (offset < 0 || offset > chunk.Text.Length)
        {
            return null;
        }
        var lineInText = 0;
        var lineStart = 0;
        for (var i = 0; i < offset; i++)
        {
            if (chunk.Text[i] == '\n')
            {
                lineInText++;
                lineStart = i + 1;
            }
        }
        if (chunk.TextOrigins is { } origins)
        {
            if (lineInText >= origins.Count || origins[lineInText].Line == 0)
            {
                return null;
            }
            return (origins[lineInText].Line, origins[lineInText].Column + offset - lineStart);
        }
        // Plain chunk text holds whole source lines, so a column is just the offset within its line.
        return (chunk.Range.StartLine + lineInText, offset - lineStart + 1);
    }
}
