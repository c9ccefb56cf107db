namespace SemanticSearch.Engine.Tests.Workspace.Hostile;

/// <summary>Runs work that hangs when the bug is back (a blocking open, a backtracking match) on its own thread, with a limit.</summary>
internal static class Within
{
    /// <summary>Generous for a loaded 2-core machine: what these tests guard against hangs for minutes or forever.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    /// <summary>The result of <paramref name="work"/>, failing the test when it has not finished within <see cref="Limit"/>.</summary>
    public static T Finish<T>(string what, Func<T> work)
    {
        // A thread of its own: a hung open() must not hold a pool thread the rest of the run needs.
        var task = Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        Assert.True(task.Wait(Limit), $"{what} did not finish within {Limit.TotalSeconds:0} s");
        return task.Result;
    }
}
