using System.Text.RegularExpressions;

namespace SemanticSearch.Engine.Chunking;

/// <summary>
/// Markdown: one Section per heading (ATX and setext), from the heading to the next heading of any level, with
/// Container = the path of enclosing headings ("Install > Linux"). Fenced code blocks (``` and ~~~) are also
/// CodeBlock chunks of their own, in the fence's language, with their section's Symbol and Container. Lines inside
/// fences are never headings.
/// </summary>
internal static partial class MarkdownChunker
{
    private sealed record Heading(int Line, int Level, string Text, int TextEndLine);

    public static List<Candidate> Chunk(SourceFile file, LineMap lines)
    {
        var headings = new List<Heading>();
        var fences = new List<(int Open, int Close, string Info)>();
        var inFence = false;
        var fenceChar = '`';
        var fenceLength = 0;
        var fenceOpen = 0;
        var fenceInfo = "";
        for (var line = 1; line <= lines.Count; line++)
        {
            var text = lines[line];
            var fence = FencePattern().Match(text);
            if (inFence)
            {
                if (fence.Success && fence.Groups["fence"].Value[0] == fenceChar && fence.Groups["fence"].Length >= fenceLength &&
                    fence.Groups["info"].Value.Trim().Length == 0)
                {
                    fences.Add((fenceOpen, line, fenceInfo));
                    inFence = false;
                }
                continue;
            }
            if (fence.Success && !(fence.Groups["fence"].Value[0] == '`' && fence.Groups["info"].Value.Contains('`')))
            {
                inFence = true;
                fenceChar = fence.Groups["fence"].Value[0];
                fenceLength = fence.Groups["fence"].Length;
                fenceOpen = line;
                fenceInfo = fence.Groups["info"].Value.Trim();
                continue;
            }
            var atx = AtxPattern().Match(text);
            if (atx.Success)
            {
                var title = ClosingHashes().Replace(atx.Groups["text"].Value, "").Trim();
                headings.Add(new Heading(line, atx.Groups["level"].Length, title, line));
                continue;
            }
            // Setext: a paragraph line underlined by === (level 1) or --- (level 2).
            if (line > 1 && SetextPattern().Match(text) is { Success: true } setext)
            {
                var previous = lines[line - 1];
                var previousIsHeading = headings.Count > 0 && headings[^1].TextEndLine == line - 1;
                var previousIsFence = fences.Count > 0 && fences[^1].Close == line - 1;
                if (!string.IsNullOrWhiteSpace(previous) && !previousIsHeading && !previousIsFence &&
                    !ListOrQuote().IsMatch(previous) && !AtxPattern().IsMatch(previous))
                {
                    var level = setext.Groups["bar"].Value[0] == '=' ? 1 : 2;
                    headings.Add(new Heading(line - 1, level, previous.Trim(), line));
                }
            }
        }
        if (inFence)
        {
            // An unclosed fence runs to the end of the file.
            fences.Add((fenceOpen, lines.Count + 1, fenceInfo));
        }

        var result = new List<Candidate>();
        var path = new List<Heading>();
        var firstHeadingLine = headings.Count > 0 ? headings[0].Line : lines.Count + 1;
        if (HasContent(lines, 1, firstHeadingLine - 1))
        {
            var name = Path.GetFileNameWithoutExtension(file.RelativePath);
            result.Add(Section(lines, name, null, null, 1, firstHeadingLine - 1));
            AddCodeBlocks(result, lines, fences, 1, firstHeadingLine - 1, name, null);
        }
        for (var i = 0; i < headings.Count; i++)
        {
            var heading = headings[i];
            while (path.Count > 0 && path[^1].Level >= heading.Level)
            {
                path.RemoveAt(path.Count - 1);
            }
            var container = path.Count == 0 ? null : string.Join(" > ", path.Select(h => h.Text));
            var end = i + 1 < headings.Count ? headings[i + 1].Line - 1 : lines.Count;
            while (end > heading.TextEndLine && string.IsNullOrWhiteSpace(lines[end]))
            {
                end--;
            }
            result.Add(Section(lines, heading.Text, container, lines[heading.Line].Trim(), heading.Line, end));
            path.Add(heading);
            AddCodeBlocks(result, lines, fences, heading.Line, end, heading.Text, container);
        }
        return result;
    }

