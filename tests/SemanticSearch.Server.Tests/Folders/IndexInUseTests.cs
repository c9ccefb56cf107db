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
            Assert.NotEqual(Environment.ProcessId, busy.Holder?.ProcessId);
        }
        finally
        {
            holder.Dispose();
        }
    }
}
