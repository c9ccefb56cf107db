using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;
using SemanticSearch.Engine.Chunking;

namespace SemanticSearch.Engine.Models;

/// <summary>
/// One packed model input: ids and masks ready for the ONNX graph, which output vectors to keep, and each position's
/// character span in the ORIGINAL text (start -1, length 0 for [CLS], [SEP], markers, [MASK] and prefix tokens).
/// </summary>
public sealed class EncodedText
{
    internal EncodedText(long[] inputIds, long[] attentionMask, bool[] outputMask, int[] starts, int[] lengths)
    {
        InputIds = inputIds;
        AttentionMask = attentionMask;
        TokenTypeIds = new long[inputIds.Length];
        OutputMask = outputMask;
        Starts = starts;
        Lengths = lengths;
    }

    public long[] InputIds { get; }
    public long[] AttentionMask { get; }
    /// <summary>All zeros: single-segment inputs.</summary>
    public long[] TokenTypeIds { get; }
    /// <summary>Which output vectors are kept (one entry per position).</summary>
    public bool[] OutputMask { get; }
    public int[] Starts { get; }
    public int[] Lengths { get; }
    public int Length => InputIds.Length;
    public int KeptCount => OutputMask.Count(k => k);
}

/// <summary>
/// BERT WordPiece tokenization with HF parity (see tests/fixtures/models/answerai-colbert-small-v1/README.md) plus the
/// optional code-aware identifier split, and PyLate-style packing of queries and documents.
/// </summary>
/// <remarks>
/// Pre-tokenization is done here on the original text (so every token keeps an exact span into it); each word is
/// then handed to <see cref="BertTokenizer"/> for normalization and WordPiece. BERT normalization never merges or
/// splits words across a whitespace/punctuation boundary, so word-by-word gives the same ids as whole-text encoding.
/// </remarks>
public sealed class ModelTokenizer : ITokenCounter
{
    // HF BertPreTokenizer punctuation: Unicode P* plus every ASCII non-alphanumeric printable character.
    private const string PunctClass = @"\p{P}\x21-\x2F\x3A-\x40\x5B-\x60\x7B-\x7E";
    internal static readonly Regex WordOrPunct = new($@"[^\s{PunctClass}]+|[{PunctClass}]", RegexOptions.Compiled | RegexOptions.CultureInvariant);

    private readonly BertTokenizer _bert;
    private readonly ModelManifest _manifest;
    private readonly bool _splitIdentifiers;
    private readonly HashSet<int> _skiplistIds;
    private readonly int? _queryMarkerId;
    private readonly int? _documentMarkerId;
    private int? _maxDocumentTokens;

    private ModelTokenizer(ModelManifest manifest, BertTokenizer bert, IReadOnlyDictionary<string, int> vocab, string vocabPath)
    {
        _manifest = manifest;
        _bert = bert;
        _splitIdentifiers = manifest.Tokenizer.SplitIdentifiers;
        VocabPath = vocabPath;
        ClsId = bert.ClassificationTokenId;
        SepId = bert.SeparatorTokenId;
        PadId = bert.PaddingTokenId;
        MaskId = bert.MaskingTokenId;
        var file = Path.GetFileName(manifest.ManifestPath);
        int? Lookup(string? token, string field)
        {
            if (token is null)
            {
                return null;
            }
            return vocab.TryGetValue(token, out var id)
                ? id
                : throw new ModelLoadException($"{file}: '{field}' token '{token}' is not in the vocabulary {vocabPath}");
        }
        _queryMarkerId = Lookup(manifest.Query.Marker, "query.marker");
        _documentMarkerId = Lookup(manifest.Document.Marker, "document.marker");
        _skiplistIds = manifest.IsColbert
            ? manifest.Document.Skiplist.Select(t => Lookup(t, "document.skiplist")!.Value).ToHashSet()
            : [];
    }

    public string VocabPath { get; }
    public int ClsId { get; }
    public int SepId { get; }
    public int PadId { get; }
    public int MaskId { get; }

