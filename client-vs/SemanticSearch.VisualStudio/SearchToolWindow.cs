using System;
using System.Runtime.InteropServices;
using Microsoft.VisualStudio.Shell;

namespace SemanticSearch.VisualStudio;

/// <summary>The Semantic Search tool window: a search box over a results tree (<see cref="SearchControl"/>).</summary>
[Guid("c41e8a27-95d3-4b6f-a0e2-7f3d1b8c5e90")]
public sealed class SearchToolWindow : ToolWindowPane
{
    private SearchControl? _control;

    public SearchToolWindow()
        : base(null)
    {
        Caption = "Semantic Search";
    }

    /// <summary>Builds the control once the package is known (it owns the Core's client and session).</summary>
    protected override void Initialize()
    {
        base.Initialize();
        if (Package is SemanticSearchPackage package)
        {
            _control = new SearchControl(package);
            Content = _control;
        }
    }

    public void FocusSearchBox() => _control?.FocusSearchBox();
}
