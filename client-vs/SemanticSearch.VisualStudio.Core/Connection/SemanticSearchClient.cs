using SemanticSearch.Server.Protocol;
using SemanticSearch.VisualStudio.Core.Changes;
using SemanticSearch.VisualStudio.Core.Launch;
using SemanticSearch.VisualStudio.Core.Problems;
using SemanticSearch.VisualStudio.Core.Settings;

namespace SemanticSearch.VisualStudio.Core.Connection;

/// <summary>
/// The server for the shell's lifetime: starts it (or says, as a <see cref="Problem"/>, why it cannot), restarts
/// it after a crash with the <see cref="RestartPolicy"/>'s back-off, and forwards requests to the one running.
/// </summary>
public sealed class SemanticSearchClient : IDisposable
{
    private readonly ClientOptions _options;
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private ClientSettings _settings;
    private ServerConnection? _connection;
    private Problem? _serverProblem;
    private Problem? _folderProblem;
    private bool _stopping;

    public SemanticSearchClient(ClientOptions options)
    {
        _options = options;
        _settings = options.Settings.Clone();
        Changes = new ChangeBatcher(SendChangesAsync, TimeSpan.FromMilliseconds(200));
    }

    /// <summary>Raised whenever <see cref="Problem"/> changes (on a background thread).</summary>
    public event Action<Problem?>? ProblemChanged;

    /// <summary>Raised after each successful start, the first and every restart, with the new process id.</summary>
    public event Action<int>? Started;

    /// <summary>Why search cannot answer now; null when it can. A server problem comes before a folder's.</summary>
    public Problem? Problem => _serverProblem ?? _folderProblem;

    public bool IsRunning => _connection is not null;

    /// <summary>The running server's process id (null when none runs).</summary>
    public int? ServerProcessId => _connection?.ProcessId;

    public ClientSettings Settings => _settings.Clone();

    /// <summary>Saves, renames and deletes, batched into notifications to the server.</summary>
    public ChangeBatcher Changes { get; }

    public IReadOnlyList<WorkspaceFolder> Folders =>
        [.. _options.Folders.Select(f => new WorkspaceFolder { Uri = FileUris.FromPath(f), Name = Path.GetFileName(f.TrimEnd('/', '\\')) })];

