using SemanticSearch.Engine.Chunking;

namespace SemanticSearch.Engine.Tests.Chunking;

public class ChunkLimitsAndIdsTests
{
    public static TheoryData<string> AllFixtures() => [.. Fixtures.All()];

    [Theory]
    [MemberData(nameof(AllFixtures))]
    public void EveryFixtureYieldsChunksWithUniqueIdsAndMatchingHashes(string name)
    {
        var chunks = Fixtures.Chunk(name);
        Assert.NotEmpty(chunks);
        Assert.Equal(chunks.Count, chunks.Select(c => c.Id).Distinct().Count());
        Assert.All(chunks, c =>
        {
            Assert.Equal(Common.ContentHash.Of(c.Text), c.ContentHash);
            Assert.Equal(name, c.Path);
            Assert.True(c.Range.StartLine >= 1 && c.Range.EndLine >= c.Range.StartLine, $"{c.Symbol} {c.Range}");
            Assert.False(string.IsNullOrWhiteSpace(c.Text));
        });
    }

    [Theory]
    [MemberData(nameof(AllFixtures))]
    public void ChunkingIsDeterministic(string name)
    {
        var first = Fixtures.Chunk(name);
        var second = Fixtures.Chunk(name);
        Assert.Equal(first, second);
    }

    [Theory]
    [MemberData(nameof(AllFixtures))]
    public void NoChunkExceedsTheTokenLimitEvenWhenTiny(string name)
    {
        var counter = new WordTokenCounter();
        foreach (var max in new[] { 24, 60 })
        {
            var chunks = new ChunkerSet(counter, new ChunkingOptions(max, 3, 40)).ChunkFile(Fixtures.Load(name));
            Assert.All(chunks, c => Assert.True(counter.CountTokens(c.Text) <= max, $"{c.Kind} {c.Symbol} part {c.Part}: {c.Text}"));
            Assert.Equal(chunks.Count, chunks.Select(c => c.Id).Distinct().Count());
        }
    }

