using System.Text.Json;
using SemanticSearch.Engine.Chunking;
using SemanticSearch.Engine.Indexing;
using SemanticSearch.Engine.Models;
using SemanticSearch.Engine.Search;
using SemanticSearch.Server.Folders;
using SemanticSearch.Server.Indexing;
using SemanticSearch.Server.Protocol;
using SemanticSearch.Server.Searching;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Server.Tests.Searching;

/// <summary>
/// The search merge and the coverage rule in process (no child process): real folders with real indexes built by
/// the default model, stepped through the worker's states the way the indexing worker does.
/// </summary>
public sealed class CrossFolderSearchTests : IDisposable
{
    private readonly SharedModels _models = new();
    private readonly SampleRepo _mail = new();
    private readonly string _retryRoot = Directory.CreateTempSubdirectory("semsearch-retry-").FullName;
    private readonly IndexedFolder _mailFolder;
    private readonly IndexedFolder _retryFolder;

    public CrossFolderSearchTests()
    {
        Directory.CreateDirectory(Path.Combine(_retryRoot, "src"));
        File.WriteAllText(Path.Combine(_retryRoot, "src", "Backoff.cs"), """
            namespace Acme.Resilience;

            public static class Backoff
            {
                /// <summary>The delay before a retry attempt: doubles with every attempt, capped at 30 seconds.</summary>
                public static TimeSpan ExponentialBackoff(int attempt) =>
                    TimeSpan.FromMilliseconds(Math.Min(30_000, 100 * Math.Pow(2, attempt)));
            }
            """);
        _mailFolder = Indexed(_mail.Root, "mail");
        _retryFolder = Indexed(_retryRoot, "retry");
    }

    private IndexedFolder Indexed(string root, string name)
    {
        var folder = new IndexedFolder(LspPaths.ToUri(root), name, root, _models);
        folder.BeginOpening();
        var model = _models.Acquire(RepoPaths.DefaultModelFolder, new EncoderOptions(ExecutionProvider.Cpu));
        folder.Opened(SemanticWorkspace.Open(new WorkspaceOptions(root, RepoPaths.DefaultModelFolder), model));
        folder.BeginPass();
        folder.PassEnded(folder.Workspace!.Index(), fullPass: true);
        return folder;
    }

    private static SearchResultSet Search(string query, int topK, IReadOnlyList<IndexedFolder> folders, FeedbackLog? feedback = null, Func<IndexedFolder, int>? queued = null) =>
        CrossFolderSearch.Run(query, topK, SearchFilters.None, folders, queued ?? (_ => 0), feedback ?? new FeedbackLog(),
            (folder, damage) => throw new InvalidOperationException($"{folder.Name} reported damaged: {damage.Message}"), CancellationToken.None);

    [Fact]
    public void Folders_are_ranked_as_one_list_with_one_rank_sequence()
    {
        var email = Search("check that an email address is valid", 5, [_retryFolder, _mailFolder]);
        Assert.InRange(email.Results.Length, 2, 5); // topK for the whole search, not per folder
        Assert.Equal(Enumerable.Range(1, email.Results.Length), email.Results.Select(r => r.Rank));
        Assert.All(email.Results, r => Assert.Equal($"{email.QueryId}.{r.Rank}", r.ResultId));
        Assert.Equal("src/Mail/EmailValidator.cs", email.Results[0].Path);
        Assert.Equal(_mailFolder.Uri, email.Results[0].Folder);
        Assert.Equal(LspPaths.ToUri(Path.Combine(_mail.Root, "src/Mail/EmailValidator.cs")), email.Results[0].Uri);

        var retry = Search("exponential backoff delay before a retry", 5, [_mailFolder, _retryFolder]);
        Assert.Equal("ExponentialBackoff", retry.Results[0].Symbol);
        Assert.Equal(HitKind.Method, retry.Results[0].Kind);
        Assert.Equal(_retryFolder.Uri, retry.Results[0].Folder);
        Assert.Contains(retry.Results, r => r.Folder == _mailFolder.Uri); // the other folder's candidates are in the same list
        Assert.Equal(_mailFolder.ChunksIndexed + _retryFolder.ChunksIndexed, retry.Coverage.ChunksIndexed);
        Assert.True(retry.Coverage.Complete);
        Assert.Equal(1.0, retry.Coverage.Ratio);
    }

