using System.Security.Cryptography;
using SemanticSearch.Engine.Index;
using SemanticSearch.Engine.Indexing;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Engine.Tests.Index;

/// <summary>
/// One writer per index, readers that never write (<see cref="IndexLock"/>). Each store opened here takes its own
/// file locks, which conflict within one process as they do across processes (flock is per open file); the CLI
/// tests run the same pairings with real processes.
/// </summary>
public sealed class IndexLockTests
{
    private static WorkspaceOptions Options(SampleRepo repo, bool readOnly = false, TimeSpan wait = default, Action<IndexHolder>? waiting = null) =>
        new(repo.Root, TinyModel.ColbertFolder, ReadOnly: readOnly, WriterWait: wait, WaitingForWriter: waiting);

    /// <summary>A digest of every file of the index (what "nothing was written" compares).</summary>
    private static string Digest(IndexFiles files)
    {
        var parts = new[] { files.Database, files.Log, files.Codes }
            .Where(File.Exists)
            .Select(f => $"{Path.GetFileName(f)}:{Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))}");
        var lexical = Directory.Exists(files.LexicalFolder)
            ? Directory.EnumerateFiles(files.LexicalFolder).Order(StringComparer.Ordinal).Select(f => $"{Path.GetFileName(f)}:{new FileInfo(f).Length}")
            : [];
        return string.Join("\n", parts.Concat(lexical));
    }

    [Fact]
    public void A_second_writer_is_refused_at_once_naming_the_holder_and_writes_nothing()
    {
        using var repo = new SampleRepo();
        using (var first = SemanticWorkspace.Open(Options(repo)))
        {
            first.Index();
            var before = Digest(first.Files);
            var busy = Assert.Throws<IndexBusyException>(() => SemanticWorkspace.Open(Options(repo)).Dispose());
            Assert.Equal(Environment.ProcessId, busy.Holder.ProcessId);
            Assert.Contains($"pid {Environment.ProcessId}", busy.Message, StringComparison.Ordinal);
            Assert.Contains(IndexLock.ProgramName, busy.Message, StringComparison.Ordinal);
            Assert.Throws<IndexBusyException>(() => SemanticWorkspace.DeleteIndex(Options(repo)));
            Assert.Equal(before, Digest(first.Files));
            Assert.True(File.Exists(first.IndexPath), "a refused rebuild deletes nothing");
            Assert.Equal(Environment.ProcessId, SemanticWorkspace.CurrentWriter(Options(repo))?.ProcessId);
        }
        // Let go on dispose: the next writer opens it, and nobody is named any more.
        Assert.Null(SemanticWorkspace.CurrentWriter(Options(repo)));
        using var next = SemanticWorkspace.Open(Options(repo));
        Assert.True(next.FileCounts.Checked > 0);
    }

    [Fact]
    public async Task A_writer_asked_to_wait_is_told_who_it_waits_for_and_opens_when_the_holder_lets_go()
    {
        using var repo = new SampleRepo();
        var files = Options(repo).IndexFiles;
        var holder = IndexLock.AcquireWriter(files, TimeSpan.Zero);
        using var told = new ManualResetEventSlim();
        IndexHolder? named = null;
        var opening = Task.Run(() => SemanticWorkspace.Open(Options(repo, wait: TimeSpan.FromMinutes(2), waiting: h =>
        {
            named = h;
            told.Set();
        })));
        Assert.True(told.Wait(TimeSpan.FromSeconds(60)), "the waiting writer says who it waits for");
        Assert.Equal(Environment.ProcessId, named?.ProcessId);
        Assert.False(opening.IsCompleted, "it waits while the lock is held");
        holder.Dispose();
        using var workspace = await opening.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(workspace.Index().ChunksEncoded > 0);
    }

    [Fact]
    public void A_reader_searches_what_the_writer_committed_and_never_writes()
    {
        using var repo = new SampleRepo();
        using var writer = SemanticWorkspace.Open(Options(repo));
        writer.Index();
        var expected = writer.Search("validate an email address", 5).Results.Select(r => r.Chunk.Id).ToList();
        var before = Digest(writer.Files);
        using (var reader = SemanticWorkspace.Open(Options(repo, readOnly: true)))
        {
            Assert.True(reader.IsReadOnly);
            Assert.Equal(expected, reader.Search("validate an email address", 5).Results.Select(r => r.Chunk.Id).ToList());
            Assert.Throws<InvalidOperationException>(() => reader.Index());
            Assert.Throws<InvalidOperationException>(() => reader.Update(["src/Mail/EmailValidator.cs"]));
        }
        Assert.Equal(before, Digest(writer.Files));

        // What the writer commits later, a new reader sees (the log is read, not moved into the data file).
        repo.Write("src/Later.cs", "namespace Acme;\npublic static class Later { public static int ParseInvoiceTotal(string text) => text.Length; }\n");
        writer.Update(["src/Later.cs"]);
        using var later = SemanticWorkspace.Open(Options(repo, readOnly: true));
        Assert.Contains(later.Search("parse invoice total", 10).Results, r => r.Chunk.Path == "src/Later.cs");
    }

    [Fact]
    public async Task A_reader_waits_while_the_writer_changes_the_files()
    {
        using var repo = new SampleRepo();
        using (var build = SemanticWorkspace.Open(Options(repo)))
        {
            build.Index();
        }
        var files = Options(repo).IndexFiles;
        using var holder = IndexLock.AcquireWriter(files, TimeSpan.Zero);
        var writing = holder.Writing();
        var reading = Task.Run(() =>
        {
            using var reader = SemanticWorkspace.Open(Options(repo, readOnly: true));
            return reader.FileCounts.Checked;
        });
        Assert.NotSame(reading, await Task.WhenAny(reading, Task.Delay(TimeSpan.FromSeconds(1))));
        Assert.False(reading.IsCompleted, "a reader does not open while a write is in progress");
        writing.Dispose();
        Assert.True(await reading.WaitAsync(TimeSpan.FromSeconds(60)) > 0, "the reader opens once the write is done");
    }

    [Fact]
    public void A_reader_is_told_when_only_an_update_can_make_the_index_usable()
    {
        using var repo = new SampleRepo();
        var missing = Assert.Throws<IndexNeedsUpdateException>(() => SemanticWorkspace.Open(Options(repo, readOnly: true)).Dispose());
        Assert.Contains("does not exist yet", missing.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorRemedy.UpdateIndex, missing.Remedy);
        Assert.False(Directory.Exists(Path.Combine(repo.Root, IndexLocation.WorkspaceFolderName)), "a reader creates nothing");

        using (var other = SemanticWorkspace.Open(new WorkspaceOptions(repo.Root, TinyModel.DenseFolder)))
        {
            other.Index();
        }
        var otherModel = Assert.Throws<IndexNeedsUpdateException>(() => SemanticWorkspace.Open(Options(repo, readOnly: true)).Dispose());
        Assert.Contains("was built with model", otherModel.Message, StringComparison.Ordinal);
    }
}