    /// <summary>Starts the server; false (with <see cref="Problem"/> set) when it cannot run.</summary>
    public async Task<bool> StartAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _stopping = false;
            return await StartLockedAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>The user's restart: forgets earlier crashes, stops the server and starts it again.</summary>
    public async Task<bool> RestartAsync(CancellationToken cancellationToken = default)
    {
        _options.RestartPolicy.Reset();
        await StopAsync().ConfigureAwait(false);
        return await StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task StopAsync()
    {
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            _stopping = true;
            var connection = _connection;
            _connection = null;
            if (connection is not null)
            {
                await connection.ShutdownAsync(TimeSpan.FromSeconds(20)).ConfigureAwait(false);
                connection.Dispose();
            }
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>
    /// New settings from the Options page: a different server or runtime restarts the server; anything else is
    /// sent as didChangeConfiguration (the server reopens folders itself when model or scan settings change).
    /// </summary>
    public async Task UpdateSettingsAsync(ClientSettings settings)
    {
        var restart = settings.ServerPath != _settings.ServerPath || settings.DotnetPath != _settings.DotnetPath;
        _settings = settings.Clone();
        if (restart)
        {
            await RestartAsync().ConfigureAwait(false);
        }
        else if (_connection is { } connection)
        {
            await connection.DidChangeConfigurationAsync(ServerSettings()).ConfigureAwait(false);
        }
    }

    public Task<SearchResultSet> SearchAsync(SearchParams search, CancellationToken cancellationToken = default) =>
        Running().SearchAsync(search, cancellationToken);

    /// <summary>The server's status; a failed folder becomes <see cref="Problem"/> (and a recovered one clears it).</summary>
    public async Task<StatusResult> StatusAsync(CancellationToken cancellationToken = default)
    {
        var status = await Running().StatusAsync(cancellationToken).ConfigureAwait(false);
        SetFolderProblem(Problems.Problem.FromStatus(status));
        return status;
    }

    /// <summary>The remedy for a damaged index (and the shell's "Rebuild Index" command).</summary>
    public Task<ReindexResult> RebuildIndexAsync(CancellationToken cancellationToken = default) =>
        Running().ReindexAsync(new ReindexParams { Full = true }, cancellationToken);

    public Task<ReindexResult> ReindexAsync(CancellationToken cancellationToken = default) =>
        Running().ReindexAsync(new ReindexParams(), cancellationToken);

    /// <summary>Tells the server a result was opened (its feedback log, when the setting allows it).</summary>
    public Task ResultOpenedAsync(string queryId, string resultId) =>
        _connection?.ResultOpenedAsync(new ResultOpenedParams { QueryId = queryId, ResultId = resultId }, CancellationToken.None) ?? Task.CompletedTask;

    /// <summary>Waits until every folder is ready with nothing queued, or one failed (then <see cref="Problem"/> says why).</summary>
    public async Task<StatusResult> WaitUntilIndexedAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var status = await StatusAsync(cancellationToken).ConfigureAwait(false);
            if (status.Folders.Length > 0 && status.QueuedJobs == 0
                && status.Folders.All(f => (f.State == FolderState.Ready && f.Queued == 0) || f.State == FolderState.Error))
            {
                return status;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The folders were not indexed in time.");
            }
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _stopping = true;
        Changes.Dispose();
        var connection = _connection;
        _connection = null;
        connection?.Kill();
        connection?.Dispose();
        _lifecycle.Dispose();
    }

    private ServerConnection Running() =>
        _connection ?? throw new InvalidOperationException(Problem?.Message ?? "The Semantic Search server is not running.");

    private IDictionary<string, object> ServerSettings()
    {
        var settings = _settings.ServerPayload();
        foreach (var extra in _options.ExtraServerSettings)
        {
            settings[extra.Key] = extra.Value;
        }
        return settings;
    }

    private async Task<bool> StartLockedAsync(CancellationToken cancellationToken)
    {
        var serverPath = _settings.ServerPath.Trim().Length > 0 ? _settings.ServerPath.Trim() : _options.BundledServer;
        var configuredDotnet = _settings.DotnetPath.Trim();
        var command = ServerCommand.For(serverPath, configuredDotnet.Length > 0 ? configuredDotnet : DotnetLocator.Find(_options.Runtime));
        if (!File.Exists(command.ServerFile))
        {
            return Fail(Problems.Problem.NoServer(command.ServerFile));
        }
        // Without a runtime, starting the process fails with a bare "file not found": name what is missing instead.
        if (command.NeedsRuntime && !RuntimeExists(command.Program))
        {
            return Fail(Problems.Problem.NoRuntime(command.Program, configuredDotnet.Length > 0));
        }
        _options.Log($"Starting {command.Program} {command.Dll}");
        ServerConnection connection;
        try
        {
            connection = await ServerConnection.StartAsync(command, Folders, ServerSettings(), _options.Environment, _options.Log, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Fail(Problems.Problem.ServerStopped($"it did not start ({e.Message})."));
        }
        _connection = connection;
        SetServerProblem(null);
        _ = WatchAsync(connection);
        Started?.Invoke(connection.ProcessId);
        return true;
    }

    /// <summary>After an exit nobody asked for: restart (with the policy's delay) or give up with a problem.</summary>
    private async Task WatchAsync(ServerConnection connection)
    {
        var code = await connection.Exited.ConfigureAwait(false);
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_stopping || _connection != connection)
            {
                return;
            }
            _connection = null;
            connection.Dispose();
            var policy = _options.RestartPolicy;
            if (!policy.ShouldRestart(DateTime.UtcNow))
            {
                _options.Log($"The server exited {policy.Max} times in {policy.Window.TotalMinutes:0} minutes; not restarting.");
                SetServerProblem(Problems.Problem.ServerStopped($"it exited {policy.Max} times in {policy.Window.TotalMinutes:0} minutes (see the log)."));
                return;
            }
            var delay = policy.Delay();
            _options.Log($"The server exited (code {code}); restarting it in {delay.TotalMilliseconds:0} ms.");
            await Task.Delay(delay).ConfigureAwait(false);
            if (!_stopping)
            {
                await StartLockedAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>A full path must exist; a bare name (a dotnetPath of "dotnet") must be on PATH.</summary>
    private bool RuntimeExists(string program)
    {
        if (Path.IsPathRooted(program))
        {
            return _options.Runtime.Exists(program);
        }
        var path = _options.Runtime.Environment("PATH") ?? _options.Runtime.Environment("Path") ?? "";
        return path.Split(Path.PathSeparator).Where(dir => dir.Length > 0).Any(dir => _options.Runtime.Exists(Path.Combine(dir, program)));
    }

    private bool Fail(Problem problem)
    {
        _options.Log(problem.Message);
        SetServerProblem(problem);
        return false;
    }

    private void SetServerProblem(Problem? problem)
    {
        var before = Problem;
        _serverProblem = problem;
        if (Problem != before)
        {
            ProblemChanged?.Invoke(Problem);
        }
    }

    private void SetFolderProblem(Problem? problem)
    {
        var before = Problem;
        if (_folderProblem?.Message == problem?.Message)
        {
            return;
        }
        _folderProblem = problem;
        if (Problem != before)
        {
            ProblemChanged?.Invoke(Problem);
        }
    }

    private async Task SendChangesAsync(IReadOnlyList<string> savedUris, IReadOnlyList<FileEvent> events)
    {
        if (_connection is not { } connection)
        {
            // The server is down: a restarted one runs a full incremental pass over its folders anyway.
            return;
        }
        foreach (var uri in savedUris)
        {
            await connection.DidSaveAsync(uri).ConfigureAwait(false);
        }
        if (events.Count > 0)
        {
            await connection.DidChangeWatchedFilesAsync(events).ConfigureAwait(false);
        }
    }
}
