using System.Text.Json;
using System.Text.RegularExpressions;
using SemanticSearch.TestSupport;
using StreamJsonRpc;

namespace SemanticSearch.Server.Tests;

/// <summary>
/// Pausing, resuming and cancelling indexing on the real server over stdio, with a workspace big enough (hundreds of
/// files, dozens of committed groups with the tiny model) that a first pass is still running when the request comes.
/// </summary>
public sealed partial class IndexingControlTests : IDisposable
{
    /// <summary>Seven chunks per file: a type summary and six methods.</summary>
    private const int Files = 800;
    private const int ChunksPerFile = 7;

    private readonly List<string> _tempDirs = [];

    public void Dispose()
    {
        foreach (var dir in _tempDirs)
        {
            try
            {
                TestFolders.Delete(dir);
            }
            catch (IOException)
            {
                // The server may hold the index a moment longer; temp folders are cleaned later.
            }
        }
    }

    private string BigWorkspace()
    {
        var root = Directory.CreateTempSubdirectory("semsearch-control-").FullName;
        _tempDirs.Add(root);
        TestSupport.ModuleWorkspace.Write(root, Files);
        return root;
    }

    private static JsonElement FolderOf(JsonElement status, string root) =>
        status.GetProperty("folders").EnumerateArray().Single(f => f.GetProperty("uri").GetString() == LspClient.Uri(root));

    private static (string State, int Queued, int FilesIndexed, int FilesKnown, int Chunks) Figures(JsonElement folder) => (
        folder.GetProperty("state").GetString()!, folder.GetProperty("queued").GetInt32(), folder.GetProperty("filesIndexed").GetInt32(),
        folder.GetProperty("filesKnown").GetInt32(), folder.GetProperty("chunksIndexed").GetInt32());

