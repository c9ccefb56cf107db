namespace SemanticSearch.Miner;

/// <summary>
/// Removes the doc comment from a chunk's code so the positive does not contain the query verbatim: the leading
/// ///, /** */, //, # block (also between attributes/annotations and the signature) and, for Python, the
/// docstring that opens the body.
/// </summary>
public static class DocStripper
{
    public static string Strip(string code, string language)
    {
        var lines = code.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();
        RemoveLeadingComments(lines, language);
        if (language == "python")
        {
            RemovePythonDocstring(lines);
        }
        return string.Join('\n', lines).Trim('\n');
    }

    private static void RemoveLeadingComments(List<string> lines, string language)
    {
        var hashComments = language is "python" or "ruby" or "php" or "shell";
        var i = 0;
        var inBlock = false;
        var kept = new List<string>();
        for (; i < lines.Count; i++)
        {
            var t = lines[i].Trim();
            if (inBlock)
            {
                if (t.Contains("*/", StringComparison.Ordinal))
                {
                    inBlock = false;
                }
                continue;
            }
            if (t.Length == 0)
            {
                continue;
            }
            if (t.StartsWith("/*", StringComparison.Ordinal))
            {
                inBlock = !t[2..].Contains("*/", StringComparison.Ordinal);
                continue;
            }
            if (t.StartsWith("//", StringComparison.Ordinal) || (hashComments && t.StartsWith('#') && !t.StartsWith("#[", StringComparison.Ordinal)))
            {
                continue;
            }
            // Attributes/annotations/decorators may sit before or after the doc block: keep them, keep looking.
            if (IsAttribute(t, language))
            {
                kept.Add(lines[i]);
                continue;
            }
            break;
        }
        lines.RemoveRange(0, i);
        lines.InsertRange(0, kept);
    }

    private static bool IsAttribute(string trimmed, string language) => language switch
    {
        "rust" => trimmed.StartsWith("#[", StringComparison.Ordinal),
        "csharp" => trimmed.StartsWith('['),
        "python" or "java" or "typescript" or "javascript" or "kotlin" or "scala" => trimmed.StartsWith('@'),
        "php" => trimmed.StartsWith("#[", StringComparison.Ordinal),
        _ => false,
    };

    private static void RemovePythonDocstring(List<string> lines)
    {
        // Find the end of the signature: the first line (after decorators) whose code ends with ':'.
        var sig = -1;
        for (var i = 0; i < lines.Count; i++)
        {
            var t = StripTrailingComment(lines[i]).TrimEnd();
            if (t.EndsWith(':'))
            {
                sig = i;
                break;
            }
        }
        if (sig < 0)
        {
            return;
        }
        var start = sig + 1;
        while (start < lines.Count && lines[start].Trim().Length == 0)
        {
            start++;
        }
        if (start >= lines.Count)
        {
            return;
        }
        var first = lines[start].TrimStart();
        var prefix = 0;
        while (prefix < first.Length && prefix < 2 && "rRuUbBfF".Contains(first[prefix], StringComparison.Ordinal))
        {
            prefix++;
        }
        var rest = first[prefix..];
        string? quote = rest.StartsWith("\"\"\"", StringComparison.Ordinal) ? "\"\"\""
            : rest.StartsWith("'''", StringComparison.Ordinal) ? "'''"
            : rest.StartsWith('"') ? "\"" : rest.StartsWith('\'') ? "'" : null;
        if (quote is null)
        {
            return;
        }
        var end = -1;
        var afterOpen = rest[quote.Length..];
        if (afterOpen.Contains(quote, StringComparison.Ordinal))
        {
            end = start;
        }
        else if (quote.Length == 3)
        {
            for (var i = start + 1; i < lines.Count; i++)
            {
                if (lines[i].Contains(quote, StringComparison.Ordinal))
                {
                    end = i;
                    break;
                }
            }
        }
        if (end < 0)
        {
            return;
        }
        lines.RemoveRange(start, end - start + 1);
        // A blank line that separated the docstring from the code is now leading noise.
        while (start < lines.Count && lines[start].Trim().Length == 0)
        {
            lines.RemoveAt(start);
        }
    }

    private static string StripTrailingComment(string line)
    {
        var hash = line.IndexOf(" #", StringComparison.Ordinal);
        return hash >= 0 && !line.Contains('"', StringComparison.Ordinal) && !line.Contains('\'', StringComparison.Ordinal) ? line[..hash] : line;
    }
}
