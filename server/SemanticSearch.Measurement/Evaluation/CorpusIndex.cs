using System.Text.RegularExpressions;
using SemanticSearch.Engine.Chunking;
using SemanticSearch.Engine.Common;
using SemanticSearch.Engine.Index;
using SemanticSearch.Engine.Indexing;
using SemanticSearch.Engine.Models;

namespace SemanticSearch.Measurement.Evaluation;

/// <summary>Progress of a corpus encoding pass.</summary>
public sealed record CorpusProgress(int Done, int Total, int Encoded);

/// <summary>What <see cref="CorpusIndex.Build"/> did.</summary>
public sealed record CorpusIndexResult(int Records, int Encoded, int Reused, int Removed, TimeSpan Elapsed);

/// <summary>
/// A query-set corpus (<see cref="CorpusRecord"/>s) in an ordinary <see cref="IndexStore"/>: each record is one
/// FileRecord whose path is the record id, holding exactly one chunk (kind Function, symbol = the function name
/// when a cheap pattern finds it). The model encodes <see cref="ChunkEncoding"/>'s header convention with the
/// record's path (empty when the record has none) and symbol, then the code; code longer than the model's document
/// length is truncated by the model, as any chunk would be.
/// Groups of records are committed one transaction each, so an interrupted pass keeps its work and the next pass
/// encodes only what is missing or changed (same model identity and same encoding hash = same vectors).
/// </summary>
public static partial class CorpusIndex
{
    public const int GroupSize = 64;

    /// <summary>
    /// Default index file for a corpus: the user cache, keyed by corpus content hash and model identity, and apart
    /// for an uncompressed reference or other residual bits (<paramref name="compression"/>), so those never share an index.
    /// </summary>
    public static string DefaultPath(string corpusFile, ModelIdentity model, VectorCompression? compression = null)
    {
        var form = compression switch
        {
            { Enabled: false } => "-half",
            { Bits: var bits } when bits != VectorCompression.Default.Bits => $"-codes{bits}",
            _ => "",
        } + (compression is { PoolTokens: true } ? "-pool2" : "");
        var name = $"{Path.GetFileNameWithoutExtension(corpusFile)}-{ContentHash.OfFile(corpusFile, 12)}-{ContentHash.Of(model.Key, 8)}{form}";
        return Path.Combine(IndexLocation.CacheFolder, "eval", name, IndexLocation.FileName);
    }

    /// <summary>The chunk a record becomes (its <see cref="Chunk.Path"/> is the record id, the store's key).</summary>
    public static Chunk ChunkOf(CorpusRecord record)
    {
        var symbol = SymbolOf(record.Code);
        var lines = record.Code.Split('\n');
        return new Chunk
        {
            Id = Chunk.MakeId(record.Id, ChunkKind.Function, null, symbol, null, 0),
            Path = record.Id,
            Language = record.Language,
            Kind = ChunkKind.Function,
            Symbol = symbol,
            Range = new SourceRange(1, 1, lines.Length, lines[^1].Length + 1),
            Text = record.Code,
            ContentHash = ContentHash.Of(record.Code, 32),
        };
    }

    /// <summary>The exact text the model encodes for a record (header with the record's path and symbol, then code).</summary>
    public static string EncodingText(CorpusRecord record, Chunk chunk, ITokenCounter counter, out int headerLength) =>
        ChunkEncoding.TextFor(chunk with { Path = record.Path ?? "" }, counter, out headerLength);

    /// <summary>Encodes what the store lacks, removes records that are no longer in the corpus.</summary>
    public static CorpusIndexResult Build(
        IndexStore store,
        EmbeddingModel model,
        IReadOnlyList<CorpusRecord> records,
        IProgress<CorpusProgress>? progress = null,
        CancellationToken cancellationToken = default,
        VectorCompression? compression = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var known = store.LoadFiles();
        var wanted = new HashSet<string>(records.Select(r => r.Id), StringComparer.Ordinal);
        var removed = known.Keys.Where(k => !wanted.Contains(k)).ToList();
        if (removed.Count > 0)
        {
            store.Commit([], removed);
        }
        var pending = new List<(CorpusRecord Record, Chunk Chunk, string Text, int HeaderLength, string Hash)>();
        var reused = 0;
        foreach (var record in records)
        {
            var chunk = ChunkOf(record);
            var text = EncodingText(record, chunk, model, out var headerLength);
            var hash = ContentHash.Of(text, 32);
            if (known.TryGetValue(record.Id, out var file) && file.ContentHash == hash && file.ChunkIds.Count == 1 && file.ChunkIds[0] == chunk.Id)
            {
                reused++;
                continue;
            }
            pending.Add((record, chunk, text, headerLength, hash));
        }

        var encoded = 0;
        progress?.Report(new CorpusProgress(reused, records.Count, 0));
        for (var start = 0; start < pending.Count; start += GroupSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var group = pending.Skip(start).Take(GroupSize).ToList();
            var vectors = model.EncodeDocuments(group.Select(g => g.Text).ToList(), cancellationToken);
            var updates = new List<FileUpdate>(group.Count);
            for (var i = 0; i < group.Count; i++)
            {
                var g = group[i];
                var stored = WorkspaceIndexer.ToStored(g.Chunk, g.Hash, g.HeaderLength, TokenPooling.ForIndex(vectors[i], store.PoolFactor), store.Codec);
                var fileRecord = new FileRecord(g.Record.Id, g.Record.Code.Length, 0, g.Hash, g.Record.Language, [g.Chunk.Id]);
                updates.Add(new FileUpdate(fileRecord, [stored]));
            }
            store.Commit(updates, []);
            encoded += group.Count;
            progress?.Report(new CorpusProgress(reused + encoded, records.Count, encoded));
        }
        store.MarkCompleted();
        (compression ?? VectorCompression.Default).Apply(store, 0, cancellationToken);
        store.Checkpoint();
        return new CorpusIndexResult(records.Count, encoded, reused, removed.Count, clock.Elapsed);
    }

    /// <summary>
    /// The function (or class) name a record defines, found by cheap patterns on its first lines: Python/Ruby
    /// <c>def</c>/<c>class</c>, Go <c>func (recv) Name</c>, JavaScript <c>function name</c> and
    /// <c>a.b.name = function</c> / <c>name: function</c>, arrow functions assigned to a name. Null otherwise.
    /// </summary>
    public static string? SymbolOf(string code)
    {
        var head = code.Length > 600 ? code[..600] : code;
        var m = SymbolPattern().Match(head);
        if (!m.Success)
        {
            return null;
        }
        var name = m.Groups["name"].Value;
        var dot = name.LastIndexOf('.');
        return dot >= 0 ? name[(dot + 1)..] : name;
    }

    [GeneratedRegex(
        @"^[ \t]*(?:(?:async[ \t]+)?def[ \t]+(?<name>\w+)|class[ \t]+(?<name>\w+)|func[ \t]+(?:\([^)]*\)[ \t]*)?(?<name>\w+)|" +
        @"(?:export[ \t]+)?(?:default[ \t]+)?(?:async[ \t]+)?function[ \t]*\*?[ \t]*(?<name>[\w$]+)|" +
        @"(?:(?:var|let|const)[ \t]+)?(?<name>[\w$.]+)[ \t]*[=:][ \t]*(?:async[ \t]+)?(?:function\b|\([^)]*\)[ \t]*=>))",
        RegexOptions.Multiline)]
    private static partial Regex SymbolPattern();
}
