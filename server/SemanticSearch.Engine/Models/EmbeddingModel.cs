using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;
using SemanticSearch.Engine.Chunking;
using SemanticSearch.Engine.Common;

namespace SemanticSearch.Engine.Models;

/// <summary>
/// Runs a model folder (ONNX + tokenizer + semsearch-model.json) and turns text into <see cref="TokenVectors"/>:
/// one vector per kept token for colbert models, one pooled vector for dense ones.
/// </summary>
public sealed class EmbeddingModel : IDisposable, ITokenCounter
{

    private readonly InferenceSession _session;
    private readonly ModelTokenizer _tokenizer;
    private readonly float[]? _projection; // [dim, hidden], row-major
    private readonly int _hidden;           // width of the graph output
    private readonly int _maxBatch;
    private readonly string[] _outputNames;

    private EmbeddingModel(ModelManifest manifest, ModelTokenizer tokenizer, InferenceSession session, ExecutionProvider provider,
        float[]? projection, int hidden, ModelIdentity identity, int maxBatch)
    {
        Manifest = manifest;
        _tokenizer = tokenizer;
        _session = session;
        ExecutionProvider = provider;
        _projection = projection;
        _hidden = hidden;
        Identity = identity;
        _maxBatch = Math.Max(1, maxBatch);
        _outputNames = [manifest.Output];
    }

    public ModelManifest Manifest { get; }
    public ModelIdentity Identity { get; }
    /// <summary>The execution provider actually in use: cpu, cuda or directml.</summary>
    public ExecutionProvider ExecutionProvider { get; }
    public int Dimension => Manifest.Dim;
    /// <summary>Content tokens one document can hold (document maxLength minus [CLS], marker, [SEP] and prefix).</summary>
    public int MaxDocumentTokens => _tokenizer.MaxDocumentTokens;
    public bool IsMultiVector => Manifest.IsColbert;
    public ModelTokenizer Tokenizer => _tokenizer;

