using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;
using SemanticSearch.Engine.Search;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace SemanticSearch.Engine.Index;

/// <summary>One lexical hit: the chunk and its BM25 score (fielded, see <see cref="LexicalIndex"/>).</summary>
public readonly record struct LexicalHit(string ChunkId, float Score);

/// <summary>
/// The lexical side of the index: a Lucene.NET index of every chunk, BM25 over its fields, kept beside the LiteDB
/// file (<c>index.db</c> → <c>index.lexical/</c>). It is derived data: LiteDB's file records are the source of
/// truth, and <see cref="IndexStore"/> writes here after each of its commits, in the same per-file groups.
/// <para>On-disk format: a plain Lucene 4.8 index. One document per chunk: <c>id</c> and <c>path</c> (stored,
/// unanalyzed; <c>path</c> is the delete key of a file's group; <c>id</c> also as binary doc values, read per hit), <c>lang</c> (unanalyzed, for the language
/// filter), and the analyzed, unstored fields of <see cref="Fields"/>, whose terms are <see cref="CodeTerms"/>.
/// A folder that cannot be read is deleted and rebuilt from the stored chunk text; nothing is ever re-encoded.</para>
/// </summary>
public sealed class LexicalIndex : IDisposable
{
    private const LuceneVersion Version = LuceneVersion.LUCENE_48;
    private const string IdField = "id";
    private const string PathField = "path";
    private const string LanguageField = "lang";

    /// <summary>
    /// The layout of the documents, kept in each commit's user data. A folder of another format (or none) is reset
    /// and refilled from the store, never read with the wrong fields.
    /// </summary>
    public const string Format = "1";

    private const string FormatKey = "semsearch-lexical-format";

    private const string GenerationKey = "semsearch-store-generation";

    private readonly LuceneDirectory _directory;
    /// <summary>Null for a reader (<see cref="TryOpenReader"/>), which searches the last commit and never writes.</summary>
    private readonly IndexWriter? _writer;
    private readonly SearcherManager _searchers;
    private readonly object _gate = new();

    private LexicalIndex(string folder, LuceneDirectory directory, IndexWriter? writer, long generation)
    {
        Folder = folder;
        _directory = directory;
        _writer = writer;
        _searchers = writer is null
            ? new SearcherManager(directory, new Bm25SearcherFactory())
            : new SearcherManager(writer, true, new Bm25SearcherFactory());
        Generation = generation;
    }

    /// <summary>
    /// Opens the lexical index read-only, as of its last commit (Lucene's write lock is not taken, so the index's
    /// writer keeps it); null when there is none or it cannot be read: the search then has no lexical side.
    /// </summary>
    public static LexicalIndex? TryOpenReader(string folder)
    {
        if (!System.IO.Directory.Exists(folder))
        {
            return null;
        }
        var directory = FSDirectory.Open(folder);
        try
        {
            if (DirectoryReader.IndexExists(directory) && ReadCommit(directory) is { } generation)
            {
                return new LexicalIndex(folder, directory, writer: null, generation);
            }
        }
        catch (Exception ex) when (ex is CorruptIndexException or IndexFormatTooOldException or IndexFormatTooNewException or EndOfStreamException or IOException)
        {
            // Unreadable: searched without a lexical side (the writer's next open rebuilds it).
        }
        directory.Dispose();
        return null;
    }

    public string Folder { get; }

    /// <summary>
    /// The store commit this index last caught up with (<see cref="IndexStore"/>'s generation, kept in Lucene's commit
    /// data), or -1 when unknown. Equal to the store's at open: nothing to reconcile, no scan of the documents.
    /// </summary>
    public long Generation { get; private set; }

    /// <summary>
    /// Opens (or creates) the lexical index in <paramref name="folder"/>. An unreadable one is deleted and created
    /// empty (<paramref name="wasReset"/>); the caller then refills it from the store.
    /// </summary>
    public static LexicalIndex Open(string folder, out bool wasReset)
    {
        wasReset = false;
        try
        {
            return OpenFolder(folder);
        }
        catch (LockObtainFailedException ex)
        {
            throw new IOException($"The lexical index at {folder} is in use by another process.", ex);
        }
        catch (Exception ex) when (ex is CorruptIndexException or IndexFormatTooOldException or IndexFormatTooNewException or EndOfStreamException or IOException)
        {
            wasReset = true;
            System.IO.Directory.Delete(folder, recursive: true);
            return OpenFolder(folder);
        }
    }

