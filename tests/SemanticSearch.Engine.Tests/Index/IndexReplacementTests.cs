using SemanticSearch.Engine.Index;
using SemanticSearch.Engine.Indexing;
using SemanticSearch.Engine.Models;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Engine.Tests.Index;

/// <summary>
/// Re-training a drifted codec with the default model on the sample repository (real files, real LiteDB, real
/// Lucene): a replacement index is built beside the open index, moved into its place, and a move cut short by a
/// crash at any step is finished by the next writer and refused by readers meanwhile.
/// </summary>
public sealed class IndexReplacementTests : IDisposable
{
    private static readonly VectorCompression Small = VectorCompressionTests.Small;

    private readonly SampleRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private WorkspaceOptions Options => new(_repo.Root, RepoPaths.DefaultModelFolder, Encoder: new EncoderOptions(ExecutionProvider.Cpu), Compression: Small);

    private IndexFiles Files => Options.IndexFiles;

    private static string Top(SemanticWorkspace ws, string query) =>
        ws.Search(query, 5).Results is [var first, ..] ? $"{first.Chunk.Path}#{first.Chunk.Symbol}" : "(none)";

    /// <summary>Indexes the sample repository and records sampled errors that make its codec drift.</summary>
    private static void IndexAndDrift(SemanticWorkspace ws)
    {
        ws.Index();
        var many = Small.DriftMinimumSample;
        ws.Store.RecordCodecError(many * 0.05, many, many);
        ws.Store.RecordCodecError(many * 0.05 * 2, many, many);
        Assert.True(ws.CompressionDrift!.RetrainAdvised);
    }

    [Fact]
    public void A_drifted_index_is_rebuilt_beside_itself_while_it_takes_updates_then_moved_into_place()
    {
        using (var ws = SemanticWorkspace.Open(Options))
        {
            IndexAndDrift(ws);
            var built = SemanticWorkspace.BuildReplacement(Options, ws.Model, null, null);
            Assert.False(built.Cancelled);
            Assert.True(built.ChunksEncoded > 0);
            Assert.True(File.Exists(Files.Replacement.Database));
            // The index itself still searches and takes updates meanwhile; the move below loses neither.
            _repo.Edit("src/Mail/EmailValidator.cs", "IsValidEmail", "IsWellFormedEmail");
            Assert.Equal(1, ws.Update(["src/Mail/EmailValidator.cs"]).FilesChanged);
            Assert.Equal("src/Mail/EmailValidator.cs#IsWellFormedEmail", Top(ws, "check whether an email address is well formed"));
        }

        SemanticWorkspace.ReplaceIndex(Options);
        Assert.False(File.Exists(Files.Replacement.Database));
        Assert.False(Directory.Exists(Files.Replacement.LexicalFolder));
        Assert.False(File.Exists(Files.ReplacingMarker));
        using (var ws = SemanticWorkspace.Open(Options))
        {
            // The re-trained codec, its drift counted afresh, every chunk in codes that the mapped file matches.
            Assert.NotNull(ws.Codec);
            Assert.False(ws.CompressionDrift!.RetrainAdvised);
            Assert.Equal(0, ws.CompressionDrift.Samples);
            Assert.True(ws.Store.CodesComplete);
            Assert.Null(ws.CodesFileRebuilt);
            Assert.Equal(0, ws.LexicalRepairs);
            // The edit made while the replacement was built is not in it: the next pass finds it in the files.
            var update = ws.Index();
            Assert.Equal(1, update.FilesChanged);
            Assert.Equal("src/Mail/EmailValidator.cs#IsWellFormedEmail", Top(ws, "check whether an email address is well formed"));
        }
    }