    /// <summary>Special positions a document packing adds around its content: [CLS], the marker if any, [SEP].</summary>
    public int DocumentSpecialTokens => 2 + (_documentMarkerId is null ? 0 : 1);

    /// <summary>Content tokens one document can hold (document maxLength minus specials and the document prefix).</summary>
    public int MaxDocumentTokens => _maxDocumentTokens ??= _manifest.Document.MaxLength - DocumentSpecialTokens - CountTokens(_manifest.Document.Prefix);

    /// <summary>Creates the tokenizer; files named in the manifest resolve against <paramref name="folder"/>.</summary>
    public static ModelTokenizer Create(ModelManifest manifest, string folder)
    {
        var vocabPath = Path.GetFullPath(Path.Combine(folder, manifest.Tokenizer.Vocab));
        if (!File.Exists(vocabPath))
        {
            throw new ModelLoadException($"{Path.GetFileName(manifest.ManifestPath)}: 'tokenizer.vocab' file not found: {vocabPath}");
        }
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        var lineNo = 0;
        foreach (var line in File.ReadLines(vocabPath))
        {
            // vocab.txt: one token per line, id = line number (0-based). Keep the first id of a duplicated token.
            vocab.TryAdd(line.TrimEnd('\r'), lineNo++);
        }
        BertTokenizer bert;
        try
        {
            bert = BertTokenizer.Create(vocabPath, new BertOptions
            {
                LowerCaseBeforeTokenization = manifest.Tokenizer.Lowercase,
                // HF strips accents (NFD, drop Mn) when lowercasing; RemoveNonSpacingMarks is the equivalent.
                RemoveNonSpacingMarks = manifest.Tokenizer.StripAccents,
                // Special-token strings in source code are text, not control tokens.
                SplitOnSpecialTokens = false,
                PreTokenizer = new RegexPreTokenizer(WordOrPunct, null),
            });
        }
        catch (Exception e) when (e is not ModelLoadException)
        {
            throw new ModelLoadException($"{vocabPath}: cannot load the WordPiece vocabulary: {e.Message}", e);
        }
        return new ModelTokenizer(manifest, bert, vocab, vocabPath);
    }

    /// <summary>Raw content tokens (no specials) with spans into <paramref name="text"/>; for tests and diagnostics.</summary>
    public IReadOnlyList<(int Id, int Start, int Length)> Tokenize(string text)
    {
        var list = new List<(int, int, int)>();
        AppendTokens(text, 0, list);
        return list;
    }

