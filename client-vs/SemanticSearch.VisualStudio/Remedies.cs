using System.Diagnostics;
using SemanticSearch.VisualStudio.Core.Problems;
using Task = System.Threading.Tasks.Task;

namespace SemanticSearch.VisualStudio;

/// <summary>What a problem's button does in Visual Studio (the Core chose the remedy; this carries it out).</summary>
public static class Remedies
{
    public static async Task ApplyAsync(SemanticSearchPackage package, Remedy remedy)
    {
        await package.JoinableTaskFactory.SwitchToMainThreadAsync(package.DisposalToken);
        switch (remedy.Kind)
        {
            case RemedyKind.OpenUrl when remedy.Url is not null:
                Process.Start(new ProcessStartInfo(remedy.Url) { UseShellExecute = true });
                break;
            case RemedyKind.OpenSetting:
                package.ShowOptionPage(typeof(OptionsPage));
                break;
            case RemedyKind.RestartServer when package.Client is { } client:
                await client.RestartAsync();
                break;
            case RemedyKind.RebuildIndex when package.Client is { } client:
                await client.RebuildIndexAsync();
                break;
            case RemedyKind.ShowLog:
                await package.Log.ShowAsync(package);
                break;
        }
    }
}
