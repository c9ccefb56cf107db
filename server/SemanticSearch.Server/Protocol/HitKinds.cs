using SemanticSearch.Engine.Chunking;

namespace SemanticSearch.Server.Protocol;

/// <summary>The engine's chunk kind as the protocol's <see cref="HitKind"/>: the same member, by name.</summary>
public static class HitKinds
{
    // Indexed by the engine's value; built once, so a kind the protocol lacks fails at start-up, not on a search.
    private static readonly HitKind[] ByChunkKind = [.. Enum.GetValues<ChunkKind>().Select(kind => Enum.Parse<HitKind>(kind.ToString()))];

    public static HitKind From(ChunkKind kind) => ByChunkKind[(int)kind];
}
