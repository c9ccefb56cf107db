using System.Diagnostics;
using System.Text.Json;
using SemanticSearch.Engine.Common;
using SemanticSearch.Engine.Index;
using SemanticSearch.Engine.Indexing;
using SemanticSearch.Engine.Models;
using SemanticSearch.Engine.Search;
using SemanticSearch.Server.Protocol;
using StreamJsonRpc;

namespace SemanticSearch.Server;

/// <summary>
/// The JSON-RPC target: LSP lifecycle, workspace folders, file change notifications and the semanticSearch/*
/// requests. Threading: StreamJsonRpc runs handlers concurrently on the thread pool; searches run there (reading
/// immutable vector snapshots, store reads serialized by <see cref="IndexStore"/>); all indexing, and every open,
/// swap or close of a workspace, happens on the single <see cref="IndexQueue"/> worker.
/// </summary>
public sealed class LanguageServer : IDisposable
{
    public const int DefaultTopK = 10;
    public const int MaxTopK = 200;

    private readonly JsonRpc _rpc;
    private readonly object _gate = new();
    private readonly List<FolderIndex> _folders = [];
    private readonly IndexQueue _queue;
    private readonly FeedbackLog _feedback = new();
    private readonly SharedModels _models = new();
    private readonly TaskCompletionSource<int> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile ServerSettings _settings = new();
    private volatile bool _initialized;
    private volatile bool _shutdown;
    private bool _clientProgress;
    private bool _clientWatching;
    private string? _progressToken;

    public LanguageServer(JsonRpc rpc)
    {
        _rpc = rpc;
        _queue = new IndexQueue(RunJob, () => _settings.BatchThreshold);
    }

    /// <summary>Completes with the process exit code when the client sends exit (0 after shutdown, else 1).</summary>
    public Task<int> Exited => _exit.Task;

    // ---------------------------------------------------------------- lifecycle

    [JsonRpcMethod("initialize", UseSingleObjectParameterDeserialization = true)]
    public InitializeResult Initialize(InitializeParams p)
    {
        if (_initialized)
        {
            throw new LocalRpcException("initialize was already sent.") { ErrorCode = LspErrorCodes.InvalidRequest };
        }
        try
        {
            _settings = ServerSettings.Parse(p.InitializationOptions, new ServerSettings());
        }
        catch (ArgumentException ex)
        {
            Log(MessageType.Warning, $"Settings ignored: {ex.Message}");
        }
        _clientProgress = Capability.IsTrue(p.Capabilities, "window", "workDoneProgress");
        _clientWatching = Capability.IsTrue(p.Capabilities, "workspace", "didChangeWatchedFiles", "dynamicRegistration");
        var folders = p.WorkspaceFolders is { Length: > 0 } list
            ? list
            : p.RootUri is { Length: > 0 } rootUri
                ? [new WorkspaceFolder { Uri = rootUri, Name = Path.GetFileName(LspPaths.ToLocalPath(rootUri).TrimEnd('/', '\\')) }]
                : p.RootPath is { Length: > 0 } rootPath
                    ? [new WorkspaceFolder { Uri = LspPaths.ToUri(rootPath), Name = Path.GetFileName(rootPath.TrimEnd('/', '\\')) }]
                    : [];
        lock (_gate)
        {
            foreach (var folder in folders)
            {
                AddFolderLocked(folder);
            }
        }
        _initialized = true;
        return new InitializeResult
        {
            Capabilities = new
            {
                textDocumentSync = new { openClose = true, change = 0, save = new { includeText = false } },
                workspace = new { workspaceFolders = new { supported = true, changeNotifications = true } },
                experimental = new { semanticSearch = new { version = 1, methods = new[] { Methods.Search, Methods.Status, Methods.Reindex, Methods.ResultOpened } } },
            },
            ServerInfo = new ServerInfo { Name = "SemanticSearch.Server", Version = typeof(LanguageServer).Assembly.GetName().Version?.ToString(3) },
        };
    }

    [JsonRpcMethod("initialized", UseSingleObjectParameterDeserialization = true)]
    public void Initialized(JsonElement? unused = null)
    {
        _ = unused;
        if (WatcherMode == FileWatcherMode.Client)
        {
            _ = RegisterClientWatcherAsync();
        }
        foreach (var folder in Folders)
        {
            StartWatching(folder);
            _ = _queue.Enqueue(new IndexJob(folder, JobKind.Full));
        }
    }

