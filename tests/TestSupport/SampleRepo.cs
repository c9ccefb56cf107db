namespace SemanticSearch.TestSupport;

/// <summary>
/// A throwaway copy of tests/fixtures/sample-repo, plus the files its .gitignore excludes (which git therefore
/// cannot carry in the fixture itself). Deleted on dispose.
/// </summary>
public sealed class SampleRepo : IDisposable
{
    public SampleRepo()
    {
        Root = Directory.CreateTempSubdirectory("semsearch-sample-").FullName;
        var source = Path.Combine(RepoPaths.Fixtures, "sample-repo");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(Root, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        Write("build/Generated.cs", "namespace Acme.Build;\npublic static class Generated { public static int BuildNumber => 42; }\n");
        Write("debug.log", "2026-11-01 12:00:00 INFO started\n");
    }

    public string Root { get; }

    public string PathOf(string relative) => Path.Combine(Root, relative);

    public void Write(string relative, string text)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    /// <summary>
    /// Adds generated Python (<c>gen/module_N.py</c>, functions <c>compute_N_M</c>): enough for an index to pass the
    /// default compression threshold (65,536 token vectors), so it is stored as codes.
    /// </summary>
    public void WriteCompressibleModules()
    {
        for (var i = 0; i < 300; i++)
        {
            var functions = Enumerable.Range(0, 8).Select(j =>
                $"def compute_{i}_{j}(values, factor):\n    \"\"\"Scale every value of batch {i} by factor {j} and sum the results.\"\"\"\n" +
                $"    total = 0\n    for value in values:\n        total += value * factor + {j}\n    return total\n");
            Write($"gen/module_{i}.py", string.Join("\n\n", functions));
        }
    }

    /// <summary>Replaces text in a file and moves its mtime forward so the change is visible even on coarse clocks.</summary>
    public void Edit(string relative, string oldText, string newText)
    {
        var path = PathOf(relative);
        var content = File.ReadAllText(path);
        if (!content.Contains(oldText, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"'{oldText}' not found in {relative}");
        }
        File.WriteAllText(path, content.Replace(oldText, newText, StringComparison.Ordinal));
        File.SetLastWriteTimeUtc(path, File.GetLastWriteTimeUtc(path).AddSeconds(2));
    }

    public void Dispose() => TestFolders.Delete(Root);
}
