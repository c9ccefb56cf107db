using System.Text.Json;
using SemanticSearch.Server.Protocol;
using StreamJsonRpc;

namespace SemanticSearch.Server.Client;

/// <summary>
/// Everything the server sends to the editor on its own initiative: log lines, work-done progress, the watcher
/// registration. Also what the editor said it supports (read once, from <c>initialize</c>).
/// </summary>
public sealed class EditorClient(JsonRpc rpc)
{
    /// <summary>The client accepts <c>window/workDoneProgress/create</c>.</summary>
    public bool SupportsProgress { get; private set; }

    /// <summary>The client can watch files for us (dynamic registration of <c>workspace/didChangeWatchedFiles</c>).</summary>
    public bool SupportsWatching { get; private set; }

    public void ReadCapabilities(JsonElement? capabilities)
    {
        SupportsProgress = Capability.IsTrue(capabilities, "window", "workDoneProgress");
        SupportsWatching = Capability.IsTrue(capabilities, "workspace", "didChangeWatchedFiles", "dynamicRegistration");
    }

    /// <summary>The client refused the registration: watch ourselves from now on.</summary>
    public void WatchingRefused() => SupportsWatching = false;

    /// <summary>To stderr and, best effort, to the editor's output (<c>window/logMessage</c>).</summary>
    public void Log(int type, string message)
    {
        Console.Error.WriteLine($"[semantic-search] {message}");
        try
        {
            rpc.NotifyWithParameterObjectAsync("window/logMessage", new LogMessageParams { Type = type, Message = message })
                .ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
        }
        catch (Exception)
        {
            // Disconnected: stderr has it.
        }
    }

    /// <summary>Asks the client to watch every file of the workspace for us; throws when it refuses.</summary>
    public Task RegisterFileWatcherAsync() => rpc.InvokeWithParameterObjectAsync("client/registerCapability", new RegistrationParams
    {
        Registrations =
        [
            new Registration
            {
                Id = "semanticSearch.watch",
                Method = "workspace/didChangeWatchedFiles",
                RegisterOptions = new DidChangeWatchedFilesRegistrationOptions { Watchers = [new FileSystemWatcherPattern { GlobPattern = "**/*" }] },
            },
        ],
    });

    /// <summary>A new progress token the client accepted, with its <c>begin</c> sent; null when it cannot show progress.</summary>
    public WorkDoneProgress? BeginProgress(string title)
    {
        if (!SupportsProgress)
        {
            return null;
        }
        var token = $"semanticSearch/index/{Guid.NewGuid():N}";
        try
        {
            // The client must accept the token before we may report on it.
            if (!rpc.InvokeWithParameterObjectAsync("window/workDoneProgress/create", new WorkDoneProgressCreateParams { Token = token }).Wait(TimeSpan.FromSeconds(5)))
            {
                return null;
            }
        }
        catch (Exception ex)
        {
            Log(MessageType.Log, $"The client refused a progress token: {ex.GetBaseException().Message}");
            return null;
        }
        var progress = new WorkDoneProgress(rpc, token);
        progress.Send(new WorkDoneProgressValue { Kind = ProgressKind.Begin, Title = title, Cancellable = true, Percentage = 0 });
        return progress;
    }
}
