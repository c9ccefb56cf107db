using SemanticSearch.Engine.Models;

namespace SemanticSearch.Cli;

/// <summary>Finds the model to use when the command line does not name one (resolution lives in the engine).</summary>
public static class ModelLocator
{
    public const string EnvironmentVariable = DefaultModel.EnvironmentVariable;

    /// <summary>--model, else $SEMSEARCH_MODEL, else models/default beside the executable or in a checkout above it.</summary>
    public static string? Resolve(string? fromCommandLine) => DefaultModel.Resolve(fromCommandLine);

    public static string NoModelMessage =>
        $"No model found. Pass --model <folder> (a folder with semsearch-model.json, an ONNX file and tokenizer files) or set {EnvironmentVariable}. See models/README.md.";
}
