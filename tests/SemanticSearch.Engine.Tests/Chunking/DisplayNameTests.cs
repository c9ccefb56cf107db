using SemanticSearch.Engine.Chunking;

namespace SemanticSearch.Engine.Tests.Chunking;

/// <summary>
/// <see cref="Chunk.DisplayName"/>, the name a result is printed under, on the chunks of real fixture files: never
/// empty, never the same heading twice.
/// </summary>
public class DisplayNameTests
{
    [Fact]
    public void CodeIsCalledByItsQualifiedName()
    {
        var validate = Fixtures.Chunk("EmailValidator.cs").First(c => c.Kind == ChunkKind.Method && c.Symbol == "Validate");
        Assert.Equal("Acme.Mail.Validator.Validate", validate.DisplayName);
        Assert.Equal("Acme.Mail.ILogger", Fixtures.Chunk("EmailValidator.cs").Single(ChunkKind.Type, "ILogger").DisplayName);
    }

    [Fact]
    public void TopLevelCodeAndWindowsAreCalledByTheirFileName()
    {
        // Python module-level code has no symbol at all; C# top-level statements have a placeholder one.
        var python = Fixtures.Chunk("inventory.py").Where(c => c.Kind == ChunkKind.TopLevel).ToList();
        Assert.Equal(2, python.Count);
        Assert.All(python, c => Assert.Equal("inventory.py", c.DisplayName));
        Assert.Equal("Program.cs", Fixtures.Chunk("Program.cs").Single(c => c.Kind == ChunkKind.TopLevel).DisplayName);
        Assert.All(Fixtures.Chunk("notes.unknownext"), c => Assert.Equal("notes.unknownext", c.DisplayName));
    }

    [Fact]
    public void MarkdownIsCalledByItsHeadingPathAndACodeBlockByItsSection()
    {
        var chunks = Fixtures.Chunk("guide.md");
        Assert.Equal("guide", chunks.Single(ChunkKind.Section, "guide").DisplayName);
        Assert.Equal("Install", chunks.Single(ChunkKind.Section, "Install").DisplayName);
        Assert.Equal("Install > Linux > Ubuntu", chunks.Single(ChunkKind.Section, "Ubuntu").DisplayName);
        // A fenced block is named as the section it sits in: "Install > Linux", not "Install > Linux.Linux".
        var blocks = chunks.Where(c => c.Kind == ChunkKind.CodeBlock).Select(c => c.DisplayName).ToList();
        Assert.Equal(["Install > Linux", "Install > Linux > Ubuntu", "Configuration", "Configuration > Troubleshooting"], blocks);
    }
}
