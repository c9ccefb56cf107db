namespace SemanticSearch.Engine.Models;

/// <summary>
/// The execution provider names every front end accepts (<c>--provider</c>, the server's and the VS Code client's
/// <c>executionProvider</c>), in one place; the client's settings enum is checked against <see cref="Names"/> by a
/// test. <c>auto</c> tries the GPU providers the build has, then CPU.
/// </summary>
public static class ExecutionProviders
{
    public static IReadOnlyList<string> Names { get; } = ["auto", "cpu", "cuda", "directml"];

    public static bool IsKnown(string name) => Names.Contains(name);

    /// <summary>"auto, cpu, cuda or directml", for messages.</summary>
    public static string Listed => $"{string.Join(", ", Names.Take(Names.Count - 1))} or {Names[^1]}";
}
