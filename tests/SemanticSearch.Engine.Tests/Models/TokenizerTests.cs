using System.Text.Json;
using System.Text.Json.Nodes;
using SemanticSearch.Engine.Models;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Engine.Tests.Models;

/// <summary>Identifier splitting and original-text offsets, on the real answerai vocabulary.</summary>
public sealed class TokenizerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("semsearch-tok-").FullName;

    public void Dispose() => TestFolders.Delete(_dir);

    /// <summary>The answerai manifest with a few fields changed, written to a temp folder (vocab by absolute path).</summary>
    private ModelTokenizer Tokenizer(Action<JsonObject>? edit = null)
    {
        var json = JsonNode.Parse(File.ReadAllText(TokenizerParityTests.AnswerAiManifestPath))!.AsObject();
        json["tokenizer"]!["vocab"] = Path.Combine(RepoPaths.AnswerAiColbertFolder, "vocab.txt");
        edit?.Invoke(json);
        var path = Path.Combine(_dir, ModelManifest.FileName);
        File.WriteAllText(path, json.ToJsonString());
        return ModelTokenizer.Create(ModelManifest.Load(path), _dir);
    }

    private static ModelTokenizer SplittingTokenizer(TokenizerTests t) => t.Tokenizer(j => j["tokenizer"]!["splitIdentifiers"] = true);

    private static string[] Spans(string text, IEnumerable<(int Start, int Length)> spans) =>
        spans.Select(s => text.Substring(s.Start, s.Length)).ToArray();

    [Theory]
    [InlineData("parseHttpResponse", "parse|Http|Response")]
    [InlineData("XMLHttpRequest", "XML|Http|Request")]
    [InlineData("IOError", "IO|Error")]
    [InlineData("utf8Decode", "utf|8|Decode")]
    [InlineData("sha256sum", "sha|256|sum")]
    [InlineData("Base64", "Base|64")]
    [InlineData("lowercase", "lowercase")]
    [InlineData("ALLCAPS", "ALLCAPS")]
    [InlineData("ÉcoleNormale", "École|Normale")]
    [InlineData("email_re.match(x)", "email|_|re|.|match|(|x|)")]
    public void IdentifierRuleSplitsWords(string text, string expected)
    {
        Assert.Equal(expected.Split('|'), Spans(text, ModelTokenizer.Words(text, splitIdentifiers: true)));
    }

    [Fact]
    public void SplittingChangesTokensOnlyWhenEnabled()
    {
        const string text = "def validateEmailAddress(addr):";
        var plain = Tokenizer();
        var split = SplittingTokenizer(this);
        var plainTokens = plain.Tokenize(text).Select(t => text.Substring(t.Start, t.Length)).ToArray();
        var splitTokens = split.Tokenize(text).Select(t => text.Substring(t.Start, t.Length)).ToArray();
        // With the split, every identifier part starts its own word, so "Email" is a whole-word token.
        Assert.Contains("Email", splitTokens);
        Assert.Contains("Address", splitTokens);
        Assert.DoesNotContain("Email", plainTokens);
        Assert.Equal(split.Tokenize(text).Count, split.CountTokens(text));
        Assert.Equal(plain.Tokenize(text).Count, plain.CountTokens(text));
    }

    [Fact]
    public void DocumentOffsetsSurviveSplittingTabsAndNewlines()
    {
        var tok = SplittingTokenizer(this);
        const string text = "if\t(isValidEmail(userEmail))\r\n{\n\treturn sendMail();\n}";
        var encoded = tok.EncodeDocument(text);
        var pieces = Enumerable.Range(0, encoded.Length)
            .Where(i => encoded.Starts[i] >= 0)
            .Select(i => text.Substring(encoded.Starts[i], encoded.Lengths[i]))
            .ToArray();
        Assert.Equal(["if", "(", "is", "Valid", "Email", "(", "user", "Email", ")", ")", "{", "return", "send", "Mail", "(", ")", ";", "}"], pieces);
        // [CLS], marker and [SEP] carry no span.
        Assert.Equal(-1, encoded.Starts[0]);
        Assert.Equal(-1, encoded.Starts[1]);
        Assert.Equal(-1, encoded.Starts[^1]);
        Assert.Equal(0, encoded.Lengths[^1]);
        // Skiplisted punctuation keeps its span but not its vector.
        var paren = Array.FindIndex(encoded.Starts, s => s >= 0 && text[s] == '(');
        Assert.False(encoded.OutputMask[paren]);
    }

    [Fact]
    public void SubwordOffsetsAndAccentsMapToOriginalText()
    {
        var tok = Tokenizer();
        // "Ünïcode" is lower-cased and stripped to "unicode"; the decomposed "e\u0301" shrinks under normalization.
        const string text = "validate Ünïcode cafe\u0301 email";
        var spans = tok.Tokenize(text).Select(t => text.Substring(t.Start, t.Length)).ToArray();
        Assert.Equal(string.Concat(spans), text.Replace(" ", "", StringComparison.Ordinal));
        Assert.Contains("email", spans);
        Assert.Contains(spans, s => s.EndsWith("e\u0301", StringComparison.Ordinal));
    }

    [Fact]
    public void QueryPrefixTokensHaveNoSpan()
    {
        var tok = Tokenizer(j => j["query"]!["prefix"] = "search query: ");
        const string text = "send email";
        var encoded = tok.EncodeQuery(text);
        var spans = Enumerable.Range(0, encoded.Length).Where(i => encoded.Starts[i] >= 0)
            .Select(i => text.Substring(encoded.Starts[i], encoded.Lengths[i])).ToArray();
        Assert.Equal(["send", "email"], spans);
        // [CLS] marker search query : send email [SEP] then [MASK]s.
        Assert.Equal(32, encoded.Length);
        Assert.Equal(1, encoded.AttentionMask[7]);
        Assert.Equal(0, encoded.AttentionMask[8]);
    }

    [Fact]
    public void LongDocumentIsTruncatedWithSepKept()
    {
        var tok = Tokenizer();
        var text = string.Join(' ', Enumerable.Repeat("email", 400));
        var encoded = tok.EncodeDocument(text);
        Assert.Equal(300, encoded.Length);
        Assert.Equal(102, encoded.InputIds[^1]);
        Assert.Equal(297, tok.MaxDocumentTokens);
        Assert.Equal(400, tok.CountTokens(text));
    }

    [Fact]
    public void UnknownMarkerIsALoadError()
    {
        var e = Assert.Throws<ModelLoadException>(() => Tokenizer(j => j["query"]!["marker"] = "[NOPE]"));
        Assert.Contains("query.marker", e.Message, StringComparison.Ordinal);
        Assert.Contains("[NOPE]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingVocabIsALoadErrorNamingThePath()
    {
        var e = Assert.Throws<ModelLoadException>(() => Tokenizer(j => j["tokenizer"]!["vocab"] = "no-such-vocab.txt"));
        Assert.Contains(Path.Combine(_dir, "no-such-vocab.txt"), e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kind", "\"foo\"", "semsearch-model.json: 'kind' must be 'colbert' or 'dense' (got 'foo')")]
    [InlineData("dim", "\"96\"", "semsearch-model.json: 'dim' must be an integer (got '96')")]
    [InlineData("pooling", "\"mean\"", "semsearch-model.json: 'pooling' must be 'none' for a colbert model (got 'mean')")]
    [InlineData("name", "null", "semsearch-model.json: 'name' is required")]
    public void ManifestValidationNamesFileAndField(string field, string value, string expected)
    {
        var json = JsonNode.Parse(File.ReadAllText(TokenizerParityTests.AnswerAiManifestPath))!.AsObject();
        json[field] = JsonNode.Parse(value);
        var path = Path.Combine(_dir, ModelManifest.FileName);
        File.WriteAllText(path, json.ToJsonString());
        var e = Assert.Throws<ModelLoadException>(() => ModelManifest.Load(path));
        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NestedFieldErrorsUseDottedNames()
    {
        var json = JsonNode.Parse(File.ReadAllText(TokenizerParityTests.AnswerAiManifestPath))!.AsObject();
        json["document"]!["maxLength"] = 1;
        var path = Path.Combine(_dir, ModelManifest.FileName);
        File.WriteAllText(path, json.ToJsonString());
        var e = Assert.Throws<ModelLoadException>(() => ModelManifest.Load(path));
        Assert.Contains("'document.maxLength' must be at least 4 (got 1)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CorruptManifestIsALoadError()
    {
        var path = Path.Combine(_dir, ModelManifest.FileName);
        File.WriteAllText(path, "{ not json");
        var e = Assert.Throws<ModelLoadException>(() => ModelManifest.Load(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnswerAiManifestCarriesPyLateSettings()
    {
        var m = ModelManifest.Load(TokenizerParityTests.AnswerAiManifestPath);
        Assert.Equal("colbert", m.Kind);
        Assert.Equal(96, m.Dim);
        Assert.Equal(32, m.Query.MaxLength);
        Assert.True(m.Query.ExpandWithMask);
        Assert.Equal(300, m.Document.MaxLength);
        Assert.Equal(32, m.Document.Skiplist.Count);
        Assert.Equal("linear.weight", m.Projection!.Tensor);
        _ = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "models", "model-manifest.schema.json")));
    }
}
