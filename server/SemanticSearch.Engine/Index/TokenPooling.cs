using System.Numerics.Tensors;
using SemanticSearch.Engine.Models;

namespace SemanticSearch.Engine.Index;

/// <summary>
/// Token pooling of document vectors (factor 2): a chunk's vectors are paired by similarity and each pair is
/// replaced by its normalized mean, so a chunk stores about half as many vectors — half the codes on disk and in
/// memory, half the MaxSim work. Why pairs of the most similar vectors rather than neighbours: tokens that say the
/// same thing (the parts of one identifier, a repeated word) lose little when merged, so MaxSim barely moves.
/// Greedy matching: all pairs by cosine, best first, each vector in at most one pair; a vector left without a
/// partner stays as it is. A pooled vector keeps the text span of its first member that lies in the chunk text, so
/// "why it matched" still points at a real word.
/// </summary>
public static class TokenPooling
{
    /// <summary>The vectors as an index with <paramref name="poolFactor"/> (<see cref="IndexStore.PoolFactor"/>) stores them.</summary>
    public static TokenVectors ForIndex(TokenVectors vectors, int poolFactor) => poolFactor == 2 ? Pool(vectors) : vectors;

    /// <summary>The vectors of <paramref name="vectors"/> pooled by two (spans as in <see cref="TokenVectors"/>).</summary>
    public static TokenVectors Pool(TokenVectors vectors)
    {
        var n = vectors.Count;
        var dim = vectors.Dim;
        if (n < 2)
        {
            return vectors;
        }
        var pairs = new List<(float Similarity, int A, int B)>(n * (n - 1) / 2);
        for (var a = 0; a < n; a++)
        {
            for (var b = a + 1; b < n; b++)
            {
                pairs.Add((TensorPrimitives.Dot(vectors.Row(a), vectors.Row(b)), a, b));
            }
        }
        // Best first; equal similarities by position, so pooling is deterministic.
        pairs.Sort((x, y) => y.Similarity != x.Similarity ? y.Similarity.CompareTo(x.Similarity) : x.A != y.A ? x.A.CompareTo(y.A) : x.B.CompareTo(y.B));
        var partner = new int[n];
        Array.Fill(partner, -1);
        var merges = 0;
        foreach (var (_, a, b) in pairs)
        {
            if (merges == n / 2)
            {
                break;
            }
            if (partner[a] < 0 && partner[b] < 0)
            {
                partner[a] = b;
                partner[b] = a;
                merges++;
            }
        }
        var count = n - merges;
        var data = new float[count * dim];
        var hasSpans = vectors.TokenStarts.Length == n;
        var starts = hasSpans ? new int[count] : null;
        var lengths = hasSpans ? new int[count] : null;
        var at = 0;
        for (var t = 0; t < n; t++)
        {
            var other = partner[t];
            if (other >= 0 && other < t)
            {
                continue; // merged into the earlier member
            }
            var target = data.AsSpan(at * dim, dim);
            vectors.Row(t).CopyTo(target);
            var first = t;
            if (other >= 0)
            {
                TensorPrimitives.Add(target, vectors.Row(other), target);
                var norm = TensorPrimitives.Norm(target);
                if (norm > 0)
                {
                    TensorPrimitives.Divide(target, norm, target);
                }
                // The span of the first member that lies in the text (header and special tokens have none).
                if (hasSpans && vectors.TokenStarts[t] < 0 && vectors.TokenStarts[other] >= 0)
                {
                    first = other;
                }
            }
            if (hasSpans)
            {
                starts![at] = vectors.TokenStarts[first];
                lengths![at] = vectors.TokenLengths[first];
            }
            at++;
        }
        return new TokenVectors(data, count, dim, starts, lengths);
    }
}
