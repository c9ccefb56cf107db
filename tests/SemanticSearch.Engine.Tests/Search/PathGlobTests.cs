using SemanticSearch.Engine.Search;

namespace SemanticSearch.Engine.Tests.Search;

public class PathGlobTests
{
    [Theory]
    [InlineData("*.cs", "src/Mail/Validator.cs", true)]
    [InlineData("*.cs", "Validator.cs", true)]
    [InlineData("*.cs", "src/Validator.csx", false)]
    [InlineData("src/**/*.py", "src/a/b/c.py", true)]
    [InlineData("src/**/*.py", "src/c.py", true)]
    [InlineData("src/**/*.py", "lib/src/c.py", false)]
    [InlineData("src/*.py", "src/a/c.py", false)]
    [InlineData("**/test?/**", "x/tests/y.go", true)]
    [InlineData("**/test?/**", "x/test/y.go", false)]
    [InlineData("*.{ts,tsx}", "web/App.tsx", true)]
    [InlineData("*.{ts,tsx}", "web/App.js", false)]
    [InlineData("[ab]*.md", "docs/alpha.md", true)]
    [InlineData("[!ab]*.md", "docs/alpha.md", false)]
    [InlineData("/src/*.rs", "src/main.rs", true)]
    [InlineData("docs/**", "docs/a/b.md", true)]
    [InlineData("a+b.txt", "a+b.txt", true)]
    public void Matches_like_a_user_expects(string pattern, string path, bool expected) =>
        Assert.Equal(expected, new PathGlob(pattern).IsMatch(path));

    [Fact]
    public void Rejects_empty_and_unclosed_patterns()
    {
        Assert.Throws<ArgumentException>(() => new PathGlob(" "));
        var error = Assert.Throws<ArgumentException>(() => new PathGlob("*.{ts,tsx"));
        Assert.Contains("Unclosed", error.Message);
        Assert.Contains("'*.{ts,tsx'", error.Message); // what the user wrote, not its translation
    }

    [Theory]
    [InlineData("src/[]x")]
    [InlineData("[z-a]*.cs")]
    public void A_bad_character_class_is_named_in_glob_terms_not_regex_terms(string pattern)
    {
        var error = Assert.Throws<ArgumentException>(() => new PathGlob(pattern));
        Assert.Equal($"'{pattern}' is not a valid path glob: a [...] class is empty or has a range in reverse order.", error.Message);
    }
}
