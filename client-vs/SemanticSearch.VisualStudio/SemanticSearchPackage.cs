using System;
using System.ComponentModel.Design;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.VisualStudio.Shell;
using Microsoft.VisualStudio.Shell.Interop;
using SemanticSearch.VisualStudio.Core.Connection;
using SemanticSearch.VisualStudio.Core.Session;
using Task = System.Threading.Tasks.Task;

namespace SemanticSearch.VisualStudio;

/// <summary>
/// The extension's entry point: loads in the background once a solution or folder is open, starts the Core's
/// client on it, wires the commands, the tool window, the Options page and the document events. No decisions
/// are made here; they are the Core's.
/// </summary>
[PackageRegistration(UseManagedResourcesOnly = true, AllowsBackgroundLoading = true)]
[Guid(PackageGuid)]
[ProvideMenuResource("Menus.ctmenu", 1)]
[ProvideToolWindow(typeof(SearchToolWindow), Style = VsDockStyle.Tabbed, Window = ToolWindowGuids.Outputwindow)]
[ProvideOptionPage(typeof(OptionsPage), "Semantic Search", "General", 0, 0, true)]
[ProvideAutoLoad(UIContextGuids80.SolutionExists, PackageAutoLoadFlags.BackgroundLoad)]
[ProvideAutoLoad(UIContextGuids80.FolderOpened, PackageAutoLoadFlags.BackgroundLoad)]
// The Core and its dependencies load from the extension's folder.
[ProvideBindingPath]
public sealed class SemanticSearchPackage : AsyncPackage
{
    public const string PackageGuid = "5d3c6b1a-2f4e-4c8d-9b7a-3e1f0a6c2d94";
    public static readonly Guid CommandSet = new("a7e2c9d4-6b13-4f5a-8c0e-9d2b1f4a7e63");

    private DocumentEvents? _documentEvents;
    private OptionsPage? _options;

    public SemanticSearchClient? Client { get; private set; }

    public SearchSession? Session { get; private set; }

    public OutputLog Log { get; private set; } = null!;

    protected override async Task InitializeAsync(CancellationToken cancellationToken, IProgress<ServiceProgressData> progress)
    {
        await JoinableTaskFactory.SwitchToMainThreadAsync(cancellationToken);
        Log = await OutputLog.CreateAsync(this);
        var root = await SolutionFolderAsync();
        if (root is null)
        {
            Log.Write("No solution or folder is open; Semantic Search waits for one.");
        }
        else
        {
            await StartClientAsync(root, cancellationToken);
        }
        if (await GetServiceAsync(typeof(IMenuCommandService)) is OleMenuCommandService commands)
        {
            Add(commands, 0x0100, () => ShowSearchAsync());
            Add(commands, 0x0101, () => ResultNavigator.StepAsync(this, next: true));
            Add(commands, 0x0102, () => ResultNavigator.StepAsync(this, next: false));
            Add(commands, 0x0103, () => Client?.RestartAsync() ?? Task.CompletedTask);
            Add(commands, 0x0104, () => Client?.RebuildIndexAsync() ?? Task.CompletedTask);
        }
    }

    /// <summary>The Options page was applied: the Core decides whether that means a restart.</summary>
    public Task ApplySettingsAsync(Core.Settings.ClientSettings settings) => Client?.UpdateSettingsAsync(settings) ?? Task.CompletedTask;

    /// <summary>Keeps the Core's history with the options (Visual Studio's settings store), after each submitted query.</summary>
    public void SaveHistory()
    {
        ThreadHelper.ThrowIfNotOnUIThread();
        if (_options is not null && Session is not null)
        {
            _options.History = [.. Session.History.Entries];
            _options.SaveSettingsToStorage();
        }
    }

    public async Task ShowSearchAsync()
    {
        await JoinableTaskFactory.SwitchToMainThreadAsync(DisposalToken);
        var window = await ShowToolWindowAsync(typeof(SearchToolWindow), 0, create: true, DisposalToken);
        (window as SearchToolWindow)?.FocusSearchBox();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _documentEvents?.Dispose();
            Session?.Dispose();
            Client?.Dispose();
        }
        base.Dispose(disposing);
    }

    private async Task StartClientAsync(string root, CancellationToken cancellationToken)
    {
        var options = (OptionsPage)GetDialogPage(typeof(OptionsPage));
        _options = options;
        options.Applied += settings => JoinableTaskFactory.RunAsync(() => ApplySettingsAsync(settings)).FileAndForget("SemanticSearch/options");
        var extensionFolder = Path.GetDirectoryName(typeof(SemanticSearchPackage).Assembly.Location)!;
        Client = new SemanticSearchClient(new ClientOptions
        {
            BundledServer = Path.Combine(extensionFolder, "server", "SemanticSearch.Server.dll"),
            Folders = [root],
            Settings = options.ToSettings(),
            Log = Log.Write,
        });
        Session = new SearchSession(
            (search, token) => Client.SearchAsync(search, token),
            () => options.ToSettings().EffectiveTypingDelay,
            () => options.ToSettings().EffectiveMaxResults,
            new QueryHistory(options.History));
        _documentEvents = await DocumentEvents.AdviseAsync(this, Client.Changes);
        // Started off the main thread: the server's start and its first initialize take a moment.
        _ = JoinableTaskFactory.RunAsync(async () =>
        {
            await TaskScheduler.Default;
            await Client.StartAsync(cancellationToken);
        });
    }

    /// <summary>The open solution's folder, or the open folder (Open Folder mode); null when none.</summary>
    private async Task<string?> SolutionFolderAsync()
    {
        await JoinableTaskFactory.SwitchToMainThreadAsync(DisposalToken);
        if (await GetServiceAsync(typeof(SVsSolution)) is not IVsSolution solution)
        {
            return null;
        }
        solution.GetSolutionInfo(out var directory, out _, out _);
        return string.IsNullOrEmpty(directory) ? null : directory;
    }

    private void Add(OleMenuCommandService commands, int id, Func<Task> run)
    {
        var command = new MenuCommand((_, _) => JoinableTaskFactory.RunAsync(run).FileAndForget("SemanticSearch/command"), new CommandID(CommandSet, id));
        commands.AddCommand(command);
    }
}
