using System;
using Microsoft.VisualStudio;
using Microsoft.VisualStudio.Shell;
using Microsoft.VisualStudio.Shell.Interop;
using SemanticSearch.VisualStudio.Core.Changes;
using Task = System.Threading.Tasks.Task;

namespace SemanticSearch.VisualStudio;

/// <summary>
/// Saves from the running document table, and adds, renames and removes from the project system, handed to the
/// Core's <see cref="ChangeBatcher"/> as they come (it batches them for the server).
/// </summary>
public sealed class DocumentEvents : IVsRunningDocTableEvents, IVsTrackProjectDocumentsEvents2, IDisposable
{
    private readonly ChangeBatcher _changes;
    private RunningDocumentTable? _table;
    private uint _tableCookie;
    private IVsTrackProjectDocuments2? _tracker;
    private uint _trackerCookie;

    private DocumentEvents(ChangeBatcher changes)
    {
        _changes = changes;
    }

    public static async System.Threading.Tasks.Task<DocumentEvents> AdviseAsync(AsyncPackage package, ChangeBatcher changes)
    {
        await package.JoinableTaskFactory.SwitchToMainThreadAsync(package.DisposalToken);
        var events = new DocumentEvents(changes) { _table = new RunningDocumentTable(package) };
        events._tableCookie = events._table.Advise(events);
        if (await package.GetServiceAsync(typeof(SVsTrackProjectDocuments)) is IVsTrackProjectDocuments2 tracker)
        {
            events._tracker = tracker;
            tracker.AdviseTrackProjectDocumentsEvents(events, out events._trackerCookie);
        }
        return events;
    }

    public int OnAfterSave(uint docCookie)
    {
        ThreadHelper.ThrowIfNotOnUIThread();
        var moniker = _table?.GetDocumentInfo(docCookie).Moniker;
        // Only files on disk: other monikers (a project file's in-memory view, a designer) have no path to index.
        if (!string.IsNullOrEmpty(moniker) && System.IO.Path.IsPathRooted(moniker))
        {
            _changes.Saved(moniker);
        }
        return VSConstants.S_OK;
    }

    public int OnAfterAddFilesEx(int cProjects, int cFiles, IVsProject[] rgpProjects, int[] rgFirstIndices, string[] rgpszMkDocuments, VSADDFILEFLAGS[] rgFlags)
    {
        Each(rgpszMkDocuments, _changes.Created);
        return VSConstants.S_OK;
    }

    public int OnAfterRemoveFiles(int cProjects, int cFiles, IVsProject[] rgpProjects, int[] rgFirstIndices, string[] rgpszMkDocuments, VSREMOVEFILEFLAGS[] rgFlags)
    {
        Each(rgpszMkDocuments, _changes.Deleted);
        return VSConstants.S_OK;
    }

    public int OnAfterRenameFiles(
        int cProjects, int cFiles, IVsProject[] rgpProjects, int[] rgFirstIndices, string[] rgszMkOldNames, string[] rgszMkNewNames, VSRENAMEFILEFLAGS[] rgFlags)
    {
        for (var i = 0; i < Math.Min(rgszMkOldNames.Length, rgszMkNewNames.Length); i++)
        {
            _changes.Renamed(rgszMkOldNames[i], rgszMkNewNames[i]);
        }
        return VSConstants.S_OK;
    }

    public void Dispose()
    {
        ThreadHelper.ThrowIfNotOnUIThread();
        if (_table is not null && _tableCookie != 0)
        {
            _table.Unadvise(_tableCookie);
        }
        if (_tracker is not null && _trackerCookie != 0)
        {
            _tracker.UnadviseTrackProjectDocumentsEvents(_trackerCookie);
        }
    }

    private static void Each(string[] paths, Action<string> report)
    {
        foreach (var path in paths)
        {
            if (System.IO.Path.IsPathRooted(path))
            {
                report(path);
            }
        }
    }

    // The events below are not needed: the server watches the folders itself, and only saves, adds, removes and
    // renames are reported early.
    public int OnAfterFirstDocumentLock(uint docCookie, uint dwRDTLockType, uint dwReadLocksRemaining, uint dwEditLocksRemaining) => VSConstants.S_OK;

