using System.Diagnostics;
using System.Text;

namespace SemanticSearch.VisualStudio.Core.Launch;

/// <summary>
/// How the server is started: a <c>.dll</c> (the framework-dependent build the extension bundles) runs under
/// <c>dotnet</c>; anything else (an apphost, a self-contained build) is executed itself.
/// </summary>
public sealed class ServerCommand
{
    private ServerCommand(string program, string? dll)
    {
        Program = program;
        Dll = dll;
    }

    /// <summary>What is executed: dotnet, or the server executable.</summary>
    public string Program { get; }

    /// <summary>The server assembly handed to dotnet; null for an executable.</summary>
    public string? Dll { get; }

    /// <summary>The server file: the dll or the executable.</summary>
    public string ServerFile => Dll ?? Program;

    public bool NeedsRuntime => Dll is not null;

    /// <summary>
    /// The command for <paramref name="serverPath"/> (the setting, else the bundled dll). <paramref name="dotnet"/> is
    /// the runtime to run a dll with: the setting, else what <see cref="DotnetLocator"/> found; null when neither.
    /// </summary>
    public static ServerCommand For(string serverPath, string? dotnet) =>
        serverPath.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
            ? new ServerCommand(string.IsNullOrWhiteSpace(dotnet) ? "dotnet" : dotnet!.Trim(), serverPath)
            : new ServerCommand(serverPath, null);

    public ProcessStartInfo StartInfo()
    {
        var info = new ProcessStartInfo(Program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (Dll is not null)
        {
            info.Arguments = Quote(Dll);
        }
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return info;
    }

    /// <summary>
    /// One argument for <see cref="ProcessStartInfo.Arguments"/> (netstandard2.0 has no ArgumentList), by the
    /// Windows rules that .NET applies on every platform: backslashes double only before a quote.
    /// </summary>
    internal static string Quote(string argument)
    {
        if (argument.Length > 0 && argument.IndexOfAny([' ', '\t', '"']) < 0)
        {
            return argument;
        }
        var quoted = new StringBuilder("\"");
        var backslashes = 0;
        foreach (var c in argument)
        {
            if (c == '\\')
            {
                backslashes++;
                continue;
            }
            quoted.Append('\\', c == '"' ? (backslashes * 2) + 1 : backslashes);
            backslashes = 0;
            quoted.Append(c);
        }
        quoted.Append('\\', backslashes * 2);
        return quoted.Append('"').ToString();
    }
}
