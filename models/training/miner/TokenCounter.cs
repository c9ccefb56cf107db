using System.Text.RegularExpressions;
using SemanticSearch.Engine.Chunking;

namespace SemanticSearch.Miner;

/// <summary>
/// Approximate WordPiece count without loading a model (the tokenizer files are not in the repo): one token per
/// punctuation char and number, and per ~6 letters of a word. Errs high on identifiers, so chunks are never
/// larger than the real tokenizer would allow.
/// </summary>
public sealed partial class TokenCounter : ITokenCounter
{
    /// <summary>answerai-colbert-small documents: 300 tokens minus specials and the 32-token header budget.</summary>
    public const int MaxTokens = 260;

    public int CountTokens(string text)
    {
        var count = 0;
        foreach (Match m in Piece().Matches(text))
        {
            count += char.IsLetter(m.Value[0]) ? 1 + ((m.Value.Length - 1) / 6) : 1;
        }
        return count;
    }

    [GeneratedRegex(@"[A-Za-z]+|\d+|[^\sA-Za-z\d]")]
    private static partial Regex Piece();
}
