using System.Text.Json;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Server.Tests.Packaging;

/// <summary>
/// The language server as it ships (the folder the .vsix bundles is this publish output): with no modelPath it must
/// index and search with the default model it carries, and the CUDA build asked for CUDA must fall back to CPU
/// with one warning naming the reason where there is no usable GPU.
/// </summary>
public sealed class ServerArtifactTests : IDisposable
{
    private readonly SampleRepo _repo = new();
    private readonly string _work = Directory.CreateTempSubdirectory("semsearch-server-artifacts-").FullName;

    public void Dispose()
    {
        _repo.Dispose();
        try
        {
            TestFolders.Delete(_work);
        }
        catch (IOException)
        {
            // The server process may hold a file a moment longer.
        }
    }

    private static string ShippedModelName
    {
        get
        {
            using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.DefaultModelFolder, "semsearch-model.json")));
            return manifest.RootElement.GetProperty("name").GetString()!;
        }
    }

    private static Dictionary<string, object?> OptionsWithoutModel(string provider) => new()
    {
        ["executionProvider"] = provider,
        ["fileWatcher"] = "off",
    };

    private static async Task AssertSearchFindsTheEmailValidator(LspClient client)
    {
        var search = await client.SearchAsync("check whether an email address is well formed");
        var top = search.GetProperty("results")[0];
        Assert.Equal("IsValidEmail", top.GetProperty("symbol").GetString());
        Assert.Equal("src/Mail/EmailValidator.cs", top.GetProperty("path").GetString());
    }

    [Fact]
    public async Task A_published_server_with_no_model_setting_searches_with_the_default_model_it_carries()
    {
        var published = Path.Combine(_work, "publish");
        Artifacts.Publish("SemanticSearch.Server", published);
        Assert.True(File.Exists(Path.Combine(published, "models", "default", "model.onnx")), "the publish folder has no default model");
        Assert.False(File.Exists(Path.Combine(published, "SemanticSearch.Measurement.dll")), "the measurement code ships with the CLI only");

        await using var client = LspClient.Start(Path.Combine(published, "SemanticSearch.Server.dll"));
        await client.InitializeAsync([_repo.Root], OptionsWithoutModel("cpu"));
        var folder = (await client.WaitReadyAsync(1)).GetProperty("folders")[0];
        Assert.Equal(ShippedModelName, folder.GetProperty("model").GetString());
        Assert.Equal("cpu", folder.GetProperty("executionProvider").GetString());
        await AssertSearchFindsTheEmailValidator(client);
        Assert.Equal(0, await client.ShutdownAndExitAsync());
    }

    [Fact]
    public async Task The_cuda_build_asked_for_cuda_runs_on_cuda_or_falls_back_to_cpu_with_one_warning()
    {
        var cuda = Artifacts.CudaBuildOf("SemanticSearch.Server", "SemanticSearch.Server.dll");
        await using var client = LspClient.Start(Path.Combine(cuda, "SemanticSearch.Server.dll"));
        await client.InitializeAsync([_repo.Root], OptionsWithoutModel("cuda"));
        var folder = (await client.WaitReadyAsync(1)).GetProperty("folders")[0];
        Assert.Equal(ShippedModelName, folder.GetProperty("model").GetString());
        await AssertSearchFindsTheEmailValidator(client);
        var notices = client.Logs.Where(l => l.Message.Contains("CUDA", StringComparison.Ordinal)).ToList();
        if (folder.GetProperty("executionProvider").GetString() == "cuda")
        {
            Assert.Empty(notices);
        }
        else
        {
            Assert.Equal("cpu", folder.GetProperty("executionProvider").GetString());
            var (type, message) = Assert.Single(notices);
            Assert.Equal(2, type); // LSP MessageType.Warning
            Assert.Matches(@"^CUDA execution provider could not be started: \S.{10,}; using CPU\.$", message);
            Assert.False(client.Stderr.Contains('\u001b', StringComparison.Ordinal), client.Stderr); // no escape codes
        }
        Assert.Equal(0, await client.ShutdownAndExitAsync());
    }
}
