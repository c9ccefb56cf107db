using SemanticSearch.Engine.Indexing;
using SemanticSearch.Engine.Workspace;

namespace SemanticSearch.Engine.Tests.Indexing;

/// <summary>The one rule for where an index lives (CLI --index/--cache, the server's indexLocation, eval's cache).</summary>
public sealed class IndexLocationsTests
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "work", "my-repo");

    [Fact]
    public void By_default_the_index_is_in_the_workspace_folder_the_scanner_skips()
    {
        Assert.Equal(Path.Combine(Root, ".semantic-search", "index.db"), IndexLocations.Resolve(Root, null, false));
        Assert.Equal(WorkspaceScanner.IndexDirectoryName, IndexLocations.WorkspaceFolderName);
        Assert.Equal(Path.GetFullPath("x/i.db"), IndexLocations.Resolve(Root, "x/i.db", true)); // an explicit file wins
    }

    [Fact]
    public void A_shared_folder_holds_one_index_per_workspace_named_after_it_and_its_path()
    {
        var shared = Path.Combine(Path.GetTempPath(), "indexes");
        var index = IndexLocations.InFolder(shared, Root);
        Assert.Equal(shared, Path.GetDirectoryName(Path.GetDirectoryName(index)));
        Assert.StartsWith("my-repo-", Path.GetFileName(Path.GetDirectoryName(index)));
        Assert.Equal("index.db", Path.GetFileName(index));
        // The same folder however it is written; another checkout of the same name elsewhere gets its own.
        Assert.Equal(index, IndexLocations.InFolder(shared, Root + Path.DirectorySeparatorChar));
        Assert.NotEqual(index, IndexLocations.InFolder(shared, Path.Combine(Path.GetTempPath(), "other", "my-repo")));
        // The user cache is such a shared folder.
        Assert.Equal(IndexLocations.InFolder(IndexLocations.CacheFolder, Root), IndexLocations.Resolve(Root, null, true));
        Assert.Equal("semantic-search", Path.GetFileName(IndexLocations.CacheFolder));
    }
}