    [JsonRpcMethod("shutdown", UseSingleObjectParameterDeserialization = true)]
    public void Shutdown(JsonElement? unused = null)
    {
        _ = unused;
        StopEverything();
    }

    [JsonRpcMethod("exit", UseSingleObjectParameterDeserialization = true)]
    public void Exit(JsonElement? unused = null)
    {
        _ = unused;
        _exit.TrySetResult(_shutdown ? 0 : 1);
    }

    /// <summary>Cancels indexing, waits for the group in flight, checkpoints and closes every index. Idempotent.</summary>
    public void StopEverything()
    {
        lock (_gate)
        {
            if (_shutdown)
            {
                return;
            }
            _shutdown = true;
        }
        foreach (var folder in Folders)
        {
            folder.Watcher?.Dispose();
            folder.Changes?.Dispose();
        }
        _queue.Stop(TimeSpan.FromSeconds(20));
        foreach (var folder in Folders)
        {
            try
            {
                folder.Swap(null);
            }
            catch (Exception ex)
            {
                Log(MessageType.Error, $"Closing the index of {folder.Name} failed: {ex.Message}");
            }
        }
    }

    // ---------------------------------------------------------------- workspace notifications

    [JsonRpcMethod("workspace/didChangeWorkspaceFolders", UseSingleObjectParameterDeserialization = true)]
    public void DidChangeWorkspaceFolders(DidChangeWorkspaceFoldersParams p)
    {
        if (!Accepting())
        {
            return;
        }
        foreach (var removed in p.Event.Removed)
        {
            FolderIndex? folder;
            lock (_gate)
            {
                folder = FindFolderByUriLocked(removed.Uri);
                if (folder is not null)
                {
                    _folders.Remove(folder);
                }
            }
            if (folder is not null)
            {
                folder.Removed.Cancel();
                _queue.CancelFolder(folder);
                // Close only once the worker has let go of it (it was told to stop) and running searches finish.
                _ = Task.Run(() =>
                {
                    if (!_queue.WaitUntilIdle(folder, TimeSpan.FromMinutes(2)))
                    {
                        Log(MessageType.Warning, $"{folder.Name} is still being indexed; closing its index later.");
                        while (!_queue.WaitUntilIdle(folder, TimeSpan.FromMinutes(1)))
                        {
                        }
                    }
                    DisposeFolder(folder);
                });
                Log(MessageType.Info, $"Removed folder {folder.Root}.");
            }
        }
        foreach (var added in p.Event.Added)
        {
            FolderIndex? folder;
            lock (_gate)
            {
                folder = AddFolderLocked(added);
            }
            if (folder is not null)
            {
                StartWatching(folder);
                _ = _queue.Enqueue(new IndexJob(folder, JobKind.Full));
            }
        }
    }

    [JsonRpcMethod("workspace/didChangeConfiguration", UseSingleObjectParameterDeserialization = true)]
    public void DidChangeConfiguration(DidChangeConfigurationParams p)
    {
        if (!Accepting())
        {
            return;
        }
        ServerSettings next;
        try
        {
            next = ServerSettings.Parse(p.Settings, _settings);
        }
        catch (ArgumentException ex)
        {
            Log(MessageType.Warning, $"Settings ignored: {ex.Message}");
            return;
        }
        var previous = _settings;
        _settings = next;
        if (next.FileWatcher != previous.FileWatcher)
        {
            foreach (var folder in Folders)
            {
                StartWatching(folder);
            }
        }
        if (next.NeedsReopen(previous))
        {
            Log(MessageType.Info, "Settings changed: reopening the indexes.");
            foreach (var folder in Folders)
            {
                _ = _queue.Enqueue(new IndexJob(folder, JobKind.Reopen));
            }
        }
    }

    [JsonRpcMethod("workspace/didChangeWatchedFiles", UseSingleObjectParameterDeserialization = true)]
    public void DidChangeWatchedFiles(DidChangeWatchedFilesParams p)
    {
        if (Accepting())
        {
            foreach (var change in p.Changes)
            {
                OnUriChanged(change.Uri);
            }
        }
    }

    /// <summary>Open documents (by uri): a full pass indexes their files first. Text and changes are not read.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _openDocuments = new(StringComparer.Ordinal);

    [JsonRpcMethod("textDocument/didOpen", UseSingleObjectParameterDeserialization = true)]
    public void DidOpen(DidOpenTextDocumentParams p) => _openDocuments[p.TextDocument.Uri] = 0;

    [JsonRpcMethod("textDocument/didClose", UseSingleObjectParameterDeserialization = true)]
    public void DidClose(DidCloseTextDocumentParams p) => _openDocuments.TryRemove(p.TextDocument.Uri, out _);

