using SemanticSearch.Engine.Indexing;
using SemanticSearch.Server.Folders;
using SemanticSearch.Server.Indexing;

namespace SemanticSearch.Server.Tests.Indexing;

/// <summary>The coalescing rules of the indexing queue, with a fake runner (no model, no index).</summary>
public sealed class IndexQueueTests
{
    private static IndexedFolder Folder(string name) => new($"file:///{name}", name, "/" + name, new SharedModels());

    private sealed class Runner
    {
        public ManualResetEventSlim Gate { get; } = new(false);
        public ManualResetEventSlim Started { get; } = new(false);
        public List<(string Folder, JobKind Kind, string Paths)> Seen { get; } = [];

        public IndexRunResult? Run(IndexJob job, CancellationToken cancellationToken)
        {
            Started.Set();
            Gate.Wait(cancellationToken);
            lock (Seen)
            {
                Seen.Add((job.Folder.Name, job.Kind, string.Join(',', job.Paths.Order(StringComparer.Ordinal))));
            }
            return null;
        }
    }

    [Fact]
    public async Task Background_changes_of_a_folder_merge_while_queued_and_a_burst_becomes_one_full_pass()
    {
        var runner = new Runner();
        using var queue = new IndexQueue(runner.Run, () => 5);
        var a = Folder("a");
        var b = Folder("b");
        var first = queue.Enqueue(new IndexJob(a, JobKind.Full)); // runs, held at the gate
        Assert.True(runner.Started.Wait(TimeSpan.FromSeconds(10)));

        var p1 = queue.Enqueue(new IndexJob(b, JobKind.Paths, ["x.cs"]));
        var p2 = queue.Enqueue(new IndexJob(b, JobKind.Paths, ["y.cs", "x.cs"]));
        var other = queue.Enqueue(new IndexJob(a, JobKind.Paths, ["z.cs"]));
        Assert.Same(p1, p2); // merged into the queued job
        Assert.Equal(3, queue.Count);

        // A git checkout: more paths than the threshold turn the merged job into a full pass.
        var burst = queue.Enqueue(new IndexJob(b, JobKind.Paths, Enumerable.Range(0, 10).Select(i => $"f{i}.cs")));
        Assert.Same(p1, burst);
        // A full pass absorbs later path changes of the same folder.
        Assert.Same(p1, queue.Enqueue(new IndexJob(b, JobKind.Paths, ["late.cs"])));

        runner.Gate.Set();
        await Task.WhenAll(first, p1, other);
        Assert.Equal([("a", JobKind.Full, ""), ("b", JobKind.Full, ""), ("a", JobKind.Paths, "z.cs")], runner.Seen);
    }

    [Fact]
    public async Task A_job_someone_waits_for_is_not_merged_and_its_cancellation_is_its_own()
    {
        var runner = new Runner();
        using var queue = new IndexQueue(runner.Run, () => 100);
        var a = Folder("a");
        var running = queue.Enqueue(new IndexJob(a, JobKind.Full));
        Assert.True(runner.Started.Wait(TimeSpan.FromSeconds(10)));
        using var cancel = new CancellationTokenSource();
        var waited = queue.Enqueue(new IndexJob(a, JobKind.Full, null, cancel.Token));
        var background = queue.Enqueue(new IndexJob(a, JobKind.Full));
        Assert.NotSame(waited, background);

        await cancel.CancelAsync();
        runner.Gate.Set();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waited);
        await Task.WhenAll(running, background);
        Assert.Equal(2, runner.Seen.Count);
    }
}
