namespace SemanticSearch.Engine.Search;

/// <summary>A chunk the retrievers proposed, with what the ranker reads of it.</summary>
/// <param name="Semantic">MaxSim per query token (mean best cosine); every candidate has it.</param>
/// <param name="Lexical">Fielded BM25, 0 when the lexical side did not find it.</param>
public sealed record RankCandidate(
    string Id,
    string Path,
    string? Symbol,
    string? Container,
    Chunking.ChunkKind Kind,
    float Semantic,
    float Lexical)
{
    /// <summary>The file the chunk belongs to, for coherence and diversity: its path, unless several folders are ranked together.</summary>
    public string File { get; init; } = Path;
}

/// <summary>One ranked chunk: its final score and the parts it came from (for eval output and "why").</summary>
public sealed record RankedChunk(RankCandidate Candidate, double Score, double SemanticPart, double LexicalPart, double Boosts, double Factor);

/// <summary>
/// The one ranker: every search (CLI, language server, <c>semsearch eval</c>) orders its candidates here.
/// <para>Why a ranker and not just a sum: the two retrievers fail differently. The model finds what a sentence
/// means and misses exact names; BM25 finds names and misses paraphrase. Which to trust depends on the query
/// (an identifier leans lexical, a sentence semantic). And a result list is a list of places in files: a chunk that
/// defines the named symbol beats one that calls it, a file named after the query's words beats a passing mention,
/// a test beats nothing but loses to the implementation, and ten chunks of one file waste nine slots.</para>
/// <para>How: each side is normalised over the candidates (semantic: min–max over at least
/// <see cref="RankingWeights.SemanticSpreadMinimum"/>, lexical: divided by the best), mixed
/// with query-dependent weights, boosts are added (definition, symbol words, path, coherence), factors applied
/// (non-source files), then a greedy pass takes the best remaining chunk, demoting the later chunks of a file each
/// time one of its chunks is taken.</para>
/// </summary>
public static class HybridRanker
{
    public static List<RankedChunk> Rank(IReadOnlyList<RankCandidate> candidates, QueryAnalysis query, RankingOptions options, int topK)
    {
        if (candidates.Count == 0)
        {
            return [];
        }
        var w = options.Weights;
        var lexicalWeight = !options.Lexical ? 0
            : !options.Semantic ? 1
            : options.AdaptiveWeights
                ? w.LexicalWeightSentence + ((w.LexicalWeightIdentifier - w.LexicalWeightSentence) * query.IdentifierShare)
                : w.LexicalWeightFixed;
        var semanticWeight = options.Semantic ? 1 - lexicalWeight : 0;

        var semMax = candidates.Max(c => c.Semantic);
        var semMin = Math.Min(candidates.Min(c => c.Semantic), semMax - w.SemanticSpreadMinimum);
        var semRange = semMax - semMin;
        var lexMax = candidates.Max(c => c.Lexical);
        var identifiers = new HashSet<string>(query.Identifiers, StringComparer.OrdinalIgnoreCase);

        var scored = new List<RankedChunk>(candidates.Count);
        // Candidates share files: read each path once.
        var pathMatch = new Dictionary<string, double>(StringComparer.Ordinal);
        var pathFactor = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var c in candidates)
        {
            var semantic = semanticWeight * (semRange > 1e-9 ? (c.Semantic - semMin) / semRange : 1.0);
            var lexical = lexicalWeight * (lexMax > 0 ? c.Lexical / lexMax : 0);
            var boosts = 0.0;
            if (options.DefinitionBoost)
            {
                boosts += DefinitionBoost(c, identifiers, w);
            }
            if (options.PathMatch)
            {
                if (!pathMatch.TryGetValue(c.Path, out var share))
                {
                    pathMatch[c.Path] = share = PathMatch(c.Path, query.ContentTerms, w.PathPrefixMinimum);
                }
                boosts += w.PathMatchBoost * share;
            }
            var factor = 1.0;
            if (options.NonSourcePenalty && !pathFactor.TryGetValue(c.Path, out factor))
            {
                pathFactor[c.Path] = factor = NonSourceFactor(c.Path, query, w);
            }
            scored.Add(new RankedChunk(c, (semantic + lexical + boosts) * factor, semantic, lexical, boosts, factor));
        }

