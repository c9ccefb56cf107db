namespace SemanticSearch.TestSupport;

/// <summary>
/// Locates the repository checkout and its test fixtures, from wherever the tests run. Tests read only the checkout:
/// a plain clone, with nothing beside it, must pass them all (shared/ beside a checkout is for long evaluations).
/// </summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(FindRoot);

    /// <summary>The repository root (the folder holding SemanticSearch.sln).</summary>
    public static string Root => RootLazy.Value;

    public static string Fixtures => Path.Combine(Root, "tests", "fixtures");

    /// <summary>The upstream answerai-colbert-small-v1 tokenizer and projection files (no backbone, no ONNX).</summary>
    public static string AnswerAiColbertFolder => Path.Combine(Fixtures, "models", "answerai-colbert-small-v1");

    /// <summary>The CoSQA retrieval test split (queries_test.jsonl, corpus.jsonl).</summary>
    public static string CosqaFolder => Path.Combine(Fixtures, "evals", "cosqa");

    /// <summary>The shipped default model in the checkout.</summary>
    public static string DefaultModelFolder => Path.Combine(Root, "models", "default");

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
