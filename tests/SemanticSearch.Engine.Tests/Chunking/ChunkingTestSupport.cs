using System.Text.RegularExpressions;

using SemanticSearch.Engine.Chunking;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Engine.Tests.Chunking;

/// <summary>
/// Stand-in for the WordPiece tokenizer: a token per word and per punctuation character. Like the real one it
/// splits on whitespace first, so counts of lines add up to the count of their join.
/// </summary>
internal sealed partial class WordTokenCounter : ITokenCounter
{
    public int Calls { get; private set; }

    public int CountTokens(string text)
    {
        Calls++;
        return Token().Count(text);
    }

    [GeneratedRegex(@"[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]")]
    private static partial Regex Token();
}

internal static class Fixtures
{
    public static string Dir => Path.Combine(RepoPaths.Fixtures, "chunking");

    public static readonly Dictionary<string, string> LanguageByExtension = new()
    {
        [".cs"] = "csharp",
        [".py"] = "python",
        [".js"] = "javascript",
        [".ts"] = "typescript",
        [".go"] = "go",
        [".java"] = "java",
        [".rs"] = "rust",
        [".rb"] = "ruby",
        [".php"] = "php",
        [".md"] = "markdown",
        [".cpp"] = "cpp",
        [".kt"] = "kotlin",
    };

    public static SourceFile Load(string name)
    {
        var text = File.ReadAllText(Path.Combine(Dir, name));
        var language = LanguageByExtension.GetValueOrDefault(Path.GetExtension(name), "text");
        return new SourceFile(name, language, text);
    }

    public static IEnumerable<string> All() =>
        Directory.EnumerateFiles(Dir).Select(Path.GetFileName).Where(n => n is not null && !n.StartsWith('.')).Select(n => n!).Order();

    public static IReadOnlyList<Chunk> Chunk(string name, int maxTokens = 2000, int overlap = 3, int window = 40) =>
        new ChunkerSet(new WordTokenCounter(), new ChunkingOptions(maxTokens, overlap, window)).ChunkFile(Load(name));

    public static Chunk Single(this IEnumerable<Chunk> chunks, ChunkKind kind, string symbol, string? container = null) =>
        Assert.Single(chunks, c => c.Kind == kind && c.Symbol == symbol && (container is null || c.Container == container));

    /// <summary>1-based number of the first line of <paramref name="name"/> containing <paramref name="text"/>.</summary>
    public static int LineOf(string name, string text, int after = 0)
    {
        var lines = File.ReadAllLines(Path.Combine(Dir, name));
        var index = Array.FindIndex(lines, after, l => l.Contains(text, StringComparison.Ordinal));
        Assert.True(index >= 0, $"'{text}' not in {name}");
        return index + 1;
    }
}
