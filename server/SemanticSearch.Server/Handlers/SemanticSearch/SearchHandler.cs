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
            throw InvalidParams("query is empty.");
        }
        var topK = Math.Clamp(request.TopK ?? DefaultTopK, 1, MaxTopK);
        var folders = session.Folders.FromOptionalParam(request.Folder);
        var filters = FiltersOf(request.Filters);
        // Off the dispatch path: encoding and scoring are CPU work.
        return await Task.Run(
            () => CrossFolderSearch.Run(request.Query, topK, filters, folders, session.Queue.CountFor, session.Feedback, session.ReportDamage, cancellationToken),
            cancellationToken);
    }

    /// <summary>The engine's filters; InvalidParams naming the field when a glob does not parse or a value has the wrong type.</summary>
    internal static SearchFilters FiltersOf(SearchFilterParams? given)
    {
        var pathGlob = given?.PathGlob;
        if (!string.IsNullOrWhiteSpace(pathGlob))
        {
            CheckGlob("filters.pathGlob", pathGlob);
        }
        // Blank globs mean nothing, as a blank pathGlob does.
        var excluded = Globs(given?.ExcludeGlob).Where(g => !string.IsNullOrWhiteSpace(g)).ToArray();
        foreach (var glob in excluded)
        {
            CheckGlob("filters.excludeGlob", glob);
        }
        return new SearchFilters(Languages(given?.Language), pathGlob, given?.LanguageFromQuery ?? true, excluded, given?.ExcludeTests ?? false);
    }

    /// <summary>
    /// One language id or an array of them; absent or null is no filter. Anything else is an error: dropping a
    /// <c>5</c> would search every language while the client believes it filtered.
    /// </summary>
    private static string[]? Languages(JsonElement? value) => value switch
    {
        null or { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => null,
        { ValueKind: JsonValueKind.String } s => [s.GetString()!],
        { ValueKind: JsonValueKind.Array } a when a.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) =>
            [.. a.EnumerateArray().Select(e => e.GetString()!)],
        _ => throw InvalidParams("filters.language must be a language id or an array of language ids (strings)."),
    };

    /// <summary>
    /// One glob or an array of them. Unlike a language (an unknown one only finds nothing), a dropped exclusion
    /// would silently show what the user asked to hide, so anything but strings is an error.
    /// </summary>
    private static string[] Globs(JsonElement? value) => value switch
    {
        null or { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => [],
        { ValueKind: JsonValueKind.String } s => [s.GetString()!],
        { ValueKind: JsonValueKind.Array } a when a.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) =>
            [.. a.EnumerateArray().Select(e => e.GetString()!)],
        _ => throw InvalidParams("filters.excludeGlob must be a glob or an array of globs (strings)."),
    };

    private static void CheckGlob(string field, string glob)
    {
        try
        {
            _ = new PathGlob(glob);
        }
        catch (ArgumentException ex)
        {
            throw InvalidParams($"{field}: {ex.Message}");
        }
    }

    private static LocalRpcException InvalidParams(string message) => new(message) { ErrorCode = LspErrorCodes.InvalidParams };
}
