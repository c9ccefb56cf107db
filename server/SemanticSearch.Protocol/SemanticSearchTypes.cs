using System.Text.Json;
using System.Text.Json.Serialization;

namespace SemanticSearch.Server.Protocol;

// The custom semanticSearch/* requests. These shapes are the contract with the editor clients (ARCHITECTURE.md,
// "Language server protocol"): add fields, never rename or remove them.

/// <summary>
/// The custom request names. Which class answers each is declared on the server's class (<c>[LspMethod]</c>, under
/// <c>Handlers/</c>); <c>HandlerTable</c> is the one list of them, and the capabilities advertise what it holds.
/// </summary>
public static class Methods
{
    public const string Search = "semanticSearch/search";
    public const string Status = "semanticSearch/status";
    public const string Reindex = "semanticSearch/reindex";
    public const string ResultOpened = "semanticSearch/resultOpened";
    public const string PauseIndexing = "semanticSearch/pauseIndexing";
    public const string ResumeIndexing = "semanticSearch/resumeIndexing";
    public const string CancelIndexing = "semanticSearch/cancelIndexing";

    /// <summary>The prefix of every custom method (what <c>experimental.semanticSearch.methods</c> lists).</summary>
    public const string Prefix = "semanticSearch/";
}

/// <summary>What kind of failure <c>lastError</c> describes, so a client offers its fix without reading the message.</summary>
[JsonConverter(typeof(LowerCaseEnumConverter<FolderErrorKind>))]
public enum FolderErrorKind
{
    /// <summary>No model could be loaded (none found, or the configured folder is missing or incomplete): the fix is modelPath.</summary>
    Model,
    /// <summary>The index file is damaged: the fix is a rebuild (reindex with full).</summary>
    CorruptIndex,
    /// <summary>
    /// Another process writes the index (the CLI, or another editor window's server): the folder waits, retrying,
    /// and opens it when that process lets go; the message names the process.
    /// </summary>
    InUse,
    /// <summary>Anything else (unreadable files, I/O): the log says more.</summary>
    Other,
}

/// <summary>A workspace folder's indexing state, on the wire in lower case (<c>"ready"</c>).</summary>
[JsonConverter(typeof(LowerCaseEnumConverter<FolderState>))]
public enum FolderState
{
    /// <summary>Known, not opened yet (its first job is queued).</summary>
    Queued,
    /// <summary>The indexing worker is opening its index (and loading the model).</summary>
    Opening,
    /// <summary>A pass is running; searches answer from what is committed so far.</summary>
    Indexing,
    /// <summary>Open, no pass running.</summary>
    Ready,
    /// <summary>The index could not be opened or the last pass failed (<c>lastError</c> says why).</summary>
    Error,
}

/// <summary>
/// The engine's chunk kinds (<c>ChunkKind</c>) as the protocol names them. A copy of that enum's names because this
/// assembly cannot reference the engine (net10.0) and must load in Visual Studio; the server maps by name, and
/// <c>ProtocolContractTests</c> checks both lists against the contract fixture.
/// </summary>
public enum HitKind
{
    Type,
    Method,
    Constructor,
    Property,
    Indexer,
    Operator,
    Event,
    Field,
    Function,
    Class,
    TopLevel,
    Section,
    CodeBlock,
    Window,
}

public sealed class SearchParams
{
    public string Query { get; init; } = "";
    public int? TopK { get; init; }
    public SearchFilterParams? Filters { get; init; }
    /// <summary>A workspace folder URI; null searches every folder.</summary>
    public string? Folder { get; init; }
}

public sealed class SearchFilterParams
{
    /// <summary>A language id or an array of them ("csharp", ["python", "go"]).</summary>
    public JsonElement? Language { get; init; }
    /// <summary>Glob over folder-relative paths with '/' ("src/**/*.cs").</summary>
    public string? PathGlob { get; init; }
    /// <summary>A glob or an array of them (<see cref="PathGlob"/> syntax): chunks whose path matches any are dropped.</summary>
    public JsonElement? ExcludeGlob { get; init; }
    /// <summary>True drops chunks of test files (by path: the rule the ranker's test penalty uses); default false.</summary>
    public bool? ExcludeTests { get; init; }
    /// <summary>
    /// Without a language filter, a language named in the query ("python read file") filters to it and leaves the
    /// scored text (default true; false scores the query as typed).
    /// </summary>
    public bool? LanguageFromQuery { get; init; }
}

public sealed class SearchResultSet
{
    public required string QueryId { get; init; }
    public required string Query { get; init; }
    public required SearchHit[] Results { get; init; }
    public required Coverage Coverage { get; init; }
    /// <summary>Languages taken from the query as a filter (empty when none was).</summary>
    public string[] LanguagesFromQuery { get; init; } = [];
    public int ChunksSearched { get; init; }
    public double EncodeMs { get; init; }
    public double SearchMs { get; init; }
}

