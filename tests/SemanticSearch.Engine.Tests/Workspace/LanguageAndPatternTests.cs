using SemanticSearch.Engine.Workspace;

namespace SemanticSearch.Engine.Tests.Workspace;

public sealed class LanguageDetectorTests
{
    [Theory]
    [InlineData("src/A.cs", "csharp")]
    [InlineData("build.csx", "csharp")]
    [InlineData("a/b.py", "python")]
    [InlineData("stubs/x.pyi", "python")]
    [InlineData("app.js", "javascript")]
    [InlineData("App.jsx", "javascript")]
    [InlineData("m.mjs", "javascript")]
    [InlineData("c.cjs", "javascript")]
    [InlineData("x.ts", "typescript")]
    [InlineData("X.tsx", "typescript")]
    [InlineData("x.mts", "typescript")]
    [InlineData("x.cts", "typescript")]
    [InlineData("main.go", "go")]
    [InlineData("Main.java", "java")]
    [InlineData("lib.rs", "rust")]
    [InlineData("a.rb", "ruby")]
    [InlineData("Gemfile", "ruby")]
    [InlineData("index.php", "php")]
    [InlineData("README.md", "markdown")]
    [InlineData("doc.markdown", "markdown")]
    [InlineData("x.c", "c")]
    [InlineData("x.h", "c")]
    [InlineData("x.cpp", "cpp")]
    [InlineData("x.hpp", "cpp")]
    [InlineData("x.cc", "cpp")]
    [InlineData("x.cxx", "cpp")]
    [InlineData("A.kt", "kotlin")]
    [InlineData("A.swift", "swift")]
    [InlineData("A.scala", "scala")]
    [InlineData("run.sh", "shell")]
    [InlineData("run.bash", "shell")]
    [InlineData("run.zsh", "shell")]
    [InlineData("Build.ps1", "powershell")]
    [InlineData("Mod.psm1", "powershell")]
    [InlineData("q.sql", "sql")]
    [InlineData("index.html", "html")]
    [InlineData("site.css", "css")]
    [InlineData("package.json", "json")]
    [InlineData("ci.yml", "yaml")]
    [InlineData("ci.yaml", "yaml")]
    [InlineData("Cargo.toml", "toml")]
    [InlineData("App.csproj", "xml")]
    [InlineData("Directory.Build.props", "xml")]
    [InlineData("x.targets", "xml")]
    [InlineData("doc.xml", "xml")]
    [InlineData("README", "text")]
    [InlineData("LICENSE", "text")]
    [InlineData("Makefile", "text")]
    [InlineData("Dockerfile", "text")]
    [InlineData("notes.txt", "text")]
    [InlineData("setup.cfg", "text")]
    [InlineData("tox.ini", "text")]
    [InlineData(".gitignore", "text")]
    [InlineData("UPPER.CS", "csharp")]
    [InlineData("dir.cs/file", "text")]
    public void FromPathMapsNamesToLanguageIds(string path, string expected)
        => Assert.Equal(expected, LanguageDetector.FromPath(path));
}

