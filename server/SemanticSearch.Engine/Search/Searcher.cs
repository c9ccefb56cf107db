using System.Diagnostics;
using System.Numerics.Tensors;
using SemanticSearch.Engine.Chunking;
using SemanticSearch.Engine.Index;
using SemanticSearch.Engine.Models;

namespace SemanticSearch.Engine.Search;

/// <summary>
/// Exact late-interaction search: scores every (filtered) chunk in the <see cref="VectorCache"/> by MaxSim
/// against the encoded query, keeps the top k, then reads only those k chunks from the store to build results.
/// </summary>
public sealed class Searcher(IndexStore store, VectorCache cache)
{
    /// <summary>Lines of chunk text shown as the snippet.</summary>
    public const int SnippetLines = 8;

    /// <summary>Characters per snippet, so one minified line cannot flood a result list.</summary>
    public const int SnippetChars = 600;

    public SearchResponse Search(TokenVectors query, string queryText, int topK, SearchFilters? filters = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        if (query.Dim != cache.Dim)
        {
            throw new InvalidOperationException($"Query vectors have {query.Dim} dims but the index holds {cache.Dim}-dim vectors.");
        }
        var clock = Stopwatch.StartNew();
        var candidates = Filter(cache.Snapshot(), filters ?? SearchFilters.None);
        var top = ScoreAll(query, candidates, topK, cancellationToken);
        var results = new List<SearchResult>(top.Count);
        foreach (var (entry, score) in top)
        {
            var stored = store.GetChunk(entry.Id);
            if (stored is null)
            {
                continue; // Removed between snapshot and read: the next query will not see it either.
            }
            results.Add(new SearchResult(
                stored.Chunk,
                score / Math.Max(1, query.Count),
                MakeSnippet(stored.Chunk.Text),
                Explain(query, queryText, stored)));
        }
        return new SearchResponse(results, candidates.Length, 0, clock.Elapsed.TotalMilliseconds);
    }

    private static VectorCache.Entry[] Filter(VectorCache.Entry[] entries, SearchFilters filters)
    {
        var languages = filters.Languages is { Count: > 0 }
            ? new HashSet<string>(filters.Languages, StringComparer.OrdinalIgnoreCase)
            : null;
        var glob = string.IsNullOrWhiteSpace(filters.PathGlob) ? null : new PathGlob(filters.PathGlob);
        if (languages is null && glob is null)
        {
            return entries;
        }
        return entries.Where(e => (languages is null || languages.Contains(e.Language)) && (glob is null || glob.IsMatch(e.Path))).ToArray();
    }

    private List<(VectorCache.Entry Entry, float Score)> ScoreAll(TokenVectors query, VectorCache.Entry[] entries, int topK, CancellationToken cancellationToken)
    {
        if (entries.Length == 0)
        {
            return []; // An empty (or still empty, while indexing) index; the partitioner rejects an empty range.
        }
        var dim = cache.Dim;
        var prepared = new QueryMatrix(query.Data, query.Count, dim);
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
                    var score = prepared.Score(e.Vectors, e.Count, scratch);
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

    /// <summary>
    /// For each real query token (not a marker or [MASK]), the token in the file text that answered it. The best
    /// overall match may lie in the encoding header (path and symbol); the same word usually also occurs in the
    /// text, so the best text token is shown when it is within <see cref="ExplainTolerance"/> of the best overall.
    /// </summary>
    private static List<MatchedSpan> Explain(TokenVectors query, string queryText, StoredChunk stored)
    {
        var dim = query.Dim;
        var doc = new float[stored.VectorCount * dim];
        TensorPrimitives.ConvertToSingle(stored.Vectors, doc);
        var byDocToken = new Dictionary<int, MatchedSpan>();
        for (var qi = 0; qi < query.Count; qi++)
        {
            if (query.TokenStarts.Length == 0 || query.TokenStarts[qi] < 0)
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
            if (bestInTextIndex < 0 || bestInText < bestOverall - ExplainTolerance)
            {
                continue; // Answered by the header (path/symbol line), which has no place in the file text.
            }
            var start = stored.TokenStarts[bestInTextIndex];
            var length = stored.TokenLengths[bestInTextIndex];
            if (ChunkPositions.ToFilePosition(stored.Chunk, start) is not { } position)
            {
                continue;
            }
            var queryToken = queryText.Substring(query.TokenStarts[qi], query.TokenLengths[qi]);
            var span = new MatchedSpan(position.Line, position.Column, length, stored.Chunk.Text.Substring(start, length), queryToken, bestInText);
            if (!byDocToken.TryGetValue(bestInTextIndex, out var existing) || existing.Similarity < span.Similarity)
            {
                byDocToken[bestInTextIndex] = span;
            }
        }
        return byDocToken.Values.OrderBy(s => s.Line).ThenBy(s => s.Column).ToList();
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