    private static Candidate Section(LineMap lines, string symbol, string? container, string? signature, int start, int end)
    {
        while (start < end && string.IsNullOrWhiteSpace(lines[start]))
        {
            start++;
        }
        while (end > start && string.IsNullOrWhiteSpace(lines[end]))
        {
            end--;
        }
        return new Candidate
        {
            Kind = ChunkKind.Section,
            Symbol = symbol,
            Container = container,
            Signature = signature,
            Body = lines.Segments(start, end),
            // Parts of a long section repeat its heading.
            Header = signature,
        };
    }

    /// <summary>
    /// The fenced blocks of one section, named as the section is (its heading as Symbol, the enclosing headings as
    /// Container), so the heading is not in both and names and encoding headers do not repeat it.
    /// </summary>
    private static void AddCodeBlocks(List<Candidate> result, LineMap lines, List<(int Open, int Close, string Info)> fences,
        int start, int end, string symbol, string? container)
    {
        var ordinal = 0;
        foreach (var (open, close, info) in fences)
        {
            if (open < start || open > end || close - open < 2 || !HasContent(lines, open + 1, close - 1))
            {
                continue;
            }
            ordinal++;
            result.Add(new Candidate
            {
                Kind = ChunkKind.CodeBlock,
                Symbol = symbol,
                Container = container,
                Signature = info.Length == 0 ? null : info,
                Discriminator = ordinal.ToString(System.Globalization.CultureInfo.InvariantCulture),
                // The fences are left out: the block's content is what a reader searches.
                Body = lines.Segments(open + 1, Math.Min(close - 1, lines.Count)),
                Language = FenceLanguage(info),
            });
        }
    }

    private static bool HasContent(LineMap lines, int start, int end)
    {
        for (var line = start; line <= end && line <= lines.Count; line++)
        {
            if (!string.IsNullOrWhiteSpace(lines[line]))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Maps a fence's info string ("cs", "ts {.line-numbers}", "c++") to our language ids; "text" otherwise.</summary>
    internal static string FenceLanguage(string info)
    {
        var word = info.Split([' ', '\t', '{', ','], 2)[0].Trim().TrimStart('.').ToLowerInvariant();
        return word switch
        {
            "cs" or "csharp" or "c#" => "csharp",
            "py" or "python" or "python3" => "python",
            "js" or "javascript" or "jsx" or "node" or "mjs" => "javascript",
            "ts" or "typescript" or "tsx" => "typescript",
            "go" or "golang" => "go",
            "java" => "java",
            "rs" or "rust" => "rust",
            "rb" or "ruby" => "ruby",
            "php" => "php",
            "md" or "markdown" => "markdown",
            "c" or "h" => "c",
            "cpp" or "c++" or "cxx" or "cc" or "hpp" => "cpp",
            "kt" or "kotlin" => "kotlin",
            "swift" => "swift",
            "scala" => "scala",
            "sh" or "bash" or "shell" or "zsh" or "console" or "shell-session" => "shell",
            "ps1" or "powershell" or "pwsh" => "powershell",
            "sql" => "sql",
            "html" or "htm" => "html",
            "css" or "scss" or "less" => "css",
            "json" or "jsonc" => "json",
            "yaml" or "yml" => "yaml",
            "toml" => "toml",
            "xml" or "csproj" or "xaml" => "xml",
            _ => "text",
        };
    }

    [GeneratedRegex(@"^ {0,3}(?<fence>`{3,}|~{3,})(?<info>.*)$")]
    private static partial Regex FencePattern();

    [GeneratedRegex(@"^ {0,3}(?<level>#{1,6})(?:[ \t]+(?<text>.*?))?[ \t]*$")]
    private static partial Regex AtxPattern();

    [GeneratedRegex(@"[ \t]+#+[ \t]*$|^#+[ \t]*$")]
    private static partial Regex ClosingHashes();

    [GeneratedRegex(@"^ {0,3}(?<bar>=+|-+)[ \t]*$")]
    private static partial Regex SetextPattern();

    [GeneratedRegex(@"^\s*(?:[-*+>]\s|\d+[.)]\s|\|)")]
    private static partial Regex ListOrQuote();
}
