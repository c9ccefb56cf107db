using System.Diagnostics;
using System.Text;
using System.Text.Json;
using SemanticSearch.Engine.Models;
using SemanticSearch.TestSupport;
using Xunit.Abstractions;

namespace SemanticSearch.Engine.Tests.Models;

/// <summary>
/// The committed trained model (models/default) run through the engine (tokenizer + ONNX Runtime) must reproduce
/// the torch outputs that models/training/export.py wrote to parity_vectors.json. SEMSEARCH_PARITY_MODEL points the
/// test at another exported folder (used while training).
/// </summary>
public sealed class TrainedModelParityTests(ITestOutputHelper output)
{
    private static string Folder => Environment.GetEnvironmentVariable("SEMSEARCH_PARITY_MODEL") is { Length: > 0 } f
        ? f
        : Path.Combine(RepoPaths.Root, "models", "default");

    private static readonly Lazy<EmbeddingModel> Model = new(() => EmbeddingModel.Open(Folder, new EncoderOptions(ExecutionProvider.Cpu, Threads: 2)));

    [Fact]
    public void EngineVectorsMatchTorch()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "parity_vectors.json")));
        var items = doc.RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.NotEmpty(items);
        var worstDiff = 0.0;
        var worstCos = 1.0;
        foreach (var item in items)
        {
            var text = item.GetProperty("text").GetString()!;
            var isQuery = item.GetProperty("kind").GetString() == "query";
            var ids = item.GetProperty("input_ids").EnumerateArray().Select(x => x.GetInt64()).ToArray();
            var packed = isQuery ? Model.Value.Tokenizer.EncodeQuery(text) : Model.Value.Tokenizer.EncodeDocument(text);
            Assert.Equal(ids, packed.InputIds);

            var actual = isQuery ? Model.Value.EncodeQuery(text) : Model.Value.EncodeDocuments([text])[0];
            var expected = item.GetProperty("vectors").EnumerateArray()
                .Select(r => r.EnumerateArray().Select(x => x.GetSingle()).ToArray()).ToArray();
            Assert.Equal(expected.Length, actual.Count);
            for (var i = 0; i < expected.Length; i++)
            {
                var row = actual.Row(i);
                Assert.Equal(expected[i].Length, row.Length);
                double dot = 0, na = 0, nb = 0;
                for (var j = 0; j < row.Length; j++)
                {
                    worstDiff = Math.Max(worstDiff, Math.Abs(row[j] - expected[i][j]));
                    dot += row[j] * expected[i][j];
                    na += row[j] * row[j];
                    nb += expected[i][j] * expected[i][j];
                }
                worstCos = Math.Min(worstCos, dot / Math.Sqrt(na * nb));
            }
        }
        output.WriteLine($"parity: {items.Count} texts, max abs diff {worstDiff:E2}, min cosine {worstCos:F7}");
        Assert.True(worstDiff < 1e-4, $"max abs diff {worstDiff}");
        Assert.True(worstCos > 0.9999, $"min cosine {worstCos}");
    }

    [Fact]
    public void BatchedEncodingEqualsSingle()
    {
        // Padding in a batch must not change a text's vectors (the graph masks padded keys).
        string[] texts = ["short text", "a/b.py f\ndef f(x):\n    return x * 2  # doubled value\n", "class A { int B() => 1; }"];
        var batch = Model.Value.EncodeDocuments(texts);
        for (var t = 0; t < texts.Length; t++)
        {
            var single = Model.Value.EncodeDocuments([texts[t]])[0];
            Assert.Equal(single.Count, batch[t].Count);
            for (var i = 0; i < single.Data.Length; i++)
            {
                Assert.True(Math.Abs(single.Data[i] - batch[t].Data[i]) < 1e-4);
            }
        }
    }

    /// <summary>Encoding speed at 250 content tokens per chunk with 2 threads; runs only with SEMSEARCH_BENCH=1.</summary>
    [Fact]
    public void EncodingSpeed()
    {
        if (Environment.GetEnvironmentVariable("SEMSEARCH_BENCH") != "1")
        {
            return;
        }
        var model = Model.Value;
        var chunks = new List<string>();
        for (var c = 0; c < 320; c++)
        {
            chunks.Add(ChunkOf(model, 250, c));
        }
        Assert.All(chunks, ch => Assert.Equal(250, model.CountTokens(ch)));
        model.EncodeDocuments(chunks.Take(32).ToList());
        var sw = Stopwatch.StartNew();
        var vectors = model.EncodeDocuments(chunks);
        sw.Stop();
        var rate = chunks.Count / sw.Elapsed.TotalSeconds;
        output.WriteLine($"encoding: {chunks.Count} chunks x 250 tokens in {sw.Elapsed.TotalSeconds:F2}s = {rate:F0} chunks/s " +
            $"({vectors.Sum(v => v.Count) / chunks.Count} kept vectors per chunk, provider {model.ExecutionProvider})");
    }

    private static string ChunkOf(EmbeddingModel model, int tokens, int seed)
    {
        // Code-like text whose tokenization is exactly `tokens` content tokens.
        var sb = new StringBuilder($"src/module{seed}/file{seed}.py Handler{seed}.process\n");
        var rng = new Random(seed);
        string[] words = ["def", "return", "self", "value", "items", "config", "parse", "request", "(", ")", ":", ".", "=",
            "if", "else", "for", "in", "index", "result", "append", "user_name", "getValue", "http", "response", "0", "1"];
        while (model.CountTokens(sb.ToString()) < tokens)
        {
            sb.Append(words[rng.Next(words.Length)]).Append(rng.Next(8) == 0 ? '\n' : ' ');
        }
        var text = sb.ToString();
        while (model.CountTokens(text) > tokens)
        {
            text = text[..^1];
        }
        return text;
    }
}
