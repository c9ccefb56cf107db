using SemanticSearch.Server.Protocol;
using SemanticSearch.VisualStudio.Core.Changes;
using SemanticSearch.VisualStudio.Core.Connection;
using SemanticSearch.VisualStudio.Core.Launch;
using SemanticSearch.VisualStudio.Core.Results;
using SemanticSearch.VisualStudio.Core.Session;

namespace SemanticSearch.VisualStudio.Core.Tests;

/// <summary>The Core's decisions that need no server: history, batching, the runtime search, back-off, rows.</summary>
public sealed class ClientLogicTests
{
    [Fact]
    public void History_keeps_each_query_once_newest_first_and_up_down_return_to_the_draft()
    {
        var history = new QueryHistory(["old one", "  ", null]);
        history.Remember("parse  args");
        history.Remember("Old One");
        history.Remember("");
        Assert.Equal(["Old One", "parse args"], history.Entries);

        Assert.Equal("Old One", history.Older("half typ"));
        Assert.Equal("parse args", history.Older("Old One"));
        Assert.Null(history.Older("parse args"));
        Assert.Equal("Old One", history.Newer());
        Assert.Equal("half typ", history.Newer());
        Assert.Null(history.Newer());

        for (var i = 0; i < 30; i++)
        {
            history.Remember($"q{i}");
        }
        Assert.Equal(QueryHistory.Limit, history.Entries.Count);
        Assert.Equal("q29", history.Entries[0]);
    }

