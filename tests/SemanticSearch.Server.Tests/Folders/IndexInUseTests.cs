using System.Text.Json;
using SemanticSearch.Engine.Index;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Server.Tests.Folders;

/// <summary>
/// The server as a second writer (#18): a folder whose index another process writes waits, says who has it, and
/// opens it once that process lets go. This test process is the other process: it holds the writer lock the way a
/// CLI run does.
/// </summary>
public sealed class IndexInUseTests
{
    [Fact]
    public async Task A_folder_whose_index_another_process_writes_waits_names_it_and_opens_when_it_lets_go()
    {
        using var repo = new SampleRepo();
        var files = IndexLocation.Workspace.For(repo.Root);
        var holder = IndexLock.AcquireWriter(files, TimeSpan.Zero);
        try
        {
            await using var client = LspClient.Start();
            var options = LspClient.Options();
            options["indexLocation"] = "workspace";
            await client.InitializeAsync([repo.Root], options);

            var waiting = await FolderStatus.WaitForAsync(client, f => f.TryGetProperty("lastErrorKind", out var kind) && kind.ValueKind == JsonValueKind.String);
            Assert.Equal("error", waiting.GetProperty("state").GetString());
            Assert.Equal("inUse", waiting.GetProperty("lastErrorKind").GetString());
            var message = waiting.GetProperty("lastError").GetString()!;
            Assert.Contains($"pid {Environment.ProcessId}", message, StringComparison.Ordinal);
            Assert.Contains("Waiting", message, StringComparison.Ordinal);
            Assert.False(File.Exists(files.Database), "the waiting server wrote nothing");

            holder.Dispose();
            // It tries again by itself (WaitReadyAsync would stop at the error state it leaves now).
            await FolderStatus.WaitForAsync(client, f => f.GetProperty("state").GetString() == "ready" && f.GetProperty("queued").GetInt32() == 0, TimeSpan.FromSeconds(180));
            var results = (await client.SearchAsync("validate an email address")).GetProperty("results");
            Assert.True(results.GetArrayLength() > 0);

            // Now the server is the writer: this process is refused, and told who holds it.
            var busy = Assert.Throws<IndexBusyException>(() => IndexLock.AcquireWriter(files, TimeSpan.Zero));
            Assert.Contains("language server", busy.Message, StringComparison.Ordinal);
            Assert.NotEqual(Environment.ProcessId, busy.Holder.ProcessId);
        }
        finally
        {
            holder.Dispose();
        }
    }

    [Fact]
    public async Task The_cli_beside_a_server_that_writes_the_index_is_refused_naming_it_and_searches_the_index_as_it_is()
    {
        using var repo = new SampleRepo();
        var options = LspClient.Options();
        options["indexLocation"] = "workspace";
        await using (var client = LspClient.Start())
        {
            await client.InitializeAsync([repo.Root], options);
            await client.WaitReadyAsync(1);

            var index = Cli("index", repo.Root);
            Assert.True(index.ExitCode == 1, index.Output);
            Assert.Contains("the SemanticSearch language server of an editor window (pid", index.Output, StringComparison.Ordinal);
            Assert.Contains("keeps this index up to date by itself", index.Output, StringComparison.Ordinal);

            var search = Cli("search", repo.Root, "validate an email address", "-k", "3");
            Assert.True(search.ExitCode == 0, search.Output);
            Assert.Contains("not updated", search.Output, StringComparison.Ordinal);
            Assert.Contains("EmailValidator.cs", search.Output, StringComparison.Ordinal);

            // The server still writes and answers after the CLI has read beside it.
            await client.RequestAsync("semanticSearch/reindex", new { full = false });
            Assert.True((await client.SearchAsync("validate an email address")).GetProperty("results").GetArrayLength() > 0);
            await client.RequestAsync("shutdown");
        }
        // The window closed: the CLI is the writer now.
        var after = Cli("index", repo.Root);
        Assert.True(after.ExitCode == 0, after.Output);
    }

    private static (int ExitCode, string Output) Cli(params string[] args)
    {
        var info = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "semsearch.dll"));
        foreach (var arg in args.Concat(["--model", TinyModel.ColbertFolder, "--provider", "cpu"]))
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment.Remove("SEMSEARCH_MODEL");
        using var process = System.Diagnostics.Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(180)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"semsearch {string.Join(' ', args)} did not finish");
        }
        return (process.ExitCode, $"exit {process.ExitCode}\n{stdout.Result}\n{stderr.Result}");
    }
}
