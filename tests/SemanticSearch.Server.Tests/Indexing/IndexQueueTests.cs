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

    /// <summary>A runner that behaves like the worker at a group boundary: it stops once a pause asks it to.</summary>
    private sealed class YieldingRunner
    {
        public ManualResetEventSlim Started { get; } = new(false);
        public ManualResetEventSlim Boundary { get; } = new(false);
        public List<(string Folder, JobKind Kind, bool OpenOnly)> Ran { get; } = [];

        public IndexRunResult? Run(IndexJob job, CancellationToken cancellationToken)
        {
            lock (Ran)
            {
                Ran.Add((job.Folder.Name, job.Kind, job.OpenOnly));
            }
            Started.Set();
            if (job.OpenOnly)
            {
                return null;
            }
            // One "group", then the boundary: where the worker looks at the pause.
            Boundary.Wait(cancellationToken);
            if (job.YieldRequested)
            {
                job.Yielded = true;
                throw new OperationCanceledException();
            }
            return null;
        }
    }

    [Fact]
    public async Task Paused_no_job_starts_the_running_one_goes_back_to_the_front_and_resume_runs_it_with_its_waiter_still_waiting()
    {
        var runner = new YieldingRunner();
        using var queue = new IndexQueue(runner.Run, () => 100);
        var a = Folder("a");
        var b = Folder("b");
        using var request = new CancellationTokenSource();
        var waited = queue.Enqueue(new IndexJob(a, JobKind.Full, null, request.Token));
        Assert.True(runner.Started.Wait(TimeSpan.FromSeconds(10)));
        var other = queue.Enqueue(new IndexJob(b, JobKind.Full));

        Assert.True(queue.Pause());
        Assert.False(queue.Pause()); // twice: the same
        Assert.True(queue.Paused);
        runner.Boundary.Set();
        await WaitUntil(() => queue.Count == 2 && runner.Ran.Count == 1);
        Assert.False(waited.IsCompleted); // the request still waits for its pass
        Assert.Equal(1, queue.CountFor(a));

        // Saves while paused are queued and merged, not run.
        var saved = queue.Enqueue(new IndexJob(b, JobKind.Paths, ["x.cs"]));
        Assert.Same(other, saved);
        await Task.Delay(200);
        Assert.Single(runner.Ran);

        Assert.True(queue.Resume());
        Assert.False(queue.Resume()); // not paused any more: a no-op
        Assert.False(queue.Paused);
        await Task.WhenAll(waited, other).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([("a", JobKind.Full, false), ("a", JobKind.Full, false), ("b", JobKind.Full, false)], runner.Ran);
    }

    [Fact]
    public async Task A_retraining_is_one_per_folder_uncounted_and_gives_way_to_every_other_job_then_resumes_last()
    {
        var runner = new YieldingRunner();
        using var queue = new IndexQueue(runner.Run, () => 100);
        var a = Folder("a");
        var b = Folder("b");
        var retraining = queue.Enqueue(new IndexJob(a, JobKind.Retrain));
        Assert.True(runner.Started.Wait(TimeSpan.FromSeconds(10)));
        Assert.Same(retraining, queue.Enqueue(new IndexJob(a, JobKind.Retrain)));
        // Background work the status does not report as queued (an editor would show the folder busy for minutes).
        Assert.Equal(0, queue.Count);
        Assert.Equal(0, queue.CountFor(a));

        // A save and a full pass arrive: the re-training stops at its next group and waits behind both.
        var saved = queue.Enqueue(new IndexJob(b, JobKind.Paths, ["x.cs"]));
        var full = queue.Enqueue(new IndexJob(a, JobKind.Full));
        Assert.NotSame(retraining, full); // never merged into
        Assert.Equal(2, queue.Count);
        runner.Boundary.Set();
        await Task.WhenAll(saved, full, retraining).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([("a", JobKind.Retrain, false), ("b", JobKind.Paths, false), ("a", JobKind.Full, false), ("a", JobKind.Retrain, false)], runner.Ran);
    }

    [Fact]
    public async Task Cancel_stops_the_running_pass_drops_the_queued_jobs_and_keeps_only_what_opens_a_folder()
    {
        var runner = new YieldingRunner();
        using var queue = new IndexQueue(runner.Run, () => 100);
        var open = Folder("open"); // its workspace is never opened here, but its running job is its opener
        var unopened = Folder("unopened");
        var other = Folder("other");
        var running = queue.Enqueue(new IndexJob(open, JobKind.Full));
        Assert.True(runner.Started.Wait(TimeSpan.FromSeconds(10)));
        var queuedOpen = queue.Enqueue(new IndexJob(open, JobKind.Paths, ["a.cs"]));
        var queuedUnopened = queue.Enqueue(new IndexJob(unopened, JobKind.Full));
        var untouched = queue.Enqueue(new IndexJob(other, JobKind.Full));
        queue.Pause();

        Assert.Equal(2, queue.Cancel([open, unopened]));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queuedOpen);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queuedUnopened);
        Assert.True(queue.Paused); // cancelling leaves the pause as it was
        await WaitUntil(() => queue.CountFor(open) == 0);
        Assert.Equal(1, queue.CountFor(unopened)); // a folder not open yet keeps a job that only opens it
        Assert.Equal(0, queue.Cancel([open])); // nothing left to cancel
        Assert.Equal(0, queue.Cancel([unopened])); // opening is not indexing

        queue.Resume();
        runner.Boundary.Set();
        await untouched.WaitAsync(TimeSpan.FromSeconds(10));
        await WaitUntil(() => queue.Count == 0);
        Assert.Equal([("open", JobKind.Full, false), ("other", JobKind.Full, false), ("unopened", JobKind.Full, true)], runner.Ran);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(10);
        }
    }
}
