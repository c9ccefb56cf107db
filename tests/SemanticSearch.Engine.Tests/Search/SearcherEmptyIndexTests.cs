using SemanticSearch.Engine.Index;
using SemanticSearch.Engine.Models;
using SemanticSearch.Engine.Search;

using SemanticSearch.TestSupport;

namespace SemanticSearch.Engine.Tests.Search;

public sealed class SearcherEmptyIndexTests
{
    [Fact]
    public void Searching_an_empty_index_returns_no_results()
    {
        // The language server searches while the first pass (or a rebuild) has committed nothing yet.
        var dir = Directory.CreateTempSubdirectory("semsearch-empty-").FullName;
        try
        {
            using var store = IndexStore.Open(Path.Combine(dir, "index.db"), new ModelIdentity("m", "w", "s"), 4, dir);
            var searcher = new Searcher(store, new VectorCache(4));
            var response = searcher.Search(new TokenVectors([1, 0, 0, 0], 1, 4), "x", 5);
            Assert.Empty(response.Results);
            Assert.Equal(0, response.ChunksSearched);
        }
        finally
        {
            TestFolders.Delete(dir);
        }
    }
}
