namespace SemanticSearch.Cli;

/// <summary>Finds the model to use when the command line does not name one.</summary>
public static class ModelLocator
{
    public const string EnvironmentVariable = "SEMSEARCH_MODEL";

    /// <summary>
    /// --model, else $SEMSEARCH_MODEL, else the default model shipped beside the executable (models/default), else
    /// models/default in a checkout above it. Null when none exists.
    /// </summary>
    public static string? Resolve(string? fromCommandLine)
    {
        if (!string.IsNullOrWhiteSpace(fromCommandLine))
        {
            return fromCommandLine;
        }
        var fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            return fromEnv;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "models", "default");
            if (File.Exists(Path.Combine(candidate, "semsearch-model.json")))
            {
                return candidate;
            }
        }
        return null;
    }

    public static string NoModelMessage =>
        $"No model found. Pass --model <folder> (a folder with semsearch-model.json, an ONNX file and tokenizer files) or set {EnvironmentVariable}. See models/README.md.";
}
