using SemanticSearch.Engine.Chunking;
using SemanticSearch.Engine.Index;
using SemanticSearch.Engine.Models;
using SemanticSearch.Engine.Workspace;

using SemanticSearch.TestSupport;

namespace SemanticSearch.Engine.Tests.Index;

public sealed class IndexStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("semsearch-store-").FullName;
    private static readonly ModelIdentity ModelA = new("model-a", "w1", "s1");
    private static readonly ModelIdentity ModelB = new("model-b", "w2", "s1");

    public void Dispose() => TestFolders.Delete(_dir);

    private string IndexPath => Path.Combine(_dir, "index.db");

    private static StoredChunk MakeChunk(string path, string symbol, int vectors, int dim)
    {
        var text = $"def {symbol}():\n    return 1\n";
        var chunk = new Chunk
        {
            Id = Chunk.MakeId(path, ChunkKind.Function, null, symbol, null, 0),
            Path = path,
            Language = "python",
            Kind = ChunkKind.Function,
            Symbol = symbol,
            Signature = $"def {symbol}()",
            Documentation = "Returns one.",
            Range = new SourceRange(3, 1, 4, 13),
            Text = text,
            TextOrigins = symbol == "alpha" ? new LineOrigins([(0, 0), (4, 1)]) : null,
            ContentHash = Common.ContentHash.Of(text),
        };
        var data = Enumerable.Range(0, vectors * dim).Select(i => (Half)(i % 7 / 7.0)).ToArray();
        return new StoredChunk(chunk, "enc-" + symbol, vectors, new VectorBlob(VectorFormat.Half, System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()).ToArray()),
            Enumerable.Range(0, vectors).Select(i => i - 1).ToArray(),
            Enumerable.Range(0, vectors).Select(_ => 3).ToArray());
    }

    private static FileUpdate Update(string path, params StoredChunk[] chunks) =>
        new(new FileRecord(path, 100, 42, "hash-" + path, "python", chunks.Select(c => c.Chunk.Id).ToArray()), chunks);

    [Fact]
    public async Task Reads_on_other_threads_during_commits_see_each_group_whole()
    {
        // The language server searches while its indexer commits: reads must neither fail nor see half a group.
        using var store = IndexStore.Open(IndexPath, ModelA, 4, _dir);
        var first = MakeChunk("a.py", "one", 2, 4);
        store.Commit([Update("a.py", first)], []);
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var files = store.LoadFiles();
                if (!files.TryGetValue("a.py", out var record))
                {
                    failures.Enqueue("a.py vanished");
                    continue;
                }
                // A record's chunks are committed with it: an id may only be missing if a later commit replaced it.
                foreach (var id in record.ChunkIds)
                {
                    if (store.GetChunk(id) is null && store.LoadFiles()["a.py"].ChunkIds.SequenceEqual(record.ChunkIds))
                    {
                        failures.Enqueue($"chunk {id} of the current a.py record is missing");
                    }
                }
                if (store.LoadChunksOfFile("a.py").Count != 1)
                {
                    failures.Enqueue("a.py does not have exactly one chunk");
                }
            }
        })).ToArray();
        for (var i = 0; i < 200; i++)
        {
            // A new symbol each time gives a new chunk id: were ids reused (one, two, one...), a reader that saw
            // commit i's record could miss its chunk and then find an identical record from commit i + 2.
            var symbol = $"f{i}";
            store.Commit([Update("a.py", MakeChunk("a.py", symbol, 2, 4)), Update($"b{i % 5}.py", MakeChunk($"b{i % 5}.py", "three", 1, 4))], []);
        }
        stop.Cancel();
        await Task.WhenAll(readers);
        Assert.Empty(failures);
        Assert.Equal(6, store.LoadFiles().Count);
    }

    [Fact]
    public void Round_trips_files_chunks_and_vectors_across_reopen()
    {
        var chunk = MakeChunk("src/a.py", "alpha", 5, 8);
        using (var store = IndexStore.Open(IndexPath, ModelA, 8, _dir))
        {
            store.Commit([Update("src/a.py", chunk)], []);
            store.MarkCompleted();
        }
        using (var store = IndexStore.Open(IndexPath, ModelA, 8, _dir))
        {
            Assert.Null(store.ResetReason);
            var file = Assert.Single(store.LoadFiles()).Value;
            Assert.Equal("src/a.py", file.Path);
            Assert.Equal([chunk.Chunk.Id], file.ChunkIds);
            var loaded = store.GetChunk(chunk.Chunk.Id)!;
            Assert.Equal(chunk.Chunk, loaded.Chunk);
            Assert.Equal(chunk.Vectors.Format, loaded.Vectors.Format);
            Assert.Equal(chunk.Vectors.Bytes.ToArray(), loaded.Vectors.Bytes.ToArray());
            Assert.Equal(chunk.TokenStarts, loaded.TokenStarts);
            Assert.Equal(chunk.TokenLengths, loaded.TokenLengths);
            Assert.Equal("enc-alpha", loaded.EncodingHash);
            var info = store.Info;
            Assert.Equal((1, 1, "model-a", 8), (info.FileCount, info.ChunkCount, info.ModelName, info.Dim));
            Assert.NotNull(info.LastCompletedUtc);
        }
    }

    [Fact]
    public void An_update_replaces_all_chunks_of_its_file_and_deletions_remove_them()
    {
        using var store = IndexStore.Open(IndexPath, ModelA, 4, _dir);
        store.Commit([Update("a.py", MakeChunk("a.py", "one", 2, 4), MakeChunk("a.py", "two", 2, 4)), Update("b.py", MakeChunk("b.py", "three", 1, 4))], []);
        store.Commit([Update("a.py", MakeChunk("a.py", "two", 3, 4))], ["b.py"]);
        Assert.Equal(["a.py"], store.LoadFiles().Keys);
        var chunks = store.AllChunks().ToList();
        var only = Assert.Single(chunks);
        Assert.Equal("two", only.Chunk.Symbol);
        Assert.Equal(3, only.VectorCount);
    }

    [Fact]
    public void Another_model_clears_the_index_instead_of_mixing_vectors()
    {
        using (var store = IndexStore.Open(IndexPath, ModelA, 4, _dir))
        {
            store.Commit([Update("a.py", MakeChunk("a.py", "one", 2, 4))], []);
        }
        using (var store = IndexStore.Open(IndexPath, ModelB, 4, _dir))
        {
            Assert.Contains("model-a", store.ResetReason);
            Assert.Empty(store.LoadFiles());
            Assert.Empty(store.AllChunks());
            Assert.Equal("model-b", store.Info.ModelName);
        }
    }

    [Fact]
    public void A_corrupt_file_gives_a_clear_error_that_offers_a_rebuild()
    {
        // An index whose file was overwritten (its lexical folder beside it says it was one).
        IndexStore.Open(IndexPath, ModelA, 4, _dir).Dispose();
        var bytes = new byte[64 * 1024];
        new Random(1).NextBytes(bytes);
        File.WriteAllBytes(IndexPath, bytes);
        var error = Assert.Throws<IndexCorruptException>(() => IndexStore.Open(IndexPath, ModelA, 4, _dir));
        Assert.Contains(IndexPath, error.Message);
        // The engine names the remedy, not a front end's command for it (the CLI and the server word it).
        Assert.Equal(ErrorRemedy.RebuildIndex, error.Remedy);
        Assert.DoesNotContain("--rebuild", error.Message);
        Assert.Contains("rebuilding it fixes this", error.Message);
        IndexStore.Delete(IndexPath);
        using var store = IndexStore.Open(IndexPath, ModelA, 4, _dir);
        Assert.Empty(store.LoadFiles());
    }

    [Fact]
    public void Skipped_files_keep_their_reason()
    {
        using var store = IndexStore.Open(IndexPath, ModelA, 4, _dir);
        store.Commit([new FileUpdate(new FileRecord("min.js", 5000, 1, "h", "javascript", [], SkipReason.Minified, "average line 4000 chars"), [])], []);
        var record = store.LoadFiles()["min.js"];
        Assert.Equal(SkipReason.Minified, record.Skipped);
        Assert.Equal("average line 4000 chars", record.SkipDetail);
    }

    [Fact]
    public void Paths_too_long_for_a_LiteDB_key_are_keyed_by_their_hash_and_read_back_whole()
    {
        // One byte under, at and over the limit (multi-byte characters count as their UTF-8 bytes).
        var atLimit = new string('a', IndexStore.MaxKeyBytes - 3) + ".py";
        var over = new string('a', IndexStore.MaxKeyBytes - 2) + ".py";
        var accented = new string('é', 600) + ".py";
        using (var store = IndexStore.Open(IndexPath, ModelA, 4, _dir))
        {
            store.Commit([Update(atLimit, MakeChunk(atLimit, "one", 1, 4)), Update(over, MakeChunk(over, "two", 1, 4)), Update(accented, MakeChunk(accented, "three", 1, 4))], []);
        }
        using (var store = IndexStore.Open(IndexPath, ModelA, 4, _dir))
        {
            Assert.Equal([atLimit, over, accented], store.LoadFiles().Keys.Order(StringComparer.Ordinal));
            Assert.Equal(over, Assert.Single(store.LoadChunksOfFile(over)).Value.Chunk.Path);
            Assert.Equal(accented, Assert.Single(store.LoadChunksOfFile(accented)).Value.Chunk.Path);
            store.Commit([Update(over, MakeChunk(over, "four", 2, 4))], [accented]);
            Assert.Equal("four", Assert.Single(store.LoadChunksOfFile(over)).Value.Chunk.Symbol);
            Assert.Equal([atLimit, over], store.LoadFiles().Keys.Order(StringComparer.Ordinal));
            Assert.Equal(2, store.AllChunks().Count());
        }
        using var db = new LiteDB.LiteDatabase(new LiteDB.ConnectionString { Filename = IndexPath, Connection = LiteDB.ConnectionType.Direct });
        var ids = db.GetCollection("files").FindAll().Select(d => d["_id"].AsString).ToList();
        Assert.Contains(atLimit, ids); // short enough: its own key, as in every older index
        Assert.Contains("/" + Common.ContentHash.Of(over, 64), ids);
    }

    [Fact]
    public void A_schema_3_chunk_keeps_its_int32_spans_readable_and_a_chunk_written_now_holds_varints()
    {
        var old = MakeChunk("src/a.py", "alpha", 3, 4);
        using (var store = IndexStore.Open(IndexPath, ModelA, 4, _dir))
        {
            store.Commit([Update("src/a.py", old)], []);
        }
        // The chunk as schema 3 wrote it: two int32 arrays, no varints, sealed as that build sealed it.
        using (var db = new LiteDB.LiteDatabase(new LiteDB.ConnectionString { Filename = IndexPath, Connection = LiteDB.ConnectionType.Direct }))
        {
            var chunks = db.GetCollection("chunks");
            var doc = chunks.FindById(old.Chunk.Id);
            doc.Remove(TokenSpans.Field);
            doc["ts"] = System.Runtime.InteropServices.MemoryMarshal.AsBytes(old.TokenStarts.AsSpan()).ToArray();
            doc["tl"] = System.Runtime.InteropServices.MemoryMarshal.AsBytes(old.TokenLengths.AsSpan()).ToArray();
            chunks.Update(DocumentChecksum.Seal(doc));
        }
        IndexHeader.Edit(IndexPath, header => header["schema"] = 3);

        var fresh = MakeChunk("src/b.py", "beta", 5, 4);
        using (var store = IndexStore.Open(IndexPath, ModelA, 4, _dir))
        {
            Assert.Null(store.ResetReason);
            Assert.Equal(4, store.Info.SchemaVersion);
            var read = store.GetChunk(old.Chunk.Id)!;
            Assert.Equal([-1, 0, 1], read.TokenStarts);
            Assert.Equal([3, 3, 3], read.TokenLengths);
            store.Commit([Update("src/b.py", fresh)], []);
            var again = store.GetChunk(fresh.Chunk.Id)!;
            Assert.Equal(fresh.TokenStarts, again.TokenStarts);
            Assert.Equal(fresh.TokenLengths, again.TokenLengths);
        }
        using (var db = new LiteDB.LiteDatabase(new LiteDB.ConnectionString { Filename = IndexPath, Connection = LiteDB.ConnectionType.Direct }))
        {
            var doc = db.GetCollection("chunks").FindById(fresh.Chunk.Id);
            Assert.False(doc.ContainsKey("ts") || doc.ContainsKey("tl"));
            // Five vectors: a zigzag delta and a length of one byte each.
            Assert.Equal(10, doc[TokenSpans.Field].AsBinary.Length);
        }
    }

    [Fact]
    public void An_index_of_schema_2_is_read_as_it_is_and_moved_to_the_current_schema()
    {
        var chunk = MakeChunk("src/a.py", "alpha", 2, 4);
        using (var store = IndexStore.Open(IndexPath, ModelA, 4, _dir))
        {
            store.Commit([Update("src/a.py", chunk)], []);
        }
        IndexHeader.Edit(IndexPath, header => header["schema"] = 2);
        using (var store = IndexStore.Open(IndexPath, ModelA, 4, _dir))
        {
            Assert.Null(store.ResetReason);
            Assert.Equal(IndexStore.SchemaVersion, store.Info.SchemaVersion);
            Assert.Equal(chunk.Chunk, store.GetChunk(chunk.Chunk.Id)!.Chunk);
            Assert.Equal(["src/a.py"], store.LoadFiles().Keys);
        }
    }
}
