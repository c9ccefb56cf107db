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
    public required object Capabilities { get; init; }
    public required ServerInfo ServerInfo { get; init; }
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
    public required string Kind { get; init; }
    public string? Title { get; init; }
    public bool? Cancellable { get; init; }
    public string? Message { get; init; }
    public int? Percentage { get; init; }
}

public sealed class Registration
{
    public required string Id { get; init; }
    public required string Method { get; init; }
    public object? RegisterOptions { get; init; }
}

public sealed class RegistrationParams
{
    public required Registration[] Registrations { get; init; }
}

/// <summary>0-based line and UTF-16 character, as LSP defines them.</summary>
public sealed record Position(int Line, int Character);

/// <summary>End is exclusive.</summary>
public sealed record LspRange(Position Start, Position End);

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
