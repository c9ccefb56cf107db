using SemanticSearch.Engine.Workspace;

namespace SemanticSearch.Engine.Tests.Workspace;

/// <summary>
/// <see cref="WorkspaceScanner.ScanPaths"/> (saves and watcher events) decides each path exactly as a full walk
/// does, from the path's ancestors alone.
/// </summary>
public sealed class ScanPathsTests
{
    private static TempTree Tree()
    {
        var tree = new TempTree();
        tree.File(".gitignore", "*.log\nbuild/\n!keep.log\n");
        tree.File("src/a.cs", "class A {}");
        tree.File("src/debug.log", "x");
        tree.File("src/keep.log", "kept");
        tree.File("src/nested/.gitignore", "*.tmp\n!important.cs\n");
        tree.File("src/nested/b.tmp", "x");
        tree.File("src/nested/c.py", "print(1)");
        tree.File("build/out.cs", "class Out {}");
        tree.File("package-lock.json", "{}");
        tree.File("assets/logo.png", "png");
        tree.File("big.txt", new string('x', 5000));
        tree.File("docs/guide.md", "# Guide");
        tree.File(".semantic-search/index.db", "db");
        tree.File(".git/config", "[core]");
        tree.File("excluded/x.cs", "class X {}");
        return tree;
    }

    private static readonly ScanOptions Options = ScanOptions.Default with { MaxFileBytes = 1000, Excludes = ["/excluded/"] };

    [Fact]
    public void Each_path_gets_the_decision_of_the_full_walk()
    {
        using var tree = Tree();
        var full = new WorkspaceScanner().Scan(tree.Root, Options);
        string[] paths =
        [
            "src/a.cs", "src/debug.log", "src/keep.log", "src/nested/b.tmp", "src/nested/c.py", "package-lock.json",
            "assets/logo.png", "big.txt", "docs/guide.md", ".gitignore", "src/nested/.gitignore",
        ];
        var some = new WorkspaceScanner().ScanPaths(tree.Root, Options, paths);

        Assert.Equal(
            full.Files.Where(f => paths.Contains(f.RelativePath)).Select(f => (f.RelativePath, f.Size, f.Language)),
            some.Files.Select(f => (f.RelativePath, f.Size, f.Language)));
        Assert.Equal(full.Skipped.Where(s => paths.Contains(s.RelativePath)), some.Skipped);
        Assert.Contains(some.Files, f => f.RelativePath == "src/keep.log"); // re-included by '!keep.log'
        Assert.Contains(some.Skipped, s => s.RelativePath == "src/nested/b.tmp" && s.Reason == SkipReason.GitIgnored);
    }

    [Fact]
    public void Paths_below_an_ignored_excluded_or_internal_directory_and_paths_that_are_not_files_are_left_out()
    {
        using var tree = Tree();
        var some = new WorkspaceScanner().ScanPaths(
            tree.Root,
            Options,
            ["build/out.cs", "excluded/x.cs", ".semantic-search/index.db", ".git/config", "gone.cs", "src", "../outside.cs", "src/./a.cs"]);
        Assert.Empty(some.Files);
        Assert.Empty(some.Skipped);
        // The full walk agrees: none of them is a file it would index.
        var full = new WorkspaceScanner().Scan(tree.Root, Options).Files.Select(f => f.RelativePath).ToList();
        Assert.DoesNotContain("build/out.cs", full);
        Assert.DoesNotContain("excluded/x.cs", full);
    }

    [Fact]
    public void A_file_below_a_directory_symlink_is_not_content_but_a_file_symlink_is()
    {
        using var tree = Tree();
        Directory.CreateSymbolicLink(Path.Combine(tree.Root, "linked"), Path.Combine(tree.Root, "src"));
        File.CreateSymbolicLink(Path.Combine(tree.Root, "alias.cs"), Path.Combine(tree.Root, "src", "a.cs"));
        var some = new WorkspaceScanner().ScanPaths(tree.Root, Options, ["linked/a.cs", "alias.cs"]);
        Assert.Equal(["alias.cs"], some.Files.Select(f => f.RelativePath));
    }
}