    [Fact]
    public void A_move_cut_short_at_any_step_is_refused_by_readers_and_finished_by_the_next_writer()
    {
        using (var ws = SemanticWorkspace.Open(Options))
        {
            IndexAndDrift(ws);
            Assert.False(SemanticWorkspace.BuildReplacement(Options, ws.Model, null, null).Cancelled);
        }
        var replacement = Files.Replacement;
        var parts = new List<string> { "database" };
        if (File.Exists(replacement.Log))
        {
            parts.Add("log");
        }
        Assert.True(File.Exists(replacement.Codes) && Directory.Exists(replacement.LexicalFolder));
        parts.AddRange(["codes", "lexical"]);
        // The crash: the marker written, the new database moved in, the old index's log, codes and lexical folder
        // still in place (the worst mix: a database beside another index's codes).
        File.WriteAllText(Files.ReplacingMarker, string.Join('\n', parts) + "\n");
        File.Move(replacement.Database, Files.Database, overwrite: true);

        var refused = Assert.Throws<IndexNeedsUpdateException>(() => SemanticWorkspace.Open(Options with { ReadOnly = true }));
        Assert.Contains("was being replaced by a re-trained index when its writer stopped", refused.Message, StringComparison.Ordinal);

        using (var ws = SemanticWorkspace.Open(Options))
        {
            Assert.False(File.Exists(Files.ReplacingMarker));
            Assert.False(File.Exists(replacement.Codes));
            Assert.False(Directory.Exists(replacement.LexicalFolder));
            Assert.Equal(0, ws.CompressionDrift!.Samples);
            // The codes and lexical folder are the replacement's: neither had to be rebuilt from the store.
            Assert.Null(ws.CodesFileRebuilt);
            Assert.Equal(0, ws.LexicalRepairs);
            Assert.Equal(0, ws.Index().ChunksEncoded);
            Assert.Equal("src/Mail/EmailValidator.cs#IsValidEmail", Top(ws, "check whether an email address is well formed"));
        }
        using (var reader = SemanticWorkspace.Open(Options with { ReadOnly = true }))
        {
            Assert.Equal("src/Mail/EmailValidator.cs#IsValidEmail", Top(reader, "check whether an email address is well formed"));
        }
    }

    [Fact]
    public void Without_a_replacement_nothing_moves_and_a_rebuild_deletes_a_replacement_in_the_making()
    {
        using (var ws = SemanticWorkspace.Open(Options))
        {
            ws.Index();
        }
        var error = Assert.Throws<InvalidOperationException>(() => SemanticWorkspace.ReplaceIndex(Options));
        Assert.Contains("nothing was changed", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Files.ReplacingMarker));
        using (var ws = SemanticWorkspace.Open(Options))
        {
            Assert.Equal(0, ws.Index().ChunksEncoded);
            // A replacement cut short (cancelled in its scan: its database made, nothing indexed yet).
            using var cancelled = new CancellationTokenSource();
            cancelled.Cancel();
            Assert.Throws<OperationCanceledException>(() => SemanticWorkspace.BuildReplacement(Options, ws.Model, null, null, cancelled.Token));
            Assert.True(File.Exists(Files.Replacement.Database));
        }
        SemanticWorkspace.DeleteIndex(Options);
        Assert.False(File.Exists(Files.Database));
        Assert.False(File.Exists(Files.Replacement.Database));
        Assert.False(Directory.Exists(Files.Replacement.LexicalFolder));
    }

    [Fact]
    public void The_replacement_and_the_marker_are_part_of_the_index_so_no_scan_or_watcher_takes_them_for_workspace_files()
    {
        var files = Files;
        var replacement = files.Replacement;
        Assert.EndsWith(Path.Combine(".semantic-search", "index.replacement.db"), replacement.Database, StringComparison.Ordinal);
        Assert.EndsWith("index.replacement-log.db", replacement.Log, StringComparison.Ordinal);
        foreach (var path in new[] { replacement.Database, replacement.Log, replacement.Codes, replacement.WriterLock, files.ReplacingMarker,
            files.ReplacingMarkerTemporary, Path.Combine(replacement.LexicalFolder, "segments_1") })
        {
            Assert.True(files.Contains(path), path);
        }
        Assert.False(files.Contains(Path.Combine(files.Folder, "index.other.db")));
        var excludes = files.ExcludesUnder(_repo.Root);
        Assert.Contains("/.semantic-search/index.replacement.db", excludes);
        Assert.Contains("/.semantic-search/index.replacing", excludes);
        Assert.Contains("/.semantic-search/index.replacement.lexical/", excludes);
    }
}
