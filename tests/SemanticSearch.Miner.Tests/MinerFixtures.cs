using SemanticSearch.Engine.Chunking;
using SemanticSearch.Engine.Workspace;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Miner.Tests;

/// <summary>Chunks the files under tests/fixtures/miner with the engine's chunkers, as the miner does.</summary>
internal static class MinerFixtures
{
    public static string Root => Path.Combine(RepoPaths.Fixtures, "miner");

    public static string Evals => Path.Combine(Root, "evals");

    public static IReadOnlyList<Chunk> Chunks(string relativePath)
    {
        var text = File.ReadAllText(Path.Combine(Root, relativePath)).Replace("\r\n", "\n", StringComparison.Ordinal);
        var chunkers = new ChunkerSet(new TokenCounter(), new ChunkingOptions(TokenCounter.MaxTokens));
        return chunkers.ChunkFile(new SourceFile(relativePath, LanguageDetector.FromPath(relativePath), text));
    }

    public static Chunk Member(string relativePath, string symbol) =>
        Chunks(relativePath).Single(c => c.Symbol == symbol && c.Kind is not (ChunkKind.Type or ChunkKind.Class));
}
