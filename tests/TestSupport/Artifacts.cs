using System.Diagnostics;

namespace SemanticSearch.TestSupport;

/// <summary>
/// Builds what users install, from this checkout, with the real dotnet CLI: publish folders and the semsearch tool
/// package (from the build the tests already run on, so nothing is compiled twice), and finds the CUDA build that
/// scripts/test.sh compiles into artifacts/cuda.
/// </summary>
public static class Artifacts
{
    /// <summary>The configuration the tests were built in (Release under scripts/test.sh), read off the output path.</summary>
    public static string Configuration =>
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    /// <summary>Where <c>scripts/test.sh</c> builds the CUDA variant (<c>--artifacts-path artifacts/cuda</c>).</summary>
    public static string CudaArtifactsPath => Path.Combine(RepoPaths.Root, "artifacts", "cuda");

    public const string CudaBuildCommand =
        "dotnet build server/SemanticSearch.Cli -c Release -p:SemanticSearchGpu=cuda --artifacts-path artifacts/cuda " +
        "(and the same for server/SemanticSearch.Server; scripts/test.sh does both)";

    /// <summary>The CUDA build's output folder of a project (SemanticSearch.Cli, SemanticSearch.Server); fails with the command to build it.</summary>
    public static string CudaBuildOf(string project, string entryDll)
    {
        var folder = Path.Combine(CudaArtifactsPath, "bin", project, Configuration.ToLowerInvariant());
        if (!File.Exists(Path.Combine(folder, entryDll)))
        {
            throw new FileNotFoundException($"No CUDA build of {project} at {folder}. Build it with: {CudaBuildCommand}");
        }
        return folder;
    }

    /// <summary><c>dotnet publish server/&lt;project&gt; --no-build</c> into <paramref name="output"/>.</summary>
    public static void Publish(string project, string output) =>
        Dotnet(RepoPaths.Root, null, "publish", ProjectFile(project), "-c", Configuration, "--no-build", "-o", output, "-nologo");

    /// <summary><c>dotnet pack server/&lt;project&gt; --no-build</c>; returns the .nupkg written into <paramref name="output"/>.</summary>
    public static string Pack(string project, string output)
    {
        Dotnet(RepoPaths.Root, null, "pack", ProjectFile(project), "-c", Configuration, "--no-build", "-o", output, "-nologo");
        return Directory.GetFiles(output, "*.nupkg").Single();
    }

    /// <summary>Runs dotnet with <paramref name="args"/> in <paramref name="workingDirectory"/>; throws with its output unless it exits 0.</summary>
    public static string Dotnet(string workingDirectory, IDictionary<string, string>? env, params string[] args)
    {
        var r = Run("dotnet", workingDirectory, env, args);
        if (r.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet {string.Join(' ', args)} {r}");
        }
        return r.Stdout;
    }

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
    }

    /// <summary>Runs a program to its end (10 minutes at most), with SEMSEARCH_MODEL unset.</summary>
    public static Result Run(string program, string workingDirectory, IDictionary<string, string>? env, params string[] args)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        info.Environment.Remove("SEMSEARCH_MODEL");
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            info.Environment[k] = v;
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {program}.");
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish in 10 minutes");
        }
        return new Result(process.ExitCode, stdout, stderr.Result);
    }

    private static string ProjectFile(string project) => Path.Combine(RepoPaths.Root, "server", project, project + ".csproj");
}
