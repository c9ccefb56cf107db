using SemanticSearch.Server.Protocol;

namespace SemanticSearch.VisualStudio.Core.Problems;

/// <summary>Why search cannot answer (the same states as the VS Code client's client-vscode/src/logic/problems.ts).</summary>
public enum ProblemKind
{
    /// <summary>No dotnet to run the server's .dll: the configured one does not exist, or none was found.</summary>
    NoRuntime,
    /// <summary>The server file is missing (a broken install, or a wrong server path setting).</summary>
    NoServer,
    /// <summary>The server crashed more often than the restart policy allows, or did not start.</summary>
    ServerStopped,
    /// <summary>A folder's model could not be loaded.</summary>
    NoModel,
    /// <summary>A folder's index is damaged.</summary>
    CorruptIndex,
    /// <summary>Any other folder failure; the log says more.</summary>
    FolderError,
}

/// <summary>What a remedy does when the user picks it: the shell decides how (a browser, the Options page, a command).</summary>
public enum RemedyKind
{
    /// <summary>Open <see cref="Remedy.Url"/> (the .NET download page).</summary>
    OpenUrl,
    /// <summary>Open the Options page on <see cref="Remedy.Setting"/>.</summary>
    OpenSetting,
    RestartServer,
    /// <summary>Delete the index and build it again (reindex with full).</summary>
    RebuildIndex,
    /// <summary>Show the output pane with the server's log.</summary>
    ShowLog,
}

/// <summary>A button of a problem: the fix first, "Show Log" last.</summary>
public sealed class Remedy
{
    public required RemedyKind Kind { get; init; }
    public required string Title { get; init; }
    /// <summary>The setting to open (a <see cref="Settings.SettingAttribute.Name"/>), for <see cref="RemedyKind.OpenSetting"/>.</summary>
    public string? Setting { get; init; }
    public string? Url { get; init; }
}

/// <summary>A failure state: one sentence naming the cause, and what the user can do about it.</summary>
public sealed class Problem
{
    public const string DotnetDownload = "https://dotnet.microsoft.com/download/dotnet/10.0";

    private static readonly Remedy ShowLog = new() { Kind = RemedyKind.ShowLog, Title = "Show Log" };

    public required ProblemKind Kind { get; init; }
    public required string Message { get; init; }
    public required IReadOnlyList<Remedy> Remedies { get; init; }

    public override string ToString() => $"{Kind}: {Message}";

    public static Remedy OpenSetting(string setting) => new() { Kind = RemedyKind.OpenSetting, Title = "Open Options", Setting = setting };

    public static Problem NoRuntime(string dotnet, bool configured) => new()
    {
        Kind = ProblemKind.NoRuntime,
        Message = configured
            ? $"The .NET runtime set in the dotnet path option ({dotnet}) does not exist. Semantic Search needs .NET 10."
            : "The .NET 10 runtime was not found (no \"dotnet\" on PATH, in DOTNET_ROOT or in the usual install folders). "
              + "Semantic Search needs it to run its server.",
        Remedies = [new Remedy { Kind = RemedyKind.OpenUrl, Title = "Install .NET", Url = DotnetDownload }, OpenSetting("dotnetPath"), ShowLog],
    };

    public static Problem NoServer(string path) => new()
    {
        Kind = ProblemKind.NoServer,
        Message = $"The Semantic Search server was not found ({path}).",
        Remedies = [OpenSetting("serverPath"), ShowLog],
    };

    public static Problem ServerStopped(string reason) => new()
    {
        Kind = ProblemKind.ServerStopped,
        Message = $"The Semantic Search server stopped: {reason}",
        Remedies = [new Remedy { Kind = RemedyKind.RestartServer, Title = "Restart Server" }, ShowLog],
    };

    /// <summary>The first folder the server could not open or index, as a problem with its fix; null when none failed.</summary>
    public static Problem? FromStatus(StatusResult? status)
    {
        var failed = status?.Folders.FirstOrDefault(f => f.State == FolderState.Error && !string.IsNullOrEmpty(f.LastError));
        if (failed is null)
        {
            return null;
        }
        var message = $"{failed.Name}: {failed.LastError}";
        return failed.LastErrorKind switch
        {
            FolderErrorKind.Model => new Problem { Kind = ProblemKind.NoModel, Message = message, Remedies = [OpenSetting("modelPath"), ShowLog] },
            FolderErrorKind.CorruptIndex => new Problem
            {
                Kind = ProblemKind.CorruptIndex,
                Message = message,
                Remedies = [new Remedy { Kind = RemedyKind.RebuildIndex, Title = "Rebuild Index" }, ShowLog],
            },
            _ => new Problem { Kind = ProblemKind.FolderError, Message = message, Remedies = [ShowLog] },
        };
    }
}
