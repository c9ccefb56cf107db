using System.Text.Json;
using SemanticSearch.Engine.Models;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Server.Tests;

/// <summary>The VS Code client's settings say what the server accepts: checked here so one side cannot drift.</summary>
public sealed class SettingsContractTests
{
    private static JsonElement ClientSetting(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "client-vscode", "package.json")));
        return doc.RootElement.GetProperty("contributes").GetProperty("configuration").GetProperty("properties").GetProperty(name).Clone();
    }

    [Fact]
    public void The_execution_provider_setting_offers_exactly_what_the_engine_accepts()
    {
        var offered = ClientSetting("semanticSearch.executionProvider").GetProperty("enum").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal(ExecutionProviders.Names, offered);
        Assert.Equal("auto", ClientSetting("semanticSearch.executionProvider").GetProperty("default").GetString());
        Assert.Equal("auto, cpu, cuda or directml", ExecutionProviders.Listed);
    }
}
