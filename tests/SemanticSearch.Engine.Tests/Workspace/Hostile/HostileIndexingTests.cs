using SemanticSearch.Engine.Indexing;
using SemanticSearch.Engine.Models;
using SemanticSearch.Engine.Workspace;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Engine.Tests.Workspace.Hostile;

/// <summary>
/// Issue #18, point 4, through the real engine (tiny model, real LiteDB and Lucene files): indexing a hostile
/// workspace finishes, keeps what lies outside it out of the index, and indexes paths of any length.
/// </summary>
public sealed class HostileIndexingTests : IDisposable
{
    private const string SecretWord = "zanzibarquokkapassphrase";

    private readonly HostileWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private SemanticWorkspace Open() =>
        SemanticWorkspace.Open(new WorkspaceOptions(_ws.Root, TinyModel.ColbertFolder, Encoder: new EncoderOptions(ExecutionProvider.Cpu)));

    [Fact]
    public void Indexing_finishes_past_pipes_and_device_links_and_keeps_outside_files_out()
    {
        _ws.File("src/Greeter.cs", "namespace Demo;\npublic static class Greeter\n{\n    public static string Hello(string name) => $\"Hello {name}\";\n}\n");
        _ws.Fifo("src/Pipe.cs");
        _ws.Link("src/Zero.cs", "/dev/zero");
        _ws.Link("src/Random.cs", "/dev/urandom");
        _ws.Link("secret.txt", _ws.OutsideFile("secret.txt", $"password: {SecretWord}\n"));
        _ws.DirectoryLink("vendor", _ws.Outside);

        using var ws = Open();
        var run = Within.Finish("indexing", () => ws.Index());

        Assert.False(run.Cancelled);
        Assert.Empty(run.Errors);
        Assert.Equal(["src/Greeter.cs"], ws.Store.LoadFiles().Keys.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(ws.Store.AllChunks(), c => c.Chunk.Text.Contains(SecretWord, StringComparison.Ordinal));
        Assert.DoesNotContain(ws.Search(SecretWord, 10).Results, r => r.Chunk.Text.Contains(SecretWord, StringComparison.Ordinal));
        var reasons = run.Skipped.ToDictionary(s => s.RelativePath, s => s.Reason);
        Assert.Equal(SkipReason.SpecialFile, reasons["src/Pipe.cs"]);
        Assert.Equal(SkipReason.OutsideWorkspace, reasons["src/Zero.cs"]);
        Assert.Equal(SkipReason.OutsideWorkspace, reasons["src/Random.cs"]);
        Assert.Equal(SkipReason.OutsideWorkspace, reasons["secret.txt"]);
        Assert.Equal(SkipReason.OutsideWorkspace, reasons["vendor"]);

        // The language server's path (a save or a watcher event names the paths): the same rules.
        var update = Within.Finish("an update of single paths", () => ws.Update(["src/Pipe.cs", "src/Zero.cs", "secret.txt"]));
        Assert.Equal(0, update.FilesAdded);
        Assert.Equal(["src/Greeter.cs"], ws.Store.LoadFiles().Keys);
    }

    [Fact]
    public void Paths_longer_than_a_LiteDB_index_key_are_indexed_found_updated_and_removed()
    {
        // LiteDB keys stop at 1,023 bytes; a relative path has no such limit (PATH_MAX is 4,096 on Linux).
        var ascii = HostileWorkspace.LongPath(1_100, "Quokka.cs");
        var accented = HostileWorkspace.LongPath(1_100, "Wombat.cs", 'é');
        _ws.File(ascii, "public static class Quokka\n{\n    public static int Hop() => 1;\n}\n");
        _ws.File(accented, "public static class Wombat\n{\n    public static int Dig() => 2;\n}\n");
        _ws.File("Short.cs", "public static class Short\n{\n}\n");

        using (var ws = Open())
        {
            var first = Within.Finish("indexing", () => ws.Index());
            Assert.Empty(first.Errors);
            Assert.Equal(3, first.FilesAdded);
            Assert.Equal([ascii, accented, "Short.cs"], ws.Store.LoadFiles().Keys.Order(StringComparer.Ordinal));
            Assert.Contains(ws.Search("Quokka Hop", 10).Results, r => r.Chunk.Path == ascii);
            Assert.Contains(ws.Search("Wombat Dig", 10).Results, r => r.Chunk.Path == accented);
        }

        using (var ws = Open())
        {
            // Reopened: the records are found again under their keys, so nothing is read or encoded.
            var again = ws.Index();
            Assert.Equal((3, 0), (again.FilesUnchanged, again.ChunksEncoded));

            _ws.File(ascii, "public static class Quokka\n{\n    public static int Hop() => 1;\n    public static int Leap() => 3;\n}\n");
            File.SetLastWriteTimeUtc(_ws.PathOf(ascii), DateTime.UtcNow.AddMinutes(1));
            var changed = ws.Index();
            Assert.Equal(1, changed.FilesChanged);
            var chunks = ws.Store.LoadChunksOfFile(ascii);
            Assert.Contains(chunks.Values, c => c.Chunk.Text.Contains("Leap", StringComparison.Ordinal));
            Assert.All(chunks.Values, c => Assert.Equal(ascii, c.Chunk.Path));

            File.Delete(_ws.PathOf(ascii));
            var deleted = ws.Index();
            Assert.Equal(1, deleted.FilesDeleted);
            Assert.Equal([accented, "Short.cs"], ws.Store.LoadFiles().Keys.Order(StringComparer.Ordinal));
            Assert.DoesNotContain(ws.Store.AllChunks(), c => c.Chunk.Path == ascii);
            Assert.Equal(0, WorkspaceStatus.Read(_ws.Root, ws.IndexPath, ScanOptions.Default).StaleFiles);
        }
    }
}
