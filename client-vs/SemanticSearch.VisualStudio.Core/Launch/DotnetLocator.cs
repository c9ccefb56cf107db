namespace SemanticSearch.VisualStudio.Core.Launch;

/// <summary>What the runtime lookup reads, so tests can hand it another environment and file system.</summary>
public sealed class RuntimeLookup
{
    public required Func<string, string?> Environment { get; init; }
    public required bool Windows { get; init; }
    public required string Home { get; init; }
    public required Func<string, bool> Exists { get; init; }

    /// <summary>This process's environment and file system.</summary>
    public static RuntimeLookup Current => new()
    {
        Environment = System.Environment.GetEnvironmentVariable,
        Windows = System.IO.Path.DirectorySeparatorChar == '\\',
        Home = System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile),
        Exists = File.Exists,
    };
}

/// <summary>
/// Where the .NET runtime that runs the server is, when the user set no dotnet path: PATH first (as starting a
/// process would look), then DOTNET_ROOT and the folders the installers use. Visual Studio started from the Start
/// menu has the machine's PATH, not a developer prompt's, and an installed runtime should need no setting.
/// The same search as the VS Code client's (client-vscode/src/logic/runtime.ts).
/// </summary>
public static class DotnetLocator
{
    /// <summary>The dotnet executable found, or null when there is none (the caller names the missing runtime).</summary>
    public static string? Find(RuntimeLookup lookup)
    {
        var exe = lookup.Windows ? "dotnet.exe" : "dotnet";
        string Join(string a, params string[] more)
        {
            var separator = lookup.Windows ? '\\' : '/';
            return more.Aggregate(a, (left, right) => left.TrimEnd('/', '\\') + separator + right);
        }
        var path = lookup.Environment("PATH") ?? lookup.Environment("Path") ?? "";
        var onPath = path.Split(lookup.Windows ? ';' : ':').Where(dir => dir.Length > 0).Select(dir => Join(dir, exe));
        var roots = new[] { lookup.Environment("DOTNET_ROOT"), lookup.Environment("DOTNET_ROOT_X64"), lookup.Environment("DOTNET_ROOT_ARM64") };
        var programFiles = lookup.Environment("ProgramFiles");
        var localAppData = lookup.Environment("LOCALAPPDATA");
        var wellKnown = lookup.Windows
            ? new[] { programFiles is null ? null : Join(programFiles, "dotnet"), localAppData is null ? null : Join(localAppData, "Microsoft", "dotnet") }
            :
            [
                Join(lookup.Home, ".dotnet"),
                "/usr/local/share/dotnet", // macOS installer
                "/opt/homebrew/opt/dotnet/libexec",
                "/usr/share/dotnet", // Microsoft's Linux packages
                "/usr/lib/dotnet", // distribution packages
                "/usr/lib64/dotnet",
                "/opt/dotnet",
                "/snap/dotnet-sdk/current",
            ];
        var inRoots = roots.Concat(wellKnown).Where(root => !string.IsNullOrEmpty(root)).Select(root => Join(root!, exe));
        return onPath.Concat(inRoots).FirstOrDefault(lookup.Exists);
    }
}
