using System.Security.Cryptography;
using System.Text;

namespace SemanticSearch.Engine.Common;

/// <summary>Stable, short content hashes used for chunk ids, change detection and model identity.</summary>
public static class ContentHash
{
    /// <summary>Lower-case hex SHA-256 of the UTF-8 bytes of <paramref name="text"/>, cut to <paramref name="hexChars"/>.</summary>
    public static string Of(string text, int hexChars = 16) => Of(Encoding.UTF8.GetBytes(text), hexChars);

    public static string Of(ReadOnlySpan<byte> bytes, int hexChars = 16)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(bytes, hash);
        return Convert.ToHexStringLower(hash)[..Math.Clamp(hexChars, 8, 64)];
    }

    /// <summary>Hash of a file's bytes, streamed (model weights can be large).</summary>
    public static string OfFile(string path, int hexChars = 16)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream))[..Math.Clamp(hexChars, 8, 64)];
    }
}
