using System.Runtime.CompilerServices;
using SemanticSearch.Engine.Index;

namespace SemanticSearch.Engine.Search;

/// <summary>
/// Candidate generation for a compressed index (PLAID's first stages): for each centroid, the chunks that hold a
/// token vector assigned to it. A query vector's nearest centroids stand for the document tokens that can answer it,
/// so the chunks on those lists, scored by the centroid similarities alone (per query vector: the best probed
/// centroid the chunk holds), are a short list that contains the chunks exact MaxSim ranks high. Only that list
/// is decoded and scored exactly, which is what makes a query cost O(candidates) instead of O(index).
/// Lists are compressed-row: <c>_offsets[c]</c> .. <c>_offsets[c+1]</c> in <c>_items</c> are entry slots (stable
/// numbers the cache gives each entry it takes in). Lists are rebuilt now and then, not per commit: an entry
/// added after them (a slot at or above <see cref="Covered"/>), or held as half floats (a conversion in
/// progress), has no list and is always scored; a slot whose chunk is gone is skipped.
/// </summary>
internal sealed class CentroidLists
{
    private readonly int[] _offsets;
    private readonly int[] _items;
    private readonly ResidualCodec _codec;

    private CentroidLists(ResidualCodec codec, int[] offsets, int[] items, int covered)
    {
        _codec = codec;
        _offsets = offsets;
        _items = items;
        Covered = covered;
    }

    /// <summary>The lists hold entries of slots below this; newer entries are scored without them.</summary>
    public int Covered { get; }

    /// <summary>The codec whose centroids the lists are of.</summary>
    public ResidualCodec Codec => _codec;

    /// <summary>Lists over the coded entries given, by their <see cref="VectorCache.Entry.Slot"/>; slots below <paramref name="covered"/>.</summary>
    /// <remarks>
    /// Both loops here (and in <see cref="Candidates"/>) run over every code or every list item once per open or
    /// query: compiled fully optimized at once, as the MaxSim kernels are, because an index is opened and queried
    /// once before tiered compilation would have replaced the first, unoptimized code.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static CentroidLists Build(IReadOnlyList<VectorCache.Entry> entries, ResidualCodec codec, int covered)
    {
        var k = codec.Centroids.Count;
        var counts = new int[k + 1];
        var stamp = new int[k];
        // Two passes over the codes: count each centroid's distinct chunks, then fill.
        for (var pass = 0; pass < 2; pass++)
        {
            Array.Fill(stamp, -1);
            var items = pass == 0 ? null : new int[counts[k]];
            var next = pass == 0 ? null : (int[])counts.Clone();
            foreach (var entry in entries)
            {
                if (entry.Vectors.Format != VectorFormat.Residual)
                {
                    continue;
                }
                var codes = entry.Vectors.Bytes.Span;
                for (var t = 0; t < entry.Count; t++)
                {
                    var c = codec.CentroidOf(codes, t);
                    if (stamp[c] == entry.Slot)
                    {
                        continue;
                    }
                    stamp[c] = entry.Slot;
                    if (pass == 0)
                    {
                        counts[c]++;
                    }
                    else
                    {
                        items![next![c]++] = entry.Slot;
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
                return new CentroidLists(codec, counts, items!, covered);
            }
        }
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>
    /// At most <paramref name="count"/> candidates for a query of <paramref name="nq"/> row-major vectors, in two
    /// stages (PLAID's). Stage 1: the live entries (<paramref name="bySlot"/>; null for a slot whose chunk is gone)
    /// on the lists of each query vector's <paramref name="probes"/> nearest centroids, each scored by the sum over
    /// query vectors of the best probed centroid it holds; the best <paramref name="generated"/> go on. Stage 2
    /// (<see cref="CentroidInteraction"/>, only when <paramref name="generated"/> exceeds <paramref name="count"/>):
    /// each of those is scored by MaxSim with every one of its vectors read as its centroid, and the best
    /// <paramref name="count"/> are returned, best first. <paramref name="keep"/> applies the search's filters.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public List<VectorCache.Entry> Candidates(ReadOnlySpan<float> query, int nq, int probes, int generated, int count, VectorCache.Entry?[] bySlot,
        Func<VectorCache.Entry, bool>? keep)
    {
        var k = _codec.Centroids.Count;
        var dim = _codec.Dim;
        probes = Math.Clamp(probes, 1, k);
        generated = Math.Max(generated, count);
        var scores = new float[k];
        var best = new int[probes];
        var bestScore = new float[probes];
        // Stage 2 keeps every query vector's score against every centroid: the probes come from the same scores, so
        // the two stages never disagree about a centroid.
        var interaction = generated > count ? new CentroidInteraction(_codec, nq) : null;
        var scratch = RentScratch();
        var (approx, lastToken, touched) = (scratch.Approx, scratch.LastToken, scratch.Touched);
        for (var qi = 0; qi < nq; qi++)
        {
            _codec.Centroids.Scores(query.Slice(qi * dim, dim), scores);
            interaction?.Put(qi, scores);
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
        // Highest approximate score first; equal scores by slot, so the same query gives the same list.
        var heap = new PriorityQueue<VectorCache.Entry, (float Score, int Negated)>(generated + 1);
        foreach (var j in touched)
        {
            // The score decides first: most touched chunks cannot enter the list, and asking the filter about them
            // would read each one's entry (a cache miss per chunk, half the time of a filtered query at 1M chunks).
            var key = (approx[j], -j);
            var full = heap.Count >= generated;
            if ((full && heap.TryPeek(out _, out var worst) && key.CompareTo(worst) <= 0)
                || bySlot[j] is not { } entry || (keep is not null && !keep(entry)))
            {
                continue;
            }
            if (full)
            {
                heap.DequeueEnqueue(entry, key);
            }
            else
            {
                heap.Enqueue(entry, key);
            }
        }
        ReturnScratch(scratch);
        if (interaction is not null && heap.Count > count)
        {
            return interaction.Best([.. heap.UnorderedItems.Select(i => i.Element)], count);
        }
        var result = new List<VectorCache.Entry>(heap.Count);
        while (heap.TryDequeue(out var entry, out _))
        {
            result.Add(entry);
        }
        result.Reverse();
        return result;
    }

    /// <summary>
    /// Per-slot accumulators of one query: arrays of the index's size, which a query would otherwise allocate anew
    /// (8 MB per query at a million chunks, garbage the next keystroke's query adds to). Kept clean between uses:
    /// only the slots a query touched are reset, so taking one back costs O(candidates), not O(index).
    /// </summary>
    private sealed record Scratch(float[] Approx, int[] LastToken, List<int> Touched);

    private readonly System.Collections.Concurrent.ConcurrentBag<Scratch> _scratch = [];

    private Scratch RentScratch() => _scratch.TryTake(out var scratch) ? scratch : new Scratch(new float[Covered], new int[Covered], []);

    private void ReturnScratch(Scratch scratch)
    {
        foreach (var j in scratch.Touched)
        {
            scratch.Approx[j] = 0;
            scratch.LastToken[j] = 0;
        }
        scratch.Touched.Clear();
        _scratch.Add(scratch);
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
