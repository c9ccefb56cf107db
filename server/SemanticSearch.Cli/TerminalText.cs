using System.Globalization;
using System.Text;

namespace SemanticSearch.Cli;

/// <summary>
/// Text from the workspace (paths, symbol names, snippets) as the plain output prints it. A file name may hold a
/// newline, a carriage return or an escape sequence; printed raw, it breaks the one-line-per-item layout, can
/// pass for another result, or drives the terminal. So control characters and the bidirectional overrides
/// ("Trojan Source") are shown as escapes (<c>\n</c>, <c>\u001b</c>); everything else is printed as it is.
/// The JSON output needs none of this: JSON escapes them itself.
/// </summary>
public static class TerminalText
{
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text) || !text.Any(NeedsEscape))
        {
            return text ?? "";
        }
        var sb = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            _ = c switch
            {
                '\n' => sb.Append(@"\n"),
                '\r' => sb.Append(@"\r"),
                '\t' => sb.Append(@"\t"),
                _ when NeedsEscape(c) => sb.Append(@"\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => sb.Append(c),
            };
        }
        return sb.ToString();
    }

    /// <summary>
    /// A line of a file's text: its tabs are kept (code is indented with them) and the <c>\r</c> of a CRLF line
    /// end dropped; the rest as <see cref="Escape"/>.
    /// </summary>
    public static string EscapeLine(string line) => string.Join('\t', line.TrimEnd('\r').Split('\t').Select(Escape));

    private static bool NeedsEscape(char c) => char.IsControl(c) || c is >= '\u202a' and <= '\u202e' or >= '\u2066' and <= '\u2069';
}
