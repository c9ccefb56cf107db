using System.Numerics.Tensors;
using System.Text.Json.Nodes;
using SemanticSearch.Engine.Models;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Engine.Tests.Models;

/// <summary>Encodes for real with the tiny random ONNX models through ONNX Runtime.</summary>
public sealed class EmbeddingModelTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("semsearch-model-").FullName;

    public void Dispose() => TestFolders.Delete(_dir);

    private static EmbeddingModel OpenColbert(int maxBatch = 16) => EmbeddingModel.Open(TinyModel.ColbertFolder, new EncoderOptions(ExecutionProvider.Cpu, 1, maxBatch));

    private static readonly string[] Texts =
    [
        "public static bool ValidateEmail(string address) => EmailRegex.IsMatch(address);",
        "def send_mail(to, subject):\n\treturn smtp.send(to, subject)",
        "x",
        "// Parses the HTTP response and returns the body\nvar body = await response.Content.ReadAsStringAsync();",
        "email",
        "SELECT * FROM users WHERE email = @email",
    ];

    [Fact]
    public void ColbertVectorsAreUnitNormOnePerKeptToken()
    {
        using var model = OpenColbert();
        Assert.True(model.IsMultiVector);
        Assert.Equal(32, model.Dimension);
        Assert.Equal(ExecutionProvider.Cpu, model.ExecutionProvider);
        Assert.Equal(253, model.MaxDocumentTokens);
        var tokenizer = model.Tokenizer;
        foreach (var (text, vectors) in Texts.Zip(model.EncodeDocuments(Texts)))
        {
            Assert.Equal(tokenizer.EncodeDocument(text).KeptCount, vectors.Count);
            Assert.Equal(32, vectors.Dim);
            for (var i = 0; i < vectors.Count; i++)
            {
                Assert.Equal(1f, TensorPrimitives.Norm(vectors.Row(i)), 1e-5f);
            }
        }
        // The tiny model does not expand queries: [CLS] [Q] valid ##ate an email address [SEP].
        Assert.Equal(8, model.EncodeQuery("validate an email address").Count);
    }

    [Fact]
    public void MaskExpansionKeepsAllQueryVectorsUpToQueryLength()
    {
        var folder = Directory.CreateTempSubdirectory("semsearch-expand-").FullName;
        try
        {
            foreach (var file in Directory.GetFiles(TinyModel.ColbertFolder))
            {
                File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
            }
            var manifest = Path.Combine(folder, "semsearch-model.json");
            var json = File.ReadAllText(manifest);
            Assert.Contains("\"expandWithMask\": false", json, StringComparison.Ordinal);
            File.WriteAllText(manifest, json.Replace("\"expandWithMask\": false", "\"expandWithMask\": true", StringComparison.Ordinal));
            using var model = EmbeddingModel.Open(folder, new EncoderOptions(ExecutionProvider.Cpu));
            var query = model.EncodeQuery("validate an email address");
            Assert.Equal(32, query.Count); // real tokens plus [MASK] padding, all kept
            Assert.Equal(5, query.TokenStarts.Count(s => s >= 0)); // valid ##ate an email address; specials and masks have no span
        }
        finally
        {
            TestFolders.Delete(folder);
        }
    }

    [Fact]
    public void IdenticalTextGivesIdenticalVectors()
    {
        using var model = OpenColbert();
        var a = model.EncodeDocuments([Texts[0]])[0];
        var b = model.EncodeDocuments([Texts[0]])[0];
        Assert.Equal(a.Data, b.Data);
        Assert.Equal(model.EncodeQuery("send mail").Data, model.EncodeQuery("send mail").Data);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(16)]
    public void BatchEncodingEqualsOneByOne(int maxBatch)
    {
        using var model = OpenColbert(maxBatch);
        var single = Texts.Select(t => model.EncodeDocuments([t])[0]).ToArray();
        var shuffled = Texts.Reverse().Concat(Texts).ToArray();
        var batched = model.EncodeDocuments(shuffled);
        Assert.Equal(shuffled.Length, batched.Count);
        for (var i = 0; i < shuffled.Length; i++)
        {
            var expected = single[Array.IndexOf(Texts, shuffled[i])];
            Assert.Equal(expected.Count, batched[i].Count);
            Assert.Equal(expected.TokenStarts, batched[i].TokenStarts);
            for (var j = 0; j < expected.Data.Length; j++)
            {
                Assert.Equal(expected.Data[j], batched[i].Data[j], 1e-5f);
            }
        }
    }

    [Fact]
    public void TokenStartsMapToOriginalSubstrings()
    {
        using var model = OpenColbert();
        const string text = "if (isValidEmail(user.email))\n\treturn true;";
        var v = model.EncodeDocuments([text])[0];
        var spans = Enumerable.Range(0, v.Count).Where(i => v.TokenStarts[i] >= 0)
            .Select(i => text.Substring(v.TokenStarts[i], v.TokenLengths[i])).ToArray();
        // Punctuation is skiplisted; identifiers are split; "email" keeps its own span.
        Assert.Equal(["if", "is", "Valid", "Email", "user", "email", "return", "true"], spans);
        var email = Array.FindIndex(v.TokenStarts, s => s >= 0 && text.Substring(s, 5) == "email");
        Assert.Equal(text.IndexOf("email", StringComparison.Ordinal), v.TokenStarts[email]);
        Assert.Equal(5, v.TokenLengths[email]);
    }

    [Fact]
    public void SameTokenInDifferentTextsIsNearlyTheSameVector()
    {
        using var model = OpenColbert();
        const string a = "validate the email address";
        const string b = "def send(email, body): return smtp.deliver(body)";
        var docs = model.EncodeDocuments([a, b]);
        var va = Row(docs[0], a, "email");
        var vb = Row(docs[1], b, "email");
        Assert.True(TensorPrimitives.CosineSimilarity(va, vb) > 0.9f);
        // A different token is far away: the model is lexical.
        Assert.True(TensorPrimitives.CosineSimilarity(va, Row(docs[1], b, "body")) < 0.6f);
    }

    private static float[] Row(TokenVectors v, string text, string token)
    {
        var i = Enumerable.Range(0, v.Count).First(i => v.TokenStarts[i] >= 0 && text.Substring(v.TokenStarts[i], v.TokenLengths[i]) == token);
        return v.Row(i).ToArray();
    }

    [Fact]
    public void DenseModelGivesOneUnitVector()
    {
        using var model = EmbeddingModel.Open(TinyModel.DenseFolder, new EncoderOptions(ExecutionProvider.Cpu));
        Assert.False(model.IsMultiVector);
        var docs = model.EncodeDocuments(Texts);
        foreach (var d in docs)
        {
            Assert.Equal(1, d.Count);
            Assert.Equal(1f, TensorPrimitives.Norm(d.Row(0)), 1e-5f);
        }
        var q = model.EncodeQuery("validate email");
        Assert.Equal(1, q.Count);
        // Mean pooling of a lexical model: sharing words means more similar.
        var pair = model.EncodeDocuments(["validate the email address", "compute the matrix product"]);
        Assert.True(TensorPrimitives.Dot(q.Row(0), pair[0].Row(0)) > TensorPrimitives.Dot(q.Row(0), pair[1].Row(0)) + 0.1f);
        // "passage: " costs tokens: 256 - [CLS] - [SEP] - "passage", ":".
        Assert.Equal(252, model.MaxDocumentTokens);
    }

    [Fact]
    public void RequestingCudaFallsBackToCpuWithOneMessage()
    {
        var messages = new List<string>();
        using var model = EmbeddingModel.Open(TinyModel.ColbertFolder, new EncoderOptions(ExecutionProvider.Cuda, Log: messages.Add));
        Assert.Equal(ExecutionProvider.Cpu, model.ExecutionProvider);
        var message = Assert.Single(messages);
        Assert.Contains("CUDA", message, StringComparison.Ordinal);
        Assert.Contains("using CPU", message, StringComparison.Ordinal);
        Assert.True(model.EncodeQuery("email").Count > 0);
    }

    [Fact]
    public void RequestingDirectMlOffWindowsFallsBackToCpuWithOneMessage()
    {
        var messages = new List<string>();
        using var model = EmbeddingModel.Open(TinyModel.ColbertFolder, new EncoderOptions(ExecutionProvider.DirectML, Log: messages.Add));
        Assert.Equal(ExecutionProvider.Cpu, model.ExecutionProvider);
        Assert.Contains("DirectML", Assert.Single(messages), StringComparison.Ordinal);
    }

    [Fact]
    public void CountTokensOfWholeLinesAddsUp()
    {
        // Chunkers size chunks by summing per-line counts; that is only right if counting is additive over lines.
        // (Speed of CountTokens belongs in the benchmarks, not here.)
        using var model = OpenColbert();
        var lines = Enumerable.Range(0, 200).Select(i => $"    var result{i} = await client.GetStringAsync(requestUri, cancellationToken); // café_{i}").ToArray();
        var perLine = lines.Sum(model.CountTokens);
        Assert.True(perLine > 200 * 10);
        Assert.Equal(perLine, model.CountTokens(string.Join("\n", lines)));
        Assert.Equal(perLine, model.CountTokens(string.Join("\r\n", lines)));
    }

    [Fact]
    public void AutoOnThisBuildUsesCpuQuietly()
    {
        var messages = new List<string>();
        using var model = EmbeddingModel.Open(TinyModel.ColbertFolder, new EncoderOptions(ExecutionProvider.Auto, Log: messages.Add));
        Assert.Equal(ExecutionProvider.Cpu, model.ExecutionProvider);
        Assert.Empty(messages);
    }

    [Fact]
    public void Provider_names_parse_in_any_case_and_an_unknown_one_is_none()
    {
        Assert.Equal(ExecutionProvider.DirectML, ExecutionProviders.TryParse(" DirectML "));
        Assert.Equal(ExecutionProvider.Cpu, ExecutionProviders.TryParse("cpu"));
        Assert.Null(ExecutionProviders.TryParse("tpu"));
        Assert.Null(ExecutionProviders.TryParse(""));
        Assert.Equal(["auto", "cpu", "cuda", "directml"], ExecutionProviders.Names);
        Assert.All(Enum.GetValues<ExecutionProvider>(), p => Assert.Equal(p, ExecutionProviders.TryParse(p.Name())));
    }

    [Fact]
    public void IdentityDependsOnWeightsAndSettings()
    {
        using var a = OpenColbert();
        var copy = CopyTiny();
        EditManifest(copy, j => j["document"]!["maxLength"] = 128);
        using var b = EmbeddingModel.Open(copy, new EncoderOptions(ExecutionProvider.Cpu));
        Assert.Equal(a.Identity.WeightsHash, b.Identity.WeightsHash);
        Assert.NotEqual(a.Identity.SettingsHash, b.Identity.SettingsHash);
        using var dense = EmbeddingModel.Open(TinyModel.DenseFolder, new EncoderOptions(ExecutionProvider.Cpu));
        Assert.Equal(a.Identity.WeightsHash, dense.Identity.WeightsHash); // same seed, same graph
        Assert.NotEqual(a.Identity.Key, dense.Identity.Key);
    }

    [Fact]
    public void MissingFolderIsALoadError()
    {
        var missing = Path.Combine(_dir, "nope");
        var e = Assert.Throws<ModelLoadException>(() => EmbeddingModel.Open(missing, new EncoderOptions(ExecutionProvider.Cpu)));
        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingManifestIsALoadError()
    {
        var e = Assert.Throws<ModelLoadException>(() => EmbeddingModel.Open(_dir, new EncoderOptions(ExecutionProvider.Cpu)));
        Assert.Contains("semsearch-model.json", e.Message, StringComparison.Ordinal);
        Assert.Contains(_dir, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CorruptManifestIsALoadError()
    {
        var copy = CopyTiny();
        File.WriteAllText(Path.Combine(copy, ModelManifest.FileName), "{\"schemaVersion\": 1, \"name\": ");
        var e = Assert.Throws<ModelLoadException>(() => EmbeddingModel.Open(copy, new EncoderOptions(ExecutionProvider.Cpu)));
        Assert.Contains(Path.Combine(copy, ModelManifest.FileName), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CorruptOnnxIsALoadErrorNamingTheFile()
    {
        var copy = CopyTiny();
        File.WriteAllBytes(Path.Combine(copy, "model.onnx"), [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 37 % 251))]);
        var e = Assert.Throws<ModelLoadException>(() => EmbeddingModel.Open(copy, new EncoderOptions(ExecutionProvider.Cpu)));
        Assert.StartsWith($"model.onnx in {copy} is not a valid ONNX model", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingOnnxIsALoadErrorNamingThePath()
    {
        var copy = CopyTiny();
        File.Delete(Path.Combine(copy, "model.onnx"));
        var e = Assert.Throws<ModelLoadException>(() => EmbeddingModel.Open(copy, new EncoderOptions(ExecutionProvider.Cpu)));
        Assert.Contains(Path.Combine(copy, "model.onnx"), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MismatchedDimIsALoadError()
    {
        var copy = CopyTiny();
        EditManifest(copy, j => j["dim"] = 64);
        var e = Assert.Throws<ModelLoadException>(() => EmbeddingModel.Open(copy, new EncoderOptions(ExecutionProvider.Cpu)));
        Assert.Contains("'dim' is 64", e.Message, StringComparison.Ordinal);
        Assert.Contains("32-dimensional", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MismatchedInputNameIsALoadError()
    {
        var copy = CopyTiny();
        EditManifest(copy, j => j["inputs"]!["tokenTypeIds"] = "token_type_ids");
        var e = Assert.Throws<ModelLoadException>(() => EmbeddingModel.Open(copy, new EncoderOptions(ExecutionProvider.Cpu)));
        Assert.Contains("'inputs.tokenTypeIds'", e.Message, StringComparison.Ordinal);
        Assert.Contains("input_ids, attention_mask", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnswerAiProjectionLoadsFromRealSafetensors()
    {
        var manifest = ModelManifest.Load(TokenizerParityTests.AnswerAiManifestPath);
        var path = Path.Combine(RepoPaths.AnswerAiColbertFolder, manifest.Projection!.File);
        var w = SafeTensors.ReadF32(path, manifest.Projection.Tensor);
        Assert.Equal([96, 384], w.Shape);
        Assert.Equal(96 * 384, w.Data.Length);
        Assert.All(w.Data, x => Assert.True(float.IsFinite(x)));
        // MANIFEST.md: mean -0.00009, std 0.0198, min -0.079, max 0.078.
        var mean = w.Data.Average();
        var std = Math.Sqrt(w.Data.Average(x => (x - mean) * (x - mean)));
        Assert.InRange(mean, -0.0005, 0.0003);
        Assert.InRange(std, 0.0193, 0.0203);
        Assert.InRange(w.Data.Min(), -0.0795f, -0.0785f);
        Assert.InRange(w.Data.Max(), 0.0775f, 0.0785f);
        var e = Assert.Throws<ModelLoadException>(() => SafeTensors.ReadF32(path, "nope"));
        Assert.Contains("linear.weight", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnswerAiFolderWithoutOnnxNamesTheMissingFile()
    {
        // The upstream fixture folder has everything but the ONNX export; opening it must say exactly that.
        var folder = Path.Combine(_dir, "answerai");
        Directory.CreateDirectory(folder);
        File.Copy(TokenizerParityTests.AnswerAiManifestPath, Path.Combine(folder, ModelManifest.FileName));
        File.Copy(Path.Combine(RepoPaths.AnswerAiColbertFolder, "vocab.txt"), Path.Combine(folder, "vocab.txt"));
        var e = Assert.Throws<ModelLoadException>(() => EmbeddingModel.Open(folder, new EncoderOptions(ExecutionProvider.Cpu)));
        Assert.Contains(Path.Combine(folder, "onnx", "model.onnx"), e.Message, StringComparison.Ordinal);
    }

    private string CopyTiny()
    {
        var copy = Path.Combine(_dir, "tiny-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(copy);
        foreach (var f in Directory.GetFiles(TinyModel.ColbertFolder))
        {
            File.Copy(f, Path.Combine(copy, Path.GetFileName(f)));
        }
        return copy;
    }

    private static void EditManifest(string folder, Action<JsonObject> edit)
    {
        var path = Path.Combine(folder, ModelManifest.FileName);
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
    }
}
