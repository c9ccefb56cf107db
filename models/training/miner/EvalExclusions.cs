using System.Text.Json;

namespace SemanticSearch.Miner;

/// <summary>
/// What must never reach training data: code of the eval corpora (by <see cref="CodeNormalizer"/> hash), eval
/// queries (case-insensitive), and packages named in EXCLUDE.txt.
/// </summary>
public sealed class EvalExclusions
{
    private static readonly string[] PackagePrefixes = ["python3-", "python-", "golang-", "librust-", "node-", "ruby-", "php-", "lib"];

    public HashSet<string> CodeHashes { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Queries { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Packages { get; } = new(StringComparer.Ordinal);

    public static EvalExclusions Empty() => new();

    /// <summary>Reads cosqa/corpus.jsonl, codesearchnet-annotations/*.jsonl, every *.jsonl "query", and EXCLUDE.txt.</summary>
    public static EvalExclusions Load(string evalsDirectory)
    {
        var result = new EvalExclusions();
        foreach (var file in Directory.EnumerateFiles(evalsDirectory, "*.jsonl", SearchOption.AllDirectories))
        {
            foreach (var line in File.ReadLines(file))
            {
                if (line.Length == 0)
                {
                    continue;
                }
                using var doc = JsonDocument.Parse(line);
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }
                if (doc.RootElement.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String)
                {
                    result.CodeHashes.Add(CodeNormalizer.Hash(code.GetString()!));
                }
                if (doc.RootElement.TryGetProperty("query", out var query) && query.ValueKind == JsonValueKind.String)
                {
                    result.Queries.Add(NormalizeQuery(query.GetString()!));
                }
            }
        }
        var exclude = Path.Combine(evalsDirectory, "EXCLUDE.txt");
        if (File.Exists(exclude))
        {
            foreach (var raw in File.ReadLines(exclude))
            {
                var name = raw.Trim();
                if (name.Length > 0 && !name.StartsWith('#'))
                {
                    result.Packages.Add(BaseName(name));
                }
            }
        }
        return result;
    }

    public static string NormalizeQuery(string query) => query.Trim().TrimEnd('.', '?', '!').Trim().ToLowerInvariant();

    /// <summary>
    /// Package name without its Debian ecosystem prefix and -dev/-js suffix, lower-cased, so "python3-flask",
    /// "flask" and "node-flask" compare equal.
    /// </summary>
    public static string BaseName(string package)
    {
        var name = package.Trim().ToLowerInvariant();
        foreach (var prefix in PackagePrefixes)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal) && name.Length > prefix.Length)
            {
                name = name[prefix.Length..];
                break;
            }
        }
        foreach (var suffix in new[] { "-dev", "-java", "-perl" })
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal))
            {
                name = name[..^suffix.Length];
            }
        }
        return name;
    }

    public bool ExcludesPackage(string package) => Packages.Contains(BaseName(package));

    public bool ExcludesCode(string codeHash) => CodeHashes.Contains(codeHash);

    public bool ExcludesQuery(string query) => Queries.Contains(NormalizeQuery(query));
}
