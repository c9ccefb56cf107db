using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace SemanticSearch.Miner;

/// <summary>
/// Language-agnostic code fingerprint for dedup and eval exclusion: block comments, triple-quoted strings
/// (docstrings), line comments and all whitespace are removed before hashing, so reformatting or a changed doc
/// comment does not hide a duplicate. Deliberately coarse; applied identically to mined and eval code.
/// </summary>
public static partial class CodeNormalizer
{
    public static string Normalize(string code)
    {
        code = code.Replace("\r\n", "\n", StringComparison.Ordinal);
        code = BlockComment().Replace(code, "");
        code = TripleQuoted().Replace(code, "");
        code = LineComment().Replace(code, "");
        return Whitespace().Replace(code, "");
    }

    public static string Hash(string code) =>
        Convert.ToHexString(SHA1.HashData(Encoding.UTF8.GetBytes(Normalize(code))), 0, 10).ToLowerInvariant();

    [GeneratedRegex(@"/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex BlockComment();

    [GeneratedRegex(@"(?:""""""|''').*?(?:""""""|''')", RegexOptions.Singleline)]
    private static partial Regex TripleQuoted();

    // "//" or "#" comments at line start or after whitespace ("#[" Rust attributes and "x#y" are kept).
    [GeneratedRegex(@"(^|\s)(//|#(?!\[))[^\n]*", RegexOptions.Multiline)]
    private static partial Regex LineComment();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
