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

        // The client's own check of the setting (settings.ts) accepts the same list.
        var settingsTs = File.ReadAllText(Path.Combine(RepoPaths.Root, "client-vscode", "src", "logic", "settings.ts"));
        var accepted = System.Text.RegularExpressions.Regex.Match(settingsTs, @"\[([^\]]*)\]\.includes\(provider\)");
        Assert.True(accepted.Success, "settings.ts no longer checks the provider against a list");
        Assert.Equal(ExecutionProviders.Names, accepted.Groups[1].Value.Split(',').Select(v => v.Trim().Trim('\'')).ToList());
    }

    /// <summary>A non-default value for each setting, as a client would send it.</summary>
    private static readonly Dictionary<string, string> NonDefault = new()
    {
        ["modelPath"] = "\"/models/other\"",
        ["executionProvider"] = "\"cpu\"",
        ["excludes"] = "[\"gen/\"]",
        ["maxFileSize"] = "\"2m\"",
        ["useGitIgnore"] = "false",
        ["indexLocation"] = "\"workspace\"",
        ["feedbackLog"] = "false",
        ["fileWatcher"] = "\"server\"",
        ["debounceMs"] = "50",
        ["batchThreshold"] = "7",
        ["threads"] = "3",
    };

    [Fact]
    public void The_server_reads_every_setting_it_names_and_each_changes_something()
    {
        Assert.Equal(ServerSettings.Names.Order(StringComparer.Ordinal), NonDefault.Keys.Order(StringComparer.Ordinal));
        var defaults = new ServerSettings();
        foreach (var name in ServerSettings.Names)
        {
            using var doc = JsonDocument.Parse($"{{\"{name}\": {NonDefault[name]}}}");
            var parsed = ServerSettings.Parse(doc.RootElement, defaults);
            Assert.False(parsed.ToString() == defaults.ToString() && parsed.Excludes.SequenceEqual(defaults.Excludes), $"{name} was not read");
        }
        // An enum setting takes its lower-case names only, and says which.
        using (var bad = JsonDocument.Parse("{\"fileWatcher\": \"Server\"}"))
        {
            var error = Assert.Throws<ArgumentException>(() => ServerSettings.Parse(bad.RootElement, defaults));
            Assert.Equal("fileWatcher must be auto, client, server or off (got 'Server').", error.Message);
        }
        // The record's settings are exactly the named ones (no property the wire cannot set).
        var properties = typeof(ServerSettings).GetProperties().Where(p => p.CanWrite).Select(p => p.Name).ToList();
        Assert.Equal(ServerSettings.Names.Count, properties.Count);
    }

    [Fact]
    public void The_architecture_table_lists_the_server_settings_with_their_defaults()
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.Root, "ARCHITECTURE.md"));
        var table = text[text.IndexOf("| setting | default | meaning |", StringComparison.Ordinal)..];
        var rows = table.Split('\n').Skip(2).TakeWhile(l => l.StartsWith('|')).Select(l => l.Split('|').Select(c => c.Trim()).ToArray()).ToList();
        Assert.Equal(ServerSettings.Names, rows.Select(r => r[1].Trim('`')));
        var d = new ServerSettings();
        var expected = new Dictionary<string, string>
        {
            ["executionProvider"] = d.ExecutionProvider.Name(),
            ["excludes"] = d.Excludes.Count == 0 ? "[]" : "?",
            ["maxFileSize"] = d.MaxFileBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["useGitIgnore"] = d.UseGitIgnore ? "true" : "false",
            ["indexLocation"] = d.IndexLocation.SettingValue,
            ["feedbackLog"] = d.FeedbackLog ? "true" : "false",
            ["fileWatcher"] = FileWatcherModes.Name(d.FileWatcher),
            ["debounceMs"] = d.DebounceMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["batchThreshold"] = d.BatchThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["threads"] = d.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var row in rows.Where(r => expected.ContainsKey(r[1].Trim('`'))))
        {
            Assert.Equal($"`{expected[row[1].Trim('`')]}`", row[2]);
        }
    }

    [Fact]
    public void The_client_sends_only_server_settings_and_its_package_json_and_readme_agree()
    {
        // The payload type the client sends (settings.ts) names server settings only.
        var settingsTs = File.ReadAllText(Path.Combine(RepoPaths.Root, "client-vscode", "src", "logic", "settings.ts"));
        var payload = settingsTs[settingsTs.IndexOf("export interface ServerSettingsPayload", StringComparison.Ordinal)..];
        payload = payload[..payload.IndexOf('}')];
        var sent = System.Text.RegularExpressions.Regex.Matches(payload, @"^\s+(\w+)\??:", System.Text.RegularExpressions.RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(sent);
        Assert.All(sent, name => Assert.Contains(name, ServerSettings.Names));

        // Every setting sent is one the user can set in VS Code, with the server's default (or empty: "the server's").
        using var package = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "client-vscode", "package.json")));
        var properties = package.RootElement.GetProperty("contributes").GetProperty("configuration").GetProperty("properties");
        var d = new ServerSettings();
        foreach (var name in sent)
        {
            Assert.True(properties.TryGetProperty($"semanticSearch.{name}", out var setting), $"package.json lacks semanticSearch.{name}");
            var value = setting.GetProperty("default");
            switch (name)
            {
                case "executionProvider":
                    Assert.Equal(d.ExecutionProvider.Name(), value.GetString());
                    break;
                case "indexLocation":
                    Assert.Equal(d.IndexLocation.SettingValue, value.GetString());
                    break;
                case "feedbackLog":
                    Assert.Equal(d.FeedbackLog, value.GetBoolean());
                    break;
                case "useGitIgnore":
                    Assert.Equal(d.UseGitIgnore, value.GetBoolean());
                    break;
                case "threads":
                    Assert.Equal(d.Threads, value.GetInt32());
                    break;
                case "excludes":
                    Assert.Equal(0, value.GetArrayLength());
                    break;
                default:
                    Assert.Equal("", value.GetString()); // modelPath, maxFileSize: empty means the server decides
                    break;
            }
        }

        // The client's README lists exactly the package.json settings, with their scopes.
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "client-vscode", "README.md"));
        var table = readme[readme.IndexOf("| setting | scope | meaning |", StringComparison.Ordinal)..];
        var listed = new Dictionary<string, string>();
        foreach (var row in table.Split('\n').Skip(2).TakeWhile(l => l.StartsWith('|')))
        {
            var cells = row.Split('|').Select(c => c.Trim()).ToArray();
            foreach (var name in cells[1].Split(',').Select(n => n.Trim().Trim('`')))
            {
                listed[name] = cells[2];
            }
        }
        var contributed = properties.EnumerateObject().ToDictionary(p => p.Name["semanticSearch.".Length..],
            p => p.Value.TryGetProperty("scope", out var scope) ? scope.GetString()! : "window");
        Assert.Equal(contributed.Keys.Order(StringComparer.Ordinal), listed.Keys.Order(StringComparer.Ordinal));
        Assert.All(contributed, c => Assert.Equal(c.Value, listed[c.Key]));
    }
}
