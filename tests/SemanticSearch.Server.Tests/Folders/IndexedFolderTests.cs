using SemanticSearch.Engine.Indexing;
using SemanticSearch.Engine.Models;
using SemanticSearch.Server.Folders;
using SemanticSearch.Server.Indexing;
using SemanticSearch.Server.Protocol;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Server.Tests.Folders;

/// <summary>A folder's state moves only by the indexing worker's steps, in order; a step out of order is a bug and throws.</summary>
public sealed class IndexedFolderTests
{
    private readonly SharedModels _models = new();

    private IndexedFolder NewFolder(string root) => new(LspPaths.ToUri(root), "sample", root, _models);

    /// <summary>What the worker does between its opening and opened steps (the folder releases the model when it closes).</summary>
    private SemanticWorkspace OpenWorkspace(string root) =>
        SemanticWorkspace.Open(new WorkspaceOptions(root, TinyModel.ColbertFolder), _models.Acquire(TinyModel.ColbertFolder, new EncoderOptions(ExecutionProvider.Cpu)));

    [Fact]
    public void A_first_pass_goes_queued_opening_indexing_ready_with_its_figures()
    {
        using var repo = new SampleRepo();
        using var folder = NewFolder(repo.Root);
        Assert.Equal(FolderState.Queued, folder.State);
        Assert.Null(folder.ProgressPercent);

        folder.BeginOpening();
        Assert.Equal(FolderState.Opening, folder.State);
        folder.Opened(OpenWorkspace(repo.Root));
        Assert.Equal(0, folder.FilesIndexed);
        Assert.NotNull(folder.IndexPath);
        Assert.Equal("cpu", folder.ExecutionProvider);

        folder.BeginPass();
        Assert.Equal(FolderState.Indexing, folder.State);
        Assert.Equal(0, folder.ProgressPercent);
        folder.Progressed(new IndexProgress(FilesDone: 1, FilesTotal: 4, ChunksEncoded: 0, CurrentFile: null));
        Assert.Equal(25, folder.ProgressPercent);
        Assert.Equal(4, folder.FilesKnown);
        var result = folder.Workspace!.Index();
        folder.PassEnded(result, fullPass: true);

        Assert.Equal(FolderState.Ready, folder.State);
        Assert.Null(folder.ProgressPercent);
        Assert.Equal(result.FilesScanned, folder.FilesKnown);
        Assert.Equal((result.FilesIndexed, result.FilesSkipped), (folder.FilesIndexed, folder.FilesSkipped));
        Assert.Equal(folder.FilesKnown, folder.FilesIndexed + folder.FilesSkipped);
        Assert.True(folder.ChunksIndexed > 0);
        Assert.NotNull(folder.LastIndexed);
        Assert.Null(folder.LastError);
        Assert.Null(folder.LastErrorKind);
        Assert.False(folder.NeedsFullPass);
    }

    [Fact]
    public void A_cancelled_pass_leaves_a_ready_folder_that_needs_a_full_pass_and_a_finished_full_pass_clears_it()
    {
        using var repo = new SampleRepo();
        using var folder = NewFolder(repo.Root);
        Assert.True(folder.NeedsFullPass); // nothing checked yet
        folder.BeginOpening();
        folder.Opened(OpenWorkspace(repo.Root));
        Assert.True(folder.NeedsFullPass);

        folder.BeginPass();
        // What a pass stopped between groups reports (a cancel or a pause).
        var stopped = new IndexRunResult(12, 0, 0, 3, 0, 0, 40, 0, 40, [], [], [], Cancelled: true, TimeSpan.Zero);
        folder.PassEnded(stopped, fullPass: true);
        Assert.Equal(FolderState.Ready, folder.State);
        Assert.Equal(12, folder.FilesKnown);
        Assert.True(folder.NeedsFullPass);
        Assert.Null(folder.LastIndexed);

        folder.BeginPass();
        folder.PassEnded(folder.Workspace!.Update(["src/Mail/EmailValidator.cs"]), fullPass: false);
        Assert.True(folder.NeedsFullPass); // a re-check of some paths is not the full pass the folder lacks

        folder.BeginPass();
        folder.PassEnded(folder.Workspace!.Index(), fullPass: true);
        Assert.False(folder.NeedsFullPass);

        folder.BeginPass();
        folder.PassCancelled();
        Assert.True(folder.NeedsFullPass);
    }

    [Fact]
    public void Opened_without_a_pass_it_is_ready_with_the_files_a_scan_found_and_still_needs_a_full_pass()
    {
        using var repo = new SampleRepo();
        using var folder = NewFolder(repo.Root);
        Assert.Throws<InvalidOperationException>(() => folder.OpenedWithoutPass(3));
        folder.BeginOpening();
        folder.Opened(OpenWorkspace(repo.Root));
        var known = folder.Workspace!.CountFiles();
        Assert.True(known > 5);
        folder.OpenedWithoutPass(known);

        Assert.Equal(FolderState.Ready, folder.State);
        Assert.Equal((0, known), (folder.FilesIndexed, folder.FilesKnown)); // honest: nothing of it is indexed
        Assert.True(folder.NeedsFullPass);
        Assert.Null(folder.LastIndexed);
    }

    [Fact]
    public void Steps_out_of_order_throw_and_leave_the_state_as_it_was()
    {
        using var folder = NewFolder(Path.GetTempPath());
        Assert.Throws<InvalidOperationException>(folder.BeginPass);
        Assert.Throws<InvalidOperationException>(folder.PassCancelled);
        Assert.Throws<InvalidOperationException>(() => folder.PassFailed("x", FolderErrorKind.Other));
        Assert.Throws<InvalidOperationException>(() => folder.OpenFailed("x", FolderErrorKind.Other));
        Assert.Equal(FolderState.Queued, folder.State);

        folder.BeginOpening();
        Assert.Throws<InvalidOperationException>(folder.PassCancelled);
        Assert.Equal(FolderState.Opening, folder.State);
    }

    [Fact]
    public void A_failed_open_is_an_error_with_its_message_and_the_next_job_opens_again()
    {
        using var folder = NewFolder(Path.GetTempPath());
        folder.BeginOpening();
        folder.OpenFailed("No model found.", FolderErrorKind.Model);
        Assert.Equal(FolderState.Error, folder.State);
        Assert.Equal("No model found.", folder.LastError);
        Assert.Equal(FolderErrorKind.Model, folder.LastErrorKind);
        Assert.Null(folder.Workspace);

        folder.BeginOpening();
        Assert.Equal(FolderState.Opening, folder.State);
    }

    [Fact]
    public void A_failed_or_cancelled_pass_leaves_the_index_open_for_the_next_one()
    {
        using var repo = new SampleRepo();
        using var folder = NewFolder(repo.Root);
        folder.BeginOpening();
        folder.Opened(OpenWorkspace(repo.Root));

        folder.BeginPass();
        folder.PassFailed("disk full", FolderErrorKind.Other);
        Assert.Equal(FolderState.Error, folder.State);
        Assert.Equal("disk full", folder.LastError);
        Assert.Equal(FolderErrorKind.Other, folder.LastErrorKind);
        Assert.NotNull(folder.Workspace);

        folder.BeginPass();
        folder.PassCancelled();
        Assert.Equal(FolderState.Ready, folder.State);
        Assert.Null(folder.LastIndexed);

        folder.Close();
        Assert.Null(folder.Workspace);
        folder.BeginOpening();
        Assert.Equal(FolderState.Opening, folder.State);
    }
}
