using System.Collections.Concurrent;
using System.Text.Json;
using SemanticSearch.Server.Folders;
using SemanticSearch.Server.Protocol;

namespace SemanticSearch.Server.Searching;

/// <summary>
/// Remembers recent queries and their results so that <c>semanticSearch/resultOpened</c> can record which result
/// the user opened (the feedback loop for training) as one JSON line in <c>feedback.jsonl</c> beside the folder's
/// index. Nothing leaves the machine.
/// </summary>
public sealed class FeedbackLog
{
    public const string FileName = "feedback.jsonl";

    /// <summary>Queries remembered; older ones can no longer be reported as opened.</summary>
    public const int Capacity = 500;

    private static readonly JsonSerializerOptions Json = CreateJson();
    private readonly ConcurrentDictionary<string, QueryRecord> _queries = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();
    private readonly object _fileGate = new();
    private long _next;

    public sealed record QueryRecord(string QueryId, string Query, DateTime Time, IReadOnlyDictionary<string, (IndexedFolder Folder, SearchHit Hit)> Hits);

    public string NewQueryId() => $"q{Interlocked.Increment(ref _next)}-{Guid.NewGuid().ToString("N")[..8]}";

    public void Remember(QueryRecord record)
    {
        _queries[record.QueryId] = record;
        _order.Enqueue(record.QueryId);
        while (_order.Count > Capacity && _order.TryDequeue(out var old))
        {
            _queries.TryRemove(old, out _);
        }
    }

    /// <summary>Appends the event; false when the query or result is unknown (too old, or from another session).</summary>
    public bool RecordOpened(string queryId, string resultId)
    {
        if (!_queries.TryGetValue(queryId, out var query) || !query.Hits.TryGetValue(resultId, out var entry))
        {
            return false;
        }
        var indexPath = entry.Folder.IndexPath;
        if (indexPath is null)
        {
            return false;
        }
        var line = JsonSerializer.Serialize(new
        {
            time = DateTime.UtcNow,
            @event = "resultOpened",
            queryId,
            query = query.Query,
            queryTime = query.Time,
            resultId,
            rank = entry.Hit.Rank,
            score = entry.Hit.Score,
            path = entry.Hit.Path,
            symbol = entry.Hit.Symbol,
            container = entry.Hit.Container,
            kind = entry.Hit.Kind.ToString(),
            startLine = entry.Hit.Range.Start.Line,
            model = entry.Folder.Model,
        }, Json);
        var file = Path.Combine(Path.GetDirectoryName(indexPath)!, FileName);
        lock (_fileGate)
        {
            File.AppendAllText(file, line + "\n");
        }
        return true;
    }

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions();
        ProtocolJson.Configure(options);
        return options;
    }
}
