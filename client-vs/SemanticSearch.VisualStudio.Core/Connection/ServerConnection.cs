using System.Diagnostics;
using System.Text.Json;
using SemanticSearch.Server.Protocol;
using SemanticSearch.VisualStudio.Core.Launch;
using StreamJsonRpc;

namespace SemanticSearch.VisualStudio.Core.Connection;

/// <summary>
/// One running server process and the protocol over its stdio: Content-Length framing
/// (<see cref="HeaderDelimitedMessageHandler"/>) and System.Text.Json with the server's own settings
/// (<see cref="ProtocolJson"/>), typed by the shared protocol project. Knows nothing of restarts (see
/// <see cref="SemanticSearchClient"/>).
/// </summary>
public sealed class ServerConnection : IDisposable
{
    private readonly Process _process;
    private readonly JsonRpc _rpc;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServerConnection(Process process, Action<string> log)
    {
        _process = process;
        var formatter = new SystemTextJsonFormatter();
        var json = new JsonSerializerOptions(formatter.JsonSerializerOptions);
        ProtocolJson.Configure(json);
        formatter.JsonSerializerOptions = json;
        JsonOptions = json;
        _rpc = new JsonRpc(new HeaderDelimitedMessageHandler(process.StandardInput.BaseStream, process.StandardOutput.BaseStream, formatter));
        _rpc.AddLocalRpcTarget(new ClientTarget(log), new JsonRpcTargetOptions { UseSingleObjectParameterDeserialization = true });
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => _exited.TrySetResult(SafeExitCode(process));
        process.ErrorDataReceived += (_, e) =>
        {
            // The server's own log lines come twice, on stderr and as window/logMessage: keep the message copy.
            // Anything else on stderr (the runtime's own failure, a crash) is the only word on why it stopped.
            if (e.Data is not null && !e.Data.StartsWith("[semantic-search] ", StringComparison.Ordinal))
            {
                log(e.Data);
            }
        };
    }

    /// <summary>Completes with the exit code when the process ends, for whatever reason.</summary>
    public Task<int> Exited => _exited.Task;

    public int ProcessId { get; private set; }

    public InitializeResult? Capabilities { get; private set; }

    internal JsonSerializerOptions JsonOptions { get; }

    /// <summary>Starts the server and runs <c>initialize</c> and <c>initialized</c> for <paramref name="folders"/>.</summary>
    public static async Task<ServerConnection> StartAsync(
        ServerCommand command,
        IReadOnlyList<WorkspaceFolder> folders,
        IDictionary<string, object> settings,
        IDictionary<string, string>? environment,
        Action<string> log,
        CancellationToken cancellationToken)
    {
        var info = command.StartInfo();
        foreach (var pair in environment ?? new Dictionary<string, string>())
        {
            info.Environment[pair.Key] = pair.Value;
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{command.Program} did not start.");
        var connection = new ServerConnection(process, log);
        // An exit before Exited was subscribed would go unseen.
        if (process.HasExited)
        {
            connection._exited.TrySetResult(SafeExitCode(process));
        }
        connection.ProcessId = process.Id;
        process.BeginErrorReadLine();
        connection._rpc.StartListening();
        try
        {
            var initialize = new InitializeParams
            {
                ProcessId = Process.GetCurrentProcess().Id,
                WorkspaceFolders = [.. folders],
                InitializationOptions = JsonSerializer.SerializeToElement(settings, connection.JsonOptions),
                // No work-done progress (the tool window polls status) and no client file watching: the server
                // watches the folders itself, and the client adds what Visual Studio knows first (saves, renames).
                Capabilities = JsonSerializer.SerializeToElement(new { window = new { workDoneProgress = false } }),
            };
            var answer = connection._rpc.InvokeWithParameterObjectAsync<InitializeResult>("initialize", initialize, cancellationToken);
            // A server that exits at once (a missing runtime file, a crash on start) never answers.
            if (await Task.WhenAny(answer, connection.Exited).ConfigureAwait(false) != answer)
            {
                throw new InvalidOperationException($"the server exited with code {await connection.Exited.ConfigureAwait(false)} before it answered initialize");
            }
            connection.Capabilities = await answer.ConfigureAwait(false);
            await connection._rpc.NotifyWithParameterObjectAsync("initialized", new NoParams()).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            connection.Kill();
            connection.Dispose();
            throw;
        }
    }

    public Task<SearchResultSet> SearchAsync(SearchParams search, CancellationToken cancellationToken) =>
        _rpc.InvokeWithParameterObjectAsync<SearchResultSet>(Methods.Search, search, cancellationToken);

    public Task<StatusResult> StatusAsync(CancellationToken cancellationToken) =>
        _rpc.InvokeWithParameterObjectAsync<StatusResult>(Methods.Status, new NoParams(), cancellationToken);

    public Task<ReindexResult> ReindexAsync(ReindexParams reindex, CancellationToken cancellationToken) =>
        _rpc.InvokeWithParameterObjectAsync<ReindexResult>(Methods.Reindex, reindex, cancellationToken);

    public Task<ResultOpenedResult> ResultOpenedAsync(ResultOpenedParams opened, CancellationToken cancellationToken) =>
        _rpc.InvokeWithParameterObjectAsync<ResultOpenedResult>(Methods.ResultOpened, opened, cancellationToken);

    public Task DidSaveAsync(string uri) =>
        _rpc.NotifyWithParameterObjectAsync("textDocument/didSave", new DidSaveTextDocumentParams { TextDocument = new TextDocumentIdentifier { Uri = uri } });

    public Task DidChangeWatchedFilesAsync(IReadOnlyList<FileEvent> changes) =>
        _rpc.NotifyWithParameterObjectAsync("workspace/didChangeWatchedFiles", new DidChangeWatchedFilesParams { Changes = [.. changes] });

    public Task DidChangeConfigurationAsync(IDictionary<string, object> settings) =>
        _rpc.NotifyWithParameterObjectAsync(
            "workspace/didChangeConfiguration",
            new DidChangeConfigurationParams { Settings = JsonSerializer.SerializeToElement(settings, JsonOptions) });

    /// <summary><c>shutdown</c> then <c>exit</c>; kills the process when it does not end in <paramref name="grace"/>.</summary>
    public async Task ShutdownAsync(TimeSpan grace)
    {
        try
        {
            using var timeout = new CancellationTokenSource(grace);
            await _rpc.InvokeWithParameterObjectAsync<object>("shutdown", new NoParams(), timeout.Token).ConfigureAwait(false);
            await _rpc.NotifyAsync("exit").ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or ConnectionLostException or ObjectDisposedException or IOException or RemoteInvocationException)
        {
            // Already gone, or not answering: the kill below ends it.
        }
        if (await Task.WhenAny(Exited, Task.Delay(grace)).ConfigureAwait(false) != Exited)
        {
            Kill();
        }
    }

    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }
        }
        catch (InvalidOperationException)
        {
            // It ended meanwhile.
        }
    }

    public void Dispose()
    {
        _rpc.Dispose();
        _process.Dispose();
    }

    private static int SafeExitCode(Process process)
    {
        try
        {
            return process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            return -1;
        }
    }

    /// <summary>What the client answers the server: its log lines go to the output pane.</summary>
    private sealed class ClientTarget(Action<string> log)
    {
        [JsonRpcMethod("window/logMessage")]
        public void LogMessage(LogMessageParams message) => log(message.Message);

        [JsonRpcMethod("window/showMessage")]
        public void ShowMessage(LogMessageParams message) => log(message.Message);
    }
}
