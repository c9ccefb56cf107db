using SemanticSearch.Engine.Workspace;

namespace SemanticSearch.Engine.Tests.Workspace;

/// <summary>Gitignore semantics, checked by scanning real trees on disk.</summary>
public sealed class GitIgnoreScanTests
{
    [Fact]
    public void NestedGitIgnoresNegationsAndDirectoryOnlyPatterns()
    {
        using var tree = new TempTree();
        tree.File(".gitignore", "*.log\nbuild/\n/rootonly.txt\n!keep.log\n");
        tree.File("a.cs");
        tree.File("debug.log");
        tree.File("keep.log");
        tree.File("rootonly.txt");
        tree.File("x.tmp");
        tree.File("build/out.cs");
        tree.File("sub/rootonly.txt");
        tree.File("sub/build"); // a file named like the dir-only pattern stays
        tree.File("sub/.gitignore", "*.tmp\n!debug.log\n");
        tree.File("sub/debug.log"); // re-included by the deeper .gitignore
        tree.File("sub/trace.log");
        tree.File("sub/x.tmp");

        var result = tree.Scan();

        Assert.Equal(
            [".gitignore", "a.cs", "keep.log", "sub/.gitignore", "sub/build", "sub/debug.log", "sub/rootonly.txt", "x.tmp"],
            result.Accepted());
        Assert.Equal(
            ["build/:GitIgnored", "debug.log:GitIgnored", "rootonly.txt:GitIgnored", "sub/trace.log:GitIgnored", "sub/x.tmp:GitIgnored"],
            result.SkippedSummary());
        var tmp = Assert.Single(result.Skipped, s => s.RelativePath == "sub/x.tmp");
        Assert.Equal("matches '*.tmp' in sub/.gitignore", tmp.Detail);
    }

    [Fact]
    public void AnchoredPatternsApplyRelativeToTheirGitIgnore()
    {
        using var tree = new TempTree();
        tree.File(".gitignore", "docs/generated\n");
        tree.File("docs/generated/a.md");
        tree.File("lib/docs/generated/b.md"); // a middle slash anchors: no match deeper down
        tree.File("src/.gitignore", "/local.txt\nnested/thing.txt\n");
        tree.File("src/local.txt");
        tree.File("src/deep/local.txt");
        tree.File("src/nested/thing.txt");
        tree.File("src/deep/nested/thing.txt");
        tree.File("local.txt"); // outside src/, so src/.gitignore does not apply

        var result = tree.Scan();

        Assert.Equal(
            [".gitignore", "lib/docs/generated/b.md", "local.txt", "src/.gitignore", "src/deep/local.txt", "src/deep/nested/thing.txt"],
            result.Accepted());
        Assert.Equal(
            ["docs/generated/:GitIgnored", "src/local.txt:GitIgnored", "src/nested/thing.txt:GitIgnored"],
            result.SkippedSummary());
    }

    [Fact]
    public void DoubleStarLeadingTrailingAndMiddle()
    {
        using var tree = new TempTree();
        tree.File(".gitignore", "**/logs\nassets/**\n!assets/keep.txt\na/**/z.txt\n");
        tree.File("logs/1.txt");
        tree.File("deep/er/logs/2.txt");
        tree.File("assets/drop.txt");
        tree.File("assets/keep.txt"); // assets/ itself is not ignored by assets/**, so this can be re-included
        tree.File("assets/sub/x.txt");
        tree.File("a/z.txt");
        tree.File("a/b/z.txt");
        tree.File("a/b/c/z.txt");
        tree.File("a/b/c/y.txt");
        tree.File("b/a/z.txt");

        var result = tree.Scan();

        Assert.Equal([".gitignore", "a/b/c/y.txt", "assets/keep.txt", "b/a/z.txt"], result.Accepted());
        Assert.Equal(
            ["a/b/c/z.txt:GitIgnored", "a/b/z.txt:GitIgnored", "a/z.txt:GitIgnored", "assets/drop.txt:GitIgnored",
             "assets/sub/:GitIgnored", "deep/er/logs/:GitIgnored", "logs/:GitIgnored"],
            result.SkippedSummary());
    }

    [Fact]
    public void CharacterClassesRangesAndWildcards()
    {
        using var tree = new TempTree();
        tree.File(".gitignore", "file[0-9].txt\n[!a]x.txt\n?.md\n[abc].cs\nv[[:digit:]]\n");
        foreach (var name in new[] { "file1.txt", "file9.txt", "filea.txt", "ax.txt", "bx.txt", "a.md", "ab.md", "a.cs", "d.cs", "v1", "vx" })
        {
            tree.File(name);
        }

        var result = tree.Scan();

        Assert.Equal([".gitignore", "ab.md", "ax.txt", "d.cs", "filea.txt", "vx"], result.Accepted());
        Assert.Equal(
            ["a.cs:GitIgnored", "a.md:GitIgnored", "bx.txt:GitIgnored", "file1.txt:GitIgnored", "file9.txt:GitIgnored", "v1:GitIgnored"],
            result.SkippedSummary());
    }

    [Fact]
    public void EscapesCommentsBlankLinesAndTrailingSpaces()
    {
        using var tree = new TempTree();
        tree.File(".gitignore", "# comment\n\n   \n\\#hash.txt\n\\!bang.txt\ntrailing.txt   \nspace\\ \n");
        tree.File("# comment");
        tree.File("#hash.txt");
        tree.File("!bang.txt");
        tree.File("trailing.txt");
        tree.File("space "); // the escaped trailing space is part of the pattern
        tree.File("space");

        var result = tree.Scan();

        Assert.Equal(["# comment", ".gitignore", "space"], result.Accepted());
        Assert.Equal(["!bang.txt:GitIgnored", "#hash.txt:GitIgnored", "space :GitIgnored", "trailing.txt:GitIgnored"], result.SkippedSummary());
    }

