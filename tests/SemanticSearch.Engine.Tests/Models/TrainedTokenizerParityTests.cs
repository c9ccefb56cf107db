using System.Text.Json;
using SemanticSearch.Engine.Models;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Engine.Tests.Models;

/// <summary>
/// The trainer's Python tokenizer (models/training/tokenizer.py) and the engine must give the same ids, or the
/// trained model sees different inputs at search time than in training. The golden file is written by
/// models/training/make_golden.py; the engine tokenizes the same texts through models/default/semsearch-model.json.
/// </summary>
public sealed class TrainedTokenizerParityTests
{
    private static readonly string DefaultFolder = Path.Combine(RepoPaths.Root, "models", "default");

    private static readonly Lazy<ModelTokenizer> Tokenizer = new(() =>
        ModelTokenizer.Create(ModelManifest.Load(Path.Combine(DefaultFolder, ModelManifest.FileName)), DefaultFolder));

    private static readonly Lazy<List<JsonElement>> Items = new(() =>
    {
        var path = Path.Combine(RepoPaths.Root, "models", "training", "golden_code_tokenization.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("items").EnumerateArray().Select(e => e.Clone()).ToList();
    });

    public static TheoryData<string> GoldenIds()
    {
        var data = new TheoryData<string>();
        foreach (var item in Items.Value)
        {
            data.Add(item.GetProperty("id").GetString()!);
        }
        return data;
    }

    private static JsonElement Item(string id) => Items.Value.Single(i => i.GetProperty("id").GetString() == id);

    private static long[] Longs(JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(x => x.GetInt64()).ToArray();

    [Fact]
    public void GoldenFileCoversManyTexts() => Assert.True(Items.Value.Count >= 25);

    [Theory]
    [MemberData(nameof(GoldenIds))]
    public void RawIdsMatchPython(string id)
    {
        var item = Item(id);
        var text = item.GetProperty("text").GetString()!;
        var actual = Tokenizer.Value.Tokenize(text).Select(t => (long)t.Id).ToArray();
        Assert.Equal(Longs(item, "raw_ids"), actual);
        Assert.Equal(actual.Length, Tokenizer.Value.CountTokens(text));
    }

    [Theory]
    [MemberData(nameof(GoldenIds))]
    public void QueryAndDocumentPackingMatchPython(string id)
    {
        var item = Item(id);
        var text = item.GetProperty("text").GetString()!;
        AssertPacking(item.GetProperty("query"), Tokenizer.Value.EncodeQuery(text));
        AssertPacking(item.GetProperty("document"), Tokenizer.Value.EncodeDocument(text));
    }

    private static void AssertPacking(JsonElement golden, EncodedText actual)
    {
        Assert.Equal(Longs(golden, "input_ids"), actual.InputIds);
        Assert.Equal(Longs(golden, "attention_mask"), actual.AttentionMask);
        Assert.Equal(Longs(golden, "output_mask"), actual.OutputMask.Select(k => k ? 1L : 0L).ToArray());
    }
}
