using SemanticSearch.Engine.Workspace;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Engine.Tests.Workspace;

public sealed class WorkspaceScannerTests
{
    [Fact]
    public void MissingRootThrowsClearError()
    {
        var missing = Path.Combine(Path.GetTempPath(), "semsearch-missing-" + Guid.NewGuid().ToString("N"));

        var ex = Assert.Throws<DirectoryNotFoundException>(() => new WorkspaceScanner().Scan(missing, ScanOptions.Default));

        Assert.Contains(missing, ex.Message);
        Assert.Contains("does not exist", ex.Message);
    }

    [Fact]
    public void RootThatIsAFileThrows()
    {
        using var tree = new TempTree();
        var file = tree.File("a.txt");

        var ex = Assert.Throws<DirectoryNotFoundException>(() => new WorkspaceScanner().Scan(file, ScanOptions.Default));

        Assert.Contains("not a directory", ex.Message);
    }

    [Fact]
    public void AcceptedFilesCarryMetadataAndAreSortedOrdinally()
    {
        using var tree = new TempTree();
        var written = new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc);
        var full = tree.File("a/b.cs", "class B {}\n");
        File.SetLastWriteTimeUtc(full, written);
        tree.File("a.cs");
        tree.File("a.b/c.py");
        tree.File("B.md");
        tree.File("Makefile");

        var result = new WorkspaceScanner().Scan(tree.Root + Path.DirectorySeparatorChar, ScanOptions.Default);

