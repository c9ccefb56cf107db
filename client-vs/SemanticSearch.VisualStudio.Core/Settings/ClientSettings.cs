using System.Reflection;
using System.Text.RegularExpressions;

namespace SemanticSearch.VisualStudio.Core.Settings;

/// <summary>
/// The user's settings (the Options page), the same list as the VS Code client's <c>semanticSearch.*</c>
/// settings, with the same defaults and bounds. <see cref="Validate"/> says what is wrong with a value;
/// <see cref="ServerPayload"/> is what the server receives (its <c>ServerSettings</c> names).
/// </summary>
public sealed class ClientSettings
{
    /// <summary>The server to run: a SemanticSearch.Server.dll (run under dotnet) or an executable; empty: the bundled one.</summary>
    [Setting("serverPath")]
    public string ServerPath { get; set; } = "";

    /// <summary>The dotnet executable that runs a server .dll; empty: found on PATH, DOTNET_ROOT or the install folders.</summary>
    [Setting("dotnetPath")]
    public string DotnetPath { get; set; } = "";

    /// <summary>A model folder; empty: the default model bundled with the server.</summary>
    [Setting("modelPath")]
    public string ModelPath { get; set; } = "";

    [Setting("executionProvider", Choices = ["auto", "cpu", "cuda", "directml"])]
    public string ExecutionProvider { get; set; } = "auto";

    /// <summary>Encoder threads; 0: ONNX Runtime decides.</summary>
    [Setting("threads", Minimum = 0)]
    public int Threads { get; set; }

    /// <summary>Gitignore-style patterns that are never indexed.</summary>
    [Setting("excludes")]
    public IReadOnlyList<string> Excludes { get; set; } = [];

    [Setting("useGitIgnore")]
    public bool UseGitIgnore { get; set; } = true;

    /// <summary>Files larger than this are not indexed ("500k", "2m"); empty: the server's default.</summary>
    [Setting("maxFileSize")]
    public string MaxFileSize { get; set; } = "";

    /// <summary>"cache", "workspace" or a folder for all indexes.</summary>
    [Setting("indexLocation")]
    public string IndexLocation { get; set; } = "cache";

    /// <summary>Record opened results in feedback.jsonl beside the index (never sent anywhere).</summary>
    [Setting("feedbackLog")]
    public bool FeedbackLog { get; set; } = true;

    [Setting("maxResults", Minimum = 1, Maximum = 200)]
    public int MaxResults { get; set; } = 20;

    /// <summary>Quiet time after typing before a search runs, in milliseconds.</summary>
    [Setting("typingDelay", Minimum = 0, Maximum = 5000)]
    public int TypingDelay { get; set; } = 250;

    /// <summary>How much of the protocol traffic goes to the output pane.</summary>
    [Setting("trace.server", Choices = ["off", "messages", "verbose"])]
    public string TraceServer { get; set; } = "off";

    /// <summary>Every setting with its attribute, in declaration order.</summary>
    public static IReadOnlyList<(PropertyInfo Property, SettingAttribute Setting)> Definitions { get; } =
        [.. typeof(ClientSettings).GetProperties()
            .Select(p => (Property: p, Setting: p.GetCustomAttribute<SettingAttribute>()))
            .Where(p => p.Setting is not null)
            .Select(p => (p.Property, p.Setting!))];

    /// <summary>One sentence per invalid value (empty when every value is accepted).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        foreach (var (property, setting) in Definitions)
        {
            var value = property.GetValue(this);
            if (value is int number && (number < setting.Minimum || number > setting.Maximum))
            {
                var bounds = setting.Maximum == int.MaxValue ? $"at least {setting.Minimum}" : $"from {setting.Minimum} to {setting.Maximum}";
                problems.Add($"{setting.Name} must be {bounds} (got {number}).");
            }
            if (setting.Choices is { } choices && value is string text && !choices.Contains(text))
            {
                problems.Add($"{setting.Name} must be {string.Join(", ", choices.Take(choices.Length - 1))} or {choices.Last()} (got '{text}').");
            }
        }
        if (MaxFileSize.Trim().Length > 0 && ParseSize(MaxFileSize) is null)
        {
            problems.Add($"maxFileSize must be a byte count or a size like 500k or 2m (got '{MaxFileSize}').");
        }
        return problems;
    }

    /// <summary>
    /// The server's settings (initializationOptions and didChangeConfiguration), named as ServerSettings reads
    /// them. Out-of-range numbers and unknown choices are sent as the server would take them (clamped, defaults), so
    /// a bad value on the Options page never stops the server; <see cref="Validate"/> tells the user.
    /// </summary>
    public Dictionary<string, object> ServerPayload()
    {
        var payload = new Dictionary<string, object>
        {
            ["modelPath"] = ModelPath.Trim(),
            ["executionProvider"] = Definition(nameof(ExecutionProvider)).Choices!.Contains(ExecutionProvider) ? ExecutionProvider : "auto",
            ["excludes"] = Excludes.Select(e => e.Trim()).Where(e => e.Length > 0).Distinct().ToArray(),
            ["useGitIgnore"] = UseGitIgnore,
            ["indexLocation"] = IndexLocation.Trim().Length > 0 ? IndexLocation.Trim() : "cache",
            ["feedbackLog"] = FeedbackLog,
            ["threads"] = Math.Max(0, Threads),
        };
        if (ParseSize(MaxFileSize) is not null)
        {
            payload["maxFileSize"] = MaxFileSize.Trim();
        }
        return payload;
    }

    /// <summary>Results per search, within the setting's bounds.</summary>
    public int EffectiveMaxResults => Clamp(nameof(MaxResults), MaxResults);

    /// <summary>The typing delay, within the setting's bounds.</summary>
    public TimeSpan EffectiveTypingDelay => TimeSpan.FromMilliseconds(Clamp(nameof(TypingDelay), TypingDelay));

    public ClientSettings Clone() => (ClientSettings)MemberwiseClone();

    /// <summary>
    /// Bytes in "500k", "2m", "1g" or "123" (decimal units: the engine's ByteSize rule, both checked against
    /// tests/fixtures/contract/byte-sizes.json); null when unreadable.
    /// </summary>
    public static long? ParseSize(string text)
    {
        var match = Regex.Match(text, @"^\s*(\d+)\s*([kmg]?)b?\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        if (!match.Success || !long.TryParse(match.Groups[1].Value, out var n))
        {
            return null;
        }
        var bytes = match.Groups[2].Value.ToLowerInvariant() switch
        {
            "k" => n * 1_000,
            "m" => n * 1_000_000,
            "g" => n * 1_000_000_000,
            _ => n,
        };
        return bytes > 0 ? bytes : null;
    }

    private static SettingAttribute Definition(string property) => Definitions.First(d => d.Property.Name == property).Setting;

    private static int Clamp(string property, int value)
    {
        var setting = Definition(property);
        return Math.Min(setting.Maximum, Math.Max(setting.Minimum, value));
    }
}
