using System.Text;
using System.Text.RegularExpressions;

namespace SemanticSearch.Engine.Search;

/// <summary>
/// A path filter in the usual glob syntax, matched against workspace-relative paths with '/' separators:
/// <c>*</c> (within one segment), <c>**</c> (any number of segments), <c>?</c>, <c>[abc]</c>, <c>{a,b}</c>.
/// A pattern without '/' matches the file name anywhere (<c>*.cs</c> matches <c>src/a/B.cs</c>), as users expect.
/// </summary>
public sealed class PathGlob
{
    private readonly Regex _regex;

    public PathGlob(string pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern))
        {
            throw new ArgumentException("A path glob must not be empty.", nameof(pattern));
        }
        Pattern = pattern.Trim().Replace('\\', '/');
        var body = Pattern.TrimStart('/');
        if (!Pattern.Contains('/'))
        {
            body = "**/" + body;
        }
        var translated = "^" + Translate(body, Pattern) + "$";
        try
        {
            _regex = new Regex(translated, RegexOptions.CultureInvariant | RegexOptions.Compiled);
        }
        catch (ArgumentException)
        {
            // Only a character class can make the translation invalid; the regex parser's own words name the
            // regex, which the user never wrote.
            throw new ArgumentException($"'{Pattern}' is not a valid path glob: a [...] class is empty or has a range in reverse order.");
        }
    }

    public string Pattern { get; }

    public bool IsMatch(string relativePath) => _regex.IsMatch(relativePath);

    private static string Translate(string glob, string pattern)
    {
        var sb = new StringBuilder();
        var braceDepth = 0;
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            switch (c)
            {
                case '*' when i + 1 < glob.Length && glob[i + 1] == '*':
                    // "**/" matches zero or more whole segments; a trailing "**" matches everything below.
                    var slashFollows = i + 2 < glob.Length && glob[i + 2] == '/';
                    sb.Append(slashFollows ? "(?:.*/)?" : ".*");
                    i += slashFollows ? 2 : 1;
                    break;
                case '*':
                    sb.Append("[^/]*");
                    break;
                case '?':
                    sb.Append("[^/]");
                    break;
                case '[':
                    var close = glob.IndexOf(']', i + 1);
                    if (close < 0)
                    {
                        sb.Append(@"\[");
                        break;
                    }
                    var set = glob[(i + 1)..close];
                    sb.Append('[').Append(set.StartsWith('!') ? "^" + Regex.Escape(set[1..]) : Regex.Escape(set)).Append(']');
                    i = close;
                    break;
                case '{':
                    braceDepth++;
                    sb.Append("(?:");
                    break;
                case '}' when braceDepth > 0:
                    braceDepth--;
                    sb.Append(')');
                    break;
                case ',' when braceDepth > 0:
                    sb.Append('|');
                    break;
                default:
                    sb.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }
        if (braceDepth > 0)
        {
            throw new ArgumentException($"Unclosed '{{' in path glob '{pattern}'.");
        }
        return sb.ToString();
    }
}
