using System.Text.Json;
using SemanticSearch.Server;
using SemanticSearch.TestSupport;
using SemanticSearch.VisualStudio.Core.Settings;

namespace SemanticSearch.VisualStudio.Core.Tests;

/// <summary>The Visual Studio settings are the VS Code client's settings, and the server reads what they send.</summary>
public sealed class SettingsTests
{
    private static Dictionary<string, JsonElement> VsCodeSettings()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "client-vscode", "package.json")));
        return doc.RootElement.GetProperty("contributes").GetProperty("configuration").GetProperty("properties").EnumerateObject()
            .ToDictionary(p => p.Name["semanticSearch.".Length..], p => p.Value.Clone());
    }

    [Fact]
    public void Every_setting_has_the_vs_code_settings_name_default_bounds_and_choices()
    {
        var vscode = VsCodeSettings();
        var defaults = new ClientSettings();
        Assert.Equal(vscode.Keys.Order(StringComparer.Ordinal), ClientSettings.Definitions.Select(d => d.Setting.Name).Order(StringComparer.Ordinal));
        foreach (var (property, setting) in ClientSettings.Definitions)
        {
            var theirs = vscode[setting.Name];
            Assert.True(
                JsonSerializer.Serialize(property.GetValue(defaults)) == theirs.GetProperty("default").GetRawText(),
                $"{setting.Name}: default {JsonSerializer.Serialize(property.GetValue(defaults))}, VS Code's {theirs.GetProperty("default").GetRawText()}");
            Assert.Equal(theirs.TryGetProperty("minimum", out var min) ? min.GetInt32() : int.MinValue, setting.Minimum);
            Assert.Equal(theirs.TryGetProperty("maximum", out var max) ? max.GetInt32() : int.MaxValue, setting.Maximum);
            Assert.Equal(
                theirs.TryGetProperty("enum", out var choices) ? [.. choices.EnumerateArray().Select(c => c.GetString()!)] : null,
                setting.Choices);
        }
    }

    [Fact]
    public void The_payload_names_only_server_settings_and_the_server_reads_each_value()
    {
        var settings = new ClientSettings
        {
            ModelPath = "/models/other",
            ExecutionProvider = "cpu",
            Excludes = ["gen/", " ", "gen/"],
            MaxFileSize = "2m",
            UseGitIgnore = false,
            IndexLocation = "workspace",
            FeedbackLog = false,
            Threads = 3,
        };
        var payload = settings.ServerPayload();
        // The server's settings that are not user settings (watching and batching) are the only ones not sent.
        Assert.Equal(
            ServerSettings.Names.Except(["fileWatcher", "debounceMs", "batchThreshold"]).Order(StringComparer.Ordinal),
            payload.Keys.Order(StringComparer.Ordinal));
        var parsed = ServerSettings.Parse(JsonSerializer.SerializeToElement(payload), new ServerSettings());
        Assert.Equal("/models/other", parsed.ModelPath);
        Assert.Equal(["gen/"], parsed.Excludes);
        Assert.Equal(2_000_000, parsed.MaxFileBytes);
        Assert.False(parsed.UseGitIgnore);
        Assert.False(parsed.FeedbackLog);
        Assert.Equal(3, parsed.Threads);
        Assert.Equal(ServerSettings.Parse(JsonSerializer.SerializeToElement(new { indexLocation = "workspace" }), new ServerSettings()).IndexLocation, parsed.IndexLocation);

        // The defaults are the server's defaults (an empty size and model are not sent as values).
        var fromDefaults = ServerSettings.Parse(JsonSerializer.SerializeToElement(new ClientSettings().ServerPayload()), new ServerSettings());
        Assert.Equal(new ServerSettings().ToString(), fromDefaults.ToString());
    }

    [Fact]
    public void Invalid_values_are_named_and_sent_as_the_server_would_take_them()
    {
        var settings = new ClientSettings { MaxResults = 0, TypingDelay = 9000, ExecutionProvider = "gpu", MaxFileSize = "lots", Threads = -1 };
        Assert.Equal(
            [
                "executionProvider must be auto, cpu, cuda or directml (got 'gpu').",
                "threads must be at least 0 (got -1).",
                "maxResults must be from 1 to 200 (got 0).",
                "typingDelay must be from 0 to 5000 (got 9000).",
                "maxFileSize must be a byte count or a size like 500k or 2m (got 'lots').",
            ],
            settings.Validate());
        Assert.Empty(new ClientSettings().Validate());
        Assert.Equal(1, settings.EffectiveMaxResults);
        Assert.Equal(TimeSpan.FromMilliseconds(5000), settings.EffectiveTypingDelay);
        var payload = settings.ServerPayload();
        Assert.Equal("auto", payload["executionProvider"]);
        Assert.Equal(0, payload["threads"]);
        Assert.False(payload.ContainsKey("maxFileSize"));
        ServerSettings.Parse(JsonSerializer.SerializeToElement(payload), new ServerSettings());
    }

    [Fact]
    public void Sizes_read_as_the_contract_fixture_says()
    {
        using var fixture = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "contract", "byte-sizes.json")));
        foreach (var valid in fixture.RootElement.GetProperty("valid").EnumerateArray())
        {
            Assert.Equal(valid.GetProperty("bytes").GetInt64(), ClientSettings.ParseSize(valid.GetProperty("text").GetString()!));
        }
        foreach (var invalid in fixture.RootElement.GetProperty("invalid").EnumerateArray())
        {
            Assert.Null(ClientSettings.ParseSize(invalid.GetString()!));
        }
    }
}
