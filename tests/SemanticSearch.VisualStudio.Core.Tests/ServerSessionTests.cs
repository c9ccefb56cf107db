using System.Diagnostics;
using SemanticSearch.Server.Protocol;
using SemanticSearch.TestSupport;
using SemanticSearch.VisualStudio.Core.Connection;
using SemanticSearch.VisualStudio.Core.Problems;
using SemanticSearch.VisualStudio.Core.Session;

namespace SemanticSearch.VisualStudio.Core.Tests;

/// <summary>The Core against the real server process over stdio, with the tiny model and real files.</summary>
public sealed class ServerSessionTests : IDisposable
{
    private static readonly TimeSpan IndexTimeout = TimeSpan.FromSeconds(120);
    private readonly SampleRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public async Task A_session_indexes_searches_steps_through_results_and_a_save_reindexes()
    {
        using var server = new TestServer([_repo.Root]);
        Assert.True(await server.Client.StartAsync(), server.Log);
        Assert.Null(server.Client.Problem);
        var status = await server.Client.WaitUntilIndexedAsync(IndexTimeout);
        Assert.All(status.Folders, f => Assert.Equal(FolderState.Ready, f.State));
        Assert.True(status.Folders[0].FilesIndexed > 3, $"only {status.Folders[0].FilesIndexed} files indexed");

        using var session = new SearchSession(server.Client.SearchAsync, () => TimeSpan.FromMilliseconds(50), () => 10);
        var outcome = await session.SubmitAsync("validate an email address");
        Assert.NotNull(outcome);
        Assert.Null(outcome.Error);
        var results = outcome.Results!;
        Assert.Same(results, session.Current);
        Assert.Equal(["validate an email address"], session.History.Entries);
        Assert.Contains(results.Files, f => f.Path == "src/Mail/EmailValidator.cs");

        // Grouped by file, files by their best rank, hits inside a file by rank: the server's order is kept.
        Assert.Equal(results.Files.Select(f => f.BestRank).Order(), results.Files.Select(f => f.BestRank));
        Assert.All(results.Files, f => Assert.Equal(f.Hits.Select(h => h.Rank).Order(), f.Hits.Select(h => h.Rank)));
        Assert.All(results.Files, f => Assert.All(f.Hits, h => Assert.Equal(f.Uri, h.Uri)));
        Assert.True(results.Order.Count >= 2, "need two hits to step between");

        // Next from nothing is the first row, previous from the first wraps to the last.
        Assert.Same(results.Order[0], results.Next());
        Assert.Same(results.Order[1], results.Next());
        Assert.Same(results.Order[0], results.Previous());
        Assert.Same(results.Order[^1], results.Previous());
        Assert.Same(results.Order[0], results.Next());

        // A save: the edit becomes searchable only through the client's notification (the server's watcher is off).
        var before = await session.SubmitAsync("compute shipping surcharge");
        Assert.DoesNotContain(before!.Results!.Order, h => h.Symbol == "ComputeShippingSurcharge");
        _repo.Edit(
            "src/Billing/InvoiceCalculator.cs",
            "    /// <summary>Applies a percentage discount",
            "    public static decimal ComputeShippingSurcharge(decimal weightKg) => weightKg * 0.5m;\n\n    /// <summary>Applies a percentage discount");
        server.Client.Changes.Saved(_repo.PathOf("src/Billing/InvoiceCalculator.cs"));
        await PollAsync(session, "compute shipping surcharge", r => r.Order.Any(h => h.Symbol == "ComputeShippingSurcharge"), server);
        Assert.Equal(1, server.Client.Changes.BatchesSent);

        // A delete reported by the project system removes the file's chunks.
        File.Delete(_repo.PathOf("src/Billing/InvoiceCalculator.cs"));
        server.Client.Changes.Deleted(_repo.PathOf("src/Billing/InvoiceCalculator.cs"));
        await PollAsync(session, "compute shipping surcharge", r => r.Order.All(h => h.Path != "src/Billing/InvoiceCalculator.cs"), server);
        Assert.Equal(["compute shipping surcharge", "validate an email address"], session.History.Entries);
    }

