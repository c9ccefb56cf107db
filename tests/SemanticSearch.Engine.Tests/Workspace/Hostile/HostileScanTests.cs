using SemanticSearch.Engine.Workspace;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Engine.Tests.Workspace.Hostile;

/// <summary>
/// Issue #18, point 4: what a scan of a hostile workspace decides, on real trees (named pipes, sockets, links to
/// devices and outside files, broken and backtracking ignore patterns) made by each test.
/// </summary>
public sealed class HostileScanTests : IDisposable
{
    private readonly HostileWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private ScanResult Scan(ScanOptions? options = null) =>
        Within.Finish("the scan", () => new WorkspaceScanner().Scan(_ws.Root, options ?? ScanOptions.Default));

    private ScanResult ScanPaths(params string[] paths) =>
        Within.Finish("the scan of single paths", () => new WorkspaceScanner().ScanPaths(_ws.Root, ScanOptions.Default, paths));

    private static SkippedFile SkipOf(ScanResult result, string path) => Assert.Single(result.Skipped, s => s.RelativePath == path);

    [Fact]
    public void Named_pipes_and_sockets_are_skipped_as_special_files_and_never_opened()
    {
        _ws.File("src/a.cs", "class A {}");
        _ws.Fifo("src/pipe.cs");
        _ws.Socket("src/socket.cs");
        _ws.Link("src/to-pipe.cs", "pipe.cs"); // a link inside the workspace, to a pipe

        var result = Scan();

        Assert.Equal(["src/a.cs"], result.Accepted());
        Assert.Equal(["src/pipe.cs:SpecialFile", "src/socket.cs:SpecialFile", "src/to-pipe.cs:SpecialFile"], result.SkippedSummary());
        Assert.Contains("named pipe", SkipOf(result, "src/pipe.cs").Detail);
        Assert.Contains("socket", SkipOf(result, "src/socket.cs").Detail);
        // The watcher's and the save handler's path: the same decision, one path at a time.
        var single = ScanPaths("src/pipe.cs", "src/to-pipe.cs");
        Assert.Empty(single.Files);
        Assert.Equal(["src/pipe.cs:SpecialFile", "src/to-pipe.cs:SpecialFile"], single.SkippedSummary());
    }

    [Fact]
    public void Links_whose_target_lies_outside_the_workspace_are_skipped_files_and_folders_alike()
    {
        _ws.File("src/a.cs", "class A {}");
        _ws.Link("src/alias.cs", "a.cs"); // inside: indexed like its target, as before
        _ws.Link("secret.txt", _ws.OutsideFile("secret.txt", "the outside secret"));
        _ws.Link("hostname.txt", "/etc/hostname");
        _ws.Link("zero.cs", "/dev/zero");
        _ws.Link("urandom.cs", "/dev/urandom");
        _ws.DirectoryLink("elsewhere", _ws.Outside);
        // Through a folder link: the path names a place inside, the link in it leads outside.
        _ws.DirectoryLink("src/inner", _ws.Outside);
        _ws.Link("sneaky.txt", "src/inner/secret.txt");
        // A chain of links that ends outside.
        _ws.Link("hop1.txt", "hop2.txt");
        _ws.Link("hop2.txt", Path.Combine(_ws.Outside, "secret.txt"));

        var result = Scan();

        Assert.Equal(["src/a.cs", "src/alias.cs"], result.Accepted());
        Assert.Equal(
            ["elsewhere/:OutsideWorkspace", "hop1.txt:OutsideWorkspace", "hop2.txt:OutsideWorkspace", "hostname.txt:OutsideWorkspace",
                "secret.txt:OutsideWorkspace", "sneaky.txt:OutsideWorkspace", "src/inner/:OutsideWorkspace", "urandom.cs:OutsideWorkspace",
                "zero.cs:OutsideWorkspace"],
            result.SkippedSummary());
        Assert.Contains("outside the workspace", SkipOf(result, "secret.txt").Detail);
        var single = ScanPaths("secret.txt", "zero.cs", "sneaky.txt", "src/alias.cs");
        Assert.Equal(["src/alias.cs"], single.Accepted());
        Assert.Equal(["secret.txt:OutsideWorkspace", "sneaky.txt:OutsideWorkspace", "zero.cs:OutsideWorkspace"], single.SkippedSummary());
    }

