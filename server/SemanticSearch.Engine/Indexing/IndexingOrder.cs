using SemanticSearch.Engine.Search;
using SemanticSearch.Engine.Workspace;

namespace SemanticSearch.Engine.Indexing;

/// <summary>
/// The order a pass encodes files in. Why: a first index of a large repository takes minutes, and searches answer
/// from whatever is committed so far; in scan order (alphabetical) that was <c>AGENTS.md</c>, changelogs and YAML
/// long before <c>src/</c>. So source code goes first, then tests and examples, then prose, then data and
/// configuration, then generated and vendored files; within a tier the scan order stays (stable, deterministic).
/// Files open in the editor go before all of them (the language server knows which). Only the order changes: every
/// file is still indexed.
/// </summary>
public static class IndexingOrder
{
    /// <summary>Languages that are data, markup or configuration rather than code.</summary>
    private static readonly HashSet<string> DataLanguages = new(StringComparer.OrdinalIgnoreCase) { "json", "yaml", "toml", "xml", "html", "css", "sql" };

    /// <summary>0 = source code … 4 = generated or vendored (see the class summary).</summary>
    public static int Tier(WorkspaceFile file) => PathRoles.Of(file.RelativePath) switch
    {
        PathRole.Generated or PathRole.Vendored => 4,
        PathRole.Docs => 2,
        PathRole.Test or PathRole.Example => IsCode(file) ? 1 : 3,
        _ => IsCode(file) ? 0 : file.Language == "markdown" ? 2 : 3,
    };

    /// <summary>
    /// The pass's order: the files in <paramref name="first"/> (the ones open in the editor: what the user looks at
    /// now), then by <see cref="Tier"/>, scan order within each.
    /// </summary>
    public static List<WorkspaceFile> Sort(IReadOnlyList<WorkspaceFile> files, IReadOnlyCollection<string>? first = null)
    {
        var open = first is { Count: > 0 } ? new HashSet<string>(first, StringComparer.Ordinal) : null;
        return files.Select((f, i) => (File: f, Tier: open is not null && open.Contains(f.RelativePath) ? -1 : Tier(f), Index: i))
            .OrderBy(x => x.Tier).ThenBy(x => x.Index).Select(x => x.File).ToList();
    }

    private static bool IsCode(WorkspaceFile file) =>
        file.Language != LanguageDetector.Text && file.Language != "markdown" && !DataLanguages.Contains(file.Language);
}