    [Fact]
    public async Task A_killed_server_is_restarted_and_repeated_crashes_stop_with_a_restart_remedy()
    {
        // One restart allowed: the first kill is survived, the second is not.
        using var server = new TestServer([_repo.Root], restartPolicy: new RestartPolicy(max: 1, window: TimeSpan.FromMinutes(10)));
        var started = new List<int>();
        server.Client.Started += pid =>
        {
            lock (started)
            {
                started.Add(pid);
            }
        };
        Assert.True(await server.Client.StartAsync(), server.Log);
        await server.Client.WaitUntilIndexedAsync(IndexTimeout);
        var first = server.Client.ServerProcessId!.Value;

        Process.GetProcessById(first).Kill();
        await WaitAsync(() => server.Client.ServerProcessId is { } pid && pid != first, "the server was not restarted\n" + server.Log);
        Assert.Null(server.Client.Problem);
        await server.Client.WaitUntilIndexedAsync(IndexTimeout);
        var again = await server.Client.SearchAsync(new SearchParams { Query = "validate an email address", TopK = 5 });
        Assert.Contains(again.Results, h => h.Path == "src/Mail/EmailValidator.cs");
        lock (started)
        {
            Assert.Equal(2, started.Count);
        }

        Process.GetProcessById(server.Client.ServerProcessId!.Value).Kill();
        await WaitAsync(() => server.Client.Problem is not null, "no problem after the second crash\n" + server.Log);
        var problem = server.Client.Problem!;
        Assert.Equal(ProblemKind.ServerStopped, problem.Kind);
        Assert.Equal(RemedyKind.RestartServer, problem.Remedies[0].Kind);
        Assert.False(server.Client.IsRunning);

        // The remedy works: a user's restart forgets the crashes.
        Assert.True(await server.Client.RestartAsync(), server.Log);
        Assert.Null(server.Client.Problem);
        await server.Client.WaitUntilIndexedAsync(IndexTimeout);
    }

    [Fact]
    public async Task A_missing_model_is_the_no_model_problem_with_the_model_setting_as_its_remedy()
    {
        var missing = Path.Combine(_repo.Root, "no-such-model");
        using var server = new TestServer([_repo.Root], s => s.ModelPath = missing);
        Assert.True(await server.Client.StartAsync(), server.Log);
        var status = await server.Client.WaitUntilIndexedAsync(IndexTimeout);
        Assert.Equal(FolderState.Error, status.Folders[0].State);
        var problem = server.Client.Problem;
        Assert.NotNull(problem);
        Assert.Equal(ProblemKind.NoModel, problem.Kind);
        Assert.Contains(Path.GetFileName(_repo.Root), problem.Message, StringComparison.Ordinal);
        Assert.Equal(RemedyKind.OpenSetting, problem.Remedies[0].Kind);
        Assert.Equal("modelPath", problem.Remedies[0].Setting);

        // Following the remedy (a model that exists) clears the problem once the folder reopens.
        await server.Client.UpdateSettingsAsync(WithModel(server.Client.Settings, TinyModel.ColbertFolder));
        await WaitAsync(
            async () => (await server.Client.StatusAsync()).Folders[0].State == FolderState.Ready && server.Client.Problem is null,
            "the folder did not recover with a model\n" + server.Log);
    }

