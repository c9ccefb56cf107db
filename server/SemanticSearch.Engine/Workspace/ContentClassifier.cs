using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace SemanticSearch.Engine.Workspace;

/// <summary>
/// Content-level skip checks, run when a file is read for indexing (never during the scan, so unchanged files
/// cost nothing), and the byte-to-text decoding the indexer uses.
/// </summary>
public static class ContentClassifier
{
    /// <summary>How much of the file the binary sniffing looks at.</summary>
    public const int SniffBytes = 8 * 1024;

    /// <summary>Generated-code markers are only looked for in this many leading lines.</summary>
    public const int GeneratedHeaderLines = 10;

    /// <summary>Average line length (chars) above which a file is considered minified.</summary>
    public const int MinifiedAverageLineLength = 1000;

    /// <summary>A single line this long in a file with few lines is considered minified.</summary>
    public const int MinifiedLongLine = 20_000;

    private const int MinifiedFewLines = 10;

    // Control characters that legitimately occur in text files.
    private static bool IsTextControl(byte b) => b is (byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0C or 0x0B or 0x08 or 0x1B;

    /// <summary>
    /// Classifies file content: binary (NUL byte or many control characters in the first 8 KB, or bytes that are
    /// neither UTF-8 nor plausible single-byte legacy text), generated (a marker such as "&lt;auto-generated",
    /// "@generated" or "Code generated ... DO NOT EDIT" in the first lines) or minified (very long lines).
    /// Returns null when the file should be indexed.
    /// </summary>
    public static SkippedFile? Classify(string relativePath, ReadOnlySpan<byte> content)
    {
        var binary = BinaryDetail(content);
        if (binary is not null)
        {
            return new SkippedFile(relativePath, SkipReason.Binary, binary);
        }

        var text = Decode(content);
        var generated = GeneratedDetail(text);
        if (generated is not null)
        {
            return new SkippedFile(relativePath, SkipReason.Generated, generated);
        }

        var minified = MinifiedDetail(text);
        return minified is null ? null : new SkippedFile(relativePath, SkipReason.Minified, minified);
    }

    /// <summary>
    /// Decodes file bytes to text: UTF-8 (BOM stripped), UTF-16 LE/BE and UTF-32 LE with a BOM; bytes that are
    /// not valid UTF-8 are read as Latin-1 so legacy files still index (nothing is lost, one char per byte).
    /// </summary>
    public static string Decode(ReadOnlySpan<byte> content)
    {
        if (content.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return Encoding.UTF8.GetString(content[3..]);
        }
        if (content.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0x00, 0x00]))
        {
            return Encoding.UTF32.GetString(content[4..]);
        }
        if (content.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return Encoding.Unicode.GetString(content[2..]);
        }
        if (content.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return Encoding.BigEndianUnicode.GetString(content[2..]);
        }
        return Utf8.IsValid(content) ? Encoding.UTF8.GetString(content) : Encoding.Latin1.GetString(content);
    }

    private static bool HasUtf16Or32Bom(ReadOnlySpan<byte> content)
        => content.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || content.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]);

    private static string? BinaryDetail(ReadOnlySpan<byte> content)
    {
        // UTF-16/32 text is full of NULs; its BOM is the signal that it is text.
        if (HasUtf16Or32Bom(content))
        {
            return null;
        }

        var sample = content[..Math.Min(content.Length, SniffBytes)];
        if (sample.IndexOf((byte)0) >= 0)
        {
            return "contains NUL bytes";
        }

        var control = 0;
        foreach (var b in sample)
        {
            if ((b < 0x20 && !IsTextControl(b)) || b == 0x7F)
            {
                control++;
            }
        }
        // Text has almost no control characters; 10% is far beyond any real source file.
        if (sample.Length > 0 && control * 10 > sample.Length)
        {
            return $"{control * 100 / sample.Length}% control characters in the first {sample.Length} bytes";
        }

        if (!Utf8.IsValid(content) && !LooksLikeLegacyText(content))
        {
            return "neither valid UTF-8 nor single-byte legacy text";
        }
        return null;
    }

    /// <summary>
    /// Invalid UTF-8 may still be Latin-1/Windows-1252 text: mostly ASCII with scattered accented letters, and
    /// none of the bytes Windows-1252 leaves undefined.
    /// </summary>
    private static bool LooksLikeLegacyText(ReadOnlySpan<byte> content)
    {
        var high = 0;
        foreach (var b in content)
        {
            if (b is 0x81 or 0x8D or 0x8F or 0x90 or 0x9D)
            {
                return false;
            }
            if (b >= 0x80)
            {
                high++;
            }
        }
        return high * 100 <= content.Length * 30;
    }

    private static string? GeneratedDetail(string text)
    {
        var lineStart = 0;
        for (var line = 0; line < GeneratedHeaderLines && lineStart < text.Length; line++)
        {
            var end = text.IndexOf('\n', lineStart);
            if (end < 0)
            {
                end = text.Length;
            }
            var current = text.AsSpan(lineStart, end - lineStart);
            if (current.Contains("<auto-generated", StringComparison.OrdinalIgnoreCase)
                || current.Contains("<autogenerated", StringComparison.OrdinalIgnoreCase))
            {
                return "<auto-generated> header";
            }
            if (current.Contains("@generated", StringComparison.Ordinal))
            {
                return "@generated marker";
            }
            // Go's "Code generated by X. DO NOT EDIT." and protoc's "Generated by ... DO NOT EDIT!".
            var generatedAt = current.IndexOf("generated", StringComparison.OrdinalIgnoreCase);
            if (generatedAt >= 0 && current[generatedAt..].Contains("DO NOT EDIT", StringComparison.Ordinal))
            {
                return "\"generated ... DO NOT EDIT\" header";
            }
            lineStart = end + 1;
        }
        return null;
    }

    private static string? MinifiedDetail(string text)
    {
        if (text.Length < MinifiedAverageLineLength)
        {
            return null;
        }

        var lines = 0;
        var longest = 0;
        var start = 0;
        while (start <= text.Length)
        {
            var end = text.IndexOf('\n', start);
            if (end < 0)
            {
                end = text.Length;
            }
            lines++;
            longest = Math.Max(longest, end - start);
            start = end + 1;
        }
        if (text.EndsWith('\n'))
        {
            lines--; // the empty "line" after a final newline is not a line
        }

        var average = text.Length / Math.Max(lines, 1);
        if (average > MinifiedAverageLineLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"average line length {average:N0} chars over {lines:N0} lines");
        }
        if (longest > MinifiedLongLine && lines <= MinifiedFewLines)
        {
            return string.Create(CultureInfo.InvariantCulture, $"a {longest:N0}-char line in a {lines:N0}-line file");
        }
        return null;
    }
}