    [Theory]
    [MemberData(nameof(AllFixtures))]
    public void ASplitPartShowsItsDeclarationLineOnce(string name)
    {
        // A later part either starts at the declaration as written or repeats it as its header, never both: an
        // overlap reaching back over the declaration line used to put the header right above that same line.
        foreach (var max in new[] { 60, 120, 160 })
        {
            var chunks = new ChunkerSet(new WordTokenCounter(), new ChunkingOptions(max, 3, 40)).ChunkFile(Fixtures.Load(name));
            foreach (var part in chunks.Where(c => c.PartCount > 1 && !string.IsNullOrWhiteSpace(c.Signature)))
            {
                var shown = part.Text.Split('\n').Count(l => l.Trim() == part.Signature!.Trim());
                Assert.True(shown <= 1, $"max {max}, {part.Kind} {part.Symbol} part {part.Part}: {shown} times\n{part.Text}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllFixtures))]
    public void CrlfAndLfGiveTheSameChunks(string name)
    {
        var file = Fixtures.Load(name);
        var lf = file with { Text = file.Text.Replace("\r\n", "\n", StringComparison.Ordinal) };
        var crlf = file with { Text = lf.Text.Replace("\n", "\r\n", StringComparison.Ordinal) };
        var set = new ChunkerSet(new WordTokenCounter(), new ChunkingOptions(300));
        // Text is normalized to \n, so ids, hashes and ranges do not depend on the checkout's line endings.
        Assert.Equal(set.ChunkFile(lf), set.ChunkFile(crlf));
    }

    [Fact]
    public void SplitPartsRepeatTheHeaderOverlapAndCoverTheMember()
    {
        var counter = new WordTokenCounter();
        var chunks = new ChunkerSet(counter, new ChunkingOptions(80, 2, 40)).ChunkFile(Fixtures.Load("cache.go"));
        var parts = chunks.Where(c => c.Symbol == "Put").OrderBy(c => c.Part).ToList();
        Assert.True(parts.Count >= 2);
        Assert.All(parts, p => Assert.Equal(parts.Count, p.PartCount));
        Assert.Equal(Enumerable.Range(0, parts.Count), parts.Select(p => p.Part));
        Assert.Equal(parts.Count, parts.Select(p => p.Id).Distinct().Count());
        const string header = "func (c *Cache) Put(key string, value []byte, ttl time.Duration)";
        Assert.StartsWith("// Put stores a value", parts[0].Text, StringComparison.Ordinal);
        foreach (var part in parts.Skip(1))
        {
            Assert.StartsWith(header + "\n", part.Text, StringComparison.Ordinal);
        }
        // Parts cover the member from its doc comment to its closing brace, consecutive parts overlapping by 2 lines.
        Assert.Equal(41, parts[0].Range.StartLine);
        Assert.Equal(52, parts[^1].Range.EndLine);
        for (var i = 1; i < parts.Count; i++)
        {
            Assert.Equal(parts[i - 1].Range.EndLine - 1, parts[i].Range.StartLine);
        }
        // The header repetition is not part of the range: the part's text minus the header is exactly its lines.
        var lines = Fixtures.Load("cache.go").Text.Split('\n');
        var second = parts[1];
        var expected = string.Join("\n", lines[(second.Range.StartLine - 1)..second.Range.EndLine]);
        Assert.Equal(header + "\n" + expected, second.Text);
    }

    [Fact]
    public void HugeSingleLineIsCutByCharactersWithinTheLimit()
    {
        var counter = new WordTokenCounter();
        var file = Fixtures.Load("bundle.min.js");
        Assert.True(file.Text.Split('\n')[1].Length >= 50_000);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var chunks = new ChunkerSet(counter, new ChunkingOptions(256, 3, 40)).ChunkFile(file);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
        Assert.True(chunks.Count > 50);
        Assert.All(chunks, c => Assert.True(counter.CountTokens(c.Text) <= 256));
        // The pieces of line 2 follow each other: each starts where the previous ended (columns, UTF-16).
        var pieces = chunks.Where(c => c.Range.StartLine == 2 && c.Range.EndLine == 2).ToList();
        for (var i = 1; i < pieces.Count; i++)
        {
            Assert.True(pieces[i].Range.StartColumn <= pieces[i - 1].Range.EndColumn);
            Assert.True(pieces[i].Range.EndColumn > pieces[i - 1].Range.EndColumn);
        }
        Assert.Equal(file.Text.Split('\n')[1].Length + 1, chunks.Max(c => c.Range.EndLine == 2 ? c.Range.EndColumn : 0));
    }

    [Theory]
    [InlineData("csharp")]
    [InlineData("cpp")]
    [InlineData("java")]
    [InlineData("typescript")]
    [InlineData("python")]
    [InlineData("ruby")]
    [InlineData("markdown")]
    [InlineData("json")]
    public void HugeLinesInAnyLanguageStayWithinTheLimitQuickly(string language)
    {
        // Minified-looking code: declarations, strings and braces on one 60k-character line after a normal function.
        var line = string.Concat(Enumerable.Range(0, 3000).Select(i => $"int f{i}(x) {{ return \"s{i}\"; }} "));
        var text = "int main(void)\n{\n    return 0;\n}\n" + line + "\n";
        var counter = new WordTokenCounter();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var chunks = new ChunkerSet(counter, new ChunkingOptions(128)).ChunkFile(new SourceFile("min", language, text));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
        Assert.NotEmpty(chunks);
        Assert.All(chunks, c => Assert.True(counter.CountTokens(c.Text) <= 128));
        // Every character of the long line is in some chunk: the pieces reach its end.
        Assert.Contains(chunks, c => c.Range.EndLine == 5 && c.Range.EndColumn == line.TrimEnd().Length + 1);
    }

    [Fact]
    public void UnknownLanguageUsesOverlappingLineWindows()
    {
        var chunk = Assert.Single(Fixtures.Chunk("notes.unknownext"));
        Assert.Equal(ChunkKind.Window, chunk.Kind);
        Assert.Equal("text", chunk.Language);
        Assert.Equal(new SourceRange(1, 1, 8, 45), chunk.Range);

        var text = string.Join("\n", Enumerable.Range(1, 25).Select(i => $"key{i}: value {i}"));
        var windows = new ChunkerSet(new WordTokenCounter(), new ChunkingOptions(512, 2, 10))
            .ChunkFile(new SourceFile("config.yaml", "yaml", text));
        Assert.Equal([(1, 10), (9, 18), (17, 25)], windows.Select(w => (w.Range.StartLine, w.Range.EndLine)));
        Assert.Equal(3, windows.Select(w => w.Id).Distinct().Count());
        Assert.All(windows, w => Assert.Null(w.Symbol));
    }

    [Theory]
    [InlineData("csharp")]
    [InlineData("python")]
    [InlineData("markdown")]
    [InlineData("text")]
    public void EmptyAndWhitespaceFilesGiveNoChunks(string language)
    {
        var set = new ChunkerSet(new WordTokenCounter(), new ChunkingOptions(512));
        Assert.Empty(set.ChunkFile(new SourceFile("a", language, "")));
        Assert.Empty(set.ChunkFile(new SourceFile("a", language, " \r\n\t\n  ")));
    }

    [Theory]
    [InlineData("javascript", "function (((( { ' \" ` /* ")]
    [InlineData("python", "def f(:\n  \"\"\"unterminated\nclass")]
    [InlineData("ruby", "class Foo\n  def bar\n    if x")]
    [InlineData("rust", "fn main() { let s = r#\"never closed")]
    [InlineData("markdown", "```\n# x\n~~~")]
    [InlineData("csharp", "class { void M( { \"")]
    public void MalformedInputStillGivesChunks(string language, string text)
    {
        var chunks = new ChunkerSet(new WordTokenCounter(), new ChunkingOptions(512)).ChunkFile(new SourceFile("broken", language, text));
        Assert.NotEmpty(chunks);
    }

    [Fact]
    public void IdsDependOnPathKindContainerSymbolAndNotOnPosition()
    {
        var original = Fixtures.Load("cart.js");
        var shifted = original with { Text = "// a new comment at the top\n\n" + original.Text };
        var set = new ChunkerSet(new WordTokenCounter(), new ChunkingOptions(2000));
        var before = set.ChunkFile(original).Where(c => c.Kind != ChunkKind.TopLevel).ToDictionary(c => c.Id);
        var after = set.ChunkFile(shifted).Where(c => c.Kind != ChunkKind.TopLevel).ToDictionary(c => c.Id);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        var save = after.Values.Single(c => c.Symbol == "save");
        Assert.Equal(before[save.Id].ContentHash, save.ContentHash);
        Assert.Equal(before[save.Id].Range.StartLine + 2, save.Range.StartLine);
    }
}
