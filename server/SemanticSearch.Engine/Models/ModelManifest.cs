using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SemanticSearch.Engine.Models;

/// <summary>A model folder or manifest that cannot be used; the message names the file and, where known, the field.</summary>
public sealed class ModelLoadException : Exception
{
    public ModelLoadException(string message) : base(message) { }

    public ModelLoadException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>The tokenizer section of a manifest.</summary>
public sealed record TokenizerSettings(string Type, string Vocab, bool Lowercase, bool StripAccents, bool SplitIdentifiers);

/// <summary>ONNX graph input names; <see cref="TokenTypeIds"/> is null when the graph takes no token types.</summary>
public sealed record ModelInputs(string InputIds, string AttentionMask, string? TokenTypeIds);

/// <summary>A linear projection stored outside the graph: y = x·Wᵀ with W of shape [dim, hidden].</summary>
public sealed record ProjectionSettings(string File, string Tensor);

/// <summary>How queries are packed.</summary>
public sealed record QuerySettings(string? Marker, int MaxLength, bool ExpandWithMask, string Prefix);

/// <summary>How documents are packed; <see cref="Skiplist"/> tokens' vectors are dropped (colbert only).</summary>
public sealed record DocumentSettings(string? Marker, int MaxLength, IReadOnlyList<string> Skiplist, string Prefix);

/// <summary>
/// The parsed <c>semsearch-model.json</c> of a model folder: which files make up the model and exactly how text is
/// turned into vectors. The schema is documented field by field in models/README.md.
/// </summary>
public sealed class ModelManifest
{
    public const string FileName = "semsearch-model.json";
    public const int CurrentSchemaVersion = 1;

    private ModelManifest(string path) => ManifestPath = path;

    /// <summary>Full path of the manifest file this was read from.</summary>
    public string ManifestPath { get; }

    /// <summary>The folder that relative file names in the manifest resolve against.</summary>
    public string Folder => Path.GetDirectoryName(ManifestPath) ?? ".";

    public int SchemaVersion { get; private init; }
    public string Name { get; private init; } = "";
    /// <summary>"colbert" (one vector per kept token) or "dense" (one pooled vector).</summary>
    public string Kind { get; private init; } = "";
    public string Onnx { get; private init; } = "";
    public TokenizerSettings Tokenizer { get; private init; } = null!;
    public ModelInputs Inputs { get; private init; } = null!;
    public string Output { get; private init; } = "";
    /// <summary>Dimensions of the final vectors (after any projection).</summary>
    public int Dim { get; private init; }
    public ProjectionSettings? Projection { get; private init; }
    public bool NormalizedInGraph { get; private init; }
    public QuerySettings Query { get; private init; } = null!;
    public DocumentSettings Document { get; private init; } = null!;
    /// <summary>"none" (colbert), "mean" or "cls" (dense).</summary>
    public string Pooling { get; private init; } = "";
    public bool Normalize { get; private init; }

    public bool IsColbert => Kind == "colbert";

    /// <summary>Resolves a file named in the manifest against the manifest's folder.</summary>
    public string Resolve(string relative) => Path.GetFullPath(Path.Combine(Folder, relative));

    public static ModelManifest Load(string manifestPath)
    {
        var full = Path.GetFullPath(manifestPath);
        if (!File.Exists(full))
        {
            throw new ModelLoadException($"Model manifest not found: {full}");
        }
        string json;
        try
        {
            json = File.ReadAllText(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException($"{full}: cannot read the model manifest: {e.Message}", e);
        }
        return Parse(json, full);
    }

    /// <summary>Parses manifest text; <paramref name="manifestPath"/> is used for error messages and to resolve files.</summary>
    public static ModelManifest Parse(string json, string manifestPath)
    {
        var reader = new Reader(Path.GetFileName(manifestPath));
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new ModelLoadException($"{manifestPath}: not valid JSON: {e.Message}", e);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw reader.Error("", "the manifest must be a JSON object");
            }
            try
            {
                return Build(root, reader, Path.GetFullPath(manifestPath));
            }
            catch (ModelLoadException e)
            {
                // Field errors name the file briefly; add the full path once so users can find it.
                throw new ModelLoadException($"{e.Message} [{Path.GetFullPath(manifestPath)}]", e);
            }
        }
    }

