using System.Security.Cryptography;
using System.Text;
using SemanticSearch.Engine.Chunking;
using SemanticSearch.Engine.Indexing;
using SemanticSearch.Engine.Workspace;

namespace SemanticSearch.Miner;

/// <summary>
/// One training example, as written to train/valid JSONL. <see cref="DocumentWithDoc"/> and
/// <see cref="NegativesWithDoc"/> are the same members with their doc comments kept, as the engine indexes them:
/// the trainer mixes both forms so the model learns to read comments in indexed code without the comment
/// becoming a tell (negatives have theirs too).
/// </summary>
public sealed record Pair(string Id, string Language, string Query, string Document, IReadOnlyList<string> Negatives, string Package, string Path, string Symbol)
{
    public string DocumentWithDoc { get; init; } = Document;

    public IReadOnlyList<string> NegativesWithDoc { get; init; } = Negatives;
}

/// <summary>Counters that end up in STATS.json.</summary>
public sealed class MinerStats
{
    public SortedDictionary<string, long> Drops { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, long> FilesByLanguage { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, long> MemberChunksByLanguage { get; } = new(StringComparer.Ordinal);
    public List<string> ExcludedPackages { get; } = [];
    public int PackagesScanned { get; set; }

    public void Drop(string reason, long count = 1) => Drops[reason] = Drops.GetValueOrDefault(reason) + count;

    public static void Add(SortedDictionary<string, long> map, string key) => map[key] = map.GetValueOrDefault(key) + 1;
}

/// <summary>
/// Mines one package folder: scan (engine rules), chunk (engine chunkers), keep member-level chunks, strip doc
/// comments, extract and filter queries, dedup and exclude, then pick hard negatives within the package.
/// </summary>
public sealed class PackageMiner(EvalExclusions exclusions, int maxPerPackage, int negativeCount = 3)
{
    /// <summary>Languages the engine chunks structurally (others would only give line windows).</summary>
    public static readonly HashSet<string> CodeLanguages = new(StringComparer.Ordinal)
    {
        "python", "go", "rust", "javascript", "typescript", "java", "ruby", "php", "csharp", "c", "cpp", "kotlin", "scala", "swift",
    };

    private static readonly HashSet<ChunkKind> MemberKinds =
        [ChunkKind.Method, ChunkKind.Constructor, ChunkKind.Property, ChunkKind.Indexer, ChunkKind.Operator, ChunkKind.Function];

    // Where Debian puts importable sources; stripped so paths read like a repository ("requests/api.py").
    private static readonly string[] InstallPrefixes =
    [
        "usr/lib/python3/dist-packages/", "usr/share/gocode/src/", "usr/share/cargo/registry/", "usr/share/nodejs/",
        "usr/lib/nodejs/", "usr/share/javascript/", "usr/lib/ruby/vendor_ruby/", "usr/share/rubygems-integration/all/gems/",
        "usr/share/php/", "usr/include/",
    ];

    private readonly TokenCounter _counter = new();
    private readonly ChunkerSet _chunkers = new(new TokenCounter(), new ChunkingOptions(TokenCounter.MaxTokens));
    private readonly HashSet<string> _seenCode = new(StringComparer.Ordinal);

    public List<Pair> Mine(string package, string root, MinerStats stats)
    {
        var docs = new List<(MinedDoc Doc, string Language)>();
        var scan = new WorkspaceScanner().Scan(root, new ScanOptions([], MaxFileBytes: 400_000, UseGitIgnore: false));
        foreach (var file in scan.Files)
        {
            if (!CodeLanguages.Contains(file.Language))
            {
                continue;
            }
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(file.FullPath);
            }
            catch (IOException)
            {
                stats.Drop("file-unreadable");
                continue;
            }
            if (ContentClassifier.Classify(file.RelativePath, bytes) is { } skipped)
            {
                stats.Drop("file-" + skipped.Reason.ToString().ToLowerInvariant());
                continue;
            }
            MinerStats.Add(stats.FilesByLanguage, file.Language);
            var path = $"{package}/{RepoPath(file.RelativePath)}";
            var source = new SourceFile(path, file.Language, ContentClassifier.Decode(bytes));
            foreach (var chunk in _chunkers.ChunkFile(source))
            {
                if (ToDoc(chunk, stats) is { } doc)
                {
                    docs.Add((doc, chunk.Language));
                }
            }
        }
        return MakePairs(package, docs, stats);
    }

    /// <summary>Path inside the package with the Debian install prefix removed.</summary>
    public static string RepoPath(string relativePath)
    {
        foreach (var prefix in InstallPrefixes)
        {
            if (relativePath.StartsWith(prefix, StringComparison.Ordinal) && relativePath.Length > prefix.Length)
            {
                return relativePath[prefix.Length..];
            }
        }
        return relativePath;
    }

    /// <summary>A member chunk as a document (doc comment removed), or null when it is not pair material.</summary>
    internal MinedDoc? ToDoc(Chunk chunk, MinerStats stats)
    {
        if (!MemberKinds.Contains(chunk.Kind))
        {
            return null;
        }
        MinerStats.Add(stats.MemberChunksByLanguage, chunk.Language);
        if (chunk.Part > 0)
        {
            // Later parts of a split member are not what the doc comment describes; the first part (signature
            // and opening code) is, and is what a search for it should hit.
            stats.Drop("split-member-later-part");
            return null;
        }
        var code = DocStripper.Strip(chunk.Text, chunk.Language);
        if (!HasBody(code))
        {
            stats.Drop("short-or-signature-only");
            return null;
        }
        var text = ChunkEncoding.TextFor(chunk with { Text = code }, _counter, out _);
        var header = ChunkEncoding.Header(chunk);
        var symbol = header.Length > chunk.Path.Length + 1 ? header[(chunk.Path.Length + 1)..].TrimEnd('\n') : chunk.Symbol ?? "";
        var query = QueryExtractor.Extract(chunk.Documentation, chunk.Symbol, out var reason);
        if (query is null && reason != "no-doc")
        {
            stats.Drop("query-" + reason);
        }
        var textWithDoc = ChunkEncoding.TextFor(chunk, _counter, out _);
        return new MinedDoc(chunk.Path, symbol, text, CodeNormalizer.Hash(code), query) { Language = chunk.Language, DocumentWithDoc = textWithDoc };
    }

    /// <summary>At least 3 non-blank lines, and something besides the signature and braces/pass/....</summary>
    public static bool HasBody(string code)
    {
        var lines = code.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        if (lines.Count < 3)
        {
            return false;
        }
        return lines.Skip(1).Any(l => l is not ("{" or "}" or "};" or "end" or "pass" or "..." or ")" or "):" or "}," or "});")
            && !l.StartsWith("raise NotImplementedError", StringComparison.Ordinal)
            && !l.StartsWith("throw new NotImplementedException", StringComparison.Ordinal)
            && !l.StartsWith("unimplemented!", StringComparison.Ordinal) && !l.StartsWith("todo!", StringComparison.Ordinal));
    }

    private List<Pair> MakePairs(string package, List<(MinedDoc Doc, string Language)> docs, MinerStats stats)
    {
        // Negatives must not leak eval code either, and the pool needs each code only once.
        var pool = new List<MinedDoc>();
        var poolHashes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (doc, _) in docs)
        {
            if (!exclusions.ExcludesCode(doc.CodeHash) && poolHashes.Add(doc.CodeHash))
            {
                pool.Add(doc);
            }
        }

        var chosen = new List<(MinedDoc Doc, string Language)>();
        var queries = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (doc, language) in docs)
        {
            if (doc.Query is null)
            {
                continue;
            }
            if (exclusions.ExcludesCode(doc.CodeHash))
            {
                stats.Drop("eval-code");
                continue;
            }
            if (exclusions.ExcludesQuery(doc.Query))
            {
                stats.Drop("eval-query");
                continue;
            }
            if (!_seenCode.Add(doc.CodeHash))
            {
                stats.Drop("dup-code");
                continue;
            }
            if (!queries.Add(EvalExclusions.NormalizeQuery(doc.Query)))
            {
                stats.Drop("dup-query-in-package");
                continue;
            }
            chosen.Add((doc, language));
        }
        if (chosen.Count > maxPerPackage)
        {
            // Big packages (vendored SDKs) would otherwise dominate; keep a stable pseudo-random subset.
            stats.Drop("package-cap", chosen.Count - maxPerPackage);
            chosen = chosen.OrderBy(c => c.Doc.CodeHash, StringComparer.Ordinal).Take(maxPerPackage).ToList();
        }

        var pairs = new List<Pair>(chosen.Count);
        foreach (var (doc, language) in chosen)
        {
            var negatives = NegativeSelector.SelectDocs(doc, pool, negativeCount);
            pairs.Add(new Pair(MakeId(package, doc), language, doc.Query!, doc.Document, negatives.Select(n => n.Document).ToList(), package, doc.Path, doc.Symbol)
            {
                DocumentWithDoc = doc.DocumentWithDoc,
                NegativesWithDoc = negatives.Select(n => n.DocumentWithDoc).ToList(),
            });
        }
        return pairs;
    }

    private static string MakeId(string package, MinedDoc doc) =>
        Convert.ToHexString(SHA1.HashData(Encoding.UTF8.GetBytes($"{package}\u0001{doc.Path}\u0001{doc.Symbol}\u0001{doc.CodeHash}")), 0, 8).ToLowerInvariant();
}
