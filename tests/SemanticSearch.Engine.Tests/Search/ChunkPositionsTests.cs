using SemanticSearch.Engine.Chunking;
using SemanticSearch.Engine.Search;
using SemanticSearch.Engine.Tests.Chunking;

namespace SemanticSearch.Engine.Tests.Search;

/// <summary>
/// Every word of every chunk must map back to the same word in the file (or to nothing, for synthesized lines):
/// that is what "why it matched" highlights in the editor.
/// </summary>
public class ChunkPositionsTests
{
    private static readonly string[] Fixtures =
    [
        "sample-repo/src/Mail/EmailValidator.cs",
        "sample-repo/services/cache/lru.go",
        "sample-repo/scripts/resize_images.py",
        "sample-repo/docs/README.md",
        "sample-repo/web/dist/bundle.js",
    ];

    [Theory]
    [InlineData(400)]
    [InlineData(40)] // small budget: split members with repeated headers, huge lines cut into pieces
    public void Every_word_in_chunk_text_maps_to_the_same_word_in_the_file(int maxTokens)
    {
        var mapped = 0;
        var synthetic = 0;
        foreach (var fixture in Fixtures)
        {
            var path = Path.Combine(TestSupport.RepoPaths.Fixtures, fixture);
            var source = File.ReadAllText(path);
            var lines = source.Split('\n');
            var language = Path.GetExtension(path) switch { ".cs" => "csharp", ".go" => "go", ".py" => "python", ".md" => "markdown", _ => "javascript" };
            var chunks = new ChunkerSet(new WordTokenCounter(), new ChunkingOptions(maxTokens)).ChunkFile(new SourceFile(fixture, language, source));
            foreach (var chunk in chunks)
            {
                foreach (var match in System.Text.RegularExpressions.Regex.Matches(chunk.Text, @"[A-Za-z]{3,}"))
                {
                    var m = (System.Text.RegularExpressions.Match)match;
                    var position = ChunkPositions.ToFilePosition(chunk, m.Index);
                    if (position is null)
                    {
                        synthetic++;
                        continue;
                    }
                    var (line, column) = position.Value;
                    Assert.Equal(m.Value, lines[line - 1].Substring(column - 1, m.Length));
                    mapped++;
                }
            }
        }
        Assert.True(mapped > 500, $"only {mapped} words mapped");
        Assert.True(synthetic > 0, "type summaries should have unmapped (synthesized) lines");
    }
}
