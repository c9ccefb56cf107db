using SemanticSearch.Engine.Workspace;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Engine.Tests.Workspace.Hostile;

/// <summary>
/// Reading a file for indexing takes at most the size limit (and one byte more, to tell that it is over), whatever
/// the file turned into after the scan measured it.
/// </summary>
public sealed class BoundedReadTests : IDisposable
{
    private readonly HostileWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private WorkspaceFile Scanned(string relative, long maxBytes) =>
        Assert.Single(new WorkspaceScanner().Scan(_ws.Root, new ScanOptions([], maxBytes)).Files, f => f.RelativePath == relative);

    [Fact]
    public void A_file_that_grew_past_the_limit_after_the_scan_is_too_large_and_read_only_to_the_limit()
    {
        const int Limit = 100_000;
        var path = _ws.File("grows.txt", "small at scan time\n");
        var file = Scanned("grows.txt", Limit);
        File.AppendAllText(path, new string('x', 20 * Limit));

        var before = GC.GetAllocatedBytesForCurrentThread();
        var bytes = WorkspaceFileReader.Read(file, Limit, out var skipped);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Null(bytes);
        Assert.Equal(SkipReason.TooLarge, skipped?.Reason);
        Assert.Equal("grows.txt", skipped?.RelativePath);
        // The 2 MB file is never held: what was read is bounded by the limit (plus buffers), not by the file.
        Assert.True(allocated < 4 * Limit, $"{allocated:N0} bytes allocated to read a file over a {Limit:N0}-byte limit");
    }

    [Fact]
    public void A_file_replaced_by_a_pipe_after_the_scan_is_skipped_without_opening_it()
    {
        _ws.File("src/a.cs", "class A {}");
        var file = Scanned("src/a.cs", 1_000_000);
        File.Delete(file.FullPath);
        _ws.Fifo("src/a.cs");

        var (bytes, skipped) = Within.Finish("reading a pipe", () => (WorkspaceFileReader.Read(file, 1_000_000, out var s), s));

        Assert.Null(bytes);
        Assert.Equal(SkipReason.SpecialFile, skipped?.Reason);
    }

    [Fact]
    public void A_file_within_the_limit_is_read_whole()
    {
        var content = new string('y', 5000) + "\n";
        _ws.File("exact.txt", content);
        var file = Scanned("exact.txt", content.Length);

        var bytes = WorkspaceFileReader.Read(file, content.Length, out var skipped);

        Assert.Null(skipped);
        Assert.Equal(content.Length, bytes?.Length);
    }
}
