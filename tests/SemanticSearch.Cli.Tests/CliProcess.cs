using System.Diagnostics;
using System.Text;

namespace SemanticSearch.Cli.Tests;

/// <summary>Runs the real semsearch executable (the built semsearch.dll under `dotnet`) as a child process.</summary>
public static class CliProcess
{
    public static string DllPath => Path.Combine(AppContext.BaseDirectory, "semsearch.dll");

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
    }

    public static ProcessStartInfo StartInfo(IEnumerable<string> args, IDictionary<string, string>? env = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(DllPath);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        // Tests never pick up a developer's model setting by accident.
        info.Environment.Remove("SEMSEARCH_MODEL");
        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            info.Environment[k] = v;
        }
        return info;
    }

    public static Result Run(params string[] args) => Run(args, null);

    public static Result Run(IEnumerable<string> args, IDictionary<string, string>? env, int timeoutSeconds = 180)
    {
        using var process = Process.Start(StartInfo(args, env))!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            // What it printed before the kill says where it was (still encoding, or stuck).
            throw new TimeoutException($"semsearch {string.Join(' ', args)} did not finish in {timeoutSeconds}s\n" +
                $"--- stdout\n{Tail(stdout.Result)}\n--- stderr\n{Tail(stderr.Result)}");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : "…" + text[^4000..];
}