    [Fact]
    public void A_workspace_reached_through_a_link_still_indexes_its_own_links()
    {
        // The root as the user names it may itself be a link (macOS /tmp, a symlinked checkout): "inside" is
        // judged on real paths, so links within that workspace stay inside.
        _ws.File("src/a.cs", "class A {}");
        _ws.Link("src/alias.cs", Path.Combine(_ws.Root, "src", "a.cs"));
        var linkedRoot = Path.Combine(_ws.Outside, "linked-root");
        Directory.CreateSymbolicLink(linkedRoot, _ws.Root);

        var result = Within.Finish("the scan", () => new WorkspaceScanner().Scan(linkedRoot, ScanOptions.Default));

        Assert.Equal(["src/a.cs", "src/alias.cs"], result.Accepted());
        Assert.Empty(result.Skipped);
    }

    [Fact]
    public void An_invalid_pattern_is_reported_and_skipped_and_the_rest_of_its_file_still_applies()
    {
        _ws.File(".gitignore", "*.log\n");
        _ws.File("nested/deeper/.gitignore", "# a reversed range: no character is between z and a\n[z-a]\n*.tmp\n");
        _ws.File("nested/deeper/a.cs", "class A {}");
        _ws.File("nested/deeper/x.tmp", "scratch");
        _ws.File("nested/deeper/trace.log", "log");
        _ws.File("nested/b.tmp", "kept: the nested rules do not reach up here");

        var result = Scan();

        Assert.Equal([".gitignore", "nested/b.tmp", "nested/deeper/.gitignore", "nested/deeper/a.cs"], result.Accepted());
        Assert.Equal(
            ["nested/deeper/.gitignore:InvalidPattern", "nested/deeper/trace.log:GitIgnored", "nested/deeper/x.tmp:GitIgnored"],
            result.SkippedSummary());
        var invalid = SkipOf(result, "nested/deeper/.gitignore");
        Assert.Contains("line 2", invalid.Detail);
        Assert.Contains("[z-a]", invalid.Detail);
        // The same in the Excludes option, and when only single paths are scanned.
        var excluded = Scan(new ScanOptions(["[z-a]", "*.cs"]));
        Assert.DoesNotContain("nested/deeper/a.cs", excluded.Accepted());
        Assert.Contains(excluded.Skipped, s => s.Reason == SkipReason.InvalidPattern && s.Detail.Contains("[z-a]", StringComparison.Ordinal));
        Assert.Equal(["nested/deeper/.gitignore:InvalidPattern", "nested/deeper/x.tmp:GitIgnored"], ScanPaths("nested/deeper/x.tmp").SkippedSummary());
    }

    [Fact]
    public void Backtracking_patterns_match_in_linear_time_on_long_names_and_deep_trees()
    {
        // Twelve stars before a 'b' that is never there: a backtracking matcher tries every split of 60 letters.
        var stars = string.Concat(Enumerable.Repeat("a*", 12)) + "b";
        _ws.File(".gitignore", $"{stars}\n/**/**/**/**/**/**/**/**/x\n");
        var name = new string('a', 60);
        _ws.File(name, "kept");
        _ws.File(name + "b", "ignored");
        var deep = HostileWorkspace.DeepFolders(100);
        _ws.File(deep + "/y", "kept");
        _ws.File(deep + "/x", "ignored");

        var result = Scan();

        Assert.Equal([".gitignore", name, deep + "/y"], result.Accepted());
        Assert.Equal([name + "b:GitIgnored", deep + "/x:GitIgnored"], result.SkippedSummary());
    }

    [Fact]
    public void Ignore_files_are_read_under_the_rules_of_every_file_pipes_and_outside_links_not_at_all()
    {
        // A pipe would block the scan in open(), a link to a device would never end: an ignore file is read only
        // when the file itself could be indexed (a regular file, inside the workspace, within the size limit).
        _ws.File("a.cs", "class A {}");
        _ws.Fifo(".gitignore");
        _ws.Link("sub/.gitignore", "/dev/zero");
        _ws.File("sub/b.cs", "class B {}");
        _ws.File("other/.gitignore", "*.cs\n");
        _ws.Link("linked/.gitignore", "../other/.gitignore"); // inside: followed, as before
        _ws.File("linked/c.cs", "class C {}");

        var result = Scan();

        Assert.Equal(["a.cs", "linked/.gitignore", "other/.gitignore", "sub/b.cs"], result.Accepted());
        Assert.Equal([".gitignore:SpecialFile", "linked/c.cs:GitIgnored", "sub/.gitignore:OutsideWorkspace"], result.SkippedSummary());
    }
}
