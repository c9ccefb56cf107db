using System;
using System.Linq;
using System.Windows;
using System.Windows.Controls;
using System.Windows.Input;
using Microsoft.VisualStudio.Shell;
using SemanticSearch.Server.Protocol;
using SemanticSearch.VisualStudio.Core.Problems;
using SemanticSearch.VisualStudio.Core.Session;

namespace SemanticSearch.VisualStudio;

/// <summary>
/// The search box, the problem bar with its remedies and the results tree (files, then hits). Typing goes to the
/// Core's session (debounce, stale answers dropped), Up / Down to its history, Enter submits, a double-click or
/// Enter on a hit opens it. Built in code (no XAML), so the whole window is this one file of glue.
/// </summary>
public sealed class SearchControl : UserControl
{
    private readonly SemanticSearchPackage _package;
    private readonly TextBox _query = new() { Margin = new Thickness(4) };
    private readonly TextBlock _status = new() { Margin = new Thickness(4, 0, 4, 4), TextWrapping = TextWrapping.Wrap };
    private readonly WrapPanel _remedies = new() { Margin = new Thickness(4, 0, 4, 4) };
    private readonly TreeView _results = new();
    private bool _settingText;

    public SearchControl(SemanticSearchPackage package)
    {
        _package = package;
        var top = new StackPanel();
        top.Children.Add(_query);
        top.Children.Add(_status);
        top.Children.Add(_remedies);
        var layout = new DockPanel();
        DockPanel.SetDock(top, Dock.Top);
        layout.Children.Add(top);
        layout.Children.Add(_results);
        Content = layout;

        _query.TextChanged += (_, _) =>
        {
            if (!_settingText)
            {
                _package.Session?.QueryChanged(_query.Text);
            }
        };
        _query.PreviewKeyDown += OnQueryKey;
        _results.MouseDoubleClick += (_, _) => OpenSelected();
        _results.KeyDown += (_, e) =>
        {
            if (e.Key == Key.Enter)
            {
                OpenSelected();
            }
        };
        if (_package.Session is { } session)
        {
            session.Completed += outcome => _package.JoinableTaskFactory.RunAsync(async () =>
            {
                await _package.JoinableTaskFactory.SwitchToMainThreadAsync();
                Show(outcome);
            }).FileAndForget("SemanticSearch/results");
        }
        if (_package.Client is { } client)
        {
            client.ProblemChanged += problem => _package.JoinableTaskFactory.RunAsync(async () =>
            {
                await _package.JoinableTaskFactory.SwitchToMainThreadAsync();
                ShowProblem(problem);
            }).FileAndForget("SemanticSearch/problem");
            ShowProblem(client.Problem);
        }
        else
        {
            _status.Text = "Open a solution or folder to search it.";
        }
    }

    public void FocusSearchBox()
    {
        _query.Focus();
        _query.SelectAll();
    }

    private void OnQueryKey(object sender, KeyEventArgs e)
    {
        var session = _package.Session;
        if (session is null)
        {
            return;
        }
        string? text = null;
        switch (e.Key)
        {
            case Key.Enter:
                _ = session.SubmitAsync(_query.Text);
                _package.SaveHistory();
                e.Handled = true;
                return;
            case Key.Up:
                text = session.History.Older(_query.Text);
                break;
            case Key.Down:
                text = session.History.Newer();
                break;
        }
        if (text is not null)
        {
            // Browsing the history does not search; Enter does.
            _settingText = true;
            _query.Text = text;
            _query.CaretIndex = text.Length;
            _settingText = false;
            e.Handled = true;
        }
    }

    private void Show(SearchOutcome outcome)
    {
        ThreadHelper.ThrowIfNotOnUIThread();
        _results.Items.Clear();
        if (outcome.Error is { } error)
        {
            _status.Text = _package.Client?.Problem?.Message ?? $"The search failed: {error.Message}";
            return;
        }
        if (outcome.Results is not { } results)
        {
            _status.Text = "";
            return;
        }
        // Skipped files (binary, generated, …) were checked and have nothing to find: done, as the server's coverage counts them.
        var coverage = results.Answer.Coverage;
        _status.Text = results.IsEmpty
            ? $"No results for \"{results.Query}\"."
            : results.Complete ? "" : $"Still indexing: {coverage.FilesIndexed + coverage.FilesSkipped} of {coverage.FilesKnown} files checked.";
        foreach (var file in results.Files)
        {
            var node = new TreeViewItem { Header = $"{file.Path} ({file.Hits.Count})", IsExpanded = true };
            foreach (var hit in file.Hits)
            {
                node.Items.Add(new TreeViewItem { Header = Label(hit), Tag = hit, ToolTip = hit.Snippet });
            }
            _results.Items.Add(node);
        }
    }

    private static string Label(SearchHit hit)
    {
        var name = string.IsNullOrEmpty(hit.Symbol) ? hit.Kind.ToString() : $"{hit.Container}{(string.IsNullOrEmpty(hit.Container) ? "" : ".")}{hit.Symbol}";
        return $"{hit.Rank}. {name}  (line {hit.Range.Start.Line + 1})";
    }

    private void ShowProblem(Problem? problem)
    {
        ThreadHelper.ThrowIfNotOnUIThread();
        _remedies.Children.Clear();
        if (problem is null)
        {
            return;
        }
        _status.Text = problem.Message;
        foreach (var remedy in problem.Remedies)
        {
            var button = new Button { Content = remedy.Title, Margin = new Thickness(0, 0, 4, 0), Padding = new Thickness(6, 1, 6, 1) };
            button.Click += (_, _) => _package.JoinableTaskFactory.RunAsync(() => Remedies.ApplyAsync(_package, remedy)).FileAndForget("SemanticSearch/remedy");
            _remedies.Children.Add(button);
        }
    }

    private void OpenSelected()
    {
        if (_results.SelectedItem is TreeViewItem { Tag: SearchHit hit })
        {
            _package.Session?.Current?.Select(hit);
            _package.JoinableTaskFactory.RunAsync(() => ResultNavigator.OpenAsync(_package, hit)).FileAndForget("SemanticSearch/open");
        }
    }
}
