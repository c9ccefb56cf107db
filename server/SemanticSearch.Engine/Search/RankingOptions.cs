namespace SemanticSearch.Engine.Search;

/// <summary>
/// Which retrievers and ranking signals a search uses, and with which <see cref="Weights"/>. Every signal has its
/// own switch so <c>semsearch eval --systems</c> can measure what each one is worth; the product runs
/// <see cref="Hybrid"/>.
/// </summary>
public sealed record RankingOptions(
    bool Semantic = true,
    bool Lexical = true,
    bool AdaptiveWeights = true,
    bool DefinitionBoost = true,
    bool PathMatch = true,
    bool FileCoherence = true,
    bool Diversity = true,
    bool NonSourcePenalty = true)
{
    /// <summary>The constants of the ranker and the lexical query (the product's: <see cref="RankingWeights.Default"/>).</summary>
    public RankingWeights Weights { get; init; } = RankingWeights.Default;

    /// <summary>
    /// Score every chunk by MaxSim (the full scan) instead of the compressed index's candidate generation
    /// (<see cref="CentroidLists"/>): the reference the benchmark measures recall against (<c>--exact</c>).
    /// An index without a codec is always scanned in full.
    /// </summary>
    public bool Exact { get; init; }

    /// <summary>Everything on: what users get.</summary>
    public static RankingOptions Hybrid { get; } = new();

    /// <summary>The model alone (MaxSim; on a compressed index of the generated candidates unless <see cref="Exact"/>), no ranking layer.</summary>
    public static RankingOptions ModelOnly { get; } = new(Lexical: false, AdaptiveWeights: false, DefinitionBoost: false, PathMatch: false, FileCoherence: false,
        Diversity: false, NonSourcePenalty: false);

    /// <summary>The fielded lexical index alone, no ranking layer.</summary>
    public static RankingOptions LexicalOnly { get; } = ModelOnly with { Semantic = false, Lexical = true };

    /// <summary>The named systems of <c>semsearch eval --systems</c>: the three above and hybrid with one signal off.</summary>
    public static IReadOnlyDictionary<string, RankingOptions> Named { get; } = new Dictionary<string, RankingOptions>(StringComparer.OrdinalIgnoreCase)
    {
        ["model"] = ModelOnly,
        ["lexical"] = LexicalOnly,
        ["hybrid"] = Hybrid,
        ["fusion"] = ModelOnly with { Lexical = true },
        ["hybrid-no-adaptive"] = Hybrid with { AdaptiveWeights = false },
        ["hybrid-no-definition"] = Hybrid with { DefinitionBoost = false },
        ["hybrid-no-path"] = Hybrid with { PathMatch = false },
        ["hybrid-no-coherence"] = Hybrid with { FileCoherence = false },
        ["hybrid-no-diversity"] = Hybrid with { Diversity = false },
        ["hybrid-no-penalty"] = Hybrid with { NonSourcePenalty = false },
    };
}
