using SemanticSearch.Engine.Common;

namespace SemanticSearch.Engine.Chunking;

/// <summary>
/// Applies the token limit: a candidate that fits becomes one chunk; a longer one is cut into parts of whole lines
/// (huge lines are cut by characters) with <see cref="ChunkingOptions.OverlapLines"/> lines of overlap (never reaching
/// back before the declaration, <see cref="Candidate.DeclarationLine"/>), and every part after the first that does not
/// hold the declaration itself starts with the candidate's header. Counting is per line, relying on the counter being
/// additive over whitespace-separated text, so long files cost one pass.
/// </summary>
internal sealed class ChunkEmitter(ITokenCounter counter, ChunkingOptions options)
{
    private readonly int _maxTokens = Math.Max(1, options.MaxTokens);

    public void Emit(SourceFile file, Candidate candidate, List<Chunk> output)
    {
        var body = candidate.Body;
        if (body.Count == 0)
        {
            return;
        }
        var header = candidate.Header is { Length: > 0 } h ? h.Trim() : null;
        var headerTokens = header is null ? 0 : counter.CountTokens(header);
        // A header that eats more than half the budget would leave parts with almost no content: drop it.
        if (headerTokens > _maxTokens / 2)
        {
            header = null;
            headerTokens = 0;
        }
        var partBudget = _maxTokens - headerTokens;

        var segments = new List<Segment>(body.Count);
        var tokens = new List<int>(body.Count);
        var total = 0;
        // Where the declaration starts among the segments (a cut line gives several segments per body line).
        var declaration = 0;
        // Per segment of the doc comment: how well a part starts there (Candidate.DocBreaks), when the chunker knows.
        var docBreaks = candidate.DocBreaks is null ? null : new List<int>();
        for (var b = 0; b < body.Count; b++)
        {
            var segment = body[b];
            if (b == candidate.DeclarationLine)
            {
                declaration = segments.Count;
            }
            var count = counter.CountTokens(segment.Text);
            if (count <= partBudget)
            {
                docBreaks?.Add(b < candidate.DocBreaks!.Count ? candidate.DocBreaks[b] : Candidate.PlainDocLine);
                segments.Add(segment);
                tokens.Add(count);
                total += count;
                continue;
            }
            var firstPiece = true;
            foreach (var piece in CutLine(segment, partBudget))
            {
                // Only the first piece of a cut line starts where the line does.
                docBreaks?.Add(firstPiece && b < candidate.DocBreaks!.Count ? candidate.DocBreaks[b] : Candidate.PlainDocLine);
                firstPiece = false;
                segments.Add(piece.Segment);
                tokens.Add(piece.Tokens);
                total += piece.Tokens;
            }
        }

        var language = candidate.Language ?? file.Language;
        var maxLines = candidate.MaxLines is > 0 ? candidate.MaxLines.Value : int.MaxValue;
        if (total <= _maxTokens && segments.Count <= maxLines)
        {
            output.Add(Build(file, candidate, language, segments, 0, segments.Count, null, 0, 1));
            return;
        }

        var parts = new List<(int Start, int End)>();
        var next = 0;
        var overlap = Math.Max(0, options.OverlapLines);
        while (next < segments.Count)
        {
            var first = parts.Count == 0;
            if (docBreaks is not null && next < declaration)
            {
                // Inside a doc comment longer than a part: no overlap (it would start the part mid-element), and a part
                // that ends before the declaration ends where an element begins, so the next one starts at it.
                var docEnd = Math.Max(next + 1, Fill(tokens, next, first ? _maxTokens : partBudget, maxLines));
                if (docEnd < declaration)
                {
                    docEnd = DocPartEnd(docBreaks, next, docEnd);
                }
                parts.Add((next, docEnd));
                next = docEnd;
                continue;
            }
            var lowest = first ? next : Math.Max(parts[^1].Start + 1, next - overlap);
            if (next >= declaration)
            {
                lowest = Math.Max(lowest, declaration);
            }
            var chosenStart = next;
            var chosenEnd = next + 1;
            // Take as much overlap as still leaves room for at least one new line.
            for (var start = lowest; start <= next; start++)
            {
                // A part that starts at the declaration shows it as written: no header to make room for.
                var budget = first || start == declaration ? _maxTokens : partBudget;
                var end = Fill(tokens, start, budget, maxLines);
                if (end > next)
                {
                    chosenStart = start;
                    chosenEnd = end;
                    break;
                }
            }
            parts.Add((chosenStart, chosenEnd));
            next = chosenEnd;
        }

        for (var p = 0; p < parts.Count; p++)
        {
            var (start, end) = parts[p];
            var holdsDeclaration = start <= declaration && declaration < end;
            output.Add(Build(file, candidate, language, segments, start, end, p == 0 || holdsDeclaration ? null : header, p, parts.Count));
        }
    }

    /// <summary>
    /// Where a part of a doc comment that fits up to <paramref name="end"/> should end: at the best place for the next
    /// part to start (an outer element before a nested one, a nested one before plain text), the latest of equals;
    /// where every line is one a part must not start at, the fit decides.
    /// </summary>
    private static int DocPartEnd(List<int> docBreaks, int start, int end)
    {
        var best = end;
        var bestCost = Candidate.NoDocBreak;
        for (var j = end; j > start; j--)
        {
            if (docBreaks[j] < bestCost)
            {
                best = j;
                bestCost = docBreaks[j];
            }
        }
        return best;
    }

