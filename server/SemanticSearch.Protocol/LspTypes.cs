using System.Text.Json;
using System.Text.Json.Serialization;

namespace SemanticSearch.Server.Protocol;

// The subset of LSP 3.17 this server speaks, as plain DTOs (camelCase on the wire, nulls omitted).

public static class LspErrorCodes
{
    public const int InvalidRequest = -32600;
    public const int InvalidParams = -32602;
    public const int ServerNotInitialized = -32002;
    public const int RequestFailed = -32803;
}

public static class MessageType
{
    public const int Error = 1;
    public const int Warning = 2;
    public const int Info = 3;
    public const int Log = 4;
}

public sealed class InitializeParams
{
    public int? ProcessId { get; init; }
    public string? RootUri { get; init; }
    public string? RootPath { get; init; }
    public WorkspaceFolder[]? WorkspaceFolders { get; init; }
    public JsonElement? InitializationOptions { get; init; }
    /// <summary>Kept raw: only a few flags are read (see <see cref="Capability"/>).</summary>
    public JsonElement? Capabilities { get; init; }
}

public sealed class WorkspaceFolder
{
    public string Uri { get; init; } = "";
    public string Name { get; init; } = "";
}

public sealed class InitializeResult
{
    public required ServerCapabilities Capabilities { get; init; }
    public required ServerInfo ServerInfo { get; init; }
}

/// <summary>What the server answers in <c>initialize</c> (LSP 3.17 <c>ServerCapabilities</c>, the parts we use).</summary>
public sealed class ServerCapabilities
{
    public required TextDocumentSyncOptions TextDocumentSync { get; init; }
    public required WorkspaceServerCapabilities Workspace { get; init; }
    public required ExperimentalCapabilities Experimental { get; init; }
}

public sealed class TextDocumentSyncOptions
{
    public bool OpenClose { get; init; }
    /// <summary>0 = None: edits are not sent; text is read from disk on save.</summary>
    public int Change { get; init; }
    public SaveOptions? Save { get; init; }
}

public sealed class SaveOptions
{
    public bool IncludeText { get; init; }
}

public sealed class WorkspaceServerCapabilities
{
    public required WorkspaceFoldersServerCapabilities WorkspaceFolders { get; init; }
}

public sealed class WorkspaceFoldersServerCapabilities
{
    public bool Supported { get; init; }
    public bool ChangeNotifications { get; init; }
}

public sealed class ExperimentalCapabilities
{
    public required SemanticSearchCapability SemanticSearch { get; init; }
}

/// <summary>So a client can check what it talks to: the protocol version and the custom methods answered.</summary>
public sealed class SemanticSearchCapability
{
    public int Version { get; init; }
    public required string[] Methods { get; init; }
}

public sealed class ServerInfo
{
    public required string Name { get; init; }
    public string? Version { get; init; }
}

public sealed class DidChangeWorkspaceFoldersParams
{
    public WorkspaceFoldersChangeEvent Event { get; init; } = new();
}

public sealed class WorkspaceFoldersChangeEvent
{
    public WorkspaceFolder[] Added { get; init; } = [];
    public WorkspaceFolder[] Removed { get; init; } = [];
}

public sealed class DidChangeWatchedFilesParams
{
    public FileEvent[] Changes { get; init; } = [];
}

/// <summary>Type: 1 created, 2 changed, 3 deleted.</summary>
public sealed class FileEvent
{
    public string Uri { get; init; } = "";
    public int Type { get; init; }
}

public sealed class DidSaveTextDocumentParams
{
    public TextDocumentIdentifier TextDocument { get; init; } = new();
}

public sealed class DidOpenTextDocumentParams
{
    public TextDocumentItem TextDocument { get; init; } = new();
}

/// <summary>An opened document; only its uri matters here (the server reads files from disk, not editor buffers).</summary>
public sealed class TextDocumentItem
{
    public string Uri { get; init; } = "";
}

public sealed class DidCloseTextDocumentParams
{
    public TextDocumentIdentifier TextDocument { get; init; } = new();
}

public sealed class TextDocumentIdentifier
{
    public string Uri { get; init; } = "";
}

public sealed class DidChangeConfigurationParams
{
    public JsonElement? Settings { get; init; }
}

public sealed class LogMessageParams
{
    public int Type { get; init; }
    public required string Message { get; init; }
}

public sealed class WorkDoneProgressCreateParams
{
    public required string Token { get; init; }
}

public sealed class WorkDoneProgressCancelParams
{
    public string Token { get; init; } = "";
}

public sealed class ProgressParams
{
    public required string Token { get; init; }
    public required WorkDoneProgressValue Value { get; init; }
}

/// <summary>One shape for begin / report / end (the fields that do not apply stay null and are omitted).</summary>
public sealed class WorkDoneProgressValue
{
    public required ProgressKind Kind { get; init; }
    public string? Title { get; init; }
    public bool? Cancellable { get; init; }
    public string? Message { get; init; }
    public int? Percentage { get; init; }
}

public sealed class Registration
{
    public required string Id { get; init; }
    public required string Method { get; init; }
    public DidChangeWatchedFilesRegistrationOptions? RegisterOptions { get; init; }
}

public sealed class DidChangeWatchedFilesRegistrationOptions
{
    public required FileSystemWatcherPattern[] Watchers { get; init; }
}

/// <summary>LSP's <c>FileSystemWatcher</c> (renamed: System.IO has a type of that name).</summary>
public sealed class FileSystemWatcherPattern
{
    public required string GlobPattern { get; init; }
}

public sealed class RegistrationParams
{
    public required Registration[] Registrations { get; init; }
}

/// <summary>0-based line and UTF-16 character, as LSP defines them.</summary>
public sealed record Position(int Line, int Character);

/// <summary>End is exclusive.</summary>
public sealed record LspRange(Position Start, Position End);

/// <summary>The kind of a <c>$/progress</c> value, on the wire in lower case (<c>"begin"</c>).</summary>
[JsonConverter(typeof(LowerCaseEnumConverter<ProgressKind>))]
public enum ProgressKind
{
    Begin,
    Report,
    End,
}

/// <summary>An enum written and read by its member name in camel case (single words: lower case); numbers refused.</summary>
public sealed class LowerCaseEnumConverter<T>() : JsonStringEnumConverter<T>(JsonNamingPolicy.CamelCase, allowIntegerValues: false)
    where T : struct, Enum;

/// <summary>Stands for the parameters of a message that has none (<c>shutdown</c>, <c>initialized</c>'s <c>{}</c>).</summary>
public sealed class NoParams;

/// <summary>Reads client capability flags by path without modelling the whole capabilities tree.</summary>
public static class Capability
{
    public static bool IsTrue(JsonElement? root, params string[] path)
    {
        if (root is not { ValueKind: JsonValueKind.Object } current)
        {
            return false;
        }
        foreach (var name in path)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
            {
                return false;
            }
        }
        return current.ValueKind == JsonValueKind.True;
    }
}

/// <summary>Serializer settings shared by the transport and the feedback log.</summary>
public static class ProtocolJson
{
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.PropertyNameCaseInsensitive = true;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals;
    }
}
