namespace SemanticSearch.Engine.Models;

/// <summary>
/// Finds the model to use when the caller does not name one. Shared by the CLI and the language server so both
/// resolve the same model for the same machine.
/// </summary>
public static class DefaultModel
{
    public const string EnvironmentVariable = "SEMSEARCH_MODEL";

    /// <summary>
    /// The explicit path, else $SEMSEARCH_MODEL, else the default model shipped beside the executable
    /// (models/default), else models/default in a checkout above it. Null when none exists.
    /// </summary>
    public static string? Resolve(string? explicitPath)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return explicitPath;
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
}
