using System.Diagnostics;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using SemanticSearch.Miner;

// Usage: SemanticSearch.Miner --out DIR (--source NAME=FOLDER | --source-root DIR)... [--exclude-evals DIR]
//        [--valid-fraction 0.02] [--valid-cap 5000] [--max-per-package 8000] [--negatives 3] [--seed 1]
var sources = new List<(string Name, string Folder)>();
string? outDir = null;
string? evals = null;
var validFraction = 0.02;
var validCap = 5000;
var maxPerPackage = 8000;
var negatives = 3;
var seed = 1;
for (var i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--out": outDir = Next(); break;
        case "--exclude-evals": evals = Next(); break;
        case "--valid-fraction": validFraction = double.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--valid-cap": validCap = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--max-per-package": maxPerPackage = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--negatives": negatives = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--seed": seed = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--source":
            var spec = Next();
            var eq = spec.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new ArgumentException($"--source expects NAME=FOLDER, got '{spec}'");
            }
            sources.Add((spec[..eq], spec[(eq + 1)..]));
            break;
        case "--source-root":
            // Every subfolder is one package (how fetch_sources.sh extracts .debs).
            foreach (var dir in Directory.GetDirectories(Next()).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(dir);
                if (!name.StartsWith('.'))
                {
                    sources.Add((name, dir));
                }
            }
            break;
        default: throw new ArgumentException($"Unknown argument '{args[i]}'");
    }
}
if (outDir is null || sources.Count == 0)
{
    Console.Error.WriteLine("usage: --out DIR (--source NAME=FOLDER | --source-root DIR)... [--exclude-evals DIR] [--valid-fraction F] [--max-per-package N]");
    return 2;
}

var clock = Stopwatch.StartNew();
var exclusions = evals is null ? EvalExclusions.Empty() : EvalExclusions.Load(evals);
Console.Error.WriteLine($"eval exclusions: {exclusions.CodeHashes.Count} code hashes, {exclusions.Queries.Count} queries, {exclusions.Packages.Count} packages");
var stats = new MinerStats();
var miner = new PackageMiner(exclusions, maxPerPackage, negatives);
var train = new List<Pair>();
var valid = new List<Pair>();
var packagesBySplit = new Dictionary<string, HashSet<string>> { ["train"] = [], ["valid"] = [] };
foreach (var (name, folder) in sources.OrderBy(s => s.Name, StringComparer.Ordinal))
{
    if (exclusions.ExcludesPackage(name))
    {
        stats.ExcludedPackages.Add(name);
        continue;
    }
    stats.PackagesScanned++;
    List<Pair> pairs;
    try
    {
        pairs = miner.Mine(name, folder, stats);
    }
    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
    {
        Console.Error.WriteLine($"{name}: {ex.Message}");
        stats.Drop("package-error");
        continue;
    }
    var isValid = PackageSplit.IsValidation(name, validFraction);
    if (isValid && valid.Count + pairs.Count > validCap)
    {
        // Cap valid; leftovers are dropped, not moved to train, so no package straddles the split.
        var room = Math.Max(0, validCap - valid.Count);
        stats.Drop("valid-cap", pairs.Count - room);
        pairs = pairs.Take(room).ToList();
    }
    (isValid ? valid : train).AddRange(pairs);
    if (pairs.Count > 0)
    {
        packagesBySplit[isValid ? "valid" : "train"].Add(name);
    }
    Console.Error.WriteLine($"[{clock.Elapsed:mm\\:ss}] {name}: {pairs.Count} pairs ({(isValid ? "valid" : "train")}), total {train.Count}/{valid.Count}");
}

Directory.CreateDirectory(outDir);
var json = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
// Shuffled with a fixed seed: files are consumable in order, and reruns are identical.
void Write(string file, List<Pair> pairs)
{
    var rng = new Random(seed);
    var shuffled = pairs.ToArray();
    rng.Shuffle(shuffled);
    using var writer = new StreamWriter(Path.Combine(outDir, file));
    foreach (var pair in shuffled)
    {
        writer.WriteLine(JsonSerializer.Serialize(pair, json));
    }
}
Write("train.jsonl", train);
Write("valid.jsonl", valid);

Dictionary<string, long> ByLanguage(List<Pair> pairs) =>
    pairs.GroupBy(p => p.Language).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (long)g.Count());
var report = new
{
    pairs = new { train = train.Count, valid = valid.Count },
    pairs_by_language = new { train = ByLanguage(train), valid = ByLanguage(valid) },
    packages = new
    {
        scanned = stats.PackagesScanned,
        with_pairs_train = packagesBySplit["train"].Count,
        with_pairs_valid = packagesBySplit["valid"].Count,
        excluded = stats.ExcludedPackages,
    },
    valid_packages = packagesBySplit["valid"].Order(StringComparer.Ordinal),
    mean_negatives = train.Count == 0 ? 0 : train.Average(p => p.Negatives.Count),
    files_by_language = stats.FilesByLanguage,
    member_chunks_by_language = stats.MemberChunksByLanguage,
    drops = stats.Drops,
    eval_exclusions = new { code_hashes = exclusions.CodeHashes.Count, queries = exclusions.Queries.Count, packages = exclusions.Packages.Order(StringComparer.Ordinal) },
    options = new { valid_fraction = validFraction, valid_cap = validCap, max_per_package = maxPerPackage, negatives, seed, max_tokens = TokenCounter.MaxTokens },
    seconds = Math.Round(clock.Elapsed.TotalSeconds),
};
File.WriteAllText(Path.Combine(outDir, "STATS.json"), JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
Console.Error.WriteLine($"done in {clock.Elapsed}: train {train.Count}, valid {valid.Count}");
return 0;