    /// <summary>Polls status until the folder's figures satisfy <paramref name="until"/>.</summary>
    private static async Task<JsonElement> StatusWhen(LspClient client, Func<JsonElement, bool> until, string what, int seconds = 120)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var status = await client.RequestAsync("semanticSearch/status");
            if (until(status))
            {
                return status;
            }
            Assert.True(DateTime.UtcNow < deadline, $"never {what}: {status}\n{client.Stderr}");
            await Task.Delay(20);
        }
    }

    /// <summary>Waits until the first pass has committed some groups (and is still running).</summary>
    private static Task<JsonElement> FirstGroupsCommitted(LspClient client, string root) =>
        StatusWhen(client, s => Figures(FolderOf(s, root)) is { State: "indexing", Chunks: > 0 }, "committed a group");

    /// <summary>
    /// The chunks a pass encoded, from its log line: "N chunks encoded" (finished) or "(N chunks encoded)" (paused,
    /// cancelled). Waited for: the log notification may arrive after the status that shows the pass ended.
    /// </summary>
    private static async Task<int> EncodedBy(LspClient client, string startsWith)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        List<string> lines;
        while ((lines = [.. client.Logs.Select(l => l.Message).Where(m => m.StartsWith(startsWith, StringComparison.Ordinal))]).Count == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"no log line '{startsWith}…':\n{string.Join('\n', client.Logs.Select(l => l.Message))}");
            await Task.Delay(20);
        }
        return int.Parse(ChunksEncoded().Match(Assert.Single(lines)).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"(\d+) chunks encoded")]
    private static partial Regex ChunksEncoded();

    [Fact]
    public async Task Pausing_a_first_pass_stops_it_at_a_group_keeps_search_and_saves_waiting_and_resume_finishes_without_encoding_twice()
    {
        var root = BigWorkspace();
        var name = Path.GetFileName(root);
        await using var client = LspClient.Start();
        await client.InitializeAsync([root]);
        Assert.False((await client.RequestAsync("semanticSearch/status")).GetProperty("paused").GetBoolean());
        await FirstGroupsCommitted(client, root);

        Assert.True((await client.RequestAsync("semanticSearch/pauseIndexing")).GetProperty("paused").GetBoolean());
        // The pass stops at its next committed group and waits at the front of the queue.
        var paused = await StatusWhen(client, s => Figures(FolderOf(s, root)) is { State: "ready", Queued: 1 }, "stopped for the pause", 60);
        Assert.True(paused.GetProperty("paused").GetBoolean());
        var (_, _, indexed, known, chunks) = Figures(FolderOf(paused, root));
        Assert.True(indexed < known && chunks < Files * ChunksPerFile, $"the pass had finished before the pause: {paused}");
        Assert.Equal(chunks, await EncodedBy(client, $"{name}: indexing paused after"));
        // Pausing again answers the same and changes nothing.
        Assert.True((await client.RequestAsync("semanticSearch/pauseIndexing")).GetProperty("paused").GetBoolean());

        // Searches answer from what is indexed; the coverage says it is not all.
        var search = await client.SearchAsync("compute value", topK: 3);
        Assert.NotEmpty(search.GetProperty("results").EnumerateArray());
        Assert.False(search.GetProperty("coverage").GetProperty("complete").GetBoolean());

        // A save while paused is queued (merged into the waiting pass), not run.
        File.WriteAllText(Path.Combine(root, "Extra.cs"), "namespace Big;\npublic static class Extra\n{\n    public static int QuokkaZebraTotal(int a) => a + 1;\n}\n");
        await client.Rpc.NotifyWithParameterObjectAsync("textDocument/didSave", new { textDocument = new { uri = LspClient.Uri(Path.Combine(root, "Extra.cs")) } });
        await Task.Delay(1500); // the debounce (100 ms) and more: a pass would have committed groups by now
        var still = await client.RequestAsync("semanticSearch/status");
        Assert.Equal(("ready", 1, chunks), (Figures(FolderOf(still, root)).State, still.GetProperty("queuedJobs").GetInt32(), Figures(FolderOf(still, root)).Chunks));
        Assert.DoesNotContain((await client.SearchAsync("quokka zebra total", topK: 5)).GetProperty("results").EnumerateArray(),
            r => r.GetProperty("symbol").GetString() == "QuokkaZebraTotal");

        Assert.False((await client.RequestAsync("semanticSearch/resumeIndexing")).GetProperty("paused").GetBoolean());
        var done = await client.WaitReadyAsync(1, TimeSpan.FromMinutes(5));
        Assert.False(done.GetProperty("paused").GetBoolean());
        var (_, _, finalIndexed, finalKnown, finalChunks) = Figures(FolderOf(done, root));
        Assert.Equal((Files + 1, Files + 1), (finalIndexed, finalKnown));
        var resumed = await EncodedBy(client, $"{name}: {Files + 1} files checked");
        Assert.True((await client.SearchAsync("compute value", topK: 3)).GetProperty("coverage").GetProperty("complete").GetBoolean());
        Assert.Contains((await client.SearchAsync("quokka zebra total", topK: 5)).GetProperty("results").EnumerateArray(),
            r => r.GetProperty("symbol").GetString() == "QuokkaZebraTotal");
        // Resuming again is a no-op with the same answer.
        Assert.False((await client.RequestAsync("semanticSearch/resumeIndexing")).GetProperty("paused").GetBoolean());

        // Nothing was encoded twice: the paused part and the resumed part add up to a straight run of the same files.
        var straight = (await client.RequestAsync("semanticSearch/reindex", new { full = true })).GetProperty("folders")[0];
        Assert.Equal(straight.GetProperty("chunksEncoded").GetInt32(), chunks + resumed);
        Assert.Equal(straight.GetProperty("chunksTotal").GetInt32(), finalChunks);
        Assert.Equal(0, await client.ShutdownAndExitAsync());
    }

    [Fact]
    public async Task Cancelling_stops_the_pass_leaves_honest_figures_and_a_later_save_or_reindex_carries_on()
    {
        var root = BigWorkspace();
        using var sample = new SampleRepo(); // queued behind the big folder: never opened when the cancel comes
        var name = Path.GetFileName(root);
        await using var client = LspClient.Start();
        await client.InitializeAsync([root, sample.Root]);
        await FirstGroupsCommitted(client, root);

        Assert.Equal(2, (await client.RequestAsync("semanticSearch/cancelIndexing")).GetProperty("cancelledFolders").GetInt32());
        var cancelled = await StatusWhen(client, s => s.GetProperty("queuedJobs").GetInt32() == 0
            && s.GetProperty("folders").EnumerateArray().All(f => f.GetProperty("state").GetString() == "ready"), "settled after the cancel", 60);
        Assert.False(cancelled.GetProperty("paused").GetBoolean());
        // Ready on what it committed, and saying it is not all: fewer files indexed than known, no finished pass.
        var big = FolderOf(cancelled, root);
        var (_, _, indexed, known, chunks) = Figures(big);
        Assert.True(indexed < known && known == Files && chunks < Files * ChunksPerFile, $"the pass had finished before the cancel: {cancelled}");
        Assert.False(big.TryGetProperty("lastIndexed", out _));
        Assert.Equal(chunks, await EncodedBy(client, $"{name}: indexing cancelled after"));
        // The folder that never opened is open now, with nothing encoded and its files counted.
        var (_, _, sampleIndexed, sampleKnown, sampleChunks) = Figures(FolderOf(cancelled, sample.Root));
        Assert.True(sampleKnown > 5 && sampleIndexed == 0 && sampleChunks == 0, cancelled.ToString());

        var search = await client.SearchAsync("compute value", topK: 3);
        Assert.NotEmpty(search.GetProperty("results").EnumerateArray());
        Assert.False(search.GetProperty("coverage").GetProperty("complete").GetBoolean());
        await Task.Delay(1000);
        Assert.Equal(chunks, Figures(FolderOf(await client.RequestAsync("semanticSearch/status"), root)).Chunks); // it really stopped
        // Nothing left to cancel: the same answer shape, none cancelled.
        Assert.Equal(0, (await client.RequestAsync("semanticSearch/cancelIndexing", new { folder = LspClient.Uri(root) })).GetProperty("cancelledFolders").GetInt32());

        // A save in the folder that never ran a pass runs a full one: all of it gets indexed, not just the file.
        await client.Rpc.NotifyWithParameterObjectAsync("textDocument/didSave", new { textDocument = new { uri = LspClient.Uri(sample.PathOf("src/Mail/EmailValidator.cs")) } });
        // Every file checked: indexed, or skipped for its content (the sample's minified bundle).
        await StatusWhen(client, s => Figures(FolderOf(s, sample.Root)) is { State: "ready", Queued: 0, Chunks: > 10 } f
            && f.FilesIndexed + FolderOf(s, sample.Root).GetProperty("filesSkipped").GetInt32() == f.FilesKnown, "indexed the sample after a save", 60);

        // A reindex of the big folder carries on where the cancel stopped: only the rest is encoded.
        var reindex = (await client.RequestAsync("semanticSearch/reindex", new { folder = LspClient.Uri(root) })).GetProperty("folders")[0];
        Assert.Equal(Files * ChunksPerFile, reindex.GetProperty("chunksTotal").GetInt32());
        Assert.Equal(Files * ChunksPerFile - chunks, reindex.GetProperty("chunksEncoded").GetInt32());
        var ready = await client.WaitReadyAsync(2, TimeSpan.FromMinutes(5));
        Assert.Equal((Files, Files, Files * ChunksPerFile), (Figures(FolderOf(ready, root)).FilesIndexed, Figures(FolderOf(ready, root)).FilesKnown,
            Figures(FolderOf(ready, root)).Chunks));
        Assert.True((await client.SearchAsync("compute value", topK: 3)).GetProperty("coverage").GetProperty("complete").GetBoolean());
        Assert.Equal(0, await client.ShutdownAndExitAsync());
    }

    [Fact]
    public async Task The_controls_are_no_ops_when_idle_and_an_unknown_folder_is_invalid_params()
    {
        using var sample = new SampleRepo();
        await using var client = LspClient.Start();
        await client.InitializeAsync([sample.Root]);
        await client.WaitReadyAsync(1);

        Assert.False((await client.RequestAsync("semanticSearch/resumeIndexing")).GetProperty("paused").GetBoolean());
        Assert.Equal(0, (await client.RequestAsync("semanticSearch/cancelIndexing")).GetProperty("cancelledFolders").GetInt32());
        Assert.Equal(0, (await client.RequestAsync("semanticSearch/cancelIndexing", new { folder = LspClient.Uri(sample.Root) })).GetProperty("cancelledFolders").GetInt32());
        // InvalidParams reaches a StreamJsonRpc client as "method not found" (no method fits these params).
        var error = await Assert.ThrowsAsync<RemoteMethodNotFoundException>(() => client.RequestAsync("semanticSearch/cancelIndexing", new { folder = "file:///not/a/folder" }));
        Assert.Equal(-32602, (int)error.ErrorCode);
        Assert.Contains("is not a workspace folder", error.Message);

        // Paused and idle: a reindex waits for the resume, then runs.
        Assert.True((await client.RequestAsync("semanticSearch/pauseIndexing")).GetProperty("paused").GetBoolean());
        var reindex = client.RequestAsync("semanticSearch/reindex", new { });
        await Task.Delay(500);
        Assert.False(reindex.IsCompleted);
        var status = await client.RequestAsync("semanticSearch/status");
        Assert.Equal((true, 1), (status.GetProperty("paused").GetBoolean(), status.GetProperty("queuedJobs").GetInt32()));
        Assert.True((await client.SearchAsync("validate an email address")).GetProperty("results").GetArrayLength() > 0);
        Assert.False((await client.RequestAsync("semanticSearch/resumeIndexing")).GetProperty("paused").GetBoolean());
        Assert.Equal(0, (await reindex).GetProperty("folders")[0].GetProperty("chunksEncoded").GetInt32());
        Assert.Equal(0, await client.ShutdownAndExitAsync());
    }
}
