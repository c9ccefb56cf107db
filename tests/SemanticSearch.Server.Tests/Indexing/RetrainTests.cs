using SemanticSearch.Engine.Indexing;
using SemanticSearch.Engine.Models;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Server.Tests.Indexing;

/// <summary>
/// The background re-training of a drifted codec in the real server process over stdio: found after the pass that
/// opens the folder, run as a job of its own while the folder stays ready and searchable, and the re-trained index
/// in place afterwards.
/// </summary>
public sealed class RetrainTests : IDisposable
{
    private readonly SampleRepo _repo = new();
    private readonly string _indexFolder = Directory.CreateTempSubdirectory("semsearch-retrain-").FullName;

    public void Dispose()
    {
        _repo.Dispose();
        TestFolders.Delete(_indexFolder);
    }

    [Fact]
    public async Task A_drifted_codec_is_retrained_in_the_background_and_the_new_index_takes_its_place()
    {
        _repo.WriteCompressibleModules();
        var options = LspClient.Options();
        options["indexLocation"] = _indexFolder;
        string indexPath;
        await using (var first = LspClient.Start())
        {
            await first.InitializeAsync([_repo.Root], options);
            indexPath = (await first.WaitReadyAsync(1)).GetProperty("folders")[0].GetProperty("indexPath").GetString()!;
            Assert.DoesNotContain(first.Logs, l => l.Message.Contains("Re-training", StringComparison.Ordinal));
            Assert.Equal(0, await first.ShutdownAndExitAsync());
        }
        IndexHeader.MakeCodecDrift(indexPath);

        await using var client = LspClient.Start();
        await client.InitializeAsync([_repo.Root], options);
        var name = Path.GetFileName(_repo.Root);
        await WaitForLogAsync(client, $"{name}: The index's vector codec fits the code written lately less well");
        // The folder reads ready with nothing queued once the drift is found (the re-training is not counted as queued
        // work) and answers meanwhile, from whichever index is in place.
        var ready = await client.WaitReadyAsync(1);
        Assert.Equal("ready", ready.GetProperty("folders")[0].GetProperty("state").GetString());
        var during = await client.SearchAsync("compute_7_3");
        Assert.Equal("compute_7_3", during.GetProperty("results")[0].GetProperty("symbol").GetString());

        await WaitForLogAsync(client, $"{name}: the index was re-trained (");
        await client.WaitReadyAsync(1);
        var after = await client.SearchAsync("compute_12_5");
        Assert.Equal("compute_12_5", after.GetProperty("results")[0].GetProperty("symbol").GetString());
        Assert.Contains(client.Progress, p => p.GetProperty("value").TryGetProperty("title", out var title)
            && title.GetString() == $"Re-training the index of {name}");
        Assert.Equal(0, await client.ShutdownAndExitAsync());

        var files = new Engine.Index.IndexFiles(indexPath);
        Assert.False(File.Exists(files.Replacement.Database));
        Assert.False(File.Exists(files.ReplacingMarker));
        using var reopened = SemanticWorkspace.Open(new WorkspaceOptions(_repo.Root, TinyModel.ColbertFolder,
            Engine.Index.IndexLocation.AtFile(indexPath), Encoder: new EncoderOptions(ExecutionProvider.Cpu), ReadOnly: true));
        Assert.NotNull(reopened.Codec);
        Assert.False(reopened.CompressionDrift!.RetrainAdvised);
        Assert.Equal(0, reopened.CompressionDrift.Samples);
    }

    private static async Task WaitForLogAsync(LspClient client, string start)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (!client.Logs.Any(l => l.Message.StartsWith(start, StringComparison.Ordinal)))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No log starting '{start}':\n{string.Join("\n", client.Logs.Select(l => l.Message))}\n{client.Stderr}");
            }
            await Task.Delay(50);
        }
    }
}
