using System.Globalization;
using System.Text.RegularExpressions;

namespace SemanticSearch.Engine.Workspace;

/// <summary>
/// The one reading of a size such as <c>500k</c>, <c>2m</c> or <c>1g</c>, for the command line, the server's
/// settings and (by the shared fixture <c>tests/fixtures/contract/byte-sizes.json</c>) the VS Code client.
/// Decimal: k = 1,000, m = 1,000,000, g = 1,000,000,000, the units the skip messages and the default
/// (1,000,000 bytes) are written in. A trailing <c>b</c> and surrounding spaces are allowed, case is ignored;
/// the number is a positive whole number.
/// </summary>
public static partial class ByteSize
{
    /// <summary>The bytes in <paramref name="text"/>, or null when it is not a size.</summary>
    public static long? TryParse(string? text)
    {
        var m = SizePattern().Match(text ?? "");
        if (!m.Success || !long.TryParse(m.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0)
        {
            return null;
        }
        var multiplier = m.Groups["unit"].Value.ToLowerInvariant() switch
        {
            "k" => 1_000L,
            "m" => 1_000_000L,
            "g" => 1_000_000_000L,
            _ => 1L,
        };
        return n <= long.MaxValue / multiplier ? n * multiplier : null;
    }

    [GeneratedRegex(@"^\s*(?<n>\d+)\s*(?<unit>[kmgKMG]?)[bB]?\s*$")]
    private static partial Regex SizePattern();
}