    private static int Fill(List<int> tokens, int start, int budget, int maxLines)
    {
        var sum = 0;
        var end = start;
        while (end < tokens.Count && end - start < maxLines && sum + tokens[end] <= budget)
        {
            sum += tokens[end];
            end++;
        }
        return end;
    }

    private static Chunk Build(SourceFile file, Candidate candidate, string language, List<Segment> segments,
        int start, int end, string? header, int part, int partCount)
    {
        var lines = new List<string>(end - start + 1);
        if (header is not null)
        {
            lines.Add(header);
        }
        for (var i = start; i < end; i++)
        {
            lines.Add(segments[i].Text);
        }
        // Text uses \n line endings whatever the file has, so hashes do not change with a checkout's line endings.
        var text = string.Join('\n', lines);
        var range = candidate.FixedRange ?? RangeOf(segments, start, end);
        return new Chunk
        {
            TextOrigins = OriginsOf(segments, start, end, header is not null, candidate.FixedRange is not null),
            Id = Chunk.MakeId(file.RelativePath, candidate.Kind, candidate.Container, candidate.Symbol, candidate.Discriminator, part),
            Path = file.RelativePath,
            Language = language,
            Kind = candidate.Kind,
            Symbol = candidate.Symbol,
            Container = candidate.Container,
            Signature = candidate.Signature,
            Documentation = candidate.Documentation,
            Range = range,
            Text = text,
            ContentHash = ContentHash.Of(text),
            Part = part,
            PartCount = partCount,
        };
    }

    /// <summary>
    /// Where each text line sits in the file, when that is not simply "whole lines from the range's start line":
    /// a repeated header, synthetic summary lines and pieces of cut-up lines need the explicit map.
    /// </summary>
    private static LineOrigins? OriginsOf(List<Segment> segments, int start, int end, bool hasHeader, bool synthetic)
    {
        var plain = !hasHeader && !synthetic;
        for (var i = start; plain && i < end; i++)
        {
            plain = segments[i].Line > 0 && segments[i].TextColumn == 1 && (i == start || segments[i].Line == segments[i - 1].Line + 1);
        }
        if (plain)
        {
            return null;
        }
        var origins = new List<(int, int)>(end - start + 1);
        if (hasHeader)
        {
            origins.Add((0, 0));
        }
        for (var i = start; i < end; i++)
        {
            var line = synthetic ? 0 : segments[i].Line;
            origins.Add((line, line == 0 ? 0 : segments[i].TextColumn));
        }
        return new LineOrigins(origins);
    }

    private static SourceRange RangeOf(List<Segment> segments, int start, int end)
    {
        var first = segments[start];
        var last = segments[end - 1];
        for (var i = start; i < end; i++)
        {
            if (segments[i].Line > 0)
            {
                first = segments[i];
                break;
            }
        }
        for (var i = end - 1; i >= start; i--)
        {
            if (segments[i].Line > 0)
            {
                last = segments[i];
                break;
            }
        }
        return new SourceRange(first.Line, first.StartColumn, last.Line, last.EndColumn);
    }

    /// <summary>
    /// Cuts a line whose tokens exceed <paramref name="budget"/> into pieces that fit: binary search on the piece
    /// length, then back off to a space so words stay whole where possible. Never splits a surrogate pair.
    /// </summary>
    private IEnumerable<(Segment Segment, int Tokens)> CutLine(Segment segment, int budget)
    {
        var text = segment.Text;
        var offset = 0;
        budget = Math.Max(1, budget);
        while (offset < text.Length)
        {
            var remaining = text.Length - offset;
            // Gallop first so each piece costs counts of about its own length, not of the whole rest of the line.
            var low = 1;
            var high = Math.Min(remaining, Math.Max(16, budget * 4));
            while (high < remaining && counter.CountTokens(text.Substring(offset, high)) <= budget)
            {
                low = high;
                high = Math.Min(remaining, high * 2);
            }
            var best = 0;
            while (low <= high)
            {
                var mid = low + ((high - low) / 2);
                if (counter.CountTokens(text.Substring(offset, mid)) <= budget)
                {
                    best = mid;
                    low = mid + 1;
                }
                else
                {
                    high = mid - 1;
                }
            }
            var length = Math.Max(1, best);
            if (length < remaining)
            {
                var space = text.LastIndexOf(' ', offset + length - 1, length);
                if (space > offset + (length / 2))
                {
                    length = space - offset + 1;
                }
                if (char.IsHighSurrogate(text[offset + length - 1]) && length > 1)
                {
                    length--;
                }
            }
            var piece = text.Substring(offset, length);
            var startColumn = Math.Max(segment.StartColumn, offset + 1);
            var endColumn = offset + length >= text.Length ? segment.EndColumn : offset + length + 1;
            yield return (new Segment(segment.Line, startColumn, Math.Max(startColumn, endColumn), piece, segment.TextColumn + offset), counter.CountTokens(piece));
            offset += length;
        }
    }
}
