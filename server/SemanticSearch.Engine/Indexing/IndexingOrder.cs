using SemanticSearch.Engine.Common;
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
/// <para>
/// One exception, for a pass that will train the index's codec: the codec is trained on the first vectors the
/// index holds (at most <see cref="VectorCompression.SampleTokens"/>), and in tier order those are source files of a few
/// folders only. Fitted to them, it fitted the rest of a mixed workspace poorly (this repository: a codec error of
/// 0.084 on the vectors written after training against 0.040 on its sample, so the first pass itself ended with a
/// re-train advised). So a sample of the whole workspace (<see cref="CodecSample"/>) goes right after the open
/// files; it is a few percent of a large workspace, and the rest follows in tier order.
/// </para>
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
    /// now), then, when <paramref name="codecSampleTokens"/> is given (this pass will train the codec on its first
    /// that many vectors), the <see cref="CodecSample"/> for it in its own order, then by <see cref="Tier"/>, scan
    /// order within each.
    /// </summary>
    public static List<WorkspaceFile> Sort(IReadOnlyList<WorkspaceFile> files, IReadOnlyCollection<string>? first = null, long? codecSampleTokens = null)
    {
        var open = first is { Count: > 0 } ? new HashSet<string>(first, StringComparer.Ordinal) : null;
        var sample = codecSampleTokens is { } tokens
            ? CodecSample(files, tokens).Select((path, i) => (path, i)).ToDictionary(x => x.path, x => x.i, StringComparer.Ordinal)
            : null;
        (int Rank, int Within) Key(WorkspaceFile f, int index) =>
            open is not null && open.Contains(f.RelativePath) ? (-2, index)
            : sample is not null && sample.TryGetValue(f.RelativePath, out var at) ? (-1, at)
            : (Tier(f), index);
        return files.Select((f, i) => (File: f, Key: Key(f, i))).OrderBy(x => x.Key.Rank).ThenBy(x => x.Key.Within).Select(x => x.File).ToList();
    }

    /// <summary>
    /// Source bytes per token vector, on the low side (each chunk's header adds tokens besides). A sample that runs
    /// long does no harm to the codec: it is in random order, so whatever prefix the codec is trained on is a sample
    /// too, and the rest of it is coded after training.
    /// </summary>
    private const int BytesPerTokenEstimate = 4;

    /// <summary>
    /// Relative paths of a sample of <paramref name="files"/> holding about <paramref name="tokens"/> token vectors
    /// (estimated from sizes), drawn with probability in proportion to size, as the codec's sample of vectors is
    /// drawn, and in the random order of the draw (Efraimidis–Spirakis: by descending ln(u) / size, u from a hash of
    /// the path, so the same workspace always gives the same sample). Empty when the workspace is too small to train
    /// a codec on: its first vectors are then all of it. A file larger than a quarter of the sample is left out of it,
    /// so that one data file cannot be the whole sample.
    /// </summary>
    public static List<string> CodecSample(IReadOnlyList<WorkspaceFile> files, long tokens)
    {
        var budget = tokens * BytesPerTokenEstimate;
        var sample = new List<string>();
        if (files.Sum(f => f.Size) <= budget)
        {
            return sample;
        }
        var keyed = files.Where(f => f.Size > 0 && f.Size <= budget / 4)
            .Select(f => (File: f, Key: Math.Log(StableHash.UnitInterval(f.RelativePath)) / f.Size))
            .OrderByDescending(x => x.Key).ThenBy(x => x.File.RelativePath, StringComparer.Ordinal);
        long taken = 0;
        foreach (var (file, _) in keyed)
        {
            if (taken >= budget)
            {
                break;
            }
            sample.Add(file.RelativePath);
            taken += file.Size;
        }
        return sample;
    }

    private static bool IsCode(WorkspaceFile file) =>
        file.Language != LanguageDetector.Text && file.Language != "markdown" && !DataLanguages.Contains(file.Language);
}
