using SemanticSearch.Engine.Index;

namespace SemanticSearch.Engine.Search;

/// <summary>
/// Candidate generation for a compressed index (PLAID's first stages): for each centroid, the chunks that hold a
/// token vector assigned to it. A query vector's nearest centroids stand for the document tokens that can answer it,
/// so the chunks on those lists, scored by the centroid similarities alone (per query vector: the best probed
/// centroid the chunk holds), are a short list that contains the chunks exact MaxSim ranks high. Only that list
/// is decoded and scored exactly, which is what makes a query cost O(candidates) instead of O(index).
/// Lists are compressed-row: <c>_offsets[c]</c> .. <c>_offsets[c+1]</c> in <c>_items</c> are entry indices of the
/// snapshot the lists were built from. Entries held as half floats (a conversion in progress) have no centroids
/// and are always candidates.
/// </summary>
internal sealed class CentroidLists
{
    private readonly int[] _offsets;
    private readonly int[] _items;
    private readonly int[] _uncoded;
    private readonly ResidualCodec _codec;
    private readonly int _entryCount;

    private CentroidLists(ResidualCodec codec, int[] offsets, int[] items, int[] uncoded, int entryCount)
    {
        _codec = codec;
        _offsets = offsets;
        _items = items;
        _uncoded = uncoded;
        _entryCount = entryCount;
    }

    /// <summary>Distinct (centroid, chunk) pairs held.</summary>
    public int Pairs => _items.Length;

    public static CentroidLists Build(VectorCache.Entry[] entries, ResidualCodec codec)
    {
        var k = codec.Centroids.Count;
        var counts = new int[k + 1];
        var stamp = new int[k];
        var uncoded = new List<int>();
        // Two passes over the codes: count each centroid's distinct chunks, then fill.
        for (var pass = 0; pass < 2; pass++)
        {
            Array.Fill(stamp, -1);
            var items = pass == 0 ? null : new int[counts[k]];
            var next = pass == 0 ? null : (int[])counts.Clone();
            for (var i = 0; i < entries.Length; i++)
            {
                var entry = entries[i];
                if (entry.Vectors.Format != VectorFormat.Residual)
                {
                    if (pass == 0)
                    {
                        uncoded.Add(i);
                    }
                    continue;
                }
                var codes = entry.Vectors.Bytes.AsSpan();
                for (var t = 0; t < entry.Count; t++)
                {
                    var c = codec.CentroidOf(codes, t);
                    if (stamp[c] == i)
                    {
                        continue;
                    }
                    stamp[c] = i;
                    if (pass == 0)
                    {
                        counts[c]++;
                    }
                    else
                    {
                        items![next![c]++] = i;
                    }
                }
            }
            if (pass == 0)
            {
                // Counts become start offsets (exclusive prefix sums); counts[k] is the total.
                var sum = 0;
                for (var c = 0; c <= k; c++)
                {
                    var n = c < k ? counts[c] : 0;
                    counts[c] = sum;
                    sum += n;
                }
            }
            else
            {
                return new CentroidLists(codec, counts, items!, [.. uncoded], entries.Length);
            }
        }
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>
    /// The indices (into the snapshot) of at most <paramref name="count"/> candidates for a query of
    /// <paramref name="nq"/> row-major vectors, best centroid score first, plus every uncoded entry.
    /// <paramref name="keep"/> applies the search's filters.
    /// </summary>
    public List<int> Candidates(ReadOnlySpan<float> query, int nq, int probes, int count, Func<int, bool>? keep)
    {
        var k = _codec.Centroids.Count;
        var dim = _codec.Dim;
        probes = Math.Clamp(probes, 1, k);
        var scores = new float[k];
        var best = new int[probes];
        var bestScore = new float[probes];
        var approx = new float[_entryCount];
        var lastToken = new int[_entryCount];
        var touched = new List<int>();
        for (var qi = 0; qi < nq; qi++)
        {
            _codec.Centroids.Scores(query.Slice(qi * dim, dim), scores);
            TopProbes(scores, best, bestScore);
            var token = qi + 1;
            // Best probe first: the first list that holds a chunk gives its score for this query vector.
            for (var p = 0; p < probes; p++)
            {
                var c = best[p];
                var s = bestScore[p];
                for (var x = _offsets[c]; x < _offsets[c + 1]; x++)
                {
                    var j = _items[x];
                    if (lastToken[j] == token)
                    {
                        continue;
                    }
                    if (lastToken[j] == 0)
                    {
                        touched.Add(j);
                    }
                    lastToken[j] = token;
                    approx[j] += s;
                }
            }
        }
        var pool = keep is null ? touched : touched.Where(keep).ToList();
        List<int> result;
        if (pool.Count <= count)
        {
            result = pool;
        }
        else
        {
            // Highest approximate score first; equal scores by entry index, so the same query gives the same list.
            var heap = new PriorityQueue<int, (float Score, int Negated)>(count + 1);
            foreach (var j in pool)
            {
                var key = (approx[j], -j);
                if (heap.Count < count)
                {
                    heap.Enqueue(j, key);
                }
                else if (heap.TryPeek(out _, out var worst) && key.CompareTo(worst) > 0)
                {
                    heap.DequeueEnqueue(j, key);
                }
            }
            result = new List<int>(count);
            while (heap.TryDequeue(out var j, out _))
            {
                result.Add(j);
            }
        }
        foreach (var j in _uncoded)
        {
            if (keep is null || keep(j))
            {
                result.Add(j);
            }
        }
        return result;
    }

    /// <summary>The <c>best.Length</c> highest scores, best first (a small insertion sort: probes are few).</summary>
    private static void TopProbes(ReadOnlySpan<float> scores, Span<int> best, Span<float> bestScore)
    {
        bestScore.Fill(float.NegativeInfinity);
        best.Fill(0);
        for (var c = 0; c < scores.Length; c++)
        {
            var s = scores[c];
            if (s <= bestScore[^1])
            {
                continue;
            }
            var at = bestScore.Length - 1;
            while (at > 0 && bestScore[at - 1] < s)
            {
                bestScore[at] = bestScore[at - 1];
                best[at] = best[at - 1];
                at--;
            }
            bestScore[at] = s;
            best[at] = c;
        }
    }
}
