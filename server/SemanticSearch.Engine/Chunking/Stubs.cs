namespace SemanticSearch.Engine.Chunking;

internal static class PythonChunker
{
    public static List<Candidate> Chunk(SourceFile file, LineMap lines, ChunkingOptions options) => [];
}

internal static class RubyChunker
{
    public static List<Candidate> Chunk(SourceFile file, LineMap lines, ChunkingOptions options) => [];
}

internal sealed class BraceLanguage
{
    public static BraceLanguage? For(string language) => null;
}

internal static class BraceChunker
{
    public static List<Candidate> Chunk(SourceFile file, LineMap lines, BraceLanguage language, ChunkingOptions options) => [];
}
