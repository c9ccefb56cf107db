using SemanticSearch.Engine.Chunking;

namespace SemanticSearch.Engine.Tests.Chunking;

public class MarkdownChunkerTests
{
    [Fact]
    public void OneSectionPerHeadingWithHeadingPathContainers()
    {
        var sections = Fixtures.Chunk("guide.md").Where(c => c.Kind == ChunkKind.Section)
            .Select(c => (c.Symbol, c.Container, c.Range.StartLine, c.Range.EndLine)).ToList();
        (string?, string?, int, int)[] expected =
        [
            ("guide", null, 1, 1),
            ("Install", null, 3, 5),
            ("Linux", "Install", 7, 14),
            ("Ubuntu", "Install > Linux", 16, 23),
            ("Windows", "Install", 25, 27),
            // Setext headings: === is level 1, --- level 2.
            ("Configuration", null, 29, 36),
            ("Troubleshooting", "Configuration", 38, 46),
        ];
        Assert.Equal(expected, sections);
    }

    [Fact]
    public void SectionTextIsHeadingAndProse()
    {
        var linux = Fixtures.Chunk("guide.md").Single(ChunkKind.Section, "Linux");
        Assert.Equal("## Linux", linux.Signature);
        Assert.StartsWith("## Linux\n\nUnpack the archive", linux.Text, StringComparison.Ordinal);
        Assert.EndsWith("```", linux.Text, StringComparison.Ordinal);
        Assert.Equal("markdown", linux.Language);
    }

    [Fact]
    public void FencedCodeBlocksAreChunksInTheirLanguage()
    {
        var blocks = Fixtures.Chunk("guide.md").Where(c => c.Kind == ChunkKind.CodeBlock)
            .Select(c => (c.Language, c.Container, c.Range.StartLine, c.Range.EndLine)).ToList();
        (string, string?, int, int)[] expected =
        [
            // A block has its section's container (the enclosing headings) and symbol (its heading).
            ("shell", "Install", 12, 13),
            ("shell", "Install > Linux", 21, 22),
            ("json", null, 35, 35),
            ("csharp", "Configuration", 44, 45),
        ];
        Assert.Equal(expected, blocks);
        var ubuntu = Fixtures.Chunk("guide.md").Single(c => c.Kind == ChunkKind.CodeBlock && c.Symbol == "Ubuntu");
        Assert.Equal("# this is not a heading\nsudo apt install ./semsearch.deb", ubuntu.Text);
    }

    [Fact]
    public void HeadingsInsideFencesAreNotHeadings()
    {
        Assert.DoesNotContain(Fixtures.Chunk("guide.md"), c => c.Symbol == "this is not a heading");
    }

    [Theory]
    [InlineData("cs", "csharp")]
    [InlineData("ts {.numberLines}", "typescript")]
    [InlineData("c++", "cpp")]
    [InlineData("yml", "yaml")]
    [InlineData("", "text")]
    [InlineData("brainfuck", "text")]
    public void FenceInfoMapsToLanguageIds(string info, string language) =>
        Assert.Equal(language, MarkdownChunker.FenceLanguage(info));

    [Fact]
    public void UnclosedFenceRunsToTheEnd()
    {
        var file = new SourceFile("a.md", "markdown", "# Title\n\n```python\ndef f():\n    return 1\n# not a heading\n");
        var chunks = new ChunkerSet(new WordTokenCounter(), new ChunkingOptions(512)).ChunkFile(file);
        Assert.Single(chunks, c => c.Kind == ChunkKind.Section);
        var code = Assert.Single(chunks, c => c.Kind == ChunkKind.CodeBlock);
        Assert.Equal("python", code.Language);
        Assert.Equal((4, 6), (code.Range.StartLine, code.Range.EndLine));
    }
}
