using SemanticSearch.Engine.Common;
using SemanticSearch.Engine.Index;
using SemanticSearch.Engine.Indexing;
using SemanticSearch.Engine.Models;
using SemanticSearch.Engine.Search;
using SemanticSearch.Server.Client;
using SemanticSearch.Server.Folders;
using SemanticSearch.Server.Protocol;
using SemanticSearch.Server.Searching;

namespace SemanticSearch.Server.Indexing;

/// <summary>
/// What the single indexing thread does with one <see cref="IndexJob"/>: open (or reopen, or delete and rebuild)
/// the folder's index, run the pass, step the folder's state, report progress and log the outcome. The only code
/// that opens, swaps or closes a workspace. A folder whose index another process writes
/// (<see cref="IndexBusyException"/>) is handed to <paramref name="retryLater"/>, which queues it again a little later;
/// one whose codec has drifted after a full pass (<see cref="SemanticWorkspace.CompressionDrift"/>) to
/// <paramref name="retrain"/>, which queues its re-training (<see cref="JobKind.Retrain"/>). <paramref name="wireJson"/>:
/// the options the connection serializes answers with (<see cref="WarmUp"/>).
/// </summary>
public sealed class IndexingWorker(
    Func<ServerSettings> settings, EditorClient client, SharedModels models, OpenDocuments openDocuments, Func<bool> shuttingDown,
    Action<IndexedFolder> retryLater, Action<IndexedFolder> retrain, System.Text.Json.JsonSerializerOptions wireJson)
{
    private volatile string? _progressToken;

    /// <summary>The token of the progress the running full pass reports on (the client may cancel it by this token).</summary>
    public string? ProgressToken => _progressToken;

    public IndexRunResult? Run(IndexJob job, CancellationToken cancellationToken)
    {
        var folder = job.Folder;
        var current = settings();
        if (folder.Damage is { } damage && job.Kind != JobKind.Rebuild)
        {
            // Found damaged: closed, and kept in error until a rebuild (every other job ends here).
            folder.Close();
            folder.BeginOpening();
            folder.OpenFailed(damage, FolderErrorKind.CorruptIndex);
            throw new InvalidOperationException(damage);
        }
        if (job.Kind == JobKind.Retrain)
        {
            if (!Retrain(job, current, cancellationToken))
            {
                return null;
            }
            // The re-trained index is in place, closed: opened below, and a full pass picks up what changed meanwhile.
            job.Kind = JobKind.Full;
        }
        if (job.Kind is JobKind.Reopen or JobKind.Rebuild)
        {
            folder.Close();
        }
        if (job.Kind == JobKind.Rebuild)
        {
            folder.ClearDamage();
            var path = SemanticWorkspace.DeleteIndex(Options(current, folder.Root, modelPath: ""));
            client.Log(MessageType.Info, $"Rebuilding the index of {folder.Name} ({path}).");
        }
        var opened = false;
        OpenTimes? openTimes = null;
        if (folder.Workspace is null)
        {
            if (!Open(folder, current, out openTimes))
            {
                throw new InvalidOperationException(folder.LastError);
            }
            opened = true;
            if (folder.Workspace is { CacheSize.Chunks: > 0 })
            {
                // On another core while this job checks the files: done by the time the folder reads ready, and
                // without delaying it.
                _ = Task.Run(() => WarmUp(folder));
            }
        }
        var workspace = folder.Workspace!;
        if (job.OpenOnly)
        {
            // A cancel left this folder only to open: its figures, but no pass (the next save or reindex runs one).
            if (opened)
            {
                folder.OpenedWithoutPass(CountFiles(workspace, cancellationToken));
            }
            return null;
        }
        // Once the index is open, what is left of a reopen or a rebuild is a full pass: what a paused job resumes as.
        // A pass that did not finish (or none since the index opened) may have left any file out: only a full pass
        // finds them, so a save then runs one (and so resumes a cancelled pass).
        if (job.Kind is JobKind.Reopen or JobKind.Rebuild || (job.Kind == JobKind.Paths && folder.NeedsFullPass))
        {
            job.Kind = JobKind.Full;
        }
        var paths = job.Kind == JobKind.Paths ? workspace.ExpandChangedPaths(job.Paths) : null;
        folder.BeginPass();
        var progress = paths is null && !shuttingDown() ? client.BeginProgress($"Indexing {folder.Name}") : null;
        _progressToken = progress?.Token ?? _progressToken;
        IndexRunResult result;
        var checking = System.Diagnostics.Stopwatch.StartNew();
        // Cancelled by a pause, at a group boundary only (PassProgress), so the group being encoded is committed.
        using var boundary = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            result = paths is not null
                ? workspace.Update(paths, cancellationToken)
                : workspace.Index(new PassProgress(folder, progress, job, boundary, PassProgress.Figures.Folder), openDocuments.Under(folder.Root), boundary.Token);
        }
        catch (OperationCanceledException)
        {
            folder.PassCancelled();
            progress?.End(Stopped(job));
            throw;
        }
        catch (Exception ex)
        {
            var message = ex is IndexCorruptException corrupt ? $"{ex.Message} {Remedy(corrupt.Remedy)}" : ex.Message;
            folder.PassFailed(message, KindOf(ex));
            progress?.End("Failed");
            client.Log(MessageType.Error, $"Indexing {folder.Name} failed: {message}");
            if (ex is IndexCorruptException)
            {
                folder.MarkDamaged(message);
                folder.Close();
            }
            throw;
        }
        foreach (var error in result.Errors)
        {
            client.Log(MessageType.Warning, $"{folder.Name}: skipped {error}");
        }
        folder.PassEnded(result, fullPass: paths is null);
        if (paths is null && result.ChunksEncoded > 0)
        {
            MemoryRelease.AfterPass(); // what the pass needed only while it ran goes back to the OS
        }
        progress?.End(result.Cancelled ? Stopped(job) : $"{result.FilesScanned} files, {result.ChunksEncoded} chunks encoded");
        if (result.Cancelled)
        {
            var reached = $"{folder.FilesIndexed + folder.FilesSkipped}/{folder.FilesKnown} files ({result.ChunksEncoded} chunks encoded)";
            client.Log(MessageType.Info, job.Yielded && !cancellationToken.IsCancellationRequested
                ? $"{folder.Name}: indexing paused after {reached}; resuming continues from there."
                : $"{folder.Name}: indexing cancelled after {reached}; " +
                  "the next save or reindex continues it.");
            throw new OperationCanceledException(cancellationToken);
        }
        if (result.FilesAdded + result.FilesChanged + result.FilesDeleted > 0 || paths is null)
        {
            client.Log(MessageType.Log, $"{folder.Name}: {result.FilesScanned} files checked, {result.FilesAdded} added, {result.FilesChanged} changed, " +
                $"{result.FilesDeleted} deleted, {result.ChunksEncoded} chunks encoded in {result.Elapsed.TotalMilliseconds:0} ms.");
        }
        if (paths is null && openTimes is { } times)
        {
            client.Log(MessageType.Info, ReadyLine(folder, times, result, checking.Elapsed));
        }
        if (paths is null && workspace.CompressionDrift is { RetrainAdvised: true } drift)
        {
            client.Log(MessageType.Info, $"{folder.Name}: {drift.Describe()} Re-training it in the background: a new index is built beside this one " +
                "(searches and saves keep using this one meanwhile), then takes its place.");
            retrain(folder);
        }
        return result;
    }

    /// <summary>
    /// Builds the folder's replacement index (resuming what an earlier run wrote), closes the folder and moves the
    /// replacement into place. False when there is nothing to do (the folder closed, or its codec fits again); a
    /// pass that gave way or was cancelled throws <see cref="OperationCanceledException"/> with the replacement kept.
    /// </summary>
    private bool Retrain(IndexJob job, ServerSettings current, CancellationToken cancellationToken)
    {
        var folder = job.Folder;
        if (folder.Workspace is not { } workspace || workspace.CompressionDrift is not { RetrainAdvised: true })
        {
            return false;
        }
        var options = Options(current, folder.Root, modelPath: "");
        var progress = shuttingDown() ? null : client.BeginProgress($"Re-training the index of {folder.Name}");
        _progressToken = progress?.Token ?? _progressToken;
        using var boundary = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        IndexRunResult built;
        try
        {
            built = SemanticWorkspace.BuildReplacement(options, workspace.Model, new PassProgress(folder, progress, job, boundary, PassProgress.Figures.None),
                openDocuments.Under(folder.Root), boundary.Token);
        }
        catch (OperationCanceledException)
        {
            progress?.End(Stopped(job));
            throw;
        }
        catch (Exception ex)
        {
            progress?.End("Failed");
            client.Log(MessageType.Error, $"{folder.Name}: re-training the index failed ({ex.Message}); the index stays as it is.");
            throw;
        }
        if (built.Cancelled)
        {
            progress?.End(Stopped(job));
            client.Log(MessageType.Log, $"{folder.Name}: re-training {(job.Yielded ? "gave way to other work" : "was cancelled")} " +
                $"after {built.ChunksEncoded} chunks; the next full pass resumes it.");
            throw new OperationCanceledException(cancellationToken);
        }
        folder.Close();
        try
        {
            SemanticWorkspace.ReplaceIndex(options);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Another process took the writer lock in the moment the folder was closed, or the disk refused a move:
            // the folder reopens below on whatever is in place (an interrupted move is finished by that open).
            progress?.End("Failed");
            client.Log(MessageType.Error, $"{folder.Name}: the re-trained index could not be moved into place ({ex.Message}); the next full pass tries again.");
            return true;
        }
        progress?.End($"{built.ChunksEncoded} chunks encoded");
        client.Log(MessageType.Info, $"{folder.Name}: the index was re-trained ({built.ChunksEncoded} chunks encoded in {clock.Elapsed.TotalSeconds:0.0} s) and is in place.");
        return true;
    }

    /// <summary>
    /// One search through the path a user's takes (candidates, ranking, results with snippets and matches, the answer
    /// serialized as the connection would), answered to nobody, once a folder's index has opened. Why: the first
    /// search after an open paid for everything done once — compiling the search path and the answer's serializer,
    /// Lucene's first reads of its term index, the first touch of the mapped codes — and took about 3× a later one.
    /// Run beside the change check that follows an open, it is paid before the folder reads ready. On 96,544 chunks
    /// (ReadyToRun, as the .vsix ships it; 2 cores): the first search 209–295 → 83–141 ms (later ones 72–108 ms),
    /// ready 1.84 → 1.96 s (median) after the process started.
    /// </summary>
    private void WarmUp(IndexedFolder folder)
    {
        try
        {
            var answer = CrossFolderSearch.Run(WarmUpQuery, 10, new SearchFilters(), [folder], _ => 0, new FeedbackLog(), (_, _) => { }, CancellationToken.None);
            _ = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(answer, wireJson);
        }
        catch (Exception ex)
        {
            // Never anyone's failure: a damaged index is found and reported by the next real search or pass.
            client.Log(MessageType.Log, $"{folder.Name}: the warm-up search failed ({ex.Message}).");
        }
    }

    /// <summary>How a progress ends when its pass stopped early: for a pause (it resumes) or a cancel.</summary>
    private static string Stopped(IndexJob job) => job.Yielded ? "Paused" : "Cancelled";

    /// <summary>A query that reaches both sides of the ranker (words the lexical index holds, a phrase the model encodes).</summary>
    private const string WarmUpQuery = "read the file and return its lines";

    /// <summary>The files a full pass would visit (a scan, nothing read); null when cancelled meanwhile.</summary>
    private static int? CountFiles(SemanticWorkspace workspace, CancellationToken cancellationToken)
    {
        try
        {
            return workspace.CountFiles(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>How an editor user fixes what the engine names (the CLI words the same remedies with its flags).</summary>
    internal static string Remedy(ErrorRemedy remedy) => remedy switch
    {
        ErrorRemedy.RebuildIndex => "Rebuild it: \"Semantic Search: Rebuild Index\" (semanticSearch/reindex with \"full\": true).",
        _ => throw new ArgumentOutOfRangeException(nameof(remedy), remedy, null),
    };

    /// <summary>
    /// Where the time went from the process's start to this folder's index being open and checked against its files:
    /// what an editor waits for when it reopens a workspace (the client logs its own side of it).
    /// </summary>
    /// <param name="checkTime">the whole pass: the scan and the index's file records too, not only the files' comparison.</param>
    private static string ReadyLine(IndexedFolder folder, OpenTimes times, IndexRunResult check, TimeSpan checkTime)
    {
        var parts = $"model {Ms(times.Model)} ms, index open {Ms(times.Index)} ms ({N(times.Chunks)} chunks), " +
            $"change check {Ms(checkTime)} ms ({N(check.FilesScanned)} files, {N(check.ChunksEncoded)} chunks encoded)";
        if (!StartupClock.Started)
        {
            return $"{folder.Name}: ready; {parts}.";
        }
        var initialize = StartupClock.InitializeAt is { } at ? $", initialize at {Ms(at)} ms" : "";
        return $"{folder.Name}: ready {Ms(StartupClock.Now)} ms after the process started (runtime start {Ms(StartupClock.RuntimeStart)} ms" +
            $"{initialize}, opening began at {Ms(times.Began)} ms; {parts}).";
    }

    // One way of writing numbers whatever the machine's culture (the E2E and tests read the line).
    private static string Ms(TimeSpan span) => span.TotalMilliseconds.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    private static string N(int count) => count.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>When opening a folder began (after the process started), how long its model and its index took, and the chunks it held.</summary>
    private sealed record OpenTimes(TimeSpan Began, TimeSpan Model, TimeSpan Index, int Chunks);

    private bool Open(IndexedFolder folder, ServerSettings current, out OpenTimes? times)
    {
        times = null;
        folder.BeginOpening();
        var began = StartupClock.Now;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            var model = DefaultModel.Resolve(current.ModelPath)
                ?? throw new NoModelException(
                    $"No model found. Set \"modelPath\" in the settings (a folder with semsearch-model.json) or {DefaultModel.EnvironmentVariable}.");
            var encoder = new EncoderOptions(current.ExecutionProvider, current.Threads, Log: m => client.Log(MessageType.Warning, m));
            var shared = models.Acquire(model, encoder);
            var modelTime = clock.Elapsed;
            SemanticWorkspace workspace;
            try
            {
                workspace = SemanticWorkspace.Open(Options(current, folder.Root, model), shared);
                times = new OpenTimes(began, modelTime, clock.Elapsed - modelTime, workspace.CacheSize.Chunks);
            }
            catch
            {
                models.Release(shared);
                throw;
            }
            folder.Opened(workspace);
            if (workspace.ResetReason is { } reason)
            {
                client.Log(MessageType.Info, $"{folder.Name}: the index was cleared ({reason}).");
            }
            if (workspace.CodesFileRebuilt is { } because)
            {
                // Derived data: nothing is lost, but a damaged one is worth knowing about (a failing disk shows here first).
                client.Log(MessageType.Info, $"{folder.Name}: the codes file was written anew from the index (it was {because}).");
            }
            return true;
        }
        catch (IndexBusyException busy)
        {
            // A second writer waits: another process (the CLI, another window) has the index; this window takes it over
            // when that process lets go, and meanwhile says who has it.
            folder.OpenFailed($"{busy.Message} Waiting: this window opens it when that process lets go.", FolderErrorKind.InUse);
            client.Log(MessageType.Warning, $"{folder.Name}: {folder.LastError}");
            retryLater(folder);
            return false;
        }
        catch (Exception ex)
        {
            // The engine's advice names the CLI; from an editor the same fix is a full reindex.
            folder.OpenFailed(ex is IndexCorruptException corrupt ? $"{ex.Message} {Remedy(corrupt.Remedy)}" : ex.Message, KindOf(ex));
            client.Log(MessageType.Error, $"Cannot open {folder.Name}: {folder.LastError}");
            if (ex is IndexCorruptException)
            {
                folder.MarkDamaged(folder.LastError!);
            }
            return false;
        }
    }

    /// <summary>What a failure is, by its type (the client offers the fix from this, never from the message).</summary>
    private static FolderErrorKind KindOf(Exception ex) => ex switch
    {
        IndexCorruptException => FolderErrorKind.CorruptIndex,
        IndexBusyException => FolderErrorKind.InUse,
        ModelLoadException or NoModelException => FolderErrorKind.Model,
        _ => FolderErrorKind.Other,
    };

    /// <summary>The folder's workspace options under these settings (where its index lives follows indexLocation).</summary>
    private static WorkspaceOptions Options(ServerSettings current, string root, string modelPath) =>
        new(root, modelPath, current.IndexLocation, current.ScanOptions);

    /// <summary>
    /// A full pass's progress: into the folder's figures and the client's progress bar. Reported after each committed
    /// group, so it is also where a pause stops the pass: <paramref name="boundary"/> is cancelled there, and the
    /// indexer checks it before the next file. The last report (no current file) ends the pass: nothing to stop.
    /// </summary>
    private sealed class PassProgress(IndexedFolder folder, WorkDoneProgress? progress, IndexJob job, CancellationTokenSource boundary, PassProgress.Figures figures)
        : IProgress<IndexProgress>
    {
        /// <summary>Whether the pass's figures are the folder's (a pass over its index) or not (a replacement being built).</summary>
        public enum Figures
        {
            Folder,
            None,
        }

        public void Report(IndexProgress value)
        {
            if (figures == Figures.Folder)
            {
                folder.Progressed(value);
            }
            var percent = figures == Figures.Folder ? folder.ProgressPercent ?? 0 : value.Percent;
            progress?.Report($"{value.FilesDone}/{value.FilesTotal} files, {value.ChunksEncoded} chunks encoded", percent);
            if (job.YieldRequested && value.CurrentFile is not null)
            {
                job.Yielded = true;
                boundary.Cancel();
            }
        }
    }
}

/// <summary>No model folder was configured and none ships beside the server.</summary>
public sealed class NoModelException(string message) : FileNotFoundException(message);