public sealed class SearchHit
{
    public required string ResultId { get; init; }
    public int Rank { get; init; }
    public required string Uri { get; init; }
    /// <summary>The workspace folder URI the hit belongs to.</summary>
    public required string Folder { get; init; }
    /// <summary>Folder-relative path with '/'.</summary>
    public required string Path { get; init; }
    public required LspRange Range { get; init; }
    public string? Symbol { get; init; }
    public string? Container { get; init; }
    /// <summary>The engine's chunk kind by its name (<c>"Method"</c>, <c>"Section"</c>).</summary>
    [JsonConverter(typeof(JsonStringEnumConverter<HitKind>))]
    public required HitKind Kind { get; init; }
    public required string Language { get; init; }
    public string? Signature { get; init; }
    public required string Snippet { get; init; }
    public float Score { get; init; }
    public required MatchedToken[] Matches { get; init; }
}

/// <summary>"Why it matched": a token in the file that best answered a query token.</summary>
public sealed class MatchedToken
{
    public required LspRange Range { get; init; }
    public required string Text { get; init; }
    public required string QueryToken { get; init; }
    public float Similarity { get; init; }
    /// <summary>The word is one of the query's lexical terms (the lexical side matched it too).</summary>
    public bool Lexical { get; init; }
}

/// <summary>How much of the searched folders was indexed when the query ran.</summary>
public sealed class Coverage
{
    /// <summary>Files whose text is in the searched indexes.</summary>
    public int FilesIndexed { get; init; }
    /// <summary>Files checked and left out for their content (binary, generated, minified) or unreadable.</summary>
    public int FilesSkipped { get; init; }
    public int FilesKnown { get; init; }
    public int ChunksIndexed { get; init; }
    /// <summary>
    /// (filesIndexed + filesSkipped) / filesKnown: a skipped file is covered (1 when nothing is known yet and nothing
    /// is pending).
    /// </summary>
    public double Ratio { get; init; }
    /// <summary>True when every searched folder is ready with nothing queued.</summary>
    public bool Complete { get; init; }
}

public sealed class StatusResult
{
    public required FolderStatus[] Folders { get; init; }
    /// <summary>Folders waiting for (or in) an indexing pass, in order.</summary>
    public int QueuedJobs { get; init; }
    /// <summary>Indexing is paused (<c>semanticSearch/pauseIndexing</c>): queued jobs wait for resumeIndexing. Not kept across restarts.</summary>
    public bool Paused { get; init; }
}

public sealed class FolderStatus
{
    public required string Uri { get; init; }
    public required string Name { get; init; }
    public required string Path { get; init; }
    public required FolderState State { get; init; }
    /// <summary>Of filesKnown: files whose text is in the index (as <c>semsearch index</c> and <c>status</c> count).</summary>
    public int FilesIndexed { get; init; }
    /// <summary>Of filesKnown: files left out for their content or unreadable; indexed + skipped = known once all are checked.</summary>
    public int FilesSkipped { get; init; }
    public int FilesKnown { get; init; }
    public int ChunksIndexed { get; init; }
    public int Queued { get; init; }
    public string? IndexPath { get; init; }
    public string? Model { get; init; }
    public string? ExecutionProvider { get; init; }
    public string? LastError { get; init; }
    /// <summary>What kind of failure <see cref="LastError"/> is; null when there is none.</summary>
    public FolderErrorKind? LastErrorKind { get; init; }
    public DateTime? LastIndexed { get; init; }
    /// <summary>Percentage of the pass in progress, when indexing.</summary>
    public int? Progress { get; init; }
}

public sealed class ReindexParams
{
    public string? Folder { get; init; }
    /// <summary>True: delete the index and build it again; false (default): incremental pass.</summary>
    public bool? Full { get; init; }
}

public sealed class ReindexResult
{
    public required FolderReindexResult[] Folders { get; init; }
}

public sealed class FolderReindexResult
{
    public required string Uri { get; init; }
    public int FilesScanned { get; init; }
    public int FilesAdded { get; init; }
    public int FilesChanged { get; init; }
    public int FilesDeleted { get; init; }
    public int ChunksEncoded { get; init; }
    public int ChunksTotal { get; init; }
    public required string[] Errors { get; init; }
    public double ElapsedMs { get; init; }
}

public sealed class ResultOpenedParams
{
    public string QueryId { get; init; } = "";
    public string ResultId { get; init; } = "";
}

public sealed class ResultOpenedResult
{
    public bool Recorded { get; init; }
}

/// <summary>The answer of pauseIndexing and resumeIndexing: whether indexing is paused now.</summary>
public sealed class PauseIndexingResult
{
    public bool Paused { get; init; }
}

public sealed class CancelIndexingParams
{
    /// <summary>A workspace folder URI; null cancels the indexing of every folder.</summary>
    public string? Folder { get; init; }
}

public sealed class CancelIndexingResult
{
    /// <summary>Folders whose running pass was cancelled or whose queued jobs were dropped (0 when nothing was indexing).</summary>
    public int CancelledFolders { get; init; }
}
