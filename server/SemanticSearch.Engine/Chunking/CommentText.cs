using System.Text.RegularExpressions;

namespace SemanticSearch.Engine.Chunking;

/// <summary>Turns comment lines (//, ///, /** */, #, --) into plain documentation text.</summary>
internal static partial class CommentText
{
    public static string Strip(IEnumerable<string> commentLines)
    {
        var result = new List<string>();
        foreach (var raw in commentLines)
        {
            var line = Marker().Replace(raw.Trim(), "");
            line = line.EndsWith("*/", StringComparison.Ordinal) ? line[..^2] : line;
            line = line.Trim();
            result.Add(line);
        }
        // Keep paragraph breaks as single newlines; drop blank lines at both ends.
        return string.Join("\n", result.Where(l => l.Length > 0)).Trim();
    }

    [GeneratedRegex(@"^(?:/\*\*?|\*/|\*(?!/)|///?!?|//!|#+'?|--)\s?")]
    private static partial Regex Marker();
}
