namespace SemanticSearch.Miner.Tests;

/// <summary>End to end on fixture packages: pairs, document format, eval exclusion, dedup.</summary>
public class PackageMinerTests
{
    [Fact]
    public void MinesPairsInTheEngineDocumentFormat()
    {
        var stats = new MinerStats();
        var pairs = new PackageMiner(EvalExclusions.Empty(), 1000).Mine("python3-textkit", Path.Combine(MinerFixtures.Root, "textkit"), stats);

        var wrap = Assert.Single(pairs, p => p.Symbol == "wrap_paragraph");
        Assert.Equal("python", wrap.Language);
        Assert.Equal("python3-textkit/textkit/wrap.py", wrap.Path);
        Assert.StartsWith("python3-textkit/textkit/wrap.py wrap_paragraph\ndef wrap_paragraph(text, width=72):\n    lines, current", wrap.Document, StringComparison.Ordinal);
        Assert.InRange(wrap.Negatives.Count, 1, 3);
        Assert.DoesNotContain(wrap.Document, wrap.Negatives);
        Assert.Equal(["Wrapper.fill", "collapse_spaces", "wrap_paragraph"], pairs.Select(p => p.Symbol).Order(StringComparer.Ordinal));
        Assert.True(stats.Drops["query-low-information"] >= 1);
    }

    [Fact]
    public void PairsAlsoCarryTheMembersAsTheEngineIndexesThemWithDocComments()
    {
        var pairs = new PackageMiner(EvalExclusions.Empty(), 1000).Mine("python3-textkit", Path.Combine(MinerFixtures.Root, "textkit"), new MinerStats());

        var wrap = Assert.Single(pairs, p => p.Symbol == "wrap_paragraph");
        Assert.StartsWith("python3-textkit/textkit/wrap.py wrap_paragraph\ndef wrap_paragraph(text, width=72):\n    \"\"\"Wrap a paragraph of text so that",
            wrap.DocumentWithDoc, StringComparison.Ordinal);
        Assert.Contains("Words longer than the width are kept whole", wrap.DocumentWithDoc, StringComparison.Ordinal);
        Assert.DoesNotContain("Words longer than the width", wrap.Document, StringComparison.Ordinal);
        // Without the docstring the two forms hold the same code.
        Assert.EndsWith(wrap.Document.Split('\n', 3)[2], wrap.DocumentWithDoc, StringComparison.Ordinal);
        Assert.Equal(wrap.Negatives.Count, wrap.NegativesWithDoc.Count);
        for (var i = 0; i < wrap.Negatives.Count; i++)
        {
            // The same member in both lists, position for position (same header line).
            Assert.Equal(wrap.Negatives[i].Split('\n')[0], wrap.NegativesWithDoc[i].Split('\n')[0]);
        }
        Assert.Contains(wrap.NegativesWithDoc, n => n.Contains("\"\"\"", StringComparison.Ordinal));
    }

    [Fact]
    public void EvalCodeAndEvalQueriesAreExcluded()
    {
        var exclusions = EvalExclusions.Load(MinerFixtures.Evals);
        var stats = new MinerStats();
        var miner = new PackageMiner(exclusions, 1000);

        var python = miner.Mine("python3-textkit", Path.Combine(MinerFixtures.Root, "textkit"), stats);
        var go = miner.Mine("golang-strkit-dev", Path.Combine(MinerFixtures.Root, "strkit"), stats);

        // collapse_spaces equals the cosqa snippet up to whitespace and docstring.
        Assert.DoesNotContain(python, p => p.Symbol == "collapse_spaces");
        Assert.All(python, p => Assert.DoesNotContain(p.Negatives, n => n.Contains("def collapse_spaces", StringComparison.Ordinal)));
        Assert.Equal(1, stats.Drops["eval-code"]);
        // CountWords' query equals an eval query (case and final period ignored).
        Assert.DoesNotContain(go, p => p.Symbol == "CountWords");
        Assert.Equal(1, stats.Drops["eval-query"]);
    }

    [Theory]
    [InlineData("python3-jsdate", true)]
    [InlineData("node-jsdate", true)]
    [InlineData("JSDATE", true)]
    [InlineData("python3-jsdates", false)]
    public void ExcludedPackagesMatchAcrossEcosystemPrefixes(string package, bool excluded) =>
        Assert.Equal(excluded, EvalExclusions.Load(MinerFixtures.Evals).ExcludesPackage(package));

    [Fact]
    public void DuplicateCodeAcrossPackagesIsKeptOnce()
    {
        var stats = new MinerStats();
        var miner = new PackageMiner(EvalExclusions.Empty(), 1000);

        var first = miner.Mine("a", Path.Combine(MinerFixtures.Root, "jsdate"), stats);
        var second = miner.Mine("b", Path.Combine(MinerFixtures.Root, "jsdate"), stats);

        Assert.Single(first);
        Assert.Empty(second);
        Assert.Equal(1, stats.Drops["dup-code"]);
    }

    [Theory]
    [InlineData("usr/lib/python3/dist-packages/requests/api.py", "requests/api.py")]
    [InlineData("usr/share/gocode/src/github.com/a/b/x.go", "github.com/a/b/x.go")]
    [InlineData("lib/x.rb", "lib/x.rb")]
    public void DebianInstallPrefixesAreStripped(string path, string expected) =>
        Assert.Equal(expected, PackageMiner.RepoPath(path));
}
