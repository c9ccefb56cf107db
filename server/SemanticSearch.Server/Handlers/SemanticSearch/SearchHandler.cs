using System.Text.Json;
using SemanticSearch.Engine.Search;
using SemanticSearch.Server.Protocol;
using SemanticSearch.Server.Searching;
using StreamJsonRpc;

namespace SemanticSearch.Server.Handlers.SemanticSearch;

/// <summary>Ranks every open folder (or the one named) as one list; see <see cref="CrossFolderSearch"/>.</summary>
[LspMethod(Methods.Search)]
public sealed class SearchHandler(ServerSession session) : IRequestHandler<SearchParams, SearchResultSet>
{
    public const int DefaultTopK = 10;
    public const int MaxTopK = 200;

    public async Task<SearchResultSet> HandleAsync(SearchParams request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Query))
        {
            throw new LocalRpcException("query is empty.") { ErrorCode = LspErrorCodes.InvalidParams };
        }
        var topK = Math.Clamp(request.TopK ?? DefaultTopK, 1, MaxTopK);
        var folders = session.Folders.FromOptionalParam(request.Folder);
        var filters = new SearchFilters(Languages(request.Filters?.Language), request.Filters?.PathGlob, request.Filters?.LanguageFromQuery ?? true);
        // Off the dispatch path: encoding and scoring are CPU work.
        return await Task.Run(() => CrossFolderSearch.Run(request.Query, topK, filters, folders, session.Queue.CountFor, session.Feedback, cancellationToken), cancellationToken);
    }

    /// <summary>One language id or an array of them; anything else is no filter.</summary>
    private static string[]? Languages(JsonElement? value) => value switch
    {
        { ValueKind: JsonValueKind.String } s => [s.GetString()!],
        { ValueKind: JsonValueKind.Array } a => a.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToArray(),
        _ => null,
    };
}