    private static LexicalIndex OpenFolder(string folder)
    {
        System.IO.Directory.CreateDirectory(folder);
        var directory = FSDirectory.Open(folder);
        try
        {
            var generation = -1L;
            if (DirectoryReader.IndexExists(directory))
            {
                generation = ReadCommit(directory)
                    ?? throw new IndexFormatTooOldException($"lexical index of another format, expected {Format}", Format);
            }
            var config = new IndexWriterConfig(Version, new CodeAnalyzer())
            {
                OpenMode = OpenMode.CREATE_OR_APPEND,
                Similarity = new BM25Similarity(),
            };
            var writer = new IndexWriter(directory, config);
            return new LexicalIndex(folder, directory, writer, generation);
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    /// <summary>The store generation of the last commit (-1: not recorded); null when the commit is of another format.</summary>
    private static long? ReadCommit(LuceneDirectory directory)
    {
        using var reader = DirectoryReader.Open(directory);
        var data = reader.IndexCommit.UserData;
        if (!data.TryGetValue(FormatKey, out var format) || format != Format)
        {
            return null;
        }
        return data.TryGetValue(GenerationKey, out var g)
            && long.TryParse(g, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? n
            : -1;
    }

    /// <summary>Chunk ids held per file path (what <see cref="IndexStore"/> compares with its file records at open).</summary>
    public Dictionary<string, HashSet<string>> ChunkIdsByPath()
    {
        var result = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var searcher = _searchers.Acquire();
        try
        {
            var reader = searcher.IndexReader;
            var live = MultiFields.GetLiveDocs(reader);
            var wanted = new HashSet<string> { IdField, PathField };
            for (var doc = 0; doc < reader.MaxDoc; doc++)
            {
                if (live is not null && !live.Get(doc))
                {
                    continue;
                }
                var stored = reader.Document(doc, wanted);
                var path = stored.Get(PathField);
                if (!result.TryGetValue(path, out var ids))
                {
                    result[path] = ids = new HashSet<string>(StringComparer.Ordinal);
                }
                ids.Add(stored.Get(IdField));
            }
        }
        finally
        {
            _searchers.Release(searcher);
        }
        return result;
    }

    /// <summary>Chunks held (live documents).</summary>
    public int Count
    {
        get
        {
            var searcher = _searchers.Acquire();
            try
            {
                return searcher.IndexReader.NumDocs;
            }
            finally
            {
                _searchers.Release(searcher);
            }
        }
    }

    /// <summary>
    /// Replaces the documents of each updated file with its chunks and removes deleted files, then commits: one
    /// Lucene commit per store commit, so both sides move in the same groups. <paramref name="generation"/> is the
    /// store commit this brings the index up to (-1: unknown, the next open reconciles).
    /// </summary>
    public void Apply(IReadOnlyList<FileUpdate> updates, IReadOnlyList<string> deletions, long generation = -1)
    {
        lock (_gate)
        {
            var writer = _writer ?? throw new InvalidOperationException($"The lexical index at {Folder} was opened for reading only.");
            foreach (var path in deletions)
            {
                writer.DeleteDocuments(new Term(PathField, path));
            }
            foreach (var update in updates)
            {
                writer.DeleteDocuments(new Term(PathField, update.File.Path));
                foreach (var stored in update.Chunks)
                {
                    writer.AddDocument(ToDocument(stored));
                }
            }
            writer.SetCommitData(new Dictionary<string, string>
            {
                [FormatKey] = Format,
                [GenerationKey] = generation.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
            writer.Commit();
            _searchers.MaybeRefreshBlocking();
            Generation = generation;
        }
    }

    /// <summary>
    /// The top <paramref name="count"/> chunks for <paramref name="query"/> by fielded BM25: each query term
    /// (stop words dropped unless the query is only stop words) scores its best field by that field's weight plus
    /// the tie-breaker share of the others (<paramref name="weights"/>, default <see cref="RankingWeights.Default"/>);
    /// terms add up. <paramref name="languages"/> keeps only those.
    /// </summary>
    public List<LexicalHit> Search(string query, int count, IReadOnlyCollection<string>? languages = null, RankingWeights? weights = null)
    {
        weights ??= RankingWeights.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var terms = QueryTerms(query);
        if (terms.Count == 0)
        {
            return [];
        }
        var text = new BooleanQuery();
        foreach (var term in terms)
        {
            var perField = new DisjunctionMaxQuery((float)weights.FieldTieBreaker);
            foreach (var (name, weight) in weights.FieldWeights)
            {
                perField.Add(new TermQuery(new Term(name, term)) { Boost = weight });
            }
            text.Add(perField, Occur.SHOULD);
        }
        Query search = text;
        if (languages is { Count: > 0 })
        {
            var allowed = new BooleanQuery();
            foreach (var language in languages)
            {
                allowed.Add(new TermQuery(new Term(LanguageField, language.ToLowerInvariant())), Occur.SHOULD);
            }
            search = new FilteredQuery(text, new QueryWrapperFilter(allowed));
        }
        var searcher = _searchers.Acquire();
        try
        {
            var top = searcher.Search(search, count);
            var hits = new List<LexicalHit>(top.ScoreDocs.Length);
            // Ids come from doc values (column per segment), not from stored fields: no decompression per hit.
            var leaves = searcher.IndexReader.Leaves;
            var id = new BytesRef();
            foreach (var hit in top.ScoreDocs)
            {
                var leaf = leaves[ReaderUtil.SubIndex(hit.Doc, leaves)];
                var ids = leaf.AtomicReader.GetBinaryDocValues(IdField) ?? throw new CorruptIndexException($"the lexical index at {Folder} has no id column");
                ids.Get(hit.Doc - leaf.DocBase, id);
                hits.Add(new LexicalHit(id.Utf8ToString(), hit.Score));
            }
            return hits;
        }
        finally
        {
            _searchers.Release(searcher);
        }
    }

    /// <summary>The distinct terms a query searches for (see <see cref="Search"/>), in query order.</summary>
    public static List<string> QueryTerms(string query)
    {
        var all = CodeTerms.Strings(query).Distinct(StringComparer.Ordinal).ToList();
        var content = all.Where(t => !CodeTerms.IsStopWord(t)).ToList();
        return content.Count > 0 ? content : all;
    }

    private static Document ToDocument(StoredChunk stored)
    {
        var c = stored.Chunk;
        var fileName = Path.GetFileName(c.Path);
        var document = new Document
        {
            new StringField(IdField, c.Id, Field.Store.YES),
            new BinaryDocValuesField(IdField, new BytesRef(c.Id)),
            new StringField(PathField, c.Path, Field.Store.YES),
            new StringField(LanguageField, c.Language.ToLowerInvariant(), Field.Store.NO),
            // The file field holds the path's words; the file name (without extension) comes once more, as the
            // part of a path that most often names what the file is about.
            new TextField("file", $"{c.Path} {Path.GetFileNameWithoutExtension(fileName)}", Field.Store.NO),
            new TextField("body", c.Text, Field.Store.NO),
        };
        AddIfPresent(document, "symbol", c.Symbol);
        AddIfPresent(document, "container", c.Container);
        AddIfPresent(document, "signature", c.Signature);
        AddIfPresent(document, "doc", c.Documentation);
        return document;
    }

    private static void AddIfPresent(Document document, string field, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            document.Add(new TextField(field, value, Field.Store.NO));
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _searchers.Dispose();
            _writer?.Dispose();
            _directory.Dispose();
        }
    }

    private sealed class Bm25SearcherFactory : SearcherFactory
    {
        public override IndexSearcher NewSearcher(IndexReader reader) => new(reader) { Similarity = new BM25Similarity() };
    }

    /// <summary>Every field is analyzed by <see cref="CodeTerms"/>: the same terms for documents and queries.</summary>
    private sealed class CodeAnalyzer : Analyzer
    {
        protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader) =>
            new(new CodeTermTokenizer(reader));
    }

    private sealed class CodeTermTokenizer : Tokenizer
    {
        private readonly ICharTermAttribute _term;
        private readonly IOffsetAttribute _offset;
        private IEnumerator<CodeTerm>? _terms;
        private int _end;

        public CodeTermTokenizer(TextReader reader)
            : base(reader)
        {
            _term = AddAttribute<ICharTermAttribute>();
            _offset = AddAttribute<IOffsetAttribute>();
        }

        public override bool IncrementToken()
        {
            ClearAttributes();
            if (_terms is null || !_terms.MoveNext())
            {
                return false;
            }
            var t = _terms.Current;
            _term.SetEmpty().Append(t.Text);
            _offset.SetOffset(CorrectOffset(t.Start), CorrectOffset(t.Start + t.Length));
            return true;
        }

        public override void Reset()
        {
            base.Reset();
            var text = m_input.ReadToEnd();
            _end = text.Length;
            _terms = CodeTerms.Of(text).GetEnumerator();
        }

        public override void End()
        {
            base.End();
            var final = CorrectOffset(_end);
            _offset.SetOffset(final, final);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _terms?.Dispose();
                _terms = null;
            }
            base.Dispose(disposing);
        }
    }
}
