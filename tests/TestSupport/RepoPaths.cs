namespace SemanticSearch.TestSupport;

/// <summary>Locates the repository checkout and the shared/ folder beside it, from wherever the tests run.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(FindRoot);

    /// <summary>The repository root (the folder holding SemanticSearch.sln).</summary>
    public static string Root => RootLazy.Value;

    /// <summary>The shared/ folder beside the checkout (../shared), or SEMSEARCH_SHARED_DIR when set.</summary>
    public static string Shared
    {
        get
        {
            var fromEnv = Environment.GetEnvironmentVariable("SEMSEARCH_SHARED_DIR");
            var dir = string.IsNullOrEmpty(fromEnv) ? Path.GetFullPath(Path.Combine(Root, "..", "shared")) : fromEnv;
            if (!Directory.Exists(dir))
            {
                throw new DirectoryNotFoundException($"shared/ folder not found at {dir}; set SEMSEARCH_SHARED_DIR.");
            }
            return dir;
        }
    }

    public static string Fixtures => Path.Combine(Root, "tests", "fixtures");

    public static string AnswerAiColbertFolder => Path.Combine(Shared, "models", "answerai-colbert-small-v1");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SemanticSearch.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("Could not find SemanticSearch.sln above " + AppContext.BaseDirectory);
    }
}