    /// <summary>The open documents inside <paramref name="root"/>, as paths relative to it.</summary>
    private List<string> OpenFilesUnder(string root)
    {
        var result = new List<string>();
        foreach (var uri in _openDocuments.Keys)
        {
            string path;
            try
            {
                path = LspPaths.ToLocalPath(uri);
            }
            catch (UriFormatException)
            {
                continue; // an untitled or virtual document: nothing on disk to put first
            }
            if (LspPaths.IsUnder(path, root) && !LspPaths.SamePath(path, root))
            {
                result.Add(Path.GetRelativePath(root, path).Replace('\\', '/'));
            }
        }
        return result;
    }

    [JsonRpcMethod("textDocument/didSave", UseSingleObjectParameterDeserialization = true)]
    public void DidSave(DidSaveTextDocumentParams p)
    {
        if (Accepting())
        {
            OnUriChanged(p.TextDocument.Uri);
        }
    }

    [JsonRpcMethod("window/workDoneProgress/cancel", UseSingleObjectParameterDeserialization = true)]
    public void CancelProgress(WorkDoneProgressCancelParams p)
    {
        if (p.Token == _progressToken)
        {
            _queue.CancelCurrent();
        }
    }

    // ---------------------------------------------------------------- semanticSearch/*

    [JsonRpcMethod(Methods.Search, UseSingleObjectParameterDeserialization = true)]
    public async Task<SearchResultSet> SearchAsync(SearchParams p, CancellationToken cancellationToken)
    {
        EnsureServing();
        if (string.IsNullOrWhiteSpace(p.Query))
        {
            throw InvalidParams("query is empty.");
        }
        var topK = Math.Clamp(p.TopK ?? DefaultTopK, 1, MaxTopK);
        var folders = p.Folder is null ? Folders : [FolderFromParam(p.Folder)];
        var filters = new SearchFilters(Languages(p.Filters?.Language), p.Filters?.PathGlob, p.Filters?.LanguageFromQuery ?? true);
        // Off the dispatch path: encoding and scoring are CPU work.
        return await Task.Run(() => Search(p.Query, topK, filters, folders, cancellationToken), cancellationToken);
    }

