using System.Text.Json;
using SemanticSearch.Engine.Index;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Server.Tests.Folders;

/// <summary>
/// A damaged index in the server (#18): the folder goes to error with the rebuild remedy, serves nothing (no wrong
/// results, no failed request), stays so until rebuilt, and a rebuild brings it back.
/// </summary>
public sealed class DamagedIndexTests
{
    [Fact]
    public async Task A_damaged_index_puts_its_folder_in_error_serving_nothing_until_a_rebuild()
    {
        using var repo = new SampleRepo();
        var options = LspClient.Options();
        options["indexLocation"] = "workspace";
        await using (var first = LspClient.Start())
        {
            await first.InitializeAsync([repo.Root], options);
            await first.WaitReadyAsync(1);
            Assert.True((await first.SearchAsync("validate an email address")).GetProperty("results").GetArrayLength() > 0);
            await first.RequestAsync("shutdown");
        }

        // Zero the middle page of the LiteDB file: it opens, and its chunk pages no longer read.
        var database = IndexLocation.Workspace.For(repo.Root).Database;
        var bytes = File.ReadAllBytes(database);
        var page = bytes.Length / 2 / 8192 * 8192;
        Array.Clear(bytes, page, 8192);
        File.WriteAllBytes(database, bytes);

        await using var client = LspClient.Start();
        await client.InitializeAsync([repo.Root], options);
        var failed = await FolderStatus.WaitForAsync(client, f => f.GetProperty("state").GetString() == "error");
        Assert.Equal("corruptIndex", failed.GetProperty("lastErrorKind").GetString());
        Assert.Contains("Rebuild", failed.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await client.SearchAsync("validate an email address")).GetProperty("results").GetArrayLength());

        // A save does not bring it back: it stays in error until rebuilt.
        await client.Rpc.NotifyWithParameterObjectAsync("textDocument/didSave", new { textDocument = new { uri = LspClient.Uri(repo.PathOf("src/Mail/EmailValidator.cs")) } });
        await Task.Delay(500);
        await FolderStatus.WaitForAsync(client, f => f.GetProperty("state").GetString() == "error" && f.GetProperty("queued").GetInt32() == 0);
        Assert.Equal(0, (await client.SearchAsync("validate an email address")).GetProperty("results").GetArrayLength());

        await client.RequestAsync("semanticSearch/reindex", new { full = true });
        await client.WaitReadyAsync(1);
        Assert.True((await client.SearchAsync("validate an email address")).GetProperty("results").GetArrayLength() > 0);
    }
}