    private static ModelManifest Build(JsonElement root, Reader r, string path)
    {
        var version = r.Int(root, "schemaVersion", required: true, min: 1)!.Value;
        if (version != CurrentSchemaVersion)
        {
            throw r.Error("schemaVersion", $"must be {CurrentSchemaVersion} (got {version}); this build reads schema version {CurrentSchemaVersion}");
        }
        var name = r.String(root, "name", required: true)!;
        var kind = r.Choice(root, "kind", ["colbert", "dense"], required: true)!;
        var onnx = r.String(root, "onnx", required: true)!;

        var tok = r.Object(root, "tokenizer", required: true)!.Value;
        var tokenizer = new TokenizerSettings(
            r.Choice(tok, "type", ["wordpiece"], required: true, prefix: "tokenizer.")!,
            r.String(tok, "vocab", required: true, prefix: "tokenizer.")!,
            r.Bool(tok, "lowercase", true, "tokenizer."),
            r.Bool(tok, "stripAccents", true, "tokenizer."),
            r.Bool(tok, "splitIdentifiers", false, "tokenizer."));

        var inp = r.Object(root, "inputs", required: true)!.Value;
        var inputs = new ModelInputs(
            r.String(inp, "inputIds", required: true, prefix: "inputs.")!,
            r.String(inp, "attentionMask", required: true, prefix: "inputs.")!,
            r.String(inp, "tokenTypeIds", required: false, prefix: "inputs."));

        var output = r.String(root, "output", required: true)!;
        var dim = r.Int(root, "dim", required: true, min: 1)!.Value;

        ProjectionSettings? projection = null;
        if (r.Object(root, "projection", required: false) is { } proj)
        {
            projection = new ProjectionSettings(
                r.String(proj, "file", required: true, prefix: "projection.")!,
                r.String(proj, "tensor", required: true, prefix: "projection.")!);
        }
        var normalizedInGraph = r.Bool(root, "normalizedInGraph", false);

        var q = r.Object(root, "query", required: true)!.Value;
        var query = new QuerySettings(
            r.String(q, "marker", required: false, prefix: "query."),
            r.Int(q, "maxLength", required: true, min: 4, prefix: "query.")!.Value,
            r.Bool(q, "expandWithMask", false, "query."),
            r.String(q, "prefix", required: false, prefix: "query.", allowEmpty: true) ?? "");

        var d = r.Object(root, "document", required: true)!.Value;
        var document = new DocumentSettings(
            r.String(d, "marker", required: false, prefix: "document."),
            r.Int(d, "maxLength", required: true, min: 4, prefix: "document.")!.Value,
            r.StringList(d, "skiplist", "document."),
            r.String(d, "prefix", required: false, prefix: "document.", allowEmpty: true) ?? "");

        var pooling = r.Choice(root, "pooling", ["none", "mean", "cls"], required: true)!;
        var normalize = r.Bool(root, "normalize", true);

        if (kind == "colbert" && pooling != "none")
        {
            throw r.Error("pooling", $"must be 'none' for a colbert model (got '{pooling}')");
        }
        if (kind == "dense" && pooling == "none")
        {
            throw r.Error("pooling", "must be 'mean' or 'cls' for a dense model (got 'none')");
        }
        if (kind == "dense" && query.ExpandWithMask)
        {
            throw r.Error("query.expandWithMask", "is only meaningful for colbert models");
        }

        return new ModelManifest(path)
        {
            SchemaVersion = version,
            Name = name,
            Kind = kind,
            Onnx = onnx,
            Tokenizer = tokenizer,
            Inputs = inputs,
            Output = output,
            Dim = dim,
            Projection = projection,
            NormalizedInGraph = normalizedInGraph,
            Query = query,
            Document = document,
            Pooling = pooling,
            Normalize = normalize,
        };
    }