    [Fact]
    public void CrlfGitIgnoreFileWorks()
    {
        using var tree = new TempTree();
        tree.File(".gitignore", "*.log\r\nout/\r\n!keep.log\r\n");
        tree.File("a.log");
        tree.File("keep.log");
        tree.File("out/x.cs");
        tree.File("src/y.cs");

        var result = tree.Scan();

        Assert.Equal([".gitignore", "keep.log", "src/y.cs"], result.Accepted());
        Assert.Equal(["a.log:GitIgnored", "out/:GitIgnored"], result.SkippedSummary());
    }

    [Fact]
    public void FileCannotBeReincludedWhenItsDirectoryIsExcluded()
    {
        using var tree = new TempTree();
        tree.File(".gitignore", "build/\n!build/keep.txt\n");
        tree.File("build/keep.txt");
        tree.File("build/other.txt");
        tree.File("build/inner/.gitignore", "!*\n"); // never read: build/ is pruned
        tree.File("src/a.cs");

        var result = tree.Scan();

        Assert.Equal([".gitignore", "src/a.cs"], result.Accepted());
        Assert.Equal(["build/:GitIgnored"], result.SkippedSummary());
    }

    [Fact]
    public void GitInfoExcludeIsHonouredWithLowerPriorityThanGitIgnore()
    {
        using var tree = new TempTree();
        tree.File(".git/info/exclude", "secret.txt\n*.bak\n");
        tree.File(".git/HEAD", "ref: refs/heads/main\n");
        tree.File(".gitignore", "!keep.bak\n");
        tree.File("secret.txt");
        tree.File("old.bak");
        tree.File("keep.bak");
        tree.File("a.cs");

        var result = tree.Scan();

        Assert.Equal([".gitignore", "a.cs", "keep.bak"], result.Accepted());
        Assert.Equal(["old.bak:GitIgnored", "secret.txt:GitIgnored"], result.SkippedSummary());
        Assert.Equal("matches 'secret.txt' in .git/info/exclude", Assert.Single(result.Skipped, s => s.RelativePath == "secret.txt").Detail);
    }

    [Fact]
    public void ExcludesOptionHasHighestPriorityAndItsOwnReason()
    {
        using var tree = new TempTree();
        tree.File(".gitignore", "*.log\n");
        tree.File("tests/fixtures/a.cs");
        tree.File("src/fixtures/b.cs");
        tree.File("src/c.snap");
        tree.File("important.log");
        tree.File("other.log");
        tree.File("src/d.cs");

        var result = tree.Scan(new ScanOptions(["**/fixtures/", "*.snap", "!important.log"]));

        Assert.Equal([".gitignore", "important.log", "src/d.cs"], result.Accepted());
        Assert.Equal(
            ["other.log:GitIgnored", "src/c.snap:Excluded", "src/fixtures/:Excluded", "tests/fixtures/:Excluded"],
            result.SkippedSummary());
        Assert.Equal("matches '**/fixtures/' in Excludes option", Assert.Single(result.Skipped, s => s.RelativePath == "src/fixtures").Detail);
    }

    [Fact]
    public void UseGitIgnoreFalseDisablesIgnoreFilesButNotExcludes()
    {
        using var tree = new TempTree();
        tree.File(".git/info/exclude", "info.txt\n");
        tree.File(".gitignore", "*.log\n");
        tree.File("sub/.gitignore", "*\n");
        tree.File("a.log");
        tree.File("info.txt");
        tree.File("sub/b.cs");
        tree.File("gen/c.cs");

        var result = tree.Scan(new ScanOptions(["gen/"], UseGitIgnore: false));

        Assert.Equal([".gitignore", "a.log", "info.txt", "sub/.gitignore", "sub/b.cs"], result.Accepted());
        Assert.Equal(["gen/:Excluded"], result.SkippedSummary());
    }

    [Fact]
    public void WhitelistStylePatternsBehaveLikeGit()
    {
        // Expected lists were cross-checked against `git ls-files -o --exclude-standard` on the same tree.
        using var tree = new TempTree();
        tree.File(".gitignore", "/*\n!/src\n!.gitignore\nsrc/**/gen/\n!src/**/gen/keep\nsrc/*.txt  \n");
        foreach (var name in new[] { "a.cs", "b/c.cs", "src/x.cs", "src/y.txt", "src/gen/k.cs", "src/p/gen/keep", "src/p/gen2/z", "lib/src/x.cs" })
        {
            tree.File(name);
        }
        tree.File("src/q/.gitignore", "*\n!*.py\n!*/\n");
        tree.File("src/q/s.py");
        tree.File("src/q/t/u.py");
        tree.File("src/q/t/v.rb");

        var result = tree.Scan();

        Assert.Equal([".gitignore", "src/p/gen2/z", "src/q/s.py", "src/q/t/u.py", "src/x.cs"], result.Accepted());
        Assert.Equal(
            ["a.cs:GitIgnored", "b/:GitIgnored", "lib/:GitIgnored", "src/gen/:GitIgnored", "src/p/gen/:GitIgnored",
             "src/q/.gitignore:GitIgnored", "src/q/t/v.rb:GitIgnored", "src/y.txt:GitIgnored"],
            result.SkippedSummary());
    }
}
