using System.Text.RegularExpressions;

namespace SemanticSearch.VisualStudio.Core.Session;

/// <summary>
/// The queries a user ran, most recent first, and Up / Down through them in the search box (the VS Code client's
/// rule: client-vscode/src/logic/history.ts and searchForm.ts). The shell stores <see cref="Entries"/>.
/// </summary>
public sealed class QueryHistory
{
    public const int Limit = 20;

    private readonly List<string> _entries;
    // -1: the user's own text (the draft); 0..n-1: an entry shown by Up.
    private int _cursor = -1;
    private string _draft = "";

    /// <summary>A stored history; anything that is not a query (blank, too many) is left out, never an error.</summary>
    public QueryHistory(IEnumerable<string?>? stored = null)
    {
        _entries = [.. (stored ?? []).Where(q => !string.IsNullOrWhiteSpace(q)).Select(q => Clean(q!)).Take(Limit)];
    }

    public IReadOnlyList<string> Entries => _entries;

    /// <summary>Puts <paramref name="query"/> first (once: compared without case or extra spaces) and ends browsing.</summary>
    public void Remember(string query)
    {
        _cursor = -1;
        var clean = Clean(query);
        if (clean.Length == 0)
        {
            return;
        }
        _entries.RemoveAll(q => string.Equals(q, clean, StringComparison.OrdinalIgnoreCase));
        _entries.Insert(0, clean);
        if (_entries.Count > Limit)
        {
            _entries.RemoveRange(Limit, _entries.Count - Limit);
        }
    }

    /// <summary>Up: the next older query (the box's text is kept as the draft on the first press); null at the end.</summary>
    public string? Older(string currentText)
    {
        if (_cursor + 1 >= _entries.Count)
        {
            return null;
        }
        if (_cursor == -1)
        {
            _draft = currentText;
        }
        return _entries[++_cursor];
    }

    /// <summary>Down: the next newer query, then the draft; null when not browsing.</summary>
    public string? Newer()
    {
        if (_cursor < 0)
        {
            return null;
        }
        _cursor--;
        return _cursor < 0 ? _draft : _entries[_cursor];
    }

    private static string Clean(string query) => Regex.Replace(query.Trim(), @"\s+", " ");
}
