namespace SemanticSearch.Engine.Search;

/// <summary>What a file is there for, read off its path: the ranker demotes all but <see cref="Source"/>.</summary>
public enum PathRole
{
    Source,
    Test,
    Docs,
    Example,
    Generated,
    Vendored,
}

/// <summary>
/// Classifies workspace-relative paths by convention. Folder names count anywhere in the path (<c>src/test/java</c>,
/// <c>packages/x/__tests__</c>); file names by the suffixes test frameworks look for (<c>_test.go</c>,
/// <c>.spec.ts</c>, <c>FooTests.cs</c>, <c>test_foo.py</c>). Vendored wins over the others, then generated,
/// then test, docs and example.
/// </summary>
public static class PathRoles
{
    private static readonly HashSet<string> VendoredFolders = new(StringComparer.OrdinalIgnoreCase)
    {
        "vendor", "vendors", "third_party", "thirdparty", "third-party", "node_modules", "external", "extern", "deps", "bower_components",
    };

    private static readonly HashSet<string> GeneratedFolders = new(StringComparer.OrdinalIgnoreCase) { "generated", "gen", "autogen", "__generated__" };

    private static readonly HashSet<string> TestFolders = new(StringComparer.OrdinalIgnoreCase)
    {
        "test", "tests", "testing", "spec", "specs", "__tests__", "__mocks__", "testdata", "test-data", "fixtures", "e2e", "benchmark", "benchmarks", "bench",
    };

    private static readonly HashSet<string> DocFolders = new(StringComparer.OrdinalIgnoreCase) { "doc", "docs", "documentation", "man", "wiki" };

    private static readonly HashSet<string> ExampleFolders = new(StringComparer.OrdinalIgnoreCase)
    {
        "example", "examples", "_examples", "sample", "samples", "demo", "demos", "playground", "tutorial", "tutorials",
    };

    private static readonly HashSet<string> DocExtensions = new(StringComparer.OrdinalIgnoreCase) { ".md", ".markdown", ".rst", ".txt", ".adoc", ".asciidoc", ".org" };

    public static PathRole Of(string path)
    {
        var parts = path.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            return PathRole.Source;
        }
        var folders = parts[..^1];
        var file = parts[^1];
        var name = Path.GetFileNameWithoutExtension(file);
        var extension = Path.GetExtension(file);
        if (folders.Any(VendoredFolders.Contains) || file.EndsWith(".min.js", StringComparison.OrdinalIgnoreCase))
        {
            return PathRole.Vendored;
        }
        if (folders.Any(GeneratedFolders.Contains) || name.EndsWith(".g", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".designer", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".generated", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith("_pb2", StringComparison.Ordinal) || name.EndsWith(".pb", StringComparison.OrdinalIgnoreCase))
        {
            return PathRole.Generated;
        }
        if (folders.Any(TestFolders.Contains) || IsTestFileName(name))
        {
            return PathRole.Test;
        }
        if (folders.Any(DocFolders.Contains) || DocExtensions.Contains(extension))
        {
            return PathRole.Docs;
        }
        return folders.Any(ExampleFolders.Contains) ? PathRole.Example : PathRole.Source;
    }

    private static bool IsTestFileName(string name) =>
        name.EndsWith("_test", StringComparison.OrdinalIgnoreCase) || name.EndsWith("_spec", StringComparison.OrdinalIgnoreCase)
        || name.EndsWith(".test", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".spec", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("test_", StringComparison.OrdinalIgnoreCase)
        || name.EndsWith("Tests", StringComparison.Ordinal) || name.EndsWith("Test", StringComparison.Ordinal) || name.EndsWith("Spec", StringComparison.Ordinal)
        || name.EndsWith("Specs", StringComparison.Ordinal);
}
