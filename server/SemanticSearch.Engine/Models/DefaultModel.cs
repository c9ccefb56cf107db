namespace SemanticSearch.Engine.Models;

/// <summary>
/// Finds the model to use when the caller does not name one. Shared by the CLI and the language server so both
/// resolve the same model for the same machine.
/// </summary>
public static class DefaultModel
{
    public const string EnvironmentVariable = "SEMSEARCH_MODEL";

    /// <summary>Where the default model sits relative to the executable (and to a checkout's root).</summary>
    public static readonly string RelativeFolder = Path.Combine("models", "default");

    /// <summary>
    /// The explicit path, else $SEMSEARCH_MODEL, else the default model shipped beside the executable
    /// (models/default: the engine project copies it into every build and publish folder, the semsearch tool and
    /// the .vsix's server), else models/default in a checkout above it (development runs from other folders).
    /// Null when none exists.
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
        var beside = Path.Combine(AppContext.BaseDirectory, RelativeFolder);
        if (IsModelFolder(beside))
        {
            return beside;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory).Parent; dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, RelativeFolder);
            if (IsModelFolder(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    private static bool IsModelFolder(string folder) => File.Exists(Path.Combine(folder, ModelManifest.FileName));
}
