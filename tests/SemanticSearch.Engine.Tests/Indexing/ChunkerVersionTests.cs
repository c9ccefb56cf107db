using LiteDB;
using SemanticSearch.Engine.Indexing;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Engine.Tests.Indexing;

/// <summary>
/// An index whose chunks an older chunker made is re-chunked by the first full pass of a newer build (unchanged
/// files included), keeping the vectors of chunks that come out the same; later passes skip unchanged files again.
/// </summary>
public sealed class ChunkerVersionTests
{
    [Fact]
    public void An_index_from_an_older_chunker_is_rechunked_once_reusing_what_did_not_change()
    {
        using var repo = new SampleRepo();
        var options = new WorkspaceOptions(repo.Root, TinyModel.ColbertFolder);
        int files;
        using (var first = SemanticWorkspace.Open(options))
        {
            files = first.Index().FilesScanned;
            Assert.Equal(0, first.Index().FilesRechunked); // made by this chunker: nothing to do
        }

        // What an older build left: its header names chunker 1 (or none), and its checksum is that build's.
        IndexHeader.Edit(options.IndexFiles.Database, header => header.Remove("chunker"));

        using var upgraded = SemanticWorkspace.Open(options);
        var pass = upgraded.Index();
        Assert.Equal(files, pass.FilesRechunked);
        Assert.Equal(0, pass.FilesChanged);
        Assert.Equal(0, pass.ChunksEncoded); // the sample's chunks come out the same: every vector reused
        Assert.True(pass.ChunksReused > 0);
        var after = upgraded.Index();
        Assert.Equal(0, after.FilesRechunked);
        Assert.Equal(files, after.FilesUnchanged); // the header records this chunker now
    }
}
