namespace SemanticSearch.Engine.Models;

/// <summary>Which ONNX Runtime execution provider encodes: asked for (<see cref="EncoderOptions"/>) or in effect (<see cref="EmbeddingModel.ExecutionProvider"/>).</summary>
public enum ExecutionProvider
{
    /// <summary>The GPU providers the build has (DirectML then CUDA on Windows, CUDA elsewhere), then CPU. Never in effect.</summary>
    Auto,
    Cpu,
    Cuda,
    DirectML,
}

/// <summary>
/// The execution provider names every front end accepts (<c>--provider</c>, the server's and the VS Code client's
/// <c>executionProvider</c>) and reports, in one place; the client's settings enum is checked against
/// <see cref="Names"/> by a test.
/// </summary>
public static class ExecutionProviders
{
    /// <summary>The names, in <see cref="ExecutionProvider"/> order.</summary>
    public static IReadOnlyList<string> Names { get; } = Enum.GetValues<ExecutionProvider>().Select(p => p.Name()).ToList();

    /// <summary>The lower-case name on the command line, in settings and in reports ("cpu", "directml").</summary>
    public static string Name(this ExecutionProvider provider) => provider.ToString().ToLowerInvariant();

    /// <summary>A name as a user typed it (case and surrounding spaces ignored); null when it names none.</summary>
    public static ExecutionProvider? TryParse(string? name)
    {
        var index = Names.ToList().IndexOf((name ?? "").Trim().ToLowerInvariant());
        return index < 0 ? null : (ExecutionProvider)index;
    }

    /// <summary>"auto, cpu, cuda or directml", for messages.</summary>
    public static string Listed => $"{string.Join(", ", Names.Take(Names.Count - 1))} or {Names[^1]}";
}
