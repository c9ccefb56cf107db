using SemanticSearch.Server.Watching;

namespace SemanticSearch.Server.Tests.Watching;

public sealed class ChangeBatcherTests
{
    [Fact]
    public async Task A_burst_of_changes_is_flushed_once_with_every_path()
    {
        var batches = new System.Collections.Concurrent.ConcurrentQueue<(string[] Paths, bool Everything)>();
        using var batcher = new ChangeBatcher(() => 300, (paths, everything) => batches.Enqueue((paths.Order(StringComparer.Ordinal).ToArray(), everything)));
        batcher.Add(["a.cs"]);
        batcher.Add(["b.cs", "a.cs"]);
        batcher.Add(["c.cs"]);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (batches.IsEmpty && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        await Task.Delay(500); // nothing else may follow
        var batch = Assert.Single(batches);
        Assert.Equal(["a.cs", "b.cs", "c.cs"], batch.Paths);
        Assert.False(batch.Everything);
    }

    [Fact]
    public async Task A_watcher_overflow_asks_for_a_full_pass()
    {
        var flushed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var batcher = new ChangeBatcher(() => 10, (_, everything) => flushed.TrySetResult(everything));
        batcher.Add([], everything: true);
        Assert.True(await flushed.Task.WaitAsync(TimeSpan.FromSeconds(30)));
    }
}
