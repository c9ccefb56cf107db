using System;
using Microsoft.VisualStudio.Shell;
using Microsoft.VisualStudio.Shell.Interop;
using Task = System.Threading.Tasks.Task;

namespace SemanticSearch.VisualStudio;

/// <summary>The "Semantic Search" pane of the Output window: the server's log and the client's notes ("Show Log").</summary>
public sealed class OutputLog
{
    private static readonly Guid PaneGuid = new("3b9f0c2e-7d41-4a6b-8e15-2c7a9d0f4b68");
    private readonly IVsOutputWindowPane? _pane;

    private OutputLog(IVsOutputWindowPane? pane)
    {
        _pane = pane;
    }

    public static async System.Threading.Tasks.Task<OutputLog> CreateAsync(AsyncPackage package)
    {
        await package.JoinableTaskFactory.SwitchToMainThreadAsync(package.DisposalToken);
        if (await package.GetServiceAsync(typeof(SVsOutputWindow)) is not IVsOutputWindow output)
        {
            return new OutputLog(null);
        }
        var guid = PaneGuid;
        output.CreatePane(ref guid, "Semantic Search", fInitVisible: 1, fClearWithSolution: 0);
        output.GetPane(ref guid, out var pane);
        return new OutputLog(pane);
    }

    /// <summary>Any thread: the pane's thread-safe write.</summary>
    public void Write(string line) => _pane?.OutputStringThreadSafe(line + Environment.NewLine);

    public async Task ShowAsync(AsyncPackage package)
    {
        await package.JoinableTaskFactory.SwitchToMainThreadAsync(package.DisposalToken);
        _pane?.Activate();
    }
}