/// <summary>Single-pattern checks of the gitignore matcher, relative to the ignore file's directory.</summary>
public sealed class IgnoreRuleTests
{
    [Theory]
    [InlineData("*.log", "a.log", false, true)]
    [InlineData("*.log", "deep/dir/a.log", false, true)]
    [InlineData("*.log", "a.log/x", false, false)]
    [InlineData("build/", "build", true, true)]
    [InlineData("build/", "build", false, false)]
    [InlineData("build/", "src/build", true, true)]
    [InlineData("/build", "src/build", true, false)]
    [InlineData("a/b", "a/b", false, true)]
    [InlineData("a/b", "x/a/b", false, false)]
    [InlineData("a/*/c", "a/b/c", false, true)]
    [InlineData("a/*/c", "a/b/d/c", false, false)]
    [InlineData("a/**/c", "a/c", false, true)]
    [InlineData("a/**/c", "a/b/d/c", false, true)]
    [InlineData("**/c", "c", false, true)]
    [InlineData("**/c", "x/y/c", false, true)]
    [InlineData("a/**", "a", true, false)]
    [InlineData("a/**", "a/b/c", false, true)]
    [InlineData("a**b", "axxb", false, true)]
    [InlineData("a**b", "ax/xb", false, false)]
    [InlineData("?.txt", "a.txt", false, true)]
    [InlineData("?.txt", "ab.txt", false, false)]
    [InlineData("[a-c]x", "bx", false, true)]
    [InlineData("[a-c]x", "dx", false, false)]
    [InlineData("[!a-c]x", "dx", false, true)]
    [InlineData("[^a-c]x", "bx", false, false)]
    [InlineData("a[/]b", "a/b", false, false)]
    [InlineData("[]]x", "]x", false, true)]
    [InlineData("x[[:upper:]]", "xQ", false, true)]
    [InlineData("\\*star", "*star", false, true)]
    [InlineData("\\*star", "xstar", false, false)]
    [InlineData("a.c", "abc", false, false)]
    [InlineData("a+(b)", "a+(b)", false, true)]
    [InlineData("a/**/b", "a/xb", false, false)]
    [InlineData("a/**/b", "a/x/b", false, true)]
    [InlineData("**/**/x", "x", false, true)]
    [InlineData("**/**/x", "p/q/r/x", false, true)]
    [InlineData("**/**/x", "p/q/rx", false, false)]
    [InlineData("x/**/**", "x/a/b", false, true)]
    [InlineData("*.log", "a/b.log/c.log", false, true)]
    [InlineData("*a*b", "xaxxb", false, true)]
    [InlineData("*a*b", "xaxxbx", false, false)]
    [InlineData("a*", "a/b", false, false)]
    [InlineData("[a-]x", "-x", false, true)]
    [InlineData("[\\]]x", "]x", false, true)]
    [InlineData("[a-\\z]x", "qx", false, true)]
    [InlineData("[[:digit:]x]y", "xy", false, true)]
    [InlineData("[!a]", "/", false, false)]
    [InlineData("[abc", "[abc", false, true)]
    [InlineData("[z-a", "[z-a", false, true)]
    [InlineData("**/x.log", "x.log", false, true)]
    [InlineData("build", "src/xbuild", false, false)]
    public void PatternMatches(string pattern, string path, bool isDirectory, bool expected)
    {
        var rule = IgnoreRule.Parse(pattern, ignoreCase: false);

        Assert.NotNull(rule);
        Assert.Equal(expected, rule.IsMatch(path, isDirectory));
    }

    [Theory]
    [InlineData("[z-a]", "reversed range z-a")]
    [InlineData("src/[b-a]*.cs", "reversed range b-a")]
    [InlineData("x[[:word:]]", "unknown character class [:word:]")]
    [InlineData("trailing\\", "backslash")]
    [InlineData("[[:nope:]a]", "unknown character class [:nope:]")]
    public void InvalidPatternsParseToNullWithAReason(string pattern, string reason)
    {
        Assert.Null(IgnoreRule.Parse(pattern, ignoreCase: false, out var problem));
        Assert.Contains(reason, problem);
    }

    [Theory]
    [InlineData("*.LOG", "a/b.log", true)]
    [InlineData("[A-C]x", "bX", true)]
    [InlineData("[[:upper:]]x", "qx", true)]
    [InlineData("[!a-c]x", "Bx", false)]
    public void IgnoreCaseFoldsLettersAndClasses(string pattern, string path, bool expected)
        => Assert.Equal(expected, IgnoreRule.Parse(pattern, ignoreCase: true)!.IsMatch(path, false));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("# comment")]
    [InlineData("\r")]
    [InlineData("/")]
    [InlineData("!")]
    public void NonPatternsParseToNull(string line) => Assert.Null(IgnoreRule.Parse(line, ignoreCase: false));

    [Fact]
    public void NegationAndEscapedBangParse()
    {
        var negated = IgnoreRule.Parse("!keep.txt", ignoreCase: false);
        var literal = IgnoreRule.Parse("\\!keep.txt", ignoreCase: false);

        Assert.True(negated!.Negated);
        Assert.True(negated.IsMatch("keep.txt", false));
        Assert.False(literal!.Negated);
        Assert.True(literal.IsMatch("!keep.txt", false));
        Assert.False(literal.IsMatch("keep.txt", false));
    }
}
