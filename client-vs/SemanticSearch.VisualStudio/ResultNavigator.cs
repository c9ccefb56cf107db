using System;
using System.Linq;
using Microsoft.VisualStudio.Shell;
using Microsoft.VisualStudio.Shell.Interop;
using Microsoft.VisualStudio.TextManager.Interop;
using SemanticSearch.Server.Protocol;
using SemanticSearch.VisualStudio.Core.Connection;
using Task = System.Threading.Tasks.Task;

namespace SemanticSearch.VisualStudio;

/// <summary>Go to a result: open its file, select the best matched token (else the chunk's first line), and centre it.</summary>
public static class ResultNavigator
{
    /// <summary>The Next / Previous Result commands: the Core picks the hit, this opens it.</summary>
    public static async Task StepAsync(SemanticSearchPackage package, bool next)
    {
        var results = package.Session?.Current;
        var hit = next ? results?.Next() : results?.Previous();
        if (hit is not null)
        {
            await OpenAsync(package, hit);
        }
    }

    public static async Task OpenAsync(SemanticSearchPackage package, SearchHit hit)
    {
        await package.JoinableTaskFactory.SwitchToMainThreadAsync(package.DisposalToken);
        VsShellUtilities.OpenDocument(package, FileUris.ToPath(hit.Uri), Guid.Empty, out _, out _, out IVsWindowFrame frame);
        frame?.Show();
        var view = frame is null ? null : VsShellUtilities.GetTextView(frame);
        // LSP positions are 0-based lines and UTF-16 columns, as IVsTextView's are: no conversion.
        var range = hit.Matches.OrderByDescending(m => m.Similarity).FirstOrDefault()?.Range
            ?? new LspRange(hit.Range.Start, new Position(hit.Range.Start.Line, hit.Range.Start.Character));
        if (view is not null)
        {
            view.SetSelection(range.Start.Line, range.Start.Character, range.End.Line, range.End.Character);
            view.CenterLines(Math.Max(0, range.Start.Line - 5), 10);
        }
        if (package.Client is { } client && package.Session?.Current is { } current)
        {
            await client.ResultOpenedAsync(current.Answer.QueryId, hit.ResultId);
        }
    }
}