    /// <summary>Opens a model folder (reads folder/semsearch-model.json) or a manifest file directly.</summary>
    public static EmbeddingModel Open(string folderOrManifestPath, EncoderOptions options)
    {
        var requested = options.ExecutionProvider;
        var full = Path.GetFullPath(folderOrManifestPath);
        string manifestPath;
        if (Directory.Exists(full))
        {
            manifestPath = Path.Combine(full, ModelManifest.FileName);
            if (!File.Exists(manifestPath))
            {
                throw new ModelLoadException($"No {ModelManifest.FileName} in model folder {full}");
            }
        }
        else if (File.Exists(full))
        {
            manifestPath = full;
        }
        else
        {
            throw new ModelLoadException($"Model folder not found: {full}");
        }

        var manifest = ModelManifest.Load(manifestPath);
        var tokenizer = ModelTokenizer.Create(manifest, manifest.Folder);
        var onnxPath = manifest.Resolve(manifest.Onnx);
        if (!File.Exists(onnxPath))
        {
            throw new ModelLoadException($"{ModelManifest.FileName}: 'onnx' file not found: {onnxPath}");
        }

        float[]? projection = null;
        var hidden = manifest.Dim;
        string? projectionPath = null;
        if (manifest.Projection is { } p)
        {
            projectionPath = manifest.Resolve(p.File);
            var tensor = SafeTensors.ReadF32(projectionPath, p.Tensor);
            if (tensor.Shape.Length != 2 || tensor.Shape[0] != manifest.Dim)
            {
                throw new ModelLoadException(
                    $"{projectionPath}: tensor '{p.Tensor}' has shape [{string.Join(", ", tensor.Shape)}]; expected [dim={manifest.Dim}, hidden]");
            }
            projection = tensor.Data;
            hidden = tensor.Shape[1];
        }

        var log = new OnceLog(options.Log);
        var (session, provider) = CreateSession(onnxPath, requested, options.Threads, log);
        try
        {
            ValidateGraph(session, manifest, onnxPath, hidden);
            var weightsHash = projectionPath is null
                ? ContentHash.OfFile(onnxPath)
                : ContentHash.Of(ContentHash.OfFile(onnxPath, 64) + ":" + ContentHash.OfFile(projectionPath, 64));
            var settingsHash = ContentHash.Of(ContentHash.OfFile(tokenizer.VocabPath, 64) + "\n" + manifest.CanonicalSettings());
            var identity = new ModelIdentity(manifest.Name, weightsHash, settingsHash);
            var model = new EmbeddingModel(manifest, tokenizer, session, provider, projection, hidden, identity, options.MaxBatchSize);
            // One real run proves the graph executes and that dynamic output dims match the manifest.
            model.EncodeDocuments(["probe"]);
            return model;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Encodes one query (PyLate query packing, [MASK] expansion for colbert).</summary>
    public TokenVectors EncodeQuery(string query)
    {
        var encoded = _tokenizer.EncodeQuery(query);
        var result = new TokenVectors[1];
        RunBatch([encoded], [0], result);
        return result[0];
    }

    /// <summary>
    /// Encodes documents; the result is in input order. Texts are sorted by token length and batched (up to
    /// MaxBatchSize) so little padding is computed; padding never changes a text's vectors.
    /// </summary>
    public IReadOnlyList<TokenVectors> EncodeDocuments(IReadOnlyList<string> texts, CancellationToken ct = default)
    {
        var encoded = new EncodedText[texts.Count];
        for (var i = 0; i < texts.Count; i++)
        {
            encoded[i] = _tokenizer.EncodeDocument(texts[i]);
        }
        var order = Enumerable.Range(0, texts.Count).OrderBy(i => encoded[i].Length).ToArray();
        var result = new TokenVectors[texts.Count];
        for (var start = 0; start < order.Length; start += _maxBatch)
        {
            ct.ThrowIfCancellationRequested();
            var indices = order.AsSpan(start, Math.Min(_maxBatch, order.Length - start)).ToArray();
            RunBatch(indices.Select(i => encoded[i]).ToArray(), indices, result, shrinkArena: start + _maxBatch >= order.Length);
        }
        return result;
    }

    public int CountTokens(string text) => _tokenizer.CountTokens(text);

    public void Dispose() => _session.Dispose();

    /// <summary>
    /// ONNX Runtime's CPU arena keeps the peak of what a run needed (the longest batch of a group: hundreds of MB) for
    /// the life of the session; an indexing pass then leaves the process that much bigger for good. Shrinking it at the
    /// end of each document group hands back what the next group would only reuse — the arena grows again in one
    /// allocation per group, not per batch — and queries, one short sequence each, never grow it.
    /// </summary>
    private const string ShrinkCpuArena = "memory.enable_memory_arena_shrinkage";

    private void RunBatch(EncodedText[] batch, int[] targets, TokenVectors[] result, bool shrinkArena = false)
    {
        var b = batch.Length;
        var t = batch.Max(e => e.Length);
        var ids = new long[b * t];
        var mask = new long[b * t];
        if (_tokenizer.PadId != 0)
        {
            Array.Fill(ids, _tokenizer.PadId);
        }
        for (var r = 0; r < b; r++)
        {
            batch[r].InputIds.CopyTo(ids, r * t);
            batch[r].AttentionMask.CopyTo(mask, r * t);
        }
        long[] shape = [b, t];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typesValue = Manifest.Inputs.TokenTypeIds is null ? null : OrtValue.CreateTensorValueFromMemory(new long[b * t], shape);
        var inputs = new Dictionary<string, OrtValue>
        {
            [Manifest.Inputs.InputIds] = idsValue,
            [Manifest.Inputs.AttentionMask] = maskValue,
        };
        if (typesValue is not null)
        {
            inputs[Manifest.Inputs.TokenTypeIds!] = typesValue;
        }
        using var runOptions = new RunOptions();
        if (shrinkArena && ExecutionProvider == ExecutionProvider.Cpu)
        {
            runOptions.AddRunConfigEntry(ShrinkCpuArena, "cpu:0");
        }
        using var outputs = _session.Run(runOptions, inputs, _outputNames);
        var output = outputs[0];
        var outShape = output.GetTensorTypeAndShape().Shape;
        if (outShape.Length != 3 || outShape[0] != b || outShape[1] != t || outShape[2] != _hidden)
        {
            throw new ModelLoadException(
                $"{Manifest.Onnx}: output '{Manifest.Output}' has shape [{string.Join(", ", outShape)}]; expected [{b}, {t}, {_hidden}]" +
                (_projection is null ? " (the manifest's 'dim')" : " (the projection's input width)"));
        }
        var data = output.GetTensorDataAsSpan<float>();
        for (var r = 0; r < b; r++)
        {
            result[targets[r]] = PostProcess(data.Slice(r * t * _hidden, t * _hidden), batch[r]);
        }
    }

    private TokenVectors PostProcess(ReadOnlySpan<float> rows, EncodedText e)
    {
        var dim = Manifest.Dim;
        if (!Manifest.IsColbert)
        {
            var pooled = new float[_hidden];
            if (Manifest.Pooling == "cls")
            {
                rows[.._hidden].CopyTo(pooled);
            }
            else
            {
                var n = 0;
                for (var i = 0; i < e.Length; i++)
                {
                    if (e.AttentionMask[i] == 1)
                    {
                        TensorPrimitives.Add(pooled, rows.Slice(i * _hidden, _hidden), pooled);
                        n++;
                    }
                }
                TensorPrimitives.Divide(pooled, Math.Max(1, n), pooled);
            }
            var vector = new float[dim];
            Finish(pooled, vector);
            return new TokenVectors(vector, 1, dim);
        }

        var kept = e.KeptCount;
        var data = new float[kept * dim];
        var starts = new int[kept];
        var lengths = new int[kept];
        var k = 0;
        for (var i = 0; i < e.Length; i++)
        {
            if (!e.OutputMask[i])
            {
                continue;
            }
            Finish(rows.Slice(i * _hidden, _hidden), data.AsSpan(k * dim, dim));
            starts[k] = e.Starts[i];
            lengths[k] = e.Lengths[i];
            k++;
        }
        return new TokenVectors(data, kept, dim, starts, lengths);
    }

    /// <summary>Projection (y = x·Wᵀ) if any, then L2 normalization unless the graph already did it.</summary>
    private void Finish(ReadOnlySpan<float> x, Span<float> y)
    {
        if (_projection is null)
        {
            x.CopyTo(y);
        }
        else
        {
            var w = _projection.AsSpan();
            for (var j = 0; j < y.Length; j++)
            {
                y[j] = TensorPrimitives.Dot(w.Slice(j * _hidden, _hidden), x);
            }
        }
        if (Manifest.Normalize && !Manifest.NormalizedInGraph)
        {
            var norm = TensorPrimitives.Norm(y);
            if (norm > 0)
            {
                TensorPrimitives.Multiply(y, 1f / norm, y);
            }
        }
    }

    private static void ValidateGraph(InferenceSession session, ModelManifest m, string onnxPath, int hidden)
    {
        var file = Path.GetFileName(onnxPath);
        var folder = Path.GetDirectoryName(onnxPath);
        var graphInputs = session.InputMetadata.Keys.ToHashSet(StringComparer.Ordinal);
        var fed = new List<(string Field, string Name)> { ("inputs.inputIds", m.Inputs.InputIds), ("inputs.attentionMask", m.Inputs.AttentionMask) };
        if (m.Inputs.TokenTypeIds is { } tt)
        {
            fed.Add(("inputs.tokenTypeIds", tt));
        }
        foreach (var (field, name) in fed)
        {
            if (!graphInputs.Contains(name))
            {
                throw new ModelLoadException(
                    $"{ModelManifest.FileName}: '{field}' names input '{name}', but {file} in {folder} has inputs: {string.Join(", ", graphInputs)}");
            }
        }
        var unfed = graphInputs.Except(fed.Select(f => f.Name)).ToList();
        if (unfed.Count > 0)
        {
            throw new ModelLoadException(
                $"{file} in {folder} needs input(s) {string.Join(", ", unfed)} that {ModelManifest.FileName} 'inputs' does not name");
        }
        if (!session.OutputMetadata.TryGetValue(m.Output, out var output))
        {
            throw new ModelLoadException(
                $"{ModelManifest.FileName}: 'output' names '{m.Output}', but {file} in {folder} has outputs: {string.Join(", ", session.OutputMetadata.Keys)}");
        }
        var dims = output.Dimensions;
        if (dims.Length != 3)
        {
            throw new ModelLoadException($"{file} in {folder}: output '{m.Output}' has rank {dims.Length}; expected [batch, sequence, hidden]");
        }
        if (dims[2] > 0 && dims[2] != hidden)
        {
            throw new ModelLoadException(m.Projection is null
                ? $"{ModelManifest.FileName}: 'dim' is {m.Dim}, but {file} in {folder} outputs {dims[2]}-dimensional vectors"
                : $"{file} in {folder} outputs {dims[2]}-dimensional vectors, but the projection '{m.Projection.Tensor}' expects {hidden}");
        }
    }

    private static (InferenceSession Session, ExecutionProvider Provider) CreateSession(string onnxPath, ExecutionProvider requested, int threads, OnceLog log)
    {
        var available = OnnxRuntimeLog.Environment.GetAvailableProviders();
        var candidates = requested switch
        {
            ExecutionProvider.Auto => OperatingSystem.IsWindows() ? new[] { ExecutionProvider.DirectML, ExecutionProvider.Cuda } : [ExecutionProvider.Cuda],
            ExecutionProvider.Cpu => [],
            _ => [requested],
        };
        foreach (var provider in candidates)
        {
            var ortName = provider == ExecutionProvider.Cuda ? "CUDAExecutionProvider" : "DmlExecutionProvider";
            var display = provider == ExecutionProvider.Cuda ? "CUDA" : "DirectML";
            if (!available.Contains(ortName))
            {
                // auto quietly takes what the build has; an explicit request that cannot be honoured is worth one notice.
                if (requested != ExecutionProvider.Auto)
                {
                    log.Write($"{display} execution provider requested but this ONNX Runtime build only has " +
                        $"{string.Join(", ", available)} (build with -p:SemanticSearchGpu={provider.Name()} to get it); using CPU.");
                }
                continue;
            }
            SessionOptions? options = null;
            var logged = new List<string>();
            try
            {
                // Both steps can fail for want of the GPU stack: the provider library loads when it is appended,
                // and the device is opened with the session. Either failure means "use CPU", never "bad model".
                var session = OnnxRuntimeLog.Capture(logged, () =>
                {
                    options = NewOptions(threads);
                    if (provider == ExecutionProvider.Cuda)
                    {
                        options.AppendExecutionProvider_CUDA(0);
                    }
                    else
                    {
                        options.AppendExecutionProvider_DML(0);
                    }
                    return new InferenceSession(onnxPath, options);
                });
                return (session, provider);
            }
            catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
            {
                log.Write($"{display} execution provider could not be started: {FailureReason(e, logged)}; using CPU.");
            }
            finally
            {
                options?.Dispose();
            }
        }
        using var cpu = NewOptions(threads);
        return (OpenSession(onnxPath, cpu), ExecutionProvider.Cpu);
    }

    /// <summary>
    /// Why a GPU provider failed: ONNX Runtime's own logged error when it wrote one (it names the missing library or
    /// device, see <see cref="OnnxRuntimeLog"/>), else the exception's message.
    /// </summary>
    private static string FailureReason(Exception e, IReadOnlyList<string> logged) =>
        logged.Count > 0 ? OnnxRuntimeLog.Reason(logged[^1]) : e.Message.Trim();

    private static SessionOptions NewOptions(int threads)
    {
        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        // No spinning: after a run, ONNX Runtime's worker threads spin-wait for the next one, and a query's run is
        // followed at once by candidate generation's parallel scoring, which they took a core from (on 2 cores, a
        // real 100k-chunk index: candidates right after encoding p50 41.2 ms, with the query encoded beforehand
        // 30.3 ms; without spinning 29.2 against 29.6; bench model-only p50 / p95 34.5 / 48.8 -> 30.4 / 38.0 ms).
        // The price is paid by batch encoding between its runs: a cold index of 25,217 chunks 55.8 -> 58.9 s
        // (mean of two each), within what the index's share of the model's rate allows (README, "Measuring speed").
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        if (threads > 0)
        {
            options.IntraOpNumThreads = threads;
        }
        return options;
    }

    private static InferenceSession OpenSession(string onnxPath, SessionOptions options)
    {
        try
        {
            return new InferenceSession(onnxPath, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelLoadException(
                $"{Path.GetFileName(onnxPath)} in {Path.GetDirectoryName(onnxPath)} is not a valid ONNX model: {e.Message}", e);
        }
    }

    /// <summary>Passes on the first message only, so one Open never repeats itself.</summary>
    private sealed class OnceLog(Action<string>? sink)
    {
        private bool _written;

        public void Write(string message)
        {
            if (!_written)
            {
                _written = true;
                sink?.Invoke(message);
            }
        }
    }
}