    private SearchResultSet Search(string query, int topK, SearchFilters filters, IReadOnlyList<FolderIndex> folders, CancellationToken cancellationToken)
    {
        double encodeMs = 0, searchMs = 0;
        int searched = 0, chunks = 0;
        // One reading of the query for all folders: "… in python" limits every folder to Python when any of them
        // holds Python (a folder without any must not answer with its other languages instead).
        (var intent, filters) = QueryLanguageHint.Apply(query, filters, language => folders.Any(f => f.WithWorkspace(ws => ws.HoldsLanguage(language))));
        // Read: the workspaces must not read the query again (a folder would parse it once more for nothing).
        filters = filters with { LanguageFromQuery = false };
        // Every folder proposes candidates; they are ranked as one list (a folder's BM25 is not comparable with
        // another's, HybridRanker.RankAcross puts them on one scale), then each folder builds its winners' results.
        var open = new List<(FolderIndex Folder, WorkspaceCandidates Share)>();
        foreach (var folder in folders)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var share = folder.WithWorkspace(ws =>
            {
                chunks += ws.CacheSize.Chunks;
                return ws.Candidates(intent.Text, topK, filters, cancellationToken);
            });
            if (share is null)
            {
                continue;
            }
            open.Add((folder, share));
            encodeMs += share.EncodeMilliseconds;
            searchMs += share.SearchMilliseconds;
            searched += share.ChunksSearched;
        }
        var order = HybridRanker.RankAcross(open.Select(o => (IReadOnlyList<RankCandidate>)o.Share.Candidates).ToList(), QueryAnalysis.Of(intent.Text), RankingOptions.Hybrid, topK);
        var results = new Dictionary<(int Folder, string Chunk), SearchResult>();
        foreach (var group in order.GroupBy(o => o.Folder))
        {
            var (folder, share) = open[group.Key];
            var built = folder.WithWorkspace(ws => ws.Results(group.Select(g => g.Ranked).ToList(), share.Query, intent.Text)) ?? [];
            foreach (var r in built)
            {
                results[(group.Key, r.Chunk.Id)] = r;
            }
        }
        var queryId = _feedback.NewQueryId();
        var ranked = order
            .Where(o => results.ContainsKey((o.Folder, o.Ranked.Candidate.Id))) // a chunk removed meanwhile is left out
            .Select((o, i) => (open[o.Folder].Folder, Hit: ToHit(open[o.Folder].Folder, results[(o.Folder, o.Ranked.Candidate.Id)], queryId, i + 1)))
            .ToList();
        _feedback.Remember(new FeedbackLog.QueryRecord(queryId, query, DateTime.UtcNow, ranked.ToDictionary(r => r.Hit.ResultId, r => (r.Folder, r.Hit))));
        var known = folders.Sum(f => f.FilesKnown);
        var indexed = folders.Sum(f => f.FilesKnown > 0 ? Math.Min(f.FilesIndexed, f.FilesKnown) : f.FilesIndexed);
        var complete = folders.All(f => f.State == FolderState.Ready && f.Queued == 0);
        return new SearchResultSet
        {
            QueryId = queryId,
            Query = query,
            Results = ranked.Select(r => r.Hit).ToArray(),
            Coverage = new Coverage
            {
                FilesIndexed = indexed,
                FilesKnown = known,
                ChunksIndexed = chunks,
                Ratio = known == 0 ? (complete ? 1 : 0) : Math.Min(1.0, (double)indexed / known),
                Complete = complete,
            },
            LanguagesFromQuery = [.. intent.Languages],
            ChunksSearched = searched,
            EncodeMs = Math.Round(encodeMs, 2),
            SearchMs = Math.Round(searchMs, 2),
        };
    }

    private static SearchHit ToHit(FolderIndex folder, SearchResult result, string queryId, int rank)
    {
        var chunk = result.Chunk;
        return new SearchHit
        {
            ResultId = $"{queryId}.{rank}",
            Rank = rank,
            Uri = LspPaths.ToUri(Path.Combine(folder.Root, chunk.Path)),
            Folder = folder.Uri,
            Path = chunk.Path,
            Range = LspPaths.ToLspRange(chunk.Range),
            Symbol = chunk.Symbol,
            Container = chunk.Container,
            Kind = chunk.Kind.ToString(),
            Language = chunk.Language,
            Signature = chunk.Signature,
            Snippet = result.Snippet,
            Score = MathF.Round(result.Score, 4),
            Matches = result.Matches.Select(m => new MatchedToken
            {
                Range = LspPaths.ToLspRange(m.Line, m.Column, m.Length),
                Text = m.Text,
                QueryToken = m.QueryToken,
                Similarity = MathF.Round(m.Similarity, 4),
                Lexical = m.Lexical,
            }).ToArray(),
        };
    }

    [JsonRpcMethod(Methods.Status, UseSingleObjectParameterDeserialization = true)]
    public StatusResult Status(JsonElement? unused = null)
    {
        _ = unused;
        EnsureServing();
        return new StatusResult
        {
            QueuedJobs = _queue.Count,
            Folders = Folders.Select(f => new FolderStatus
            {
                Uri = f.Uri,
                Name = f.Name,
                Path = f.Root,
                State = f.State.ToString().ToLowerInvariant(),
                FilesIndexed = f.FilesIndexed,
                FilesKnown = f.FilesKnown,
                ChunksIndexed = f.WithWorkspace(ws => ws.CacheSize.Chunks),
                Queued = _queue.CountFor(f),
                IndexPath = f.IndexPath,
                Model = f.Model,
                ExecutionProvider = f.ExecutionProvider,
                LastError = f.LastError,
                LastIndexed = f.LastIndexed,
                Progress = f.State == FolderState.Indexing && f.ProgressPercent >= 0 ? f.ProgressPercent : null,
            }).ToArray(),
        };
    }

    [JsonRpcMethod(Methods.Reindex, UseSingleObjectParameterDeserialization = true)]
    public async Task<ReindexResult> ReindexAsync(ReindexParams? p, CancellationToken cancellationToken)
    {
        EnsureServing();
        var folders = p?.Folder is null ? Folders : [FolderFromParam(p.Folder)];
        var kind = p?.Full == true ? JobKind.Rebuild : JobKind.Full;
        // Each folder is its own job, queued behind whatever is running; cancelling this request cancels them.
        var jobs = folders.Select(f => (Folder: f, Task: _queue.Enqueue(new IndexJob(f, kind, null, cancellationToken)))).ToList();
        var results = new List<FolderReindexResult>();
        foreach (var (folder, task) in jobs)
        {
            var r = await task.WaitAsync(cancellationToken);
            results.Add(new FolderReindexResult
            {
                Uri = folder.Uri,
                FilesScanned = r?.FilesScanned ?? 0,
                FilesAdded = r?.FilesAdded ?? 0,
                FilesChanged = r?.FilesChanged ?? 0,
                FilesDeleted = r?.FilesDeleted ?? 0,
                ChunksEncoded = r?.ChunksEncoded ?? 0,
                ChunksTotal = r?.ChunksTotal ?? 0,
                Errors = r?.Errors.ToArray() ?? [],
                ElapsedMs = Math.Round(r?.Elapsed.TotalMilliseconds ?? 0, 1),
            });
        }
        return new ReindexResult { Folders = [.. results] };
    }

    [JsonRpcMethod(Methods.ResultOpened, UseSingleObjectParameterDeserialization = true)]
    public ResultOpenedResult ResultOpened(ResultOpenedParams p)
    {
        EnsureServing();
        try
        {
            return new ResultOpenedResult { Recorded = _feedback.RecordOpened(p.QueryId, p.ResultId) };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log(MessageType.Warning, $"Could not record the opened result: {ex.Message}");
            return new ResultOpenedResult { Recorded = false };
        }
    }

    // ---------------------------------------------------------------- indexing (worker thread)

    private IndexRunResult? RunJob(IndexJob job, CancellationToken cancellationToken)
    {
        var folder = job.Folder;
        var settings = _settings;
        if (job.Kind is JobKind.Reopen or JobKind.Rebuild)
        {
            folder.Swap(null);
        }
        if (job.Kind == JobKind.Rebuild)
        {
            var (explicitPath, useCache) = IndexTarget(settings, folder.Root);
            var path = IndexLocations.Resolve(folder.Root, explicitPath, useCache);
            IndexStore.Delete(path);
            Log(MessageType.Info, $"Rebuilding the index of {folder.Name} ({path}).");
        }
        if (folder.Workspace is null)
        {
            if (!Open(folder, settings))
            {
                throw new InvalidOperationException(folder.LastError);
            }
            job.Kind = job.Kind == JobKind.Paths ? JobKind.Full : job.Kind;
        }
        var workspace = folder.Workspace!;
        var paths = job.Kind == JobKind.Paths ? ExpandPaths(workspace, folder.Root, job.Paths) : null;
        folder.State = FolderState.Indexing;
        folder.ProgressPercent = 0;
        var progress = paths is null ? StartProgress($"Indexing {folder.Name}") : null;
        IndexRunResult result;
        try
        {
            if (paths is not null)
            {
                result = workspace.Update(paths, cancellationToken);
                folder.FilesKnown = Math.Max(0, folder.FilesKnown + result.FilesAdded - result.FilesDeleted);
                folder.FilesIndexed = Math.Max(0, folder.FilesIndexed + result.FilesAdded - result.FilesDeleted);
            }
            else
            {
                result = workspace.Index(new Progress(folder, progress), OpenFilesUnder(folder.Root), cancellationToken);
                folder.FilesKnown = result.FilesScanned;
                folder.FilesIndexed = result.Cancelled ? folder.FilesIndexed : result.FilesScanned - result.Errors.Count;
            }
        }
        catch (OperationCanceledException)
        {
            folder.State = FolderState.Ready;
            progress?.End("Cancelled");
            throw;
        }
        catch (Exception ex)
        {
            folder.State = FolderState.Error;
            folder.LastError = ex.Message;
            progress?.End("Failed");
            Log(MessageType.Error, $"Indexing {folder.Name} failed: {ex.Message}");
            throw;
        }
        foreach (var error in result.Errors)
        {
            Log(MessageType.Warning, $"{folder.Name}: skipped {error}");
        }
        folder.ChunksIndexed = workspace.CacheSize.Chunks;
        folder.State = FolderState.Ready;
        folder.LastError = result.Errors.Count > 0 ? $"{result.Errors.Count} file(s) could not be read; see the log." : null;
        progress?.End(result.Cancelled ? "Cancelled" : $"{result.FilesScanned} files, {result.ChunksEncoded} chunks encoded");
        if (result.Cancelled)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        folder.LastIndexed = DateTime.UtcNow;
        if (result.FilesAdded + result.FilesChanged + result.FilesDeleted > 0 || paths is null)
        {
            Log(MessageType.Log, $"{folder.Name}: {result.FilesScanned} files checked, {result.FilesAdded} added, {result.FilesChanged} changed, {result.FilesDeleted} deleted, {result.ChunksEncoded} chunks encoded in {result.Elapsed.TotalMilliseconds:0} ms.");
        }
        if (paths is null && VectorCompression.Drift(workspace.Store) is { RetrainAdvised: true } drift)
        {
            Log(MessageType.Info, $"{folder.Name}: {drift.Describe()} {Remedy(drift.Remedy)}");
        }
        return result;
    }

    /// <summary>How an editor user fixes what the engine names (the CLI words the same remedies with its flags).</summary>
    private static string Remedy(ErrorRemedy remedy) => remedy switch
    {
        ErrorRemedy.RebuildIndex => "Rebuild it: \"Semantic Search: Rebuild Index\" (semanticSearch/reindex with \"full\": true).",
        _ => throw new ArgumentOutOfRangeException(nameof(remedy), remedy, null),
    };

    private bool Open(FolderIndex folder, ServerSettings settings)
    {
        folder.State = FolderState.Opening;
        try
        {
            var model = DefaultModel.Resolve(settings.ModelPath)
                ?? throw new FileNotFoundException($"No model found. Set \"modelPath\" in the settings (a folder with semsearch-model.json) or {DefaultModel.EnvironmentVariable}.");
            var (explicitPath, useCache) = IndexTarget(settings, folder.Root);
            var encoder = new EncoderOptions(settings.ExecutionProvider, settings.Threads, Log: m => Log(MessageType.Warning, m));
            var shared = _models.Acquire(model, encoder);
            SemanticWorkspace workspace;
            try
            {
                workspace = SemanticWorkspace.Open(new WorkspaceOptions(folder.Root, model, explicitPath, useCache, settings.ScanOptions), shared);
            }
            catch
            {
                _models.Release(shared);
                throw;
            }
            folder.Swap(workspace);
            folder.IndexPath = workspace.IndexPath;
            folder.Model = workspace.Model.Identity.Name;
            folder.ExecutionProvider = workspace.Model.ExecutionProvider;
            folder.LastError = null;
            var info = workspace.Store.Info;
            folder.FilesIndexed = info.FileCount;
            folder.FilesKnown = Math.Max(folder.FilesKnown, info.FileCount);
            folder.ChunksIndexed = workspace.CacheSize.Chunks;
            if (workspace.Store.ResetReason is { } reason)
            {
                Log(MessageType.Info, $"{folder.Name}: the index was cleared ({reason}).");
            }
            return true;
        }
        catch (Exception ex)
        {
            folder.State = FolderState.Error;
            // The engine's advice names the CLI; from an editor the same fix is a full reindex.
            folder.LastError = ex is IndexCorruptException corrupt ? $"{ex.Message} {Remedy(corrupt.Remedy)}" : ex.Message;
            Log(MessageType.Error, $"Cannot open {folder.Name}: {folder.LastError}");
            return false;
        }
    }

    /// <summary>Where the index of a folder lives, from the indexLocation setting.</summary>
    private static (string? ExplicitPath, bool UseCache) IndexTarget(ServerSettings settings, string root) => settings.IndexLocation switch
    {
        "workspace" => (null, false),
        "cache" => (null, true),
        var folder => (IndexLocations.InFolder(folder, root), false),
    };

    /// <summary>
    /// Event paths as the indexer needs them: a directory that appeared (or was renamed in) needs a full pass; a
    /// directory that vanished stands for every indexed file under it. Null means "do a full pass".
    /// </summary>
    private static List<string>? ExpandPaths(SemanticWorkspace workspace, string root, HashSet<string> paths)
    {
        var result = new List<string>(paths.Count);
        HashSet<string>? known = null;
        foreach (var path in paths)
        {
            var full = Path.Combine(root, path);
            if (Directory.Exists(full))
            {
                return null;
            }
            result.Add(path);
            if (!File.Exists(full))
            {
                known ??= [.. workspace.Store.LoadFiles().Keys];
                var prefix = path + "/";
                result.AddRange(known.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)));
            }
        }
        return result;
    }

    private sealed class Progress(FolderIndex folder, WorkDoneReporter? reporter) : IProgress<IndexProgress>
    {
        public void Report(IndexProgress value)
        {
            var percent = value.FilesTotal == 0 ? 100 : (int)(100L * value.FilesDone / value.FilesTotal);
            folder.ProgressPercent = percent;
            folder.FilesKnown = value.FilesTotal;
            folder.FilesIndexed = Math.Max(folder.FilesIndexed, value.FilesDone);
            reporter?.Report($"{value.FilesDone}/{value.FilesTotal} files, {value.ChunksEncoded} chunks encoded", percent);
        }
    }

    // ---------------------------------------------------------------- progress and logging

    private WorkDoneReporter? StartProgress(string title)
    {
        if (!_clientProgress || _shutdown)
        {
            return null;
        }
        var token = $"semanticSearch/index/{Guid.NewGuid():N}";
        try
        {
            // The client must accept the token before we may report on it.
            if (!_rpc.InvokeWithParameterObjectAsync("window/workDoneProgress/create", new WorkDoneProgressCreateParams { Token = token }).Wait(TimeSpan.FromSeconds(5)))
            {
                return null;
            }
        }
        catch (Exception ex)
        {
            Log(MessageType.Log, $"The client refused a progress token: {ex.GetBaseException().Message}");
            return null;
        }
        _progressToken = token;
        var reporter = new WorkDoneReporter(_rpc, token);
        reporter.Send(new WorkDoneProgressValue { Kind = "begin", Title = title, Cancellable = true, Percentage = 0 });
        return reporter;
    }

    /// <summary>Sends $/progress for one token; sends are awaited (bounded) so they reach the client in order.</summary>
    private sealed class WorkDoneReporter(JsonRpc rpc, string token)
    {
        private readonly Stopwatch _sinceLast = Stopwatch.StartNew();

        public void Report(string message, int percent)
        {
            // Throttled: a progress line per group is plenty; the editor only shows the latest.
            if (_sinceLast.ElapsedMilliseconds < 100)
            {
                return;
            }
            _sinceLast.Restart();
            Send(new WorkDoneProgressValue { Kind = "report", Message = message, Percentage = Math.Clamp(percent, 0, 100) });
        }

        public void End(string message) => Send(new WorkDoneProgressValue { Kind = "end", Message = message });

        public void Send(WorkDoneProgressValue value)
        {
            try
            {
                rpc.NotifyWithParameterObjectAsync("$/progress", new ProgressParams { Token = token, Value = value }).Wait(TimeSpan.FromSeconds(5));
            }
            catch (Exception)
            {
                // The client went away; progress is best effort.
            }
        }
    }

    public void Log(int type, string message)
    {
        Console.Error.WriteLine($"[semantic-search] {message}");
        try
        {
            _rpc.NotifyWithParameterObjectAsync("window/logMessage", new LogMessageParams { Type = type, Message = message })
                .ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
        }
        catch (Exception)
        {
            // Disconnected: stderr has it.
        }
    }

    // ---------------------------------------------------------------- watching

    private FileWatcherMode WatcherMode => _settings.FileWatcher == FileWatcherMode.Auto ? (_clientWatching ? FileWatcherMode.Client : FileWatcherMode.Server) : _settings.FileWatcher;

    private async Task RegisterClientWatcherAsync()
    {
        try
        {
            await _rpc.InvokeWithParameterObjectAsync("client/registerCapability", new RegistrationParams
            {
                Registrations =
                [
                    new Registration
                    {
                        Id = "semanticSearch.watch",
                        Method = "workspace/didChangeWatchedFiles",
                        RegisterOptions = new { watchers = new[] { new { globPattern = "**/*" } } },
                    },
                ],
            });
        }
        catch (Exception ex)
        {
            Log(MessageType.Warning, $"The client did not accept file watching ({ex.Message}); using the server's own watcher.");
            _clientWatching = false;
            foreach (var folder in Folders)
            {
                StartWatching(folder);
            }
        }
    }

    private void StartWatching(FolderIndex folder)
    {
        folder.Watcher?.Dispose();
        folder.Watcher = null;
        if (WatcherMode != FileWatcherMode.Server || _shutdown)
        {
            return;
        }
        try
        {
            var watcher = new FileSystemWatcher(folder.Root)
            {
                IncludeSubdirectories = true,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
                InternalBufferSize = 64 * 1024,
            };
            FileSystemEventHandler onChange = (_, e) => OnPathChanged(e.FullPath);
            watcher.Changed += onChange;
            watcher.Created += onChange;
            watcher.Deleted += onChange;
            watcher.Renamed += (_, e) =>
            {
                OnPathChanged(e.OldFullPath);
                OnPathChanged(e.FullPath);
            };
            // Overflow: events were lost, so only a full pass is sure to catch up.
            watcher.Error += (_, e) => folder.Changes?.Add([], everything: true);
            watcher.EnableRaisingEvents = true;
            folder.Watcher = watcher;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or PlatformNotSupportedException)
        {
            Log(MessageType.Warning, $"Cannot watch {folder.Root} ({ex.Message}); saves still re-index.");
        }
    }

    private void OnUriChanged(string uri)
    {
        try
        {
            OnPathChanged(LspPaths.ToLocalPath(uri));
        }
        catch (Exception ex) when (ex is UriFormatException or ArgumentException or NotSupportedException)
        {
            Log(MessageType.Warning, $"Ignored a change to '{uri}': {ex.Message}");
        }
    }

    private void OnPathChanged(string fullPath)
    {
        var folder = FindFolderByPath(fullPath);
        if (folder is null)
        {
            return;
        }
        var relative = Path.GetRelativePath(folder.Root, fullPath).Replace('\\', '/');
        var first = relative.Split('/')[0];
        // Our own index writes and git's internals are never content; reacting to them would loop.
        if (relative is "." || first is ".git" or IndexLocations.WorkspaceFolderName || relative.StartsWith("../", StringComparison.Ordinal)
            || (folder.IndexPath is { } index && fullPath.StartsWith(Path.ChangeExtension(index, null), StringComparison.Ordinal)))
        {
            return;
        }
        folder.Changes?.Add([relative]);
    }

    // ---------------------------------------------------------------- folders

    private IReadOnlyList<FolderIndex> Folders
    {
        get
        {
            lock (_gate)
            {
                return [.. _folders];
            }
        }
    }

    private FolderIndex? AddFolderLocked(WorkspaceFolder folder)
    {
        string root;
        try
        {
            root = Path.GetFullPath(LspPaths.ToLocalPath(folder.Uri));
        }
        catch (Exception ex) when (ex is UriFormatException or ArgumentException)
        {
            Log(MessageType.Error, $"Ignored workspace folder '{folder.Uri}': {ex.Message}");
            return null;
        }
        if (_folders.Any(f => LspPaths.SamePath(f.Root, root)))
        {
            return null;
        }
        var index = new FolderIndex(LspPaths.ToUri(root), string.IsNullOrEmpty(folder.Name) ? Path.GetFileName(root) : folder.Name, root, _models);
        index.Changes = new ChangeBatcher(() => _settings.DebounceMs, (paths, everything) =>
        {
            if (!_shutdown)
            {
                _ = _queue.Enqueue(new IndexJob(index, everything ? JobKind.Full : JobKind.Paths, paths));
            }
        });
        _folders.Add(index);
        return index;
    }

    private FolderIndex? FindFolderByUriLocked(string uri)
    {
        var path = Path.GetFullPath(LspPaths.ToLocalPath(uri));
        return _folders.FirstOrDefault(f => LspPaths.SamePath(f.Root, path));
    }

    private FolderIndex FolderFromParam(string folder)
    {
        lock (_gate)
        {
            try
            {
                return FindFolderByUriLocked(folder) ?? throw InvalidParams($"'{folder}' is not a workspace folder.");
            }
            catch (Exception ex) when (ex is UriFormatException or ArgumentException)
            {
                throw InvalidParams($"'{folder}' is not a folder URI.");
            }
        }
    }

    /// <summary>The innermost folder holding the path (folders may nest).</summary>
    private FolderIndex? FindFolderByPath(string fullPath)
    {
        lock (_gate)
        {
            return _folders
                .Where(f => LspPaths.IsUnder(fullPath, f.Root))
                .MaxBy(f => f.Root.Length);
        }
    }

    private void DisposeFolder(FolderIndex folder)
    {
        try
        {
            folder.Dispose();
        }
        catch (Exception ex)
        {
            Log(MessageType.Warning, $"Closing {folder.Root}: {ex.Message}");
        }
    }

    // ---------------------------------------------------------------- helpers

    private bool Accepting() => _initialized && !_shutdown;

    private void EnsureServing()
    {
        if (!_initialized)
        {
            throw new LocalRpcException("The server is not initialized.") { ErrorCode = LspErrorCodes.ServerNotInitialized };
        }
        if (_shutdown)
        {
            throw new LocalRpcException("The server is shutting down.") { ErrorCode = LspErrorCodes.InvalidRequest };
        }
    }

    private static LocalRpcException InvalidParams(string message) => new(message) { ErrorCode = LspErrorCodes.InvalidParams };

    private static string[]? Languages(JsonElement? value) => value switch
    {
        { ValueKind: JsonValueKind.String } s => [s.GetString()!],
        { ValueKind: JsonValueKind.Array } a => a.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToArray(),
        _ => null,
    };

    public void Dispose()
    {
        StopEverything();
        _queue.Dispose();
        foreach (var folder in Folders)
        {
            DisposeFolder(folder);
        }
    }
}
