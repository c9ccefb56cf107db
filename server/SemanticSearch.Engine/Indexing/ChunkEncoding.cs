using SemanticSearch.Engine.Chunking;

namespace SemanticSearch.Engine.Indexing;

/// <summary>
/// The exact text the model encodes for a chunk: a one-line header naming the file and the symbol, then the
/// chunk's text. The header lets "the email validator in the mail module" match on path and symbol names even
/// when the body does not spell them out. Model training must format documents the same way.
/// </summary>
public static class ChunkEncoding
{
    /// <summary>Tokens reserved for the header when sizing chunks; longer headers are cut from the left.</summary>
    public const int HeaderTokenBudget = 32;

    public static string Header(Chunk chunk)
    {
        var symbol = (chunk.Container, chunk.Symbol) switch
        {
            (null or "", null or "") => null,
            (null or "", var s) => s,
            (var c, null or "") => c,
            (var c, var s) => $"{c}.{s}",
        };
        return symbol is null ? chunk.Path + "\n" : $"{chunk.Path} {symbol}\n";
    }

    /// <summary>Header plus text; <paramref name="headerLength"/> is where the chunk text starts.</summary>
    public static string TextFor(Chunk chunk, ITokenCounter counter, out int headerLength)
    {
        var header = Header(chunk);
        // A pathological path must not eat into the chunk's token budget: keep its right end (file name).
        while (header.Length > 1 && counter.CountTokens(header) > HeaderTokenBudget)
        {
            header = header[(header.Length / 4)..];
        }
        headerLength = header.Length;
        return header + chunk.Text;
    }
}
