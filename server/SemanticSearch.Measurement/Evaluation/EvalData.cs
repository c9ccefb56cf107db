using System.Text.Json;

namespace SemanticSearch.Measurement.Evaluation;

/// <summary>
/// One judged answer of a query: a corpus record id (corpus mode) or a file path plus optional symbol name and
/// optional line span (workspace mode: with <see cref="StartLine"/>, a chunk counts only if its lines overlap the
/// span, as in the Semble benchmark). <see cref="Grade"/> is the gain used by nDCG (1 for plain binary
/// relevance, the mean expert grade for graded sets). <see cref="IsRelevant"/> marks the golds that count for MRR,
/// Recall and the first-relevant rank; judged-but-not-relevant entries only add gain to nDCG.
/// </summary>
public sealed record GoldRef(string? Id, string? Path, string? Symbol, double Grade, bool IsRelevant)
{
    /// <summary>First line of the gold span (1-based), or null for the whole file or symbol.</summary>
    public int? StartLine { get; init; }

    /// <summary>Last line of the gold span (1-based, inclusive); the start line when only that is given.</summary>
    public int? EndLine { get; init; }
}

/// <summary>A query with its golds. <see cref="Language"/> is optional (taken from the gold's record otherwise).</summary>
public sealed record EvalQuery(string Id, string Query, string? Language, IReadOnlyList<GoldRef> Golds)
{
    /// <summary>The query's category where the set has one (Semble: semantic, architecture, symbol).</summary>
    public string? Category { get; init; }

    public int RelevantCount => Golds.Count(g => g.IsRelevant);
}

/// <summary>One corpus record: indexed as exactly one chunk.</summary>
public sealed record CorpusRecord(string Id, string Code, string Language, string? Path);

/// <summary>
/// Readers for the evaluation formats (JSON Lines, one object per line, blank lines ignored):
/// <list type="bullet">
/// <item>queries: <c>{"id","query","language"?,"category"?,"relevant":[id | {"id"?,"path"?,"symbol"?,"grade"?,
/// "start_line"?,"end_line"?}], "graded"?:{id: number | {"mean": number}}}</c>. With <c>graded</c>, an id's gain is its grade (mean); ids in
/// <c>graded</c> but not in <c>relevant</c> add nDCG gain only.</item>
/// <item>corpus: <c>{"id","code","language","path"?}</c>.</item>
/// </list>
/// </summary>
public static class EvalData
{
    public static IReadOnlyList<EvalQuery> ReadQueries(string path)
    {
        var result = new List<EvalQuery>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            try
            {
                result.Add(ParseQuery(line));
            }
            catch (Exception ex) when (ex is JsonException or InvalidDataException or InvalidOperationException or KeyNotFoundException)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: not a query record ({ex.Message}).", ex);
            }
        }
        return result;
    }

    public static EvalQuery ParseQuery(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var id = ScalarString(root.GetProperty("id"));
        var query = root.GetProperty("query").GetString() ?? throw new InvalidDataException("query is null");
        var language = root.TryGetProperty("language", out var lang) && lang.ValueKind == JsonValueKind.String ? lang.GetString() : null;

        var grades = new Dictionary<string, double>(StringComparer.Ordinal);
        var gradedOrder = new List<string>();
        if (root.TryGetProperty("graded", out var graded) && graded.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in graded.EnumerateObject())
            {
                grades[p.Name] = p.Value.ValueKind == JsonValueKind.Number
                    ? p.Value.GetDouble()
                    : p.Value.GetProperty("mean").GetDouble();
                gradedOrder.Add(p.Name);
            }
        }

        var golds = new List<GoldRef>();
        var seenIds = new HashSet<string>(StringComparer.Ordinal);
        if (root.TryGetProperty("relevant", out var relevant) && relevant.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in relevant.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Object)
                {
                    var gid = item.TryGetProperty("id", out var i) ? ScalarString(i) : null;
                    var gpath = item.TryGetProperty("path", out var p) ? p.GetString() : null;
                    var symbol = item.TryGetProperty("symbol", out var s) ? s.GetString() : null;
                    var grade = item.TryGetProperty("grade", out var g) ? g.GetDouble() : gid is not null && grades.TryGetValue(gid, out var gg) ? gg : 1.0;
                    if (gid is null && gpath is null)
                    {
                        throw new InvalidDataException("a relevant object needs an id or a path");
                    }
                    if (gid is not null)
                    {
                        seenIds.Add(gid);
                    }
                    int? start = item.TryGetProperty("start_line", out var sl) && sl.ValueKind == JsonValueKind.Number ? sl.GetInt32() : null;
                    int? end = item.TryGetProperty("end_line", out var el) && el.ValueKind == JsonValueKind.Number ? el.GetInt32() : start;
                    if (start is { } a && end is { } b && (a < 1 || b < a))
                    {
                        throw new InvalidDataException($"start_line {a} / end_line {b} is not a line span");
                    }
                    golds.Add(new GoldRef(gid, gpath?.Replace('\\', '/'), string.IsNullOrEmpty(symbol) ? null : symbol, grade, IsRelevant: true)
                    {
                        StartLine = start,
                        EndLine = start is null ? null : end,
                    });
                }
                else
                {
                    var gid = ScalarString(item);
                    if (seenIds.Add(gid))
                    {
                        golds.Add(new GoldRef(gid, null, null, grades.TryGetValue(gid, out var g) ? g : 1.0, IsRelevant: true));
                    }
                }
            }
        }
        foreach (var gid in gradedOrder)
        {
            if (seenIds.Add(gid) && grades[gid] > 0)
            {
                golds.Add(new GoldRef(gid, null, null, grades[gid], IsRelevant: false));
            }
        }
        var category = root.TryGetProperty("category", out var cat) && cat.ValueKind == JsonValueKind.String ? cat.GetString() : null;
        return new EvalQuery(id, query, language, golds) { Category = category };
    }

    public static IReadOnlyList<CorpusRecord> ReadCorpus(string path)
    {
        var result = new List<CorpusRecord>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            try
            {
                using var doc = JsonDocument.Parse(line);
                var root = doc.RootElement;
                var id = ScalarString(root.GetProperty("id"));
                var code = root.GetProperty("code").GetString() ?? "";
                var language = root.TryGetProperty("language", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString()! : "text";
                var recordPath = root.TryGetProperty("path", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
                if (!ids.Add(id))
                {
                    throw new InvalidDataException($"duplicate id '{id}'");
                }
                result.Add(new CorpusRecord(id, code.Replace("\r\n", "\n"), language.ToLowerInvariant(), recordPath));
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: not a corpus record ({ex.Message}).", ex);
            }
        }
        return result;
    }

    private static string ScalarString(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString()!,
        JsonValueKind.Number => e.GetRawText(),
        _ => throw new InvalidDataException($"expected a string or number id, got {e.ValueKind}"),
    };
}