    [Fact]
    public void A_folder_not_open_yet_adds_no_results_and_leaves_coverage_incomplete()
    {
        using var pending = new IndexedFolder("file:///not/open", "pending", "/not/open", _models);
        var answer = Search("check that an email address is valid", 10, [_mailFolder, pending]);
        Assert.NotEmpty(answer.Results);
        Assert.All(answer.Results, r => Assert.Equal(_mailFolder.Uri, r.Folder));
        Assert.False(answer.Coverage.Complete);
        Assert.Equal(_mailFolder.FilesKnown, answer.Coverage.FilesKnown);

        var waiting = Search("check that an email address is valid", 10, [_mailFolder], queued: f => f == _mailFolder ? 1 : 0);
        Assert.False(waiting.Coverage.Complete); // ready, but a job is queued for it
    }

    [Fact]
    public void An_opened_result_of_the_search_is_recorded_beside_its_folders_index()
    {
        var feedback = new FeedbackLog();
        var answer = Search("exponential backoff delay before a retry", 3, [_mailFolder, _retryFolder], feedback);
        var hit = answer.Results[0];
        Assert.True(feedback.RecordOpened(answer.QueryId, hit.ResultId));
        Assert.False(feedback.RecordOpened(answer.QueryId, answer.QueryId + ".99"));
        var line = File.ReadAllLines(Path.Combine(Path.GetDirectoryName(_retryFolder.IndexPath)!, FeedbackLog.FileName)).Single();
        using var record = JsonDocument.Parse(line);
        Assert.Equal("Method", record.RootElement.GetProperty("kind").GetString());
        Assert.Equal(hit.Path, record.RootElement.GetProperty("path").GetString());
    }

    [Fact]
    public void Coverage_sums_folders_caps_each_at_what_it_knows_and_is_complete_only_when_all_are_ready_and_idle()
    {
        static SearchCoverage.FolderFigures F(FolderState state, int indexed, int known, int queued = 0) => new(state, indexed, known, queued);

        var partial = SearchCoverage.Of([F(FolderState.Ready, 10, 10), F(FolderState.Indexing, 5, 20)], 99);
        Assert.Equal((15, 30, 99, false), (partial.FilesIndexed, partial.FilesKnown, partial.ChunksIndexed, partial.Complete));
        Assert.Equal(0.5, partial.Ratio);

        var capped = SearchCoverage.Of([F(FolderState.Ready, 12, 10)], 0);
        Assert.Equal(10, capped.FilesIndexed);
        Assert.Equal(1.0, capped.Ratio);

        // Skipped files are checked files: a folder of 8 indexed and 2 skipped is covered, and so are both folders.
        var skipping = SearchCoverage.Of([F(FolderState.Ready, 8, 10) with { FilesSkipped = 2 }, F(FolderState.Ready, 5, 5)], 0);
        Assert.Equal((13, 2, 15, 1.0, true), (skipping.FilesIndexed, skipping.FilesSkipped, skipping.FilesKnown, skipping.Ratio, skipping.Complete));
        var halfway = SearchCoverage.Of([F(FolderState.Indexing, 3, 10) with { FilesSkipped = 2 }], 0);
        Assert.Equal(0.5, halfway.Ratio);
        var overshoot = SearchCoverage.Of([F(FolderState.Ready, 9, 10) with { FilesSkipped = 3 }], 0);
        Assert.Equal((9, 1, 1.0), (overshoot.FilesIndexed, overshoot.FilesSkipped, overshoot.Ratio));

        Assert.Equal(1.0, SearchCoverage.Of([F(FolderState.Ready, 0, 0)], 0).Ratio); // an empty folder, done
        Assert.Equal(0.0, SearchCoverage.Of([F(FolderState.Queued, 0, 0)], 0).Ratio); // not scanned yet
        Assert.False(SearchCoverage.Of([F(FolderState.Ready, 10, 10, queued: 1)], 0).Complete);
        Assert.False(SearchCoverage.Of([F(FolderState.Error, 10, 10)], 0).Complete);
        Assert.True(SearchCoverage.Of([F(FolderState.Ready, 10, 10), F(FolderState.Ready, 0, 0)], 0).Complete);
        // Ready after a cancelled or paused pass: searchable, not complete.
        Assert.False(SearchCoverage.Of([F(FolderState.Ready, 10, 10) with { NeedsFullPass = true }], 0).Complete);
    }

    public void Dispose()
    {
        _mailFolder.Dispose();
        _retryFolder.Dispose();
        _mail.Dispose();
        TestFolders.Delete(_retryRoot);
    }
}
