using System.Diagnostics;
using System.Security.Cryptography;

namespace SemanticSearch.TestSupport;

/// <summary>
/// The tiny random-weight test models (models/tiny-random/build_tiny_model.py), generated once per script version
/// into artifacts/test-models/&lt;script hash&gt;/{colbert,dense} under the repository root and reused afterwards.
/// Each folder appears by an atomic rename, so parallel test processes never see a half-written model.
/// </summary>
public static class TinyModel
{
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<string> Colbert = new(() => Build("colbert"), LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<string> Dense = new(() => Build("dense"), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Folder of the colbert variant (model.onnx, vocab.txt, semsearch-model.json).</summary>
    public static string ColbertFolder => Colbert.Value;

    /// <summary>Folder of the dense (mean-pooled) variant.</summary>
    public static string DenseFolder => Dense.Value;

    public static string Script => Path.Combine(RepoPaths.Root, "models", "tiny-random", "build_tiny_model.py");

    private static string Build(string kind)
    {
        var script = Script;
        var hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(script)))[..16];
        var cache = Path.Combine(RepoPaths.Root, "artifacts", "test-models", hash);
        var target = Path.Combine(cache, kind);
        if (File.Exists(Path.Combine(target, "semsearch-model.json")))
        {
            return target;
        }
        if (!File.Exists(Python))
        {
            throw new InvalidOperationException(
                $"The tiny test model needs {Python} with onnx and numpy: apt-get install python3-onnx python3-numpy");
        }
        Directory.CreateDirectory(cache);
        // Build beside the target, then rename: the rename is atomic, and a loser of a race just uses the winner's.
        var temp = Path.Combine(cache, $".{kind}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            var psi = new ProcessStartInfo(Python)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[] { script, "--out", temp, "--kind", kind })
            {
                psi.ArgumentList.Add(arg);
            }
            using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {Python}.");
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"build_tiny_model.py --kind {kind} failed (exit {process.ExitCode}). If onnx or numpy is missing: " +
                    $"apt-get install python3-onnx python3-numpy\n{stderr.Result}{stdout}");
            }
            try
            {
                Directory.Move(temp, target);
            }
            catch (IOException) when (File.Exists(Path.Combine(target, "semsearch-model.json")))
            {
                // Another test process finished first; its model is identical (same script, same seed).
            }
            return target;
        }
        finally
        {
            // A build that failed is reported by the throw above, never by its cleanup.
            TestFolders.Delete(temp);
        }
    }
}
