using System.Globalization;
using System.Text.Json;
using SemanticSearch.Engine.Index;
using SemanticSearch.Engine.Models;
using SemanticSearch.Engine.Workspace;

namespace SemanticSearch.Server;

/// <summary>
/// Client settings, from <c>initializationOptions</c> and <c>workspace/didChangeConfiguration</c> (either the
/// object itself or nested under "semanticSearch"). Unknown fields are ignored; a missing field keeps its default.
/// </summary>
public sealed record ServerSettings
{
    /// <summary>
    /// The settings' names on the wire, in the order ARCHITECTURE.md's table lists them. <c>SettingsContractTests</c>
    /// checks that <see cref="Parse"/> reads each, and that the table, the VS Code client's payload and its
    /// <c>package.json</c> agree with this list and with the defaults below.
    /// </summary>
    public static IReadOnlyList<string> Names { get; } =
        [
            "modelPath", "executionProvider", "excludes", "maxFileSize", "useGitIgnore", "indexLocation", "feedbackLog", "fileWatcher",
            "debounceMs", "batchThreshold", "threads",
        ];

    /// <summary>Model folder; null means <see cref="Engine.Models.DefaultModel"/> resolution (as the CLI does).</summary>
    public string? ModelPath { get; init; }

    public ExecutionProvider ExecutionProvider { get; init; } = ExecutionProvider.Auto;

    public IReadOnlyList<string> Excludes { get; init; } = [];

    public long MaxFileBytes { get; init; } = ScanOptions.Default.MaxFileBytes;

    public bool UseGitIgnore { get; init; } = true;

    /// <summary>
    /// "cache" (the user cache folder, one sub-folder per workspace folder: nothing in the workspace, the default
    /// for editors), "workspace" (&lt;root&gt;/.semantic-search, with its own .gitignore) or a folder for all indexes.
    /// </summary>
    public IndexLocation IndexLocation { get; init; } = IndexLocation.UserCache;

    /// <summary>Record each opened result (query, rank, path) in feedback.jsonl beside the folder's index; never sent anywhere.</summary>
    public bool FeedbackLog { get; init; } = true;

    /// <summary>Quiet time after the last save or file event before re-indexing.</summary>
    public int DebounceMs { get; init; } = 300;

    /// <summary>More changed paths than this in one batch (a git checkout) run a full incremental pass instead.</summary>
    public int BatchThreshold { get; init; } = 500;

    /// <summary>auto (client watching when it can register it, else our own), client, server or off.</summary>
    public FileWatcherMode FileWatcher { get; init; } = FileWatcherMode.Auto;

    /// <summary>Encoder threads (0: ONNX Runtime decides).</summary>
    public int Threads { get; init; }

    /// <summary>True when a change needs the folders reopened (model, index or scan settings).</summary>
    public bool NeedsReopen(ServerSettings other) =>
        ModelPath != other.ModelPath || ExecutionProvider != other.ExecutionProvider || IndexLocation != other.IndexLocation
        || MaxFileBytes != other.MaxFileBytes || UseGitIgnore != other.UseGitIgnore || Threads != other.Threads
        || !Excludes.SequenceEqual(other.Excludes);

    public ScanOptions ScanOptions => new(Excludes, MaxFileBytes, UseGitIgnore);

    public static ServerSettings Parse(JsonElement? json, ServerSettings defaults)
    {
        if (json is not { ValueKind: JsonValueKind.Object } root)
        {
            return defaults;
        }
        if (root.TryGetProperty("semanticSearch", out var nested) && nested.ValueKind == JsonValueKind.Object)
        {
            root = nested;
        }
        var s = defaults;
        if (Str(root, "modelPath") is { } model)
        {
            s = s with { ModelPath = model.Length == 0 ? null : model };
        }
        if (Str(root, "executionProvider") is { } provider)
        {
            s = s with
            {
                ExecutionProvider = ExecutionProviders.TryParse(provider)
                    ?? throw new ArgumentException($"executionProvider must be {ExecutionProviders.Listed} (got '{provider}')."),
            };
        }
        if (root.TryGetProperty("excludes", out var excludes) && excludes.ValueKind == JsonValueKind.Array)
        {
            s = s with { Excludes = excludes.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToArray() };
        }
        if (root.TryGetProperty("maxFileSize", out var size))
        {
            s = s with { MaxFileBytes = ParseSize(size) };
        }
        if (root.TryGetProperty("useGitIgnore", out var git) && git.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            s = s with { UseGitIgnore = git.GetBoolean() };
        }
        if (Str(root, "indexLocation") is { } location)
        {
            s = s with { IndexLocation = IndexLocation.ParseSetting(location) };
        }
        if (root.TryGetProperty("feedbackLog", out var feedback) && feedback.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            s = s with { FeedbackLog = feedback.GetBoolean() };
        }
        if (Str(root, "fileWatcher") is { } watcher)
        {
            s = s with { FileWatcher = FileWatcherModes.Parse(watcher) };
        }
        s = s with
        {
            DebounceMs = Int(root, "debounceMs", s.DebounceMs, 0, 60_000),
            BatchThreshold = Int(root, "batchThreshold", s.BatchThreshold, 1, 1_000_000),
            Threads = Int(root, "threads", s.Threads, 0, 256),
        };
        return s;
    }

    private static string? Str(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int Int(JsonElement root, string name, int fallback, int min, int max) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? Math.Clamp(n, min, max) : fallback;

    /// <summary>A byte count, or a string such as "500k" or "2m" (<see cref="ByteSize"/>: decimal units, as the CLI).</summary>
    internal static long ParseSize(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var bytes) && bytes > 0)
        {
            return bytes;
        }
        return (value.ValueKind == JsonValueKind.String ? ByteSize.TryParse(value.GetString()) : null)
            ?? throw new ArgumentException($"maxFileSize must be a byte count or a size like 500k or 2m (got {value.GetRawText()}).");
    }
}

/// <summary>Who watches the workspace for changes (setting <c>fileWatcher</c>; lower-case on the wire).</summary>
public enum FileWatcherMode
{
    /// <summary>The client's watcher if it can register one, else the server's.</summary>
    Auto,

    /// <summary>The client's (<c>workspace/didChangeWatchedFiles</c>).</summary>
    Client,

    /// <summary>The server's own <c>FileSystemWatcher</c>.</summary>
    Server,

    /// <summary>Nobody: only saves and explicit reindexing update the index.</summary>
    Off,
}

/// <summary>The one mapping between <see cref="FileWatcherMode"/> and its wire names.</summary>
public static class FileWatcherModes
{
    public static string Name(FileWatcherMode mode) => mode.ToString().ToLowerInvariant();

    /// <summary>A wire name as a mode; anything else is an <see cref="ArgumentException"/> naming the choices.</summary>
    public static FileWatcherMode Parse(string name)
    {
        foreach (var mode in Enum.GetValues<FileWatcherMode>())
        {
            if (Name(mode) == name)
            {
                return mode;
            }
        }
        var names = Enum.GetValues<FileWatcherMode>().Select(Name).ToList();
        throw new ArgumentException($"fileWatcher must be {string.Join(", ", names[..^1])} or {names[^1]} (got '{name}').");
    }
}