        Assert.Equal(["B.md", "Makefile", "a.b/c.py", "a.cs", "a/b.cs"], result.Accepted());
        Assert.Equal(["markdown", "text", "python", "csharp", "csharp"], result.Files.Select(f => f.Language));
        var b = result.Files[^1];
        Assert.Equal(Path.GetFullPath(full), b.FullPath);
        Assert.True(Path.IsPathFullyQualified(b.FullPath));
        Assert.Equal(11, b.Size);
        Assert.Equal(written, b.LastWriteUtc);
        Assert.Empty(result.Skipped);
    }

    [Fact]
    public void FilesOverTheSizeLimitAreTooLarge()
    {
        using var tree = new TempTree();
        tree.Bytes("big.json", new byte[2_300_000]);
        tree.Bytes("exact.txt", new byte[1_000_000]);
        tree.Bytes("small.txt", new byte[10]);

        var result = tree.Scan(new ScanOptions([], MaxFileBytes: 1_000_000));

        Assert.Equal(["exact.txt", "small.txt"], result.Accepted());
        var big = Assert.Single(result.Skipped);
        Assert.Equal(new SkippedFile("big.json", SkipReason.TooLarge, "2.3 MB > 1.0 MB limit"), big);
    }

    [Fact]
    public void BinaryExtensionsAndGeneratedNamesAreSkippedByName()
    {
        using var tree = new TempTree();
        string[] names =
        [
            "img/logo.png", "bin2/lib.dll", "models/m.onnx", "data/index.litedb", "pkg/a.nupkg", "fonts/f.WOFF2",
            "Foo.g.cs", "Bar.g.i.cs", "Form1.Designer.cs", "x.designer.cs", "web/app.min.js", "web/site.min.css",
            "web/app.js.map", "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "Cargo.lock", "poetry.lock",
            "web/app.js", "Program.cs", "g.cs",
        ];
        foreach (var name in names)
        {
            tree.File(name, "content");
        }

        var result = tree.Scan();

        Assert.Equal(["Program.cs", "g.cs", "web/app.js"], result.Accepted());
        Assert.Equal(
            [
                "Bar.g.i.cs:Generated", "Cargo.lock:Generated", "Foo.g.cs:Generated", "Form1.Designer.cs:Generated",
                "bin2/lib.dll:Binary", "data/index.litedb:Binary", "fonts/f.WOFF2:Binary", "img/logo.png:Binary",
                "models/m.onnx:Binary", "package-lock.json:Generated", "pkg/a.nupkg:Binary", "pnpm-lock.yaml:Generated",
                "poetry.lock:Generated", "web/app.js.map:Generated", "web/app.min.js:Minified", "web/site.min.css:Minified",
                "x.designer.cs:Generated", "yarn.lock:Generated",
            ],
            result.SkippedSummary());
        Assert.Equal("binary file type (.png)", Assert.Single(result.Skipped, s => s.RelativePath == "img/logo.png").Detail);
    }

    [Fact]
    public void IgnoredDirectoryIsReportedOnceAndNotDescended()
    {
        using var tree = new TempTree();
        tree.File(".gitignore", "node_modules/\n");
        for (var i = 0; i < 200; i++)
        {
            tree.File($"node_modules/pkg{i}/index.js", "module.exports = 1;");
        }
        tree.File("src/app.js");
        tree.File(".git/HEAD", "ref: refs/heads/main\n");
        tree.File(".git/objects/ab/cdef", "blob");
        tree.File(".semantic-search/index.litedb", "db");
        tree.File("sub/.git", "gitdir: ../.git/modules/sub\n"); // submodule gitlink file
        tree.File("sub/s.cs");

        var result = tree.Scan();

        Assert.Equal([".gitignore", "src/app.js", "sub/s.cs"], result.Accepted());
        var skipped = Assert.Single(result.Skipped);
        Assert.Equal(new SkippedFile("node_modules", SkipReason.GitIgnored, "matches 'node_modules/' in .gitignore", IsDirectory: true), skipped);
    }

    [Fact]
    public void HugeIgnoredDirectoryIsOneSkipEntryNotThousands()
    {
        using var tree = new TempTree();
        tree.File(".gitignore", "/vendor\n");
        for (var d = 0; d < 100; d++)
        {
            for (var f = 0; f < 50; f++)
            {
                tree.File($"vendor/d{d}/f{f}.txt");
            }
        }
        tree.File("main.go");

        // Speed is a benchmark's job; here: the 5,000 files are pruned as one directory entry, not listed.
        var withoutRules = tree.Scan(new ScanOptions([], UseGitIgnore: false));
        var result = tree.Scan();

        Assert.Equal(5002, withoutRules.Files.Count); // the folder really is big
        Assert.Equal([".gitignore", "main.go"], result.Accepted());
        Assert.Equal(["vendor/:GitIgnored"], result.SkippedSummary());
    }

    [Fact]
    public void DirectorySymlinksAreNotFollowedFileSymlinksAre()
    {
        using var tree = new TempTree();
        tree.File("src/a.cs", "class A {}");
        Directory.CreateSymbolicLink(Path.Combine(tree.Root, "src", "loop"), tree.Root); // a cycle if followed
        File.CreateSymbolicLink(Path.Combine(tree.Root, "link.cs"), Path.Combine(tree.Root, "src", "a.cs"));
        File.CreateSymbolicLink(Path.Combine(tree.Root, "dangling.cs"), Path.Combine(tree.Root, "nope.cs"));

        var result = tree.Scan();

        Assert.Equal(["link.cs", "src/a.cs"], result.Accepted());
        Assert.Equal(10, result.Files[0].Size); // the target's size
        Assert.Equal(Path.Combine(tree.Root, "link.cs"), result.Files[0].FullPath); // but the link's own path
        var dangling = Assert.Single(result.Skipped);
        Assert.Equal("dangling.cs", dangling.RelativePath);
        Assert.Equal(SkipReason.Unreadable, dangling.Reason);
        Assert.Contains("broken symbolic link", dangling.Detail);
    }

    [Fact]
    public void CancellationIsHonoured()
    {
        using var tree = new TempTree();
        tree.File("a/b.cs");
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => new WorkspaceScanner().Scan(tree.Root, ScanOptions.Default, cts.Token));
    }

    [Fact]
    public void ScanningThisRepositoryHonoursItsGitIgnore()
    {
        var root = RepoPaths.Root;
        // The test run itself guarantees bin/ and obj/ exist with build outputs in them.
        Assert.True(Directory.Exists(Path.Combine(root, "tests", "SemanticSearch.Engine.Tests", "bin")));

        var result = new WorkspaceScanner().Scan(root, ScanOptions.Default);

        var paths = result.Accepted();
        Assert.Contains("server/SemanticSearch.Engine/Workspace/WorkspaceModel.cs", paths);
        Assert.Contains("SemanticSearch.sln", paths);
        Assert.DoesNotContain(paths, p => p.Split('/').Any(segment => segment is "bin" or "obj"));
        Assert.DoesNotContain(paths, p => p.StartsWith(".git/", StringComparison.Ordinal));
        Assert.Contains(result.Skipped, s => s.IsDirectory && s.Reason == SkipReason.GitIgnored && s.RelativePath == "tests/SemanticSearch.Engine.Tests/bin");
        Assert.Equal(paths.Order(StringComparer.Ordinal), paths);
    }
}
