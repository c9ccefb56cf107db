namespace SemanticSearch.Engine.Common;

/// <summary>
/// A 64-bit hash of a string that is the same in every run and on every platform (string.GetHashCode is
/// randomized per process), for deterministic samples: FNV-1a over the UTF-16 code units, then SplitMix64's
/// finalizer so that strings differing only in their last character spread over the whole range.
/// </summary>
public static class StableHash
{
    public static ulong Of(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }
        hash = (hash ^ (hash >> 30)) * 0xBF58476D1CE4E5B9UL;
        hash = (hash ^ (hash >> 27)) * 0x94D049BB133111EBUL;
        return hash ^ (hash >> 31);
    }

    /// <summary>The hash as a number in (0, 1): the top 53 bits, moved off zero.</summary>
    public static double UnitInterval(string text) => ((Of(text) >> 11) + 0.5) / (1UL << 53);
}
