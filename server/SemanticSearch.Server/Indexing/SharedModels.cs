using SemanticSearch.Engine.Models;

namespace SemanticSearch.Server.Indexing;

/// <summary>
/// One loaded model per (folder, provider, threads) for all workspace folders, reference-counted: three folders
/// with the same model hold one ONNX session, not three. The last folder to let go disposes it.
/// </summary>
public sealed class SharedModels
{
    private readonly object _gate = new();
    private readonly Dictionary<string, (EmbeddingModel Model, int Users)> _models = new(StringComparer.Ordinal);

    public EmbeddingModel Acquire(string modelPath, EncoderOptions options)
    {
        var key = $"{Path.GetFullPath(modelPath)}|{options.ExecutionProvider}|{options.Threads}|{options.MaxBatchSize}";
        lock (_gate)
        {
            if (_models.TryGetValue(key, out var entry))
            {
                _models[key] = (entry.Model, entry.Users + 1);
                return entry.Model;
            }
            // Loading under the lock is fine: only the indexing worker opens folders.
            var model = EmbeddingModel.Open(modelPath, options);
            _models[key] = (model, 1);
            return model;
        }
    }

    public void Release(EmbeddingModel model)
    {
        lock (_gate)
        {
            foreach (var (key, entry) in _models)
            {
                if (!ReferenceEquals(entry.Model, model))
                {
                    continue;
                }
                if (entry.Users > 1)
                {
                    _models[key] = (model, entry.Users - 1);
                }
                else
                {
                    _models.Remove(key);
                    model.Dispose();
                }
                return;
            }
        }
    }
}
