using System.Text.Json;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Cli.Tests.Packaging;

/// <summary>
/// The command line as users install it, built from this checkout: a publish folder and the semsearch .NET tool
/// must search with the shipped default model from any folder with no --model and no SEMSEARCH_MODEL (each runs
/// outside the checkout, so only the copy beside the executable can be found), and the CUDA build must fall back
/// to CPU with one plain message where there is no usable GPU.
/// </summary>
[Collection(nameof(HeavyTests))]
public sealed class CliArtifactTests : IDisposable
{
    private const string Query = "check whether an email address is well formed";
    private readonly SampleRepo _repo = new();
    private readonly string _work = Directory.CreateTempSubdirectory("semsearch-artifacts-").FullName;

    public void Dispose()
    {
        _repo.Dispose();
        TestFolders.Delete(_work);
    }

    private static string ShippedModelName
    {
        get
        {
            using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.DefaultModelFolder, "semsearch-model.json")));
            return manifest.RootElement.GetProperty("name").GetString()!;
        }
    }

    /// <summary>Somewhere with no checkout above it, as a user's shell would be.</summary>
    private string Elsewhere()
    {
        var dir = Path.Combine(_work, "elsewhere");
        Directory.CreateDirectory(dir);
        return dir;
    }

    private void AssertFindsTheEmailValidatorWithTheDefaultModel(Artifacts.Result search)
    {
        Assert.True(search.ExitCode == 0, search.ToString());
        using var doc = JsonDocument.Parse(search.Stdout);
        var r = doc.RootElement;
        Assert.Equal(ShippedModelName, r.GetProperty("model").GetString());
        var top = r.GetProperty("results")[0];
        Assert.True(top.GetProperty("symbol").GetString() == "IsValidEmail", search.Stdout);
        Assert.Equal("src/Mail/EmailValidator.cs", top.GetProperty("path").GetString());
    }

    [Fact]
    public void A_published_cli_carries_the_default_model_and_searches_with_it_from_any_folder()
    {
        var published = Path.Combine(_work, "publish");
        Artifacts.Publish("SemanticSearch.Cli", published);

        // Exactly the shipped files, byte for byte; the test-only parity vectors stay behind.
        var shipped = Path.Combine(published, "models", "default");
        Assert.Equal(
            ["MODEL_CARD.md", "model.onnx", "semsearch-model.json", "vocab.txt"],
            Directory.GetFiles(shipped).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var file in Directory.GetFiles(shipped))
        {
            Assert.True(File.ReadAllBytes(file).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(RepoPaths.DefaultModelFolder, Path.GetFileName(file)))), file);
        }
        // ONNX Runtime's Android and iOS builds are not carried (Directory.Build.targets).
        Assert.Equal(
            ["linux-arm64", "linux-x64", "osx-arm64", "win-arm64", "win-x64"],
            Directory.GetDirectories(Path.Combine(published, "runtimes")).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        var search = Artifacts.Run("dotnet", Elsewhere(), null,
            Path.Combine(published, "semsearch.dll"), "search", _repo.Root, Query, "-k", "3", "--json", "--quiet", "--provider", "cpu");
        AssertFindsTheEmailValidatorWithTheDefaultModel(search);
    }

    [Fact]
    public void The_dotnet_tool_package_installs_a_semsearch_command_that_uses_the_default_model()
    {
        var feed = Path.Combine(_work, "feed");
        var package = Artifacts.Pack("SemanticSearch.Cli", feed);
        Assert.Equal("SemanticSearch.Cli.0.1.0.nupkg", Path.GetFileName(package));

        // A user's machine of its own: HOME (and so ~/.dotnet/tools) in the test folder.
        var home = Path.Combine(_work, "home");
        Directory.CreateDirectory(home);
        var env = new Dictionary<string, string> { ["HOME"] = home, ["DOTNET_CLI_HOME"] = home, ["NUGET_PACKAGES"] = Path.Combine(home, ".nuget", "packages") };
        var install = Artifacts.Dotnet(Elsewhere(), env, "tool", "install", "--global", "--add-source", feed, "SemanticSearch.Cli");
        Assert.Contains("semsearch", install);

        var command = Path.Combine(home, ".dotnet", "tools", OperatingSystem.IsWindows() ? "semsearch.exe" : "semsearch");
        Assert.True(File.Exists(command), $"no {command} after: {install}");
        var search = Artifacts.Run(command, Elsewhere(), env, "search", _repo.Root, Query, "-k", "3", "--json", "--quiet", "--provider", "cpu");
        AssertFindsTheEmailValidatorWithTheDefaultModel(search);

        var help = Artifacts.Run(command, Elsewhere(), env, "--help");
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("semsearch", help.Stdout);
    }

    [Fact]
    public void The_cuda_build_asked_for_cuda_runs_on_cuda_or_falls_back_to_cpu_with_one_message_naming_the_reason()
    {
        var cuda = Artifacts.CudaBuildOf("SemanticSearch.Cli", "semsearch.dll");
        Assert.True(File.Exists(Path.Combine(cuda, "runtimes", "linux-x64", "native", "libonnxruntime_providers_cuda.so")), "the CUDA build carries no CUDA provider");

        var search = Artifacts.Run("dotnet", Elsewhere(), null,
            Path.Combine(cuda, "semsearch.dll"), "search", _repo.Root, Query, "-k", "3", "--json", "--provider", "cuda");
        AssertFindsTheEmailValidatorWithTheDefaultModel(search);
        using var doc = JsonDocument.Parse(search.Stdout);
        var provider = doc.RootElement.GetProperty("executionProvider").GetString();
        var mentions = search.Stderr.Split('\n').Where(l => l.Contains("CUDA", StringComparison.Ordinal) || l.Contains("onnxruntime", StringComparison.Ordinal)).ToList();
        if (provider == "cuda")
        {
            Assert.Empty(mentions); // a machine with a working GPU stack: nothing to explain
            return;
        }
        Assert.Equal("cpu", provider);
        // One line, in our words, with ONNX Runtime's reason (here: a CUDA library that is not installed) and
        // none of ONNX Runtime's own coloured log lines.
        var line = Assert.Single(mentions);
        Assert.Matches(@"^semsearch: CUDA execution provider could not be started: \S.{10,}; using CPU\.$", line.TrimEnd('\r'));
        Assert.False(search.Stderr.Contains('\u001b', StringComparison.Ordinal), search.Stderr); // no escape codes
    }
}
