using SemanticSearch.Engine.Chunking;
using SemanticSearch.Engine.Index;

using SemanticSearch.TestSupport;

namespace SemanticSearch.Engine.Tests.Index;

/// <summary>The Lucene.NET lexical index on disk: fielded BM25 with the code term rule, per-file replacement, reopen, self-repair.</summary>
public sealed class LexicalIndexTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("semsearch-lexical-").FullName;

    public void Dispose() => TestFolders.Delete(_dir);

    private string Folder => Path.Combine(_dir, "index.lexical");

    private static StoredChunk Chunk(string path, string symbol, string text, string language = "csharp", string? doc = null) => new(
        new Chunk
        {
            Id = $"{path}:{symbol}",
            Path = path,
            Language = language,
            Kind = ChunkKind.Method,
            Symbol = symbol,
            Documentation = doc,
            Range = new SourceRange(1, 1, 2, 1),
            Text = text,
            ContentHash = symbol,
        },
        "enc", 0, new VectorBlob(VectorFormat.Half, Array.Empty<byte>()), [], []);

    private static FileUpdate File(string path, params StoredChunk[] chunks) =>
        new(new FileRecord(path, 1, 1, "h", chunks.FirstOrDefault()?.Chunk.Language ?? "csharp", chunks.Select(c => c.Chunk.Id).ToArray()), chunks);

    [Fact]
    public void Identifiers_split_by_the_code_rule_match_words_and_whole_names()
    {
        using var index = LexicalIndex.Open(Folder, out var reset);
        Assert.False(reset);
        index.Apply(
            [
                File("src/Mail/EmailValidator.cs", Chunk("src/Mail/EmailValidator.cs", "IsValidEmail",
                    "public static bool IsValidEmail(string address) => Pattern.IsMatch(address);")),
                File("src/Http/HttpClientFactory.cs", Chunk("src/Http/HttpClientFactory.cs", "CreateHTTPClient", "public HttpClient CreateHTTPClient() => new();")),
                File("scripts/resize.py", Chunk("scripts/resize.py", "resize_image", "def resize_image(path, width):\n    pass", "python")),
            ],
            []);
        Assert.Equal(3, index.Count);
        Assert.Equal("src/Mail/EmailValidator.cs:IsValidEmail", index.Search("valid email", 5)[0].ChunkId);
        Assert.Equal("src/Mail/EmailValidator.cs:IsValidEmail", index.Search("isvalidemail", 5)[0].ChunkId);
        Assert.Equal("src/Http/HttpClientFactory.cs:CreateHTTPClient", index.Search("create http client", 5)[0].ChunkId);
        Assert.Equal("scripts/resize.py:resize_image", index.Search("how do I resize an image", 5)[0].ChunkId);
        // The language filter, and a query of nothing but stop words still searches (for what little it matches).
        Assert.Empty(index.Search("resize image", 5, ["csharp"]));
        Assert.Single(index.Search("resize image", 5, ["python"]));
        Assert.Equal(["how", "to"], LexicalIndex.QueryTerms("how to"));
        Assert.Equal(["read", "file"], LexicalIndex.QueryTerms("how to read the file"));
    }

    [Fact]
    public void A_file_update_replaces_its_documents_a_deletion_removes_them_and_the_index_persists()
    {
        using (var index = LexicalIndex.Open(Folder, out _))
        {
            index.Apply([File("a.cs", Chunk("a.cs", "Alpha", "alpha one"), Chunk("a.cs", "Beta", "beta two")), File("b.cs", Chunk("b.cs", "Gamma", "gamma three"))], []);
            index.Apply([File("a.cs", Chunk("a.cs", "Delta", "delta four"))], ["b.cs"]);
            var held = index.ChunkIdsByPath();
            Assert.Equal(["a.cs"], held.Keys);
            Assert.Equal(["a.cs:Delta"], held["a.cs"]);
            Assert.Empty(index.Search("alpha", 5));
        }
        using var reopened = LexicalIndex.Open(Folder, out var reset);
        Assert.False(reset);
        Assert.Equal("a.cs:Delta", reopened.Search("delta", 5)[0].ChunkId);
    }

    [Fact]
    public void A_folder_of_another_format_is_reset_not_misread()
    {
        // A Lucene index that is not ours (no format in its commit data): opened, it must come back empty.
        using (var directory = Lucene.Net.Store.FSDirectory.Open(Folder))
        using (var writer = new Lucene.Net.Index.IndexWriter(directory, new Lucene.Net.Index.IndexWriterConfig(Lucene.Net.Util.LuceneVersion.LUCENE_48,
            Lucene.Net.Analysis.Analyzer.NewAnonymous((_, _) => throw new NotSupportedException("only unanalyzed fields here")))))
        {
            writer.AddDocument([new Lucene.Net.Documents.StringField("path", "a.cs", Lucene.Net.Documents.Field.Store.YES)]);
            writer.Commit();
        }
        using var index = LexicalIndex.Open(Folder, out var reset);
        Assert.True(reset);
        Assert.Equal(0, index.Count);
        index.Apply([File("a.cs", Chunk("a.cs", "Alpha", "alpha one"))], []);
        Assert.Equal("a.cs:Alpha", index.Search("alpha", 1)[0].ChunkId);
    }

    [Fact]
    public void An_unreadable_folder_is_reset_to_empty_for_the_store_to_refill()
    {
        using (var index = LexicalIndex.Open(Folder, out _))
        {
            index.Apply([File("a.cs", Chunk("a.cs", "Alpha", "alpha one"))], []);
        }
        foreach (var file in Directory.GetFiles(Folder, "segments*"))
        {
            System.IO.File.WriteAllBytes(file, [1, 2, 3, 4, 5, 6, 7]);
        }
        using var reopened = LexicalIndex.Open(Folder, out var reset);
        Assert.True(reset);
        Assert.Equal(0, reopened.Count);
    }
}