    [Fact]
    public async Task A_configured_runtime_that_does_not_exist_is_the_no_runtime_problem()
    {
        var dotnet = Path.Combine(_repo.Root, "no-such-dotnet", "dotnet");
        using var server = new TestServer([_repo.Root], s => s.DotnetPath = dotnet);
        Assert.False(await server.Client.StartAsync());
        var problem = server.Client.Problem!;
        Assert.Equal(ProblemKind.NoRuntime, problem.Kind);
        Assert.Contains(dotnet, problem.Message, StringComparison.Ordinal);
        Assert.Equal([RemedyKind.OpenUrl, RemedyKind.OpenSetting, RemedyKind.ShowLog], problem.Remedies.Select(r => r.Kind));
        Assert.Equal(Problem.DotnetDownload, problem.Remedies[0].Url);
        Assert.Equal("dotnetPath", problem.Remedies[1].Setting);
        Assert.False(server.Client.IsRunning);
        await Assert.ThrowsAsync<InvalidOperationException>(() => server.Client.SearchAsync(new SearchParams { Query = "x" }));

        // The remedy: a runtime that exists starts the server and clears the problem.
        var settings = server.Client.Settings;
        settings.DotnetPath = "";
        await server.Client.UpdateSettingsAsync(settings);
        Assert.True(server.Client.IsRunning, server.Log);
        Assert.Null(server.Client.Problem);
    }

    [Fact]
    public async Task A_missing_server_file_is_the_no_server_problem()
    {
        using var server = new TestServer([_repo.Root], s => s.ServerPath = Path.Combine(_repo.Root, "SemanticSearch.Server.dll"));
        Assert.False(await server.Client.StartAsync());
        Assert.Equal(ProblemKind.NoServer, server.Client.Problem!.Kind);
        Assert.Equal("serverPath", server.Client.Problem.Remedies[0].Setting);
    }

    [Fact]
    public async Task Typing_sends_one_search_after_the_pause_and_a_stale_answer_is_never_shown()
    {
        using var server = new TestServer([_repo.Root]);
        Assert.True(await server.Client.StartAsync(), server.Log);
        await server.Client.WaitUntilIndexedAsync(IndexTimeout);

        var sent = new List<string>();
        var holdFirst = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        // The real server answers every search; the first one is held back until a newer query has started, so its
        // answer arrives late, as a slow search's would.
        async Task<SearchResultSet> Search(SearchParams p, CancellationToken token)
        {
            int count;
            lock (sent)
            {
                sent.Add(p.Query);
                count = sent.Count;
            }
            var answer = await server.Client.SearchAsync(p, CancellationToken.None);
            if (count == 1)
            {
                await holdFirst.Task;
            }
            token.ThrowIfCancellationRequested();
            return answer;
        }
        var shown = new List<SearchOutcome>();
        using var session = new SearchSession(Search, () => TimeSpan.FromMilliseconds(300), () => 5);
        session.Completed += o =>
        {
            lock (shown)
            {
                shown.Add(o);
            }
        };

        session.QueryChanged("v");
        session.QueryChanged("va");
        session.QueryChanged("validate");
        await WaitAsync(() => Count(sent) == 1, "the typed query was not searched");
        await Task.Delay(500);
        lock (sent)
        {
            Assert.Equal(["validate"], sent);
        }

        // Enter with a newer query while the first answer is held: only the newer one is shown.
        var newer = session.SubmitAsync("validate an email address");
        holdFirst.SetResult(true);
        var outcome = await newer;
        Assert.NotNull(outcome);
        await Task.Delay(300);
        lock (shown)
        {
            Assert.Equal(["validate an email address"], shown.Select(o => o.Query));
        }
        Assert.Equal("validate an email address", session.Current!.Query);
    }

    private static int Count(List<string> list)
    {
        lock (list)
        {
            return list.Count;
        }
    }

    private static Settings.ClientSettings WithModel(Settings.ClientSettings settings, string model)
    {
        settings.ModelPath = model;
        return settings;
    }

    private static async Task PollAsync(SearchSession session, string query, Func<Results.ResultsViewModel, bool> done, TestServer server)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var outcome = await session.SubmitAsync(query);
            if (outcome?.Results is { } results && done(results))
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, $"'{query}' never gave the expected results\n{server.Log}");
            await Task.Delay(100);
        }
    }

    private static Task WaitAsync(Func<bool> done, string failure) => WaitAsync(() => Task.FromResult(done()), failure);

    private static async Task WaitAsync(Func<Task<bool>> done, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(100);
        }
    }
}
