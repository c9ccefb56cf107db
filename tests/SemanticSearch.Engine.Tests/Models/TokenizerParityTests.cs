using System.Text.Json;
using SemanticSearch.Engine.Models;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Engine.Tests.Models;

/// <summary>
/// The tokenizer, loaded through the committed answerai-colbert-small-v1 manifest, must reproduce the golden HF
/// tokenization and PyLate packing of all 11 texts in tests/fixtures/models/answerai-colbert-small-v1/golden_tokenization.json.
/// </summary>
public sealed class TokenizerParityTests
{
    private static readonly Lazy<ModelTokenizer> Tokenizer = new(() =>
        ModelTokenizer.Create(ModelManifest.Load(AnswerAiManifestPath), RepoPaths.AnswerAiColbertFolder));

    public static string AnswerAiManifestPath => Path.Combine(RepoPaths.Root, "models", "answerai-colbert-small-v1.semsearch-model.json");

    private static List<JsonElement> GoldenItems()
    {
        var path = Path.Combine(RepoPaths.AnswerAiColbertFolder, "golden_tokenization.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("items").EnumerateArray().Select(e => e.Clone()).ToList();
    }

    public static TheoryData<string> GoldenIds()
    {
        var data = new TheoryData<string>();
        foreach (var item in GoldenItems())
        {
            data.Add(item.GetProperty("id").GetString()!);
        }
        return data;
    }

    private static JsonElement Item(string id) => GoldenItems().Single(i => i.GetProperty("id").GetString() == id);

    private static long[] Longs(JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(x => x.GetInt64()).ToArray();

    [Fact]
    public void GoldenFileHasElevenTexts() => Assert.Equal(11, GoldenItems().Count);

    [Theory]
    [MemberData(nameof(GoldenIds))]
    public void RawIdsMatchGolden(string id)
    {
        var item = Item(id);
        var text = item.GetProperty("text").GetString()!;
        var expected = Longs(item.GetProperty("raw"), "input_ids");
        var content = Tokenizer.Value.Tokenize(text).Select(t => (long)t.Id);
        Assert.Equal(expected, (long[])[101, .. content, 102]);
        Assert.Equal(expected.Length - 2, Tokenizer.Value.CountTokens(text));
    }

    [Theory]
    [MemberData(nameof(GoldenIds))]
    public void QueryPackingMatchesGolden(string id)
    {
        var item = Item(id);
        var golden = item.GetProperty("colbert_query");
        var encoded = Tokenizer.Value.EncodeQuery(item.GetProperty("text").GetString()!);
        AssertPacking(golden, encoded);
        Assert.Equal(32, encoded.Length);
    }

    [Theory]
    [MemberData(nameof(GoldenIds))]
    public void DocumentPackingMatchesGolden(string id)
    {
        var item = Item(id);
        var golden = item.GetProperty("colbert_document");
        AssertPacking(golden, Tokenizer.Value.EncodeDocument(item.GetProperty("text").GetString()!));
    }

    [Theory]
    [MemberData(nameof(GoldenIds))]
    public void ContentOffsetsPointAtTheirTokens(string id)
    {
        // Every content token's span, lower-cased, must contain the token's text (minus the ## continuation prefix).
        var text = Item(id).GetProperty("text").GetString()!;
        var raw = Item(id).GetProperty("raw").GetProperty("tokens").EnumerateArray().Select(t => t.GetString()!).ToArray()[1..^1];
        var tokens = Tokenizer.Value.Tokenize(text);
        Assert.Equal(raw.Length, tokens.Count);
        for (var i = 0; i < tokens.Count; i++)
        {
            var piece = raw[i].StartsWith("##", StringComparison.Ordinal) ? raw[i][2..] : raw[i];
            var span = text.Substring(tokens[i].Start, tokens[i].Length);
            if (piece != "[UNK]")
            {
                Assert.Equal(piece, RemoveAccents(span.ToLowerInvariant()));
            }
        }
    }

    private static string RemoveAccents(string s) => new(s.Normalize(System.Text.NormalizationForm.FormD)
        .Where(c => System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.NonSpacingMark).ToArray());

    private static void AssertPacking(JsonElement golden, EncodedText encoded)
    {
        Assert.Equal(Longs(golden, "input_ids"), encoded.InputIds);
        Assert.Equal(Longs(golden, "attention_mask"), encoded.AttentionMask);
        Assert.Equal(Longs(golden, "token_type_ids"), encoded.TokenTypeIds);
        Assert.Equal(Longs(golden, "output_mask").Select(x => x == 1), encoded.OutputMask);
    }
}