    /// <summary>
    /// Every processing setting that changes the vectors, in a fixed order and format (file names and the model
    /// name excluded). Part of <see cref="ModelIdentity.SettingsHash"/>.
    /// </summary>
    public string CanonicalSettings()
    {
        var sb = new StringBuilder();
        void Add(string key, object? value) => sb.Append(key).Append('=').Append(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "<null>").Append('\n');
        Add("schemaVersion", SchemaVersion);
        Add("kind", Kind);
        Add("tokenizer.type", Tokenizer.Type);
        Add("tokenizer.lowercase", Tokenizer.Lowercase);
        Add("tokenizer.stripAccents", Tokenizer.StripAccents);
        Add("tokenizer.splitIdentifiers", Tokenizer.SplitIdentifiers);
        Add("inputs.tokenTypeIds", Inputs.TokenTypeIds is not null);
        Add("dim", Dim);
        Add("projection.tensor", Projection?.Tensor);
        Add("normalizedInGraph", NormalizedInGraph);
        Add("query.marker", Query.Marker);
        Add("query.maxLength", Query.MaxLength);
        Add("query.expandWithMask", Query.ExpandWithMask);
        Add("query.prefix", Query.Prefix);
        Add("document.marker", Document.Marker);
        Add("document.maxLength", Document.MaxLength);
        Add("document.skiplist", string.Join("\u0001", Document.Skiplist));
        Add("document.prefix", Document.Prefix);
        Add("pooling", Pooling);
        Add("normalize", Normalize);
        return sb.ToString();
    }

    /// <summary>Typed field access that turns every problem into a message naming the file and the field.</summary>
    private sealed class Reader(string file)
    {
        public ModelLoadException Error(string field, string problem) =>
            new(field.Length == 0 ? $"{file}: {problem}" : $"{file}: '{field}' {problem}");

        private JsonElement? Get(JsonElement obj, string name, bool required, string prefix)
        {
            if (obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null)
            {
                return value;
            }
            if (required)
            {
                throw Error(prefix + name, "is required");
            }
            return null;
        }

        public string? String(JsonElement obj, string name, bool required, string prefix = "", bool allowEmpty = false)
        {
            if (Get(obj, name, required, prefix) is not { } v)
            {
                return null;
            }
            if (v.ValueKind != JsonValueKind.String)
            {
                throw Error(prefix + name, $"must be a string (got {Describe(v)})");
            }
            var s = v.GetString()!;
            if (s.Length == 0 && !allowEmpty)
            {
                throw Error(prefix + name, "must not be empty");
            }
            return s;
        }

        public string? Choice(JsonElement obj, string name, string[] allowed, bool required, string prefix = "")
        {
            var s = String(obj, name, required, prefix, allowEmpty: true);
            if (s is not null && !allowed.Contains(s, StringComparer.Ordinal))
            {
                var options = allowed.Length == 2
                    ? $"'{allowed[0]}' or '{allowed[1]}'"
                    : string.Join(", ", allowed.Select(a => $"'{a}'"));
                throw Error(prefix + name, $"must be {options} (got '{s}')");
            }
            return s;
        }

        public int? Int(JsonElement obj, string name, bool required, int min, string prefix = "")
        {
            if (Get(obj, name, required, prefix) is not { } v)
            {
                return null;
            }
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var i))
            {
                throw Error(prefix + name, $"must be an integer (got {Describe(v)})");
            }
            if (i < min)
            {
                throw Error(prefix + name, $"must be at least {min} (got {i})");
            }
            return i;
        }

        public bool Bool(JsonElement obj, string name, bool fallback, string prefix = "")
        {
            if (Get(obj, name, false, prefix) is not { } v)
            {
                return fallback;
            }
            return v.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw Error(prefix + name, $"must be true or false (got {Describe(v)})"),
            };
        }

        public JsonElement? Object(JsonElement obj, string name, bool required, string prefix = "")
        {
            if (Get(obj, name, required, prefix) is not { } v)
            {
                return null;
            }
            if (v.ValueKind != JsonValueKind.Object)
            {
                throw Error(prefix + name, $"must be an object (got {Describe(v)})");
            }
            return v;
        }

        public IReadOnlyList<string> StringList(JsonElement obj, string name, string prefix)
        {
            if (Get(obj, name, false, prefix) is not { } v)
            {
                return [];
            }
            if (v.ValueKind != JsonValueKind.Array)
            {
                throw Error(prefix + name, $"must be an array of strings (got {Describe(v)})");
            }
            var list = new List<string>();
            foreach (var item in v.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(item.GetString()))
                {
                    throw Error(prefix + name, $"must hold only non-empty strings (got {Describe(item)})");
                }
                list.Add(item.GetString()!);
            }
            return list;
        }

        private static string Describe(JsonElement v) => v.ValueKind switch
        {
            JsonValueKind.String => $"'{v.GetString()}'",
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.GetRawText(),
            _ => v.ValueKind.ToString().ToLowerInvariant(),
        };
    }
}