    [Fact]
    public async Task Changes_are_batched_and_the_last_word_about_a_file_counts()
    {
        var sent = new List<(string[] Saved, FileEvent[] Events)>();
        using var batcher = new ChangeBatcher(
            (saved, events) =>
            {
                lock (sent)
                {
                    sent.Add(([.. saved], [.. events]));
                }
                return Task.CompletedTask;
            },
            TimeSpan.FromMilliseconds(150));
        var root = Path.GetTempPath();
        string P(string name) => Path.Combine(root, name);

        batcher.Saved(P("a.cs"));
        batcher.Saved(P("a.cs"));
        batcher.Saved(P("b.cs"));
        batcher.Deleted(P("b.cs")); // saved, then deleted: only the delete
        batcher.Renamed(P("c.cs"), P("d.cs"));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (sent.Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        await Task.Delay(300);
        var batch = Assert.Single(sent);
        Assert.Equal([FileUris.FromPath(P("a.cs"))], batch.Saved);
        Assert.Equal([(FileUris.FromPath(P("b.cs")), 3), (FileUris.FromPath(P("c.cs")), 3), (FileUris.FromPath(P("d.cs")), 1)], batch.Events.Select(e => (e.Uri, e.Type)));
        Assert.Equal(1, batcher.BatchesSent);

        await batcher.FlushAsync(); // nothing pending: nothing sent
        Assert.Single(sent);
    }

    [Fact]
    public void Dotnet_is_found_on_path_then_in_dotnet_root_then_in_the_install_folders()
    {
        static RuntimeLookup Lookup(Dictionary<string, string> env, params string[] files) => new()
        {
            Environment = name => env.TryGetValue(name, out var v) ? v : null,
            Windows = false,
            Home = "/home/u",
            Exists = files.Contains,
        };
        var env = new Dictionary<string, string> { ["PATH"] = "/usr/bin:/opt/tools", ["DOTNET_ROOT"] = "/sdk" };
        Assert.Equal("/opt/tools/dotnet", DotnetLocator.Find(Lookup(env, "/opt/tools/dotnet", "/sdk/dotnet")));
        Assert.Equal("/sdk/dotnet", DotnetLocator.Find(Lookup(env, "/sdk/dotnet", "/home/u/.dotnet/dotnet")));
        Assert.Equal("/home/u/.dotnet/dotnet", DotnetLocator.Find(Lookup(env, "/home/u/.dotnet/dotnet", "/usr/share/dotnet/dotnet")));
        Assert.Null(DotnetLocator.Find(Lookup(env)));

        var windows = new RuntimeLookup
        {
            Environment = name => name == "ProgramFiles" ? @"C:\Program Files" : null,
            Windows = true,
            Home = @"C:\Users\u",
            Exists = f => f == @"C:\Program Files\dotnet\dotnet.exe",
        };
        Assert.Equal(@"C:\Program Files\dotnet\dotnet.exe", DotnetLocator.Find(windows));
    }

    [Fact]
    public void A_dll_runs_under_dotnet_with_its_path_quoted_and_an_executable_runs_itself()
    {
        var dll = ServerCommand.For("/opt/my ext/SemanticSearch.Server.dll", "/usr/bin/dotnet");
        Assert.True(dll.NeedsRuntime);
        Assert.Equal("/usr/bin/dotnet", dll.Program);
        Assert.Equal("\"/opt/my ext/SemanticSearch.Server.dll\"", dll.StartInfo().Arguments);
        Assert.Equal("dotnet", ServerCommand.For("a.DLL", null).Program);
        var exe = ServerCommand.For("/opt/server/SemanticSearch.Server", "/usr/bin/dotnet");
        Assert.False(exe.NeedsRuntime);
        Assert.Equal("/opt/server/SemanticSearch.Server", exe.Program);
        Assert.Equal("", exe.StartInfo().Arguments);

        Assert.Equal("plain", ServerCommand.Quote("plain"));
        Assert.Equal("\"\"", ServerCommand.Quote(""));
        Assert.Equal(@"""C:\a b\\""", ServerCommand.Quote(@"C:\a b\"));
        Assert.Equal(@"""say \""hi\""""", ServerCommand.Quote("say \"hi\""));
    }

    [Fact]
    public void Restarts_come_at_once_then_after_a_doubling_delay_and_stop_past_the_limit()
    {
        var policy = new RestartPolicy(max: 5, window: TimeSpan.FromMinutes(3));
        var t = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var delays = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            Assert.True(policy.ShouldRestart(t.AddSeconds(i)));
            delays.Add(policy.Delay().TotalMilliseconds);
        }
        Assert.Equal([0, 500, 1000, 2000, 4000], delays);
        Assert.False(policy.ShouldRestart(t.AddSeconds(6)));
        // Crashes older than the window are forgotten.
        Assert.True(policy.ShouldRestart(t.AddMinutes(10)));
        Assert.Equal(TimeSpan.Zero, policy.Delay());
    }

    [Fact]
    public void Rows_are_one_per_symbol_grouped_by_file_and_next_previous_wrap()
    {
        var answer = new SearchResultSet
        {
            QueryId = "q",
            Query = "q",
            Coverage = new Coverage { Complete = true },
            Results = [Hit(1, "b.cs", "Run"), Hit(2, "a.cs", "Parse"), Hit(3, "b.cs", "Run"), Hit(4, "b.cs", null), Hit(5, "a.cs", "Other")],
        };
        var results = new ResultsViewModel(answer);
        Assert.Equal(["b.cs", "a.cs"], results.Files.Select(f => f.Path));
        Assert.Equal([1, 4, 2, 5], results.Order.Select(h => h.Rank)); // the second part of Run is merged away
        Assert.Null(results.Current);
        Assert.Equal(5, results.Previous()!.Rank);
        Assert.Equal(1, results.Next()!.Rank);
        results.Select(results.Order[2]);
        Assert.Equal(5, results.Next()!.Rank);
        Assert.Null(new ResultsViewModel(new SearchResultSet { QueryId = "e", Query = "e", Coverage = new Coverage(), Results = [] }).Next());
    }

    private static SearchHit Hit(int rank, string path, string? symbol) => new()
    {
        ResultId = $"q.{rank}",
        Rank = rank,
        Uri = $"file:///w/{path}",
        Folder = "file:///w",
        Path = path,
        Range = new LspRange(new Position(rank, 0), new Position(rank + 1, 0)),
        Symbol = symbol,
        Kind = HitKind.Method,
        Language = "csharp",
        Snippet = "",
        Matches = [],
    };
}
