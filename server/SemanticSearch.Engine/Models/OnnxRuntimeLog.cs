using Microsoft.ML.OnnxRuntime;

namespace SemanticSearch.Engine.Models;

/// <summary>
/// ONNX Runtime's own log, routed through the engine.
/// <para>
/// Why: when a GPU provider cannot start, the exception the C# API throws says only "Failed to load shared library";
/// the reason a user can act on (<c>libcublasLt.so.13: cannot open shared object file</c>, no CUDA-capable device)
/// is in a line ONNX Runtime writes to stderr itself, in its own coloured format, before the exception. Routing the
/// log lets the fallback message carry that reason, once and in plain words, and keeps the raw line out of the
/// terminal. Everything else ONNX Runtime logs (warnings and worse) still reaches stderr, as "onnxruntime: …".
/// </para>
/// The environment is process-wide and created once; every session must be made after <see cref="Environment"/>
/// was read, or ONNX Runtime would create its default environment (and its default logger) first.
/// </summary>
internal static class OnnxRuntimeLog
{
    private static readonly Lazy<OrtEnv> Env = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    // Provider start-up runs on the calling thread, and so do its log callbacks: a per-thread capture is exact.
    [ThreadStatic]
    private static List<string>? t_captured;

    // Kept alive for the process: ONNX Runtime holds a pointer to it.
    private static readonly DOrtLoggingFunction Sink = OnLog;

    public static OrtEnv Environment => Env.Value;

    /// <summary>
    /// Runs <paramref name="action"/>; the errors ONNX Runtime logs on this thread meanwhile are added to
    /// <paramref name="logged"/> instead of going to stderr (also when the action throws). Warnings still print.
    /// </summary>
    public static T Capture<T>(List<string> logged, Func<T> action)
    {
        _ = Environment;
        var previous = t_captured;
        t_captured = logged;
        try
        {
            return action();
        }
        finally
        {
            t_captured = previous;
        }
    }

    /// <summary>
    /// The part of a captured ONNX Runtime line that says what went wrong: the text after its source-location and
    /// status prefixes ("/onnxruntime_src/…cc:2043 … [ONNXRuntimeError] : 1 : FAIL : "), and for a library that would
    /// not load, the loader's own words ("libcublasLt.so.13: cannot open shared object file: …").
    /// </summary>
    public static string Reason(string line)
    {
        var text = line.Trim();
        var status = text.LastIndexOf(" : FAIL : ", StringComparison.Ordinal);
        if (status >= 0)
        {
            text = text[(status + " : FAIL : ".Length)..];
        }
        const string LoadError = " with error: ";
        var load = text.IndexOf(LoadError, StringComparison.Ordinal);
        if (text.StartsWith("Failed to load library ", StringComparison.Ordinal) && load > 0)
        {
            var library = Path.GetFileName(text["Failed to load library ".Length..load].Trim());
            text = $"{library} could not be loaded: {text[(load + LoadError.Length)..].Trim()}";
        }
        return text;
    }

    private static OrtEnv Create()
    {
        var options = new EnvironmentCreationOptions
        {
            logId = "semsearch",
            logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
            loggingFunction = Sink,
        };
        return OrtEnv.CreateInstanceWithOptions(ref options);
    }

    private static void OnLog(IntPtr param, OrtLoggingLevel severity, string category, string logId, string codeLocation, string message)
    {
        if (severity < OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING)
        {
            return;
        }
        if (severity >= OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR && t_captured is { } captured)
        {
            captured.Add(message);
            return;
        }
        Console.Error.WriteLine($"onnxruntime: {message}");
    }
}
