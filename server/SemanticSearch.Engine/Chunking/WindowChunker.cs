namespace SemanticSearch.Engine.Chunking;

/// <summary>The fallback: windows of <see cref="ChunkingOptions.WindowLines"/> lines overlapping by <see cref="ChunkingOptions.OverlapLines"/>.</summary>
internal static class WindowChunker
{
    public static List<Candidate> Chunk(LineMap lines, ChunkingOptions options)
    {
        var result = new List<Candidate>();
        var size = Math.Max(1, options.WindowLines);
        var step = Math.Max(1, size - Math.Clamp(options.OverlapLines, 0, size - 1));
        // Leading and trailing blank lines carry nothing; trim them so windows start at content.
        var first = 1;
        var last = lines.Count;
        while (first <= last && string.IsNullOrWhiteSpace(lines[first]))
        {
            first++;
        }
        while (last >= first && string.IsNullOrWhiteSpace(lines[last]))
        {
            last--;
        }
        for (var start = first; start <= last; start += step)
        {
            var end = Math.Min(last, start + size - 1);
            result.Add(new Candidate
            {
                Kind = ChunkKind.Window,
                // Windows are identified by position: they have nothing else to go by.
                Discriminator = "L" + start.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Body = lines.Segments(start, end),
            });
            if (end == last)
            {
                break;
            }
        }
        return result;
    }
}
