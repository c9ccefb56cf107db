using System.Text.RegularExpressions;

namespace SemanticSearch.Engine.Chunking;

internal enum BlockKind
{
    /// <summary>Class, struct, interface, trait, impl, module (Ruby)...: may hold methods.</summary>
    Type,
    Function,
    /// <summary>namespace/mod/module blocks in brace languages: only extend the container, no chunk of their own.</summary>
    Namespace,
}

/// <summary>A definition found by the text heuristics (brace, Python, Ruby): its lines and nested definitions.</summary>
internal sealed class Block
{
    public required BlockKind Kind { get; init; }
    public required ChunkKind ChunkKind { get; init; }
    public required string Name { get; init; }
    /// <summary>The path of enclosing types ("Outer.Inner"), null at file level.</summary>
    public string? Container { get; init; }
    /// <summary>First line of the chunk: doc comment, attributes or decorators above the declaration.</summary>
    public required int StartLine { get; init; }
    public required int DeclLine { get; init; }
    /// <summary>Last line of the declaration header (where the body opens).</summary>
    public required int HeaderEndLine { get; init; }
    public required int EndLine { get; init; }
    public required string Signature { get; init; }
    public string? Documentation { get; init; }
    public string? Discriminator { get; init; }
    public List<Block> Children { get; } = [];

    public bool HasFunctions => Children.Any(c => c.Kind == BlockKind.Function || c.HasFunctions);
}

/// <summary>
/// Turns heuristic blocks into candidates, the same way for every text-heuristic language:
/// functions are whole chunks (nested functions stay inside); a type with methods gets a summary (its own lines
/// with each nested definition reduced to its signature) and its methods get chunks of their own; a type
/// without methods (an interface of signatures, a data class, an enum) is one whole chunk; code between
/// top-level definitions becomes TopLevel chunks when it has enough substance.
/// </summary>
internal static partial class BlockEmitter
{
    public static List<Candidate> Emit(LineMap lines, List<Block> blocks, Func<int, bool> isSubstantive, ChunkingOptions options)
    {
        var result = new List<Candidate>();
        var covered = new bool[lines.Count + 2];
        foreach (var block in blocks)
        {
            for (var line = block.StartLine; line <= block.EndLine && line <= lines.Count; line++)
            {
                covered[line] = true;
            }
        }
        // Gaps first in document order would interleave; emitting blocks then gaps keeps ids independent of order.
        foreach (var block in blocks)
        {
            EmitBlock(lines, block, result);
        }
        var runStart = 0;
        for (var line = 1; line <= lines.Count + 1; line++)
        {
            var inGap = line <= lines.Count && !covered[line];
            if (inGap && runStart == 0)
            {
                runStart = line;
            }
            else if (!inGap && runStart != 0)
            {
                AddGap(lines, runStart, line - 1, isSubstantive, options, result);
                runStart = 0;
            }
        }
        return result;
    }

    private static void AddGap(LineMap lines, int start, int end, Func<int, bool> isSubstantive, ChunkingOptions options,
        List<Candidate> result)
    {
        var substantive = new List<int>();
        for (var line = start; line <= end; line++)
        {
            if (isSubstantive(line))
            {
                substantive.Add(line);
            }
        }
        // A few lines of imports or stray statements are noise, not something anyone searches for.
        if (substantive.Count < 3)
        {
            return;
        }
        while (string.IsNullOrWhiteSpace(lines[start]))
        {
            start++;
        }
        while (string.IsNullOrWhiteSpace(lines[end]))
        {
            end--;
        }
        var firstCode = Collapse(lines[substantive[0]]);
        result.Add(new Candidate
        {
            Kind = ChunkKind.TopLevel,
            // Named by its first statement rather than its position, so edits elsewhere keep the id.
            Discriminator = firstCode.Length > 80 ? firstCode[..80] : firstCode,
            Body = lines.Segments(start, end),
            MaxLines = options.WindowLines,
        });
    }

    private static void EmitBlock(LineMap lines, Block block, List<Candidate> result)
    {
        switch (block.Kind)
        {
            case BlockKind.Namespace:
                foreach (var child in block.Children)
                {
                    EmitBlock(lines, child, result);
                }
                return;
            case BlockKind.Type when block.HasFunctions:
                result.Add(Summary(lines, block));
                foreach (var child in block.Children)
                {
                    EmitBlock(lines, child, result);
                }
                return;
            default:
                result.Add(new Candidate
                {
                    Kind = block.ChunkKind,
                    Symbol = block.Name,
                    Container = block.Container,
                    Signature = block.Signature,
                    Documentation = block.Documentation,
                    Discriminator = block.Discriminator,
                    Body = lines.Segments(block.StartLine, block.EndLine),
                    Header = block.Signature,
                    DeclarationLine = block.DeclLine - block.StartLine,
                });
                return;
        }
    }

    /// <summary>The type's own lines (doc, header, fields, closing line) with every nested definition reduced to its signature.</summary>
    private static Candidate Summary(LineMap lines, Block block)
    {
        var indent = Indentation(lines[block.DeclLine]);
        var text = new List<string>();
        var declaration = 0;
        var next = 0;
        for (var line = block.StartLine; line <= block.EndLine; line++)
        {
            if (line == block.DeclLine)
            {
                declaration = text.Count;
            }
            // Children are in line order: walk them alongside the lines instead of searching for each line.
            while (next < block.Children.Count && block.Children[next].EndLine < line)
            {
                next++;
            }
            var child = next < block.Children.Count && block.Children[next].StartLine <= line ? block.Children[next] : null;
            if (child is not null)
            {
                if (line == child.DeclLine)
                {
                    text.Add(Dedent(Indentation(lines[line]), indent) + child.Signature);
                }
                continue;
            }
            if (!string.IsNullOrWhiteSpace(lines[line]))
            {
                text.Add(Dedent(lines[line].TrimEnd(), indent));
            }
        }
        var first = lines.WholeLine(block.StartLine);
        var last = lines.WholeLine(block.EndLine);
        return new Candidate
        {
            Kind = block.ChunkKind,
            Symbol = block.Name,
            Container = block.Container,
            Signature = block.Signature,
            Documentation = block.Documentation,
            Discriminator = block.Discriminator,
            Body = [.. text.Select(t => new Segment(0, 1, 1, t))],
            Header = block.Signature,
            DeclarationLine = declaration,
            FixedRange = new SourceRange(block.StartLine, first.StartColumn, block.EndLine, last.EndColumn),
        };
    }

    private static string Indentation(string line) => line[..(line.Length - line.TrimStart().Length)];

    private static string Dedent(string line, string indent) =>
        line.StartsWith(indent, StringComparison.Ordinal) ? line[indent.Length..] : line.TrimStart();

    public static string Collapse(string text) => Whitespace().Replace(text, " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
