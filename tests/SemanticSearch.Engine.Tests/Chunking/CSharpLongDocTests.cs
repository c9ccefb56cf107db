using SemanticSearch.Engine.Chunking;

namespace SemanticSearch.Engine.Tests.Chunking;

/// <summary>
/// A doc comment longer than a whole part (LongDoc.cs, at 120 tokens a part) is split where its XML elements begin,
/// for a member's doc as written and a type summary's doc alike.
/// </summary>
public class CSharpLongDocTests
{
    private const string File = "LongDoc.cs";

    private static IReadOnlyList<Chunk> Chunks() =>
        new ChunkerSet(new WordTokenCounter(), new ChunkingOptions(120, 3, 40)).ChunkFile(Fixtures.Load(File));

    /// <summary>The part's doc lines as written (trimmed in a type summary): a later part's repeated header left out.</summary>
    private static string[] SourceLines(Chunk part)
    {
        var lines = part.Text.Split('\n');
        return part.Part > 0 && lines.Length > 1 && lines[0] == part.Signature && lines[1].TrimStart().StartsWith("///", StringComparison.Ordinal)
            ? lines[1..]
            : lines;
    }

    [Fact]
    public void AMembersLongDocIsSplitAtElementsNeverInsideOneOrAfterABareOpeningTag()
    {
        var parts = Chunks().Where(c => c.Symbol == "NextOccurrences").OrderBy(c => c.Part).ToList();
        var declaration = Fixtures.LineOf(File, "public System.Collections.Generic.IReadOnlyList<System.DateTimeOffset> NextOccurrences(");
        var inDoc = parts.Where(p => p.Range.StartLine < declaration).ToList();
        Assert.True(inDoc.Count >= 3, $"{inDoc.Count} parts in the doc");

        var starts = inDoc.Select(p => SourceLines(p)[0].Trim()).ToList();
        Assert.Equal("/// <summary>", starts[0]);
        Assert.Contains("/// <remarks>", starts);
        Assert.All(starts, s => Assert.Matches("^/// <[a-z]", s));
        // No part ends with an opening tag whose content went to the next part.
        Assert.All(inDoc, p => Assert.DoesNotMatch("^/// <(remarks|para)>$", SourceLines(p)[^1].Trim()));
        // Each part's range starts at its first line as written, and later parts that do not reach the declaration
        // keep their header above it (one that does shows the declaration itself).
        var file = System.IO.File.ReadAllLines(Path.Combine(Fixtures.Dir, File));
        Assert.All(inDoc, p => Assert.Equal(file[p.Range.StartLine - 1], SourceLines(p)[0]));
        var docOnly = inDoc.Skip(1).Where(p => p.Range.EndLine < declaration).ToList();
        Assert.True(docOnly.Count >= 2, $"{docOnly.Count} later parts of doc only");
        Assert.All(docOnly, p => Assert.StartsWith(
            "public System.Collections.Generic.IReadOnlyList<System.DateTimeOffset> NextOccurrences(string rule, System.DateTimeOffset after, int count)\n" +
            "        /// <", p.Text, StringComparison.Ordinal));
        // The parts cover the doc without gaps or overlap.
        for (var i = 1; i < inDoc.Count; i++)
        {
            Assert.Equal(inDoc[i - 1].Range.EndLine + 1, inDoc[i].Range.StartLine);
        }
    }

    [Fact]
    public void ATypeSummarysLongDocIsSplitByTheSameRule()
    {
        var parts = Chunks().Where(c => c.Kind == ChunkKind.Type && c.Symbol == "RecurrencePlanner").OrderBy(c => c.Part).ToList();
        const string header = "public sealed class RecurrencePlanner";
        var inDoc = parts.Where(p => SourceLines(p)[0].StartsWith("///", StringComparison.Ordinal)).ToList();
        Assert.True(inDoc.Count >= 2, $"{inDoc.Count} parts in the doc");
        Assert.Equal("/// <summary>", SourceLines(inDoc[0])[0]);
        Assert.All(inDoc, p => Assert.Matches("^/// <[a-z]", SourceLines(p)[0]));
        Assert.All(inDoc, p => Assert.DoesNotMatch("^/// <(remarks|para)>$", SourceLines(p)[^1]));
        var docOnly = inDoc.Skip(1).Where(p => !p.Text.Contains("\n" + header, StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(docOnly);
        Assert.All(docOnly, p => Assert.StartsWith(header + "\n/// <", p.Text, StringComparison.Ordinal));
    }
}
