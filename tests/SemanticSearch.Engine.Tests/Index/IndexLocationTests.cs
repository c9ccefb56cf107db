using SemanticSearch.Engine.Index;
using SemanticSearch.Engine.Indexing;
using SemanticSearch.Engine.Workspace;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Engine.Tests.Index;

/// <summary>The one rule for where an index lives (CLI --index/--cache, the server's indexLocation, eval's cache) and what files it is.</summary>
public sealed class IndexLocationTests
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "work", "my-repo");

    [Fact]
    public void By_default_the_index_is_in_the_workspace_folder_the_scanner_skips()
    {
        Assert.Equal(Path.Combine(Root, ".semantic-search", "index.db"), IndexLocation.Workspace.For(Root).Database);
        Assert.Equal(WorkspaceScanner.IndexDirectoryName, IndexLocation.WorkspaceFolderName);
        Assert.Equal(Path.GetFullPath("x/i.db"), IndexLocation.From("x/i.db", userCache: true).For(Root).Database); // an explicit file wins
        Assert.Equal(IndexLocation.UserCache, IndexLocation.From(null, userCache: true));
        Assert.Equal(IndexLocation.Workspace, IndexLocation.From(" ", userCache: false));
    }

    [Fact]
    public void A_shared_folder_holds_one_index_per_workspace_named_after_it_and_its_path()
    {
        var shared = Path.Combine(Path.GetTempPath(), "indexes");
        var index = IndexLocation.InFolder(shared).For(Root).Database;
        Assert.Equal(shared, Path.GetDirectoryName(Path.GetDirectoryName(index)));
        Assert.StartsWith("my-repo-", Path.GetFileName(Path.GetDirectoryName(index)));
        Assert.Equal("index.db", Path.GetFileName(index));
        // The same folder however it is written; another checkout of the same name elsewhere gets its own.
        Assert.Equal(index, IndexLocation.InFolder(shared).For(Root + Path.DirectorySeparatorChar).Database);
        Assert.NotEqual(index, IndexLocation.InFolder(shared).For(Path.Combine(Path.GetTempPath(), "other", "my-repo")).Database);
        // The user cache is such a shared folder.
        Assert.Equal(IndexLocation.InFolder(IndexLocation.CacheFolder).For(Root), IndexLocation.UserCache.For(Root));
        Assert.Equal("semantic-search", Path.GetFileName(IndexLocation.CacheFolder));
    }

    [Fact]
    public void The_editor_setting_round_trips_and_a_single_file_is_not_a_setting()
    {
        Assert.Equal(IndexLocation.Workspace, IndexLocation.ParseSetting("workspace"));
        Assert.Equal(IndexLocation.Workspace, IndexLocation.ParseSetting(""));
        Assert.Equal(IndexLocation.UserCache, IndexLocation.ParseSetting("cache"));
        var shared = Path.Combine(Path.GetTempPath(), "indexes");
        Assert.Equal(IndexPlacement.SharedFolder, IndexLocation.ParseSetting(shared).Placement);
        foreach (var setting in new[] { "workspace", "cache", shared })
        {
            Assert.Equal(setting, IndexLocation.ParseSetting(setting).SettingValue);
        }
        Assert.Throws<InvalidOperationException>(() => IndexLocation.AtFile("i.db").SettingValue);
    }

    [Fact]
    public void The_files_of_an_index_are_named_after_its_database_and_excluded_only_when_inside_the_workspace()
    {
        var files = IndexLocation.Workspace.For(Root);
        var folder = Path.Combine(Root, ".semantic-search");
        Assert.Equal(Path.Combine(folder, "index-log.db"), files.Log);
        Assert.Equal(Path.Combine(folder, "index.codes"), files.Codes);
        Assert.Equal(Path.Combine(folder, "index.codes.tmp"), files.CodesTemporary);
        Assert.Equal(Path.Combine(folder, "index.lexical"), files.LexicalFolder);
        Assert.Equal(Path.Combine(folder, "index.lock"), files.WriterLock);
        Assert.Equal(Path.Combine(folder, "index.read.lock"), files.ReadGate);
        Assert.Equal(Path.Combine(folder, "index.holder"), files.Holder);
        Assert.True(files.Contains(Path.Combine(folder, "index.lexical", "segments_1")));
        Assert.True(files.Contains(files.ReadGate));
        Assert.True(files.Contains(files.Log));
        Assert.False(files.Contains(Path.Combine(folder, "feedback.jsonl")));
        Assert.False(files.Contains(Path.Combine(folder, "index.lexicalish")));
        Assert.Equal(
            ["/.semantic-search/index.db", "/.semantic-search/index-log.db", "/.semantic-search/index.codes", "/.semantic-search/index.codes.tmp",
                "/.semantic-search/index.lock", "/.semantic-search/index.read.lock", "/.semantic-search/index.holder",
                "/.semantic-search/index.replacing", "/.semantic-search/index.replacing.tmp",
                "/.semantic-search/index.replacement.db", "/.semantic-search/index.replacement-log.db", "/.semantic-search/index.replacement.codes",
                "/.semantic-search/index.replacement.codes.tmp", "/.semantic-search/index.replacement.lock",
                "/.semantic-search/index.replacement.read.lock", "/.semantic-search/index.replacement.holder",
                "/.semantic-search/index.lexical/", "/.semantic-search/index.replacement.lexical/"],
            files.ExcludesUnder(Root));
        Assert.Empty(IndexLocation.UserCache.For(Root).ExcludesUnder(Root));
    }

    [Fact]
    public void Deleting_an_index_removes_all_its_files_and_nothing_beside_them()
    {
        using var repo = new SampleRepo();
        var options = new WorkspaceOptions(repo.Root, TinyModel.ColbertFolder, IndexLocation.AtFile(Path.Combine(repo.Root, "idx", "i.db")));
        using (var workspace = SemanticWorkspace.Open(options))
        {
            workspace.Index();
            Assert.DoesNotContain(workspace.Search("index codes lexical", 50).Results,
                r => r.Chunk.Path.StartsWith("idx/", StringComparison.Ordinal)); // the index never indexes itself
        }
        File.WriteAllText(Path.Combine(repo.Root, "idx", "notes.txt"), "mine");
        var files = options.Index!.For(repo.Root);
        Assert.True(File.Exists(files.Database));
        Assert.True(Directory.Exists(files.LexicalFolder));

        Assert.Equal(files.Database, SemanticWorkspace.DeleteIndex(options));
        Assert.False(File.Exists(files.Database));
        Assert.False(File.Exists(files.Log));
        Assert.False(File.Exists(files.Codes));
        Assert.False(Directory.Exists(files.LexicalFolder));
        Assert.True(File.Exists(Path.Combine(repo.Root, "idx", "notes.txt")));
    }

    [Fact]
    public void A_file_that_is_not_an_index_is_never_opened_rewritten_or_deleted()
    {
        using var repo = new SampleRepo();
        var folder = Path.Combine(repo.Root, "mine");
        Directory.CreateDirectory(folder);
        // Text, a file shorter than LiteDB's signature, and a big binary file: each one a user's, given as --index.
        var files = new Dictionary<string, byte[]>
        {
            ["notes.txt"] = "my notes, not an index\n"u8.ToArray(),
            ["tiny.db"] = [1, 2, 3],
            ["data.bin"] = [.. Enumerable.Range(0, 30_000).Select(i => (byte)(i * 7))],
        };
        foreach (var (name, bytes) in files)
        {
            var path = Path.Combine(folder, name);
            File.WriteAllBytes(path, bytes);
            var options = new WorkspaceOptions(repo.Root, TinyModel.ColbertFolder, IndexLocation.AtFile(path));
            var opened = Assert.Throws<InvalidDataException>(() => SemanticWorkspace.Open(options).Dispose());
            Assert.Contains("not a SemanticSearch index", opened.Message, StringComparison.Ordinal);
            Assert.Contains("nothing was changed", opened.Message, StringComparison.Ordinal);
            Assert.Throws<InvalidDataException>(() => SemanticWorkspace.DeleteIndex(options));
            Assert.Equal(bytes, File.ReadAllBytes(path));
            Assert.False(File.Exists(new IndexFiles(path).Log), "no LiteDB log created beside it");
        }
        Assert.Equal(files.Keys.Order(), Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).Order());

        // A folder is refused too; an empty file is a new index (nothing in it to lose).
        var options2 = new WorkspaceOptions(repo.Root, TinyModel.ColbertFolder, IndexLocation.AtFile(folder));
        Assert.Throws<InvalidDataException>(() => SemanticWorkspace.Open(options2).Dispose());
        var empty = Path.Combine(repo.Root, "empty.db");
        File.WriteAllBytes(empty, []);
        using var workspace = SemanticWorkspace.Open(new WorkspaceOptions(repo.Root, TinyModel.ColbertFolder, IndexLocation.AtFile(empty)));
        Assert.True(workspace.Index().ChunksEncoded > 0);
    }

    [Fact]
    public void An_index_inside_the_workspace_never_shows_in_git_status()
    {
        using var repo = new SampleRepo();
        Git(repo.Root, "init", "-q");
        Git(repo.Root, "add", "-A");
        Git(repo.Root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "sample");
        using (var workspace = SemanticWorkspace.Open(new WorkspaceOptions(repo.Root, TinyModel.ColbertFolder)))
        {
            workspace.Index();
        }
        Assert.True(File.Exists(Path.Combine(repo.Root, ".semantic-search", "index.db")));
        Assert.Equal("", Git(repo.Root, "status", "--porcelain", "--untracked-files=all"));

        // A .gitignore the user wrote there is theirs.
        File.WriteAllText(Path.Combine(repo.Root, ".semantic-search", ".gitignore"), "index.db\n");
        using (SemanticWorkspace.Open(new WorkspaceOptions(repo.Root, TinyModel.ColbertFolder)))
        {
        }
        Assert.Equal("index.db\n", File.ReadAllText(Path.Combine(repo.Root, ".semantic-search", ".gitignore")));
    }

    private static string Git(string folder, params string[] args)
    {
        var info = new System.Diagnostics.ProcessStartInfo("git") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        using var git = System.Diagnostics.Process.Start(info)!;
        var output = git.StandardOutput.ReadToEnd();
        var error = git.StandardError.ReadToEnd();
        git.WaitForExit();
        Assert.True(git.ExitCode == 0, $"git {string.Join(' ', args)}: {error}");
        return output;
    }
}
