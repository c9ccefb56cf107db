namespace SemanticSearch.Miner.Tests;

public class SplitAndNegativeTests
{
    [Fact]
    public void PackageSplitIsDeterministicAndNearTheFraction()
    {
        var names = Enumerable.Range(0, 5000).Select(i => $"golang-github-example-pkg{i}-dev").ToList();

        var first = names.Where(n => PackageSplit.IsValidation(n, 0.02)).ToList();
        var second = names.Where(n => PackageSplit.IsValidation(n, 0.02)).ToList();

        Assert.Equal(first, second);
        Assert.InRange(first.Count, 60, 140);
        // Case does not move a package across the split.
        Assert.All(first, n => Assert.True(PackageSplit.IsValidation(n.ToUpperInvariant(), 0.02)));
    }

    [Fact]
    public void SameFileAndSimilarNamesArePreferredAndThePositiveIsNever()
    {
        var positive = Doc("a.py", "Parser.parse_header", "h1", "Parse the header line");
        var pool = new List<MinedDoc>
        {
            positive,
            Doc("a.py", "Parser.close", "h2", null),
            Doc("b.py", "Reader.read_all", "h3", null),
            Doc("b.py", "HeaderParser.parse_header_block", "h4", null),
            Doc("a.py", "Parser.copy", "h1", null),            // same code as the positive
            Doc("c.py", "Other.parse_header", "h5", "Parse the header line."), // same query
            Doc("c.py", "Misc.noop", "h6", null),
        };

        var negatives = NegativeSelector.Select(positive, pool, 3);

        Assert.Equal(3, negatives.Count);
        Assert.Equal(Text("b.py", "HeaderParser.parse_header_block"), negatives[0]); // 3 shared subwords
        Assert.Equal(Text("a.py", "Parser.close"), negatives[1]);                     // same file + "parser"
        Assert.DoesNotContain(positive.Document, negatives);
        Assert.DoesNotContain(Text("a.py", "Parser.copy"), negatives);
        Assert.DoesNotContain(Text("c.py", "Other.parse_header"), negatives);
    }

    [Fact]
    public void SameFileWinsOverOtherFileWithEqualNames()
    {
        var positive = Doc("a.go", "Load", "h1", "Load reads the file");
        var pool = new List<MinedDoc> { positive, Doc("b.go", "Save", "h2", null), Doc("a.go", "Close", "h3", null) };

        Assert.Equal(Text("a.go", "Close"), NegativeSelector.Select(positive, pool, 1).Single());
    }

    private static MinedDoc Doc(string path, string symbol, string hash, string? query) => new(path, symbol, Text(path, symbol), hash, query);

    private static string Text(string path, string symbol) => $"{path} {symbol}\nbody of {symbol}";
}
