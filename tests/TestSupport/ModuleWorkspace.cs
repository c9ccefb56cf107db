namespace SemanticSearch.TestSupport;

/// <summary>
/// A workspace of many small generated C# files (six methods each), for tests that need a pass long enough to
/// pause, cancel or interrupt.
/// </summary>
public static class ModuleWorkspace
{
    /// <summary>Writes <c>Module000.cs</c> … into <paramref name="root"/>.</summary>
    public static void Write(string root, int files)
    {
        for (var i = 0; i < files; i++)
        {
            File.WriteAllText(Path.Combine(root, $"Module{i:D3}.cs"), string.Join('\n',
                $"namespace Big.M{i};",
                $"public static class Module{i}",
                "{",
                string.Join('\n', Enumerable.Range(0, 6).Select(m => $"    public static int Compute{m}Value{i}(int input) {{ var total = input * {m}; return total + {i}; }}")),
                "}"));
        }
    }
}
