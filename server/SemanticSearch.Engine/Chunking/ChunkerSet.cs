namespace SemanticSearch.Engine.Chunking;

/// <summary>
/// Entry point of chunking: picks the chunker for a file's language (Roslyn for C#, text heuristics for other
/// code, headings for Markdown, line windows for the rest), then applies the token limit and makes ids unique.
/// </summary>
public sealed class ChunkerSet
{
    /// <summary>
    /// Bump when a file's chunks change for the same bytes (boundaries, names, signatures, containers): an index
    /// records the version its chunks were made with (header <c>chunker</c>), and the first full pass of a newer
    /// build re-chunks every file rather than only the edited ones; chunks that come out the same keep their vectors.
    /// 2: signatures from tokens (no preprocessor lines), split parts start at their declaration, Markdown code
    /// blocks take their section's container. 3: C# members inside disabled #if branches get chunks; a C# doc comment
    /// longer than a part is split where its XML elements begin.
    /// </summary>
    public const int Version = 3;

    private readonly ChunkingOptions _options;
    private readonly ChunkEmitter _emitter;

    public ChunkerSet(ITokenCounter tokenCounter, ChunkingOptions options)
    {
        ArgumentNullException.ThrowIfNull(tokenCounter);
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _emitter = new ChunkEmitter(tokenCounter, options);
    }

    /// <summary>
    /// Never throws on malformed source; returns at least one chunk for any file with non-whitespace text; empty
    /// list for empty/whitespace files.
    /// </summary>
    public IReadOnlyList<Chunk> ChunkFile(SourceFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (string.IsNullOrWhiteSpace(file.Text))
        {
            return [];
        }
        var lines = new LineMap(file.Text);
        List<Candidate> candidates;
        try
        {
            candidates = Structured(file, lines);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A heuristic tripping over odd input must not lose the file: windows always work.
            candidates = [];
        }
        if (candidates.Count == 0)
        {
            candidates = WindowChunker.Chunk(lines, _options);
        }

        var chunks = new List<Chunk>();
        foreach (var candidate in Deduplicate(candidates))
        {
            _emitter.Emit(file, candidate, chunks);
        }
        return chunks;
    }

    private List<Candidate> Structured(SourceFile file, LineMap lines) => file.Language switch
    {
        "csharp" => CSharpChunker.Chunk(file, lines, _options),
        "markdown" => MarkdownChunker.Chunk(file, lines),
        "python" => PythonChunker.Chunk(lines, _options),
        "ruby" => RubyChunker.Chunk(lines, _options),
        _ when BraceLanguage.For(file.Language) is { } language => BraceChunker.Chunk(lines, language, _options),
        _ => [],
    };

    /// <summary>
    /// Two candidates with the same kind, container, symbol and discriminator would get the same id (two partial
    /// parts of a class in one file, a repeated heading): the later ones get an ordinal. Last resort only, since
    /// ordinals shift when such duplicates are reordered.
    /// </summary>
    private static IEnumerable<Candidate> Deduplicate(List<Candidate> candidates)
    {
        var seen = new Dictionary<(ChunkKind, string?, string?, string?), int>();
        foreach (var candidate in candidates)
        {
            var key = (candidate.Kind, candidate.Container, candidate.Symbol, candidate.Discriminator);
            if (seen.TryGetValue(key, out var count))
            {
                seen[key] = count + 1;
                var discriminator = $"{candidate.Discriminator}#{count + 1}";
                // The new key could itself be taken; bump until free.
                while (seen.ContainsKey((candidate.Kind, candidate.Container, candidate.Symbol, discriminator)))
                {
                    count++;
                    discriminator = $"{candidate.Discriminator}#{count + 1}";
                }
                seen[(candidate.Kind, candidate.Container, candidate.Symbol, discriminator)] = 1;
                yield return candidate with { Discriminator = discriminator };
            }
            else
            {
                seen[key] = 1;
                yield return candidate;
            }
        }
    }
}