    public int OnBeforeLastDocumentUnlock(uint docCookie, uint dwRDTLockType, uint dwReadLocksRemaining, uint dwEditLocksRemaining) => VSConstants.S_OK;

    public int OnAfterAttributeChange(uint docCookie, uint grfAttribs) => VSConstants.S_OK;

    public int OnBeforeDocumentWindowShow(uint docCookie, int fFirstShow, IVsWindowFrame pFrame) => VSConstants.S_OK;

    public int OnAfterDocumentWindowHide(uint docCookie, IVsWindowFrame pFrame) => VSConstants.S_OK;

    public int OnQueryAddFiles(
        IVsProject pProject, int cFiles, string[] rgpszMkDocuments, VSQUERYADDFILEFLAGS[] rgFlags, VSQUERYADDFILERESULTS[] pSummaryResult, VSQUERYADDFILERESULTS[] rgResults) =>
        VSConstants.S_OK;

    public int OnAfterAddDirectoriesEx(
        int cProjects, int cDirectories, IVsProject[] rgpProjects, int[] rgFirstIndices, string[] rgpszMkDocuments, VSADDDIRECTORYFLAGS[] rgFlags) => VSConstants.S_OK;

    public int OnAfterRemoveDirectories(
        int cProjects, int cDirectories, IVsProject[] rgpProjects, int[] rgFirstIndices, string[] rgpszMkDocuments, VSREMOVEDIRECTORYFLAGS[] rgFlags) => VSConstants.S_OK;

    public int OnQueryRenameFiles(
        IVsProject pProject, int cFiles, string[] rgszMkOldNames, string[] rgszMkNewNames, VSQUERYRENAMEFILEFLAGS[] rgFlags,
        VSQUERYRENAMEFILERESULTS[] pSummaryResult, VSQUERYRENAMEFILERESULTS[] rgResults) => VSConstants.S_OK;

    public int OnQueryRenameDirectories(
        IVsProject pProject, int cDirs, string[] rgszMkOldNames, string[] rgszMkNewNames, VSQUERYRENAMEDIRECTORYFLAGS[] rgFlags,
        VSQUERYRENAMEDIRECTORYRESULTS[] pSummaryResult, VSQUERYRENAMEDIRECTORYRESULTS[] rgResults) => VSConstants.S_OK;

    public int OnAfterRenameDirectories(
        int cProjects, int cDirs, IVsProject[] rgpProjects, int[] rgFirstIndices, string[] rgszMkOldNames, string[] rgszMkNewNames, VSRENAMEDIRECTORYFLAGS[] rgFlags) =>
        VSConstants.S_OK;

    public int OnQueryAddDirectories(
        IVsProject pProject, int cDirectories, string[] rgpszMkDocuments, VSQUERYADDDIRECTORYFLAGS[] rgFlags,
        VSQUERYADDDIRECTORYRESULTS[] pSummaryResult, VSQUERYADDDIRECTORYRESULTS[] rgResults) => VSConstants.S_OK;

    public int OnQueryRemoveFiles(
        IVsProject pProject, int cFiles, string[] rgpszMkDocuments, VSQUERYREMOVEFILEFLAGS[] rgFlags,
        VSQUERYREMOVEFILERESULTS[] pSummaryResult, VSQUERYREMOVEFILERESULTS[] rgResults) => VSConstants.S_OK;

    public int OnQueryRemoveDirectories(
        IVsProject pProject, int cDirectories, string[] rgpszMkDocuments, VSQUERYREMOVEDIRECTORYFLAGS[] rgFlags,
        VSQUERYREMOVEDIRECTORYRESULTS[] pSummaryResult, VSQUERYREMOVEDIRECTORYRESULTS[] rgResults) => VSConstants.S_OK;

    public int OnAfterSccStatusChanged(int cProjects, int cFiles, IVsProject[] rgpProjects, int[] rgFirstIndices, string[] rgpszMkDocuments, uint[] rgdwSccStatus) =>
        VSConstants.S_OK;
}