        if (options.FileCoherence)
        {
            scored = AddCoherence(scored, w);
        }
        return options.Diversity ? TakeDiverse(scored, topK, w.DiversityFactor) : Order(scored).Take(topK).ToList();
    }

    /// <summary>
    /// The chunk defines a symbol the query names as an identifier (<c>HTTPAdapter</c>, <c>Sinatra::Base</c> → Base,
    /// <c>Validator.IsValid</c>). Plain words that spell a symbol ("parse flags") get nothing: measured on CoSQA dev
    /// and CodeSearchNet, such a boost cost 0.004 and 0.016 MRR@10 (sentences name what code does, and many
    /// functions are named with the same words).
    /// </summary>
    private static double DefinitionBoost(RankCandidate c, HashSet<string> identifiers, RankingWeights w)
    {
        if (string.IsNullOrEmpty(c.Symbol))
        {
            return 0;
        }
        return identifiers.Contains(c.Symbol) || (c.Container is not null && identifiers.Contains($"{c.Container}.{c.Symbol}"))
            ? w.DefinitionBoost
            : 0;
    }

    /// <summary>Share of the query's content words (3+ letters) that match a word of the path, by a common prefix.</summary>
    public static double PathMatch(string path, IReadOnlyList<string> queryTerms, int prefixMinimum = 4)
    {
        var words = queryTerms.Where(t => t.Length >= 3).ToList();
        if (words.Count == 0)
        {
            return 0;
        }
        var pathTerms = CodeTerms.Of(path).Select(t => t.Text).Where(t => t.Length >= 3).Distinct(StringComparer.Ordinal).ToList();
        var found = words.Count(w => pathTerms.Any(p => SameWord(w, p, prefixMinimum)));
        return (double)found / words.Count;
    }

    /// <summary>Equal, or sharing a prefix of at least <paramref name="prefixMinimum"/> that covers the shorter word but 3 letters at most.</summary>
    private static bool SameWord(string a, string b, int prefixMinimum)
    {
        if (a == b)
        {
            return true;
        }
        var common = 0;
        while (common < a.Length && common < b.Length && a[common] == b[common])
        {
            common++;
        }
        return common >= prefixMinimum && Math.Min(a.Length, b.Length) - common <= 3;
    }

    private static double NonSourceFactor(string path, QueryAnalysis query, RankingWeights w) => PathRoles.Of(path) switch
    {
        PathRole.Source => 1.0,
        PathRole.Test when query.AsksForTests => 1.0,
        PathRole.Docs when query.AsksForDocs => 1.0,
        PathRole.Example when query.AsksForExamples => 1.0,
        _ => w.NonSourceFactor,
    };

    /// <summary>A file with several strong chunks is likelier the answer: its best chunk gets up to <see cref="RankingWeights.CoherenceBoost"/>.</summary>
    private static List<RankedChunk> AddCoherence(List<RankedChunk> scored, RankingWeights w)
    {
        var best = scored.Max(s => s.Score);
        if (best <= 0)
        {
            return scored;
        }
        var threshold = best * w.CoherenceThreshold;
        var strongPerFile = scored.Where(s => s.Score >= threshold).GroupBy(s => s.Candidate.File, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var bestOfFile = scored.GroupBy(s => s.Candidate.File, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Order(g).First().Candidate.Id, StringComparer.Ordinal);
        return scored.Select(s =>
        {
            if (!strongPerFile.TryGetValue(s.Candidate.File, out var strong) || strong < 2 || bestOfFile[s.Candidate.File] != s.Candidate.Id)
            {
                return s;
            }
            var bonus = w.CoherenceBoost * Math.Min(1.0, (strong - 1) / 3.0) * s.Factor;
            return s with { Score = s.Score + bonus, Boosts = s.Boosts + bonus };
        }).ToList();
    }

    /// <summary>Greedy: take the best remaining chunk; every chunk taken from a file demotes that file's next one.</summary>
    private static List<RankedChunk> TakeDiverse(List<RankedChunk> scored, int topK, double diversityFactor)
    {
        var remaining = Order(scored).ToList();
        var takenPerFile = new Dictionary<string, int>(StringComparer.Ordinal);
        var result = new List<RankedChunk>(Math.Min(topK, remaining.Count));
        while (result.Count < topK && remaining.Count > 0)
        {
            var bestIndex = 0;
            var bestScore = double.NegativeInfinity;
            for (var i = 0; i < remaining.Count; i++)
            {
                var r = remaining[i];
                var score = r.Score * Math.Pow(diversityFactor, takenPerFile.GetValueOrDefault(r.Candidate.File));
                if (score > bestScore)
                {
                    bestScore = score;
                    bestIndex = i;
                }
                if (r.Score <= bestScore)
                {
                    break; // sorted by undemoted score: nothing further can beat the best so far
                }
            }
            var taken = remaining[bestIndex];
            remaining.RemoveAt(bestIndex);
            takenPerFile[taken.Candidate.File] = takenPerFile.GetValueOrDefault(taken.Candidate.File) + 1;
            result.Add(taken with { Score = bestScore });
        }
        return result;
    }

    /// <summary>
    /// Ranks the candidates of several indexes (workspace folders) as one list. The model's MaxSim is on one scale
    /// everywhere (one model), so the semantic side is normalised over the union as usual; BM25 is not (each index
    /// has its own term statistics), so each folder's lexical scores are first divided by that folder's best.
    /// Files are told apart by folder. Returns each ranked chunk with the index of the folder it came from.
    /// </summary>
    public static List<(int Folder, RankedChunk Ranked)> RankAcross(IReadOnlyList<IReadOnlyList<RankCandidate>> folders, QueryAnalysis query, RankingOptions options, int topK)
    {
        var union = new List<RankCandidate>();
        var origin = new Dictionary<string, (int Folder, RankCandidate Original)>(StringComparer.Ordinal);
        for (var f = 0; f < folders.Count; f++)
        {
            var best = folders[f].Count == 0 ? 0 : folders[f].Max(c => c.Lexical);
            foreach (var c in folders[f])
            {
                var key = $"{f}\u0000{c.Id}";
                origin[key] = (f, c);
                union.Add(c with { Id = key, File = $"{f}\u0000{c.File}", Lexical = best > 0 ? c.Lexical / best : 0 });
            }
        }
        return Rank(union, query, options, topK)
            .Select(r => (origin[r.Candidate.Id].Folder, r with { Candidate = origin[r.Candidate.Id].Original }))
            .ToList();
    }

    /// <summary>Best first; ties by path then id, so equal scores always come back in the same order.</summary>
    private static IOrderedEnumerable<RankedChunk> Order(IEnumerable<RankedChunk> scored) => scored
        .OrderByDescending(s => s.Score)
        .ThenBy(s => s.Candidate.Path, StringComparer.Ordinal)
        .ThenBy(s => s.Candidate.Id, StringComparer.Ordinal);
}