    /// <summary>Content tokens of <paramref name="text"/>, exactly as EncodeDocument would see them before truncation.</summary>
    public int CountTokens(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return 0;
        }
        // One call for the whole text: words (after the identifier split) joined by spaces tokenize exactly as
        // they do one by one, and \t\n\r never reach the BERT normalizer (which would delete them).
        var sb = new StringBuilder(text.Length + 16);
        foreach (var (start, length) in Words(text, _splitIdentifiers))
        {
            sb.Append(text, start, length).Append(' ');
        }
        return sb.Length == 0 ? 0 : _bert.EncodeToIds(sb.ToString(), addSpecialTokens: false).Count;
    }

    /// <summary>Packs a query the PyLate way (see MANIFEST.md): [CLS] marker content [SEP] then [MASK] expansion.</summary>
    public EncodedText EncodeQuery(string text)
    {
        var q = _manifest.Query;
        var content = ContentWithPrefix(q.Prefix, text);
        var budget = q.MaxLength - 2 - (_queryMarkerId is null ? 0 : 1);
        var total = q.ExpandWithMask ? q.MaxLength : Math.Min(content.Count, budget) + q.MaxLength - budget;
        var p = new Packer(total);
        p.Special(ClsId, 1);
        if (_queryMarkerId is { } m)
        {
            p.Special(m, 1);
        }
        for (var i = 0; i < Math.Min(content.Count, budget); i++)
        {
            p.Content(content[i], keep: true);
        }
        p.Special(SepId, 1);
        while (p.Count < total)
        {
            // [MASK] expansion: not attended to, but its output vectors are kept (query augmentation).
            p.Special(MaskId, 0);
        }
        return p.Build();
    }

    /// <summary>Packs a document: [CLS] marker content [SEP]; vectors of skiplisted tokens are not kept (colbert).</summary>
    public EncodedText EncodeDocument(string text)
    {
        var d = _manifest.Document;
        var content = ContentWithPrefix(d.Prefix, text);
        var budget = d.MaxLength - DocumentSpecialTokens;
        var n = Math.Min(content.Count, budget);
        var p = new Packer(n + DocumentSpecialTokens);
        p.Special(ClsId, 1);
        if (_documentMarkerId is { } m)
        {
            p.Special(m, 1);
        }
        for (var i = 0; i < n; i++)
        {
            p.Content(content[i], keep: !_skiplistIds.Contains(content[i].Id));
        }
        p.Special(SepId, 1);
        return p.Build();
    }

    private List<(int Id, int Start, int Length)> ContentWithPrefix(string prefix, string text)
    {
        var list = new List<(int, int, int)>();
        if (prefix.Length == 0)
        {
            AppendTokens(text, 0, list);
            return list;
        }
        // Tokenize prefix+text as one string (as Python would) and shift spans back; prefix tokens get no span.
        AppendTokens(prefix + text, prefix.Length, list);
        return list;
    }

    private void AppendTokens(string text, int shift, List<(int Id, int Start, int Length)> sink)
    {
        foreach (var (start, length) in Words(text, _splitIdentifiers))
        {
            var word = text.Substring(start, length);
            var tokens = _bert.EncodeToTokens(word, out var normalized);
            if (tokens.Count == 0)
            {
                continue;
            }
            var map = OffsetMap.Create(word, normalized ?? word, _bert);
            foreach (var t in tokens)
            {
                var (ns, nl) = t.Offset.GetOffsetAndLength(map.NormalizedLength);
                var (s, l) = map.ToOriginal(ns, nl);
                var origStart = start + s - shift;
                sink.Add(origStart < 0 ? (t.Id, -1, 0) : (t.Id, origStart, l));
            }
        }
    }

    /// <summary>Word spans: whitespace/punctuation pre-tokenization, then the identifier split when enabled.</summary>
    internal static IEnumerable<(int Start, int Length)> Words(string text, bool splitIdentifiers)
    {
        for (var m = WordOrPunct.Match(text); m.Success; m = m.NextMatch())
        {
            if (!splitIdentifiers || m.Length == 1)
            {
                yield return (m.Index, m.Length);
                continue;
            }
            foreach (var part in SplitIdentifier(text, m.Index, m.Length))
            {
                yield return part;
            }
        }
    }

    /// <summary>
    /// The identifier rule (models/README.md, "splitIdentifiers"), over the code points c[0..n) of one word: a boundary
    /// falls before c[k] when (a) c[k-1] is lower-case and c[k] upper-case; (b) c[k-1] and c[k] are upper-case and
    /// c[k+1] is lower-case; (c) c[k-1] is a letter and c[k] a decimal digit; (d) c[k-1] is a digit and c[k] a letter.
    /// </summary>
    internal static IEnumerable<(int Start, int Length)> SplitIdentifier(string text, int start, int length)
    {
        // Code points with their UTF-16 index, so surrogate pairs count as one character (as in Python).
        var idx = new List<int>(length);
        var cls = new List<UnicodeCategory>(length);
        for (var i = start; i < start + length;)
        {
            idx.Add(i);
            cls.Add(CharUnicodeInfo.GetUnicodeCategory(text, i));
            i += char.IsHighSurrogate(text[i]) && i + 1 < start + length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
        }
        var from = start;
        for (var k = 1; k < cls.Count; k++)
        {
            var prev = cls[k - 1];
            var cur = cls[k];
            var boundary =
                (IsLower(prev) && IsUpper(cur)) ||
                (IsUpper(prev) && IsUpper(cur) && k + 1 < cls.Count && IsLower(cls[k + 1])) ||
                (IsLetter(prev) && cur == UnicodeCategory.DecimalDigitNumber) ||
                (prev == UnicodeCategory.DecimalDigitNumber && IsLetter(cur));
            if (boundary)
            {
                yield return (from, idx[k] - from);
                from = idx[k];
            }
        }
        yield return (from, start + length - from);
    }

    private static bool IsUpper(UnicodeCategory c) => c is UnicodeCategory.UppercaseLetter or UnicodeCategory.TitlecaseLetter;
    private static bool IsLower(UnicodeCategory c) => c == UnicodeCategory.LowercaseLetter;
    private static bool IsLetter(UnicodeCategory c) => c is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter
        or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter;

    /// <summary>Maps spans in a normalized word back to the original word when normalization changed its length.</summary>
    private readonly struct OffsetMap
    {
        // origStartOf[j] = original index of the character that produced normalized char j; null = identity.
        private readonly int[]? _origStartOf;
        private readonly int _originalLength;

        private OffsetMap(int[]? origStartOf, int normalizedLength, int originalLength)
        {
            _origStartOf = origStartOf;
            NormalizedLength = normalizedLength;
            _originalLength = originalLength;
        }

        public int NormalizedLength { get; }

        public static OffsetMap Create(string word, string normalized, Tokenizer bert)
        {
            if (normalized.Length == word.Length)
            {
                return new OffsetMap(null, normalized.Length, word.Length);
            }
            // Normalize each original character alone; normalization is character-local (lowercase, drop marks,
            // pad CJK), so the pieces line up with the normalized word.
            var map = new List<int>(normalized.Length);
            for (var i = 0; i < word.Length;)
            {
                var step = char.IsHighSurrogate(word[i]) && i + 1 < word.Length ? 2 : 1;
                string piece;
                try
                {
                    piece = bert.Normalizer?.Normalize(word.Substring(i, step)) ?? word.Substring(i, step);
                }
                catch (ArgumentException)
                {
                    piece = word.Substring(i, step);
                }
                for (var j = 0; j < piece.Length; j++)
                {
                    map.Add(i);
                }
                i += step;
            }
            if (map.Count != normalized.Length)
            {
                // Not character-local after all: scale proportionally rather than fail.
                map.Clear();
                for (var j = 0; j < normalized.Length; j++)
                {
                    map.Add((int)((long)j * word.Length / Math.Max(1, normalized.Length)));
                }
            }
            return new OffsetMap([.. map], normalized.Length, word.Length);
        }

        public (int Start, int Length) ToOriginal(int start, int length)
        {
            if (_origStartOf is null)
            {
                return (start, length);
            }
            var s = start < _origStartOf.Length ? _origStartOf[start] : _originalLength;
            var endExclusive = start + length;
            var e = endExclusive < _origStartOf.Length ? _origStartOf[endExclusive] : _originalLength;
            // An original char that normalizes to several chars (CJK padding) maps its whole span to one token.
            if (e <= s)
            {
                e = Math.Min(_originalLength, s + 1);
            }
            return (s, e - s);
        }
    }

    private sealed class Packer(int capacity)
    {
        private readonly long[] _ids = new long[capacity];
        private readonly long[] _att = new long[capacity];
        private readonly bool[] _keep = new bool[capacity];
        private readonly int[] _starts = new int[capacity];
        private readonly int[] _lengths = new int[capacity];

        public int Count { get; private set; }

        public void Special(int id, int attention)
        {
            _ids[Count] = id;
            _att[Count] = attention;
            _keep[Count] = true;
            _starts[Count] = -1;
            Count++;
        }

        public void Content((int Id, int Start, int Length) token, bool keep)
        {
            _ids[Count] = token.Id;
            _att[Count] = 1;
            _keep[Count] = keep;
            _starts[Count] = token.Start;
            _lengths[Count] = token.Length;
            Count++;
        }

        public EncodedText Build() => new(_ids, _att, _keep, _starts, _lengths);
    }
}
