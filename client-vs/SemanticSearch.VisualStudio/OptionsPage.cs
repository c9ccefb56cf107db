using System.Collections.Generic;
using System.ComponentModel;
using System.Linq;
using System.Windows.Forms;
using Microsoft.VisualStudio.Shell;
using SemanticSearch.VisualStudio.Core.Settings;

namespace SemanticSearch.VisualStudio;

/// <summary>
/// Tools > Options > Semantic Search > General: one property per <see cref="ClientSettings"/> setting, with its
/// default; the Core validates them on Apply and decides what a change means (a restart, or new settings sent).
/// Visual Studio stores the values in its settings store.
/// </summary>
public sealed class OptionsPage : DialogPage
{
    private static readonly ClientSettings Defaults = new();

    [Category("Server"), DisplayName("Server path"), Description("A SemanticSearch.Server.dll (run under dotnet) or an executable; empty: the bundled server.")]
    public string ServerPath { get; set; } = Defaults.ServerPath;

    [Category("Server"), DisplayName("dotnet path"), Description("The dotnet that runs the server; empty: found on PATH, DOTNET_ROOT or the install folders.")]
    public string DotnetPath { get; set; } = Defaults.DotnetPath;

    [Category("Model"), DisplayName("Model path"), Description("A model folder; empty: the default model bundled with the server.")]
    public string ModelPath { get; set; } = Defaults.ModelPath;

    [Category("Model"), DisplayName("Execution provider"), Description("auto, cpu, cuda or directml.")]
    public string ExecutionProvider { get; set; } = Defaults.ExecutionProvider;

    [Category("Model"), DisplayName("Threads"), Description("Encoder threads; 0: ONNX Runtime decides.")]
    public int Threads { get; set; } = Defaults.Threads;

    [Category("Indexing"), DisplayName("Excludes"), Description("Gitignore-style patterns that are never indexed, one per line.")]
    public string[] Excludes { get; set; } = [.. Defaults.Excludes];

    [Category("Indexing"), DisplayName("Use .gitignore"), Description("Files ignored by git are not indexed.")]
    public bool UseGitIgnore { get; set; } = Defaults.UseGitIgnore;

    [Category("Indexing"), DisplayName("Max file size"), Description("Larger files are not indexed (\"500k\", \"2m\"); empty: 1m.")]
    public string MaxFileSize { get; set; } = Defaults.MaxFileSize;

    [Category("Indexing"), DisplayName("Index location"), Description("cache (the user cache folder), workspace (.semantic-search in the folder) or a folder.")]
    public string IndexLocation { get; set; } = Defaults.IndexLocation;

    [Category("Indexing"), DisplayName("Feedback log"), Description("Record opened results in feedback.jsonl beside the index (never sent anywhere).")]
    public bool FeedbackLog { get; set; } = Defaults.FeedbackLog;

    [Category("Search"), DisplayName("Max results"), Description("Results per search, 1 to 200.")]
    public int MaxResults { get; set; } = Defaults.MaxResults;

    [Category("Search"), DisplayName("Typing delay"), Description("Milliseconds of quiet after typing before a search runs, 0 to 5000.")]
    public int TypingDelay { get; set; } = Defaults.TypingDelay;

    [Category("Server"), DisplayName("Trace"), Description("Protocol traffic in the output pane: off, messages or verbose.")]
    public string TraceServer { get; set; } = Defaults.TraceServer;

    /// <summary>The search history, kept with the options so it survives a restart of Visual Studio.</summary>
    [Browsable(false)]
    public string[] History { get; set; } = [];

    public ClientSettings ToSettings() => new()
    {
        ServerPath = ServerPath ?? "",
        DotnetPath = DotnetPath ?? "",
        ModelPath = ModelPath ?? "",
        ExecutionProvider = ExecutionProvider ?? "",
        Threads = Threads,
        Excludes = (Excludes ?? []).ToList(),
        UseGitIgnore = UseGitIgnore,
        MaxFileSize = MaxFileSize ?? "",
        IndexLocation = IndexLocation ?? "",
        FeedbackLog = FeedbackLog,
        MaxResults = MaxResults,
        TypingDelay = TypingDelay,
        TraceServer = TraceServer ?? "",
    };

    protected override void OnApply(PageApplyEventArgs e)
    {
        ThreadHelper.ThrowIfNotOnUIThread();
        IReadOnlyList<string> problems = ToSettings().Validate();
        if (problems.Count > 0)
        {
            MessageBox.Show(string.Join("\n", problems), "Semantic Search", MessageBoxButtons.OK, MessageBoxIcon.Warning);
            e.ApplyBehavior = ApplyKind.CancelNoNavigate;
            return;
        }
        base.OnApply(e);
        Applied?.Invoke(ToSettings());
    }

    /// <summary>Raised on the UI thread after valid settings were applied (the package hands them to the Core).</summary>
    public event System.Action<ClientSettings>? Applied;
}
