// The custom semanticSearch/* protocol of SemanticSearch.Server (server/SemanticSearch.Protocol/
// SemanticSearchTypes.cs): camelCase on the wire, null fields omitted. Kept free of `vscode` so tests can load it.
// Every interface named in tests/fixtures/contract/protocol.json must have exactly its fields, every enum its values,
// and Methods its methods (test/protocol.test.ts).

export const Methods = {
  search: 'semanticSearch/search',
  status: 'semanticSearch/status',
  reindex: 'semanticSearch/reindex',
  resultOpened: 'semanticSearch/resultOpened',
  pauseIndexing: 'semanticSearch/pauseIndexing',
  resumeIndexing: 'semanticSearch/resumeIndexing',
  cancelIndexing: 'semanticSearch/cancelIndexing',
} as const;

/** 0-based line and UTF-16 character (LSP). */
export interface Position { line: number; character: number }
/** End is exclusive. */
export interface Range { start: Position; end: Position }

export interface SearchFilterParams {
  language?: string | string[];
  pathGlob?: string;
  /** A language named in the query becomes the filter (default true); false searches the text as typed. */
  languageFromQuery?: boolean;
  /** Globs (pathGlob syntax): chunks whose folder-relative path matches any of them are left out. */
  excludeGlob?: string | string[];
  /** Leave out test files (by path, the rule the ranker's test penalty uses); default false. */
  excludeTests?: boolean;
}

export interface SearchParams {
  query: string;
  topK?: number;
  filters?: SearchFilterParams;
  /** A workspace folder URI; absent searches every folder. */
  folder?: string;
}

export interface MatchedToken {
  range: Range;
  text: string;
  queryToken: string;
  /** The model's best cosine for this word (0 when only the lexical side matched it). */
  similarity: number;
  /** The word is one of the query's lexical terms. */
  lexical?: boolean;
}

/** The engine's chunk kinds, by name. */
export type ChunkKind =
  | 'Type' | 'Method' | 'Constructor' | 'Property' | 'Indexer' | 'Operator' | 'Event' | 'Field'
  | 'Function' | 'Class' | 'TopLevel' | 'Section' | 'CodeBlock' | 'Window';

export interface SearchHit {
  resultId: string;
  rank: number;
  uri: string;
  folder: string;
  /** Folder-relative path with '/'. */
  path: string;
  range: Range;
  symbol?: string;
  container?: string;
  kind: ChunkKind;
  language: string;
  signature?: string;
  snippet: string;
  score: number;
  matches: MatchedToken[];
}

export interface Coverage {
  /** Files whose text is in the searched indexes. */
  filesIndexed: number;
  /** Files checked and left out (binary, generated, minified, unreadable): covered, with nothing in them to find. */
  filesSkipped: number;
  filesKnown: number;
  chunksIndexed: number;
  ratio: number;
  complete: boolean;
}

export interface SearchResultSet {
  queryId: string;
  query: string;
  results: SearchHit[];
  coverage: Coverage;
  /** Languages the server took from the query as a filter ("python read file" → ["python"]). */
  languagesFromQuery?: string[];
  chunksSearched?: number;
  encodeMs?: number;
  searchMs?: number;
}

export type FolderState = 'queued' | 'opening' | 'indexing' | 'ready' | 'error';

/** What kind of failure lastError is: the client offers its fix from this, never from the message text. */
export type FolderErrorKind = 'model' | 'corruptIndex' | 'inUse' | 'other';

export interface FolderStatus {
  uri: string;
  name: string;
  path: string;
  state: FolderState;
  /** Of filesKnown: files whose text is in the index. */
  filesIndexed: number;
  /** Of filesKnown: files left out for their content or unreadable; indexed + skipped = known once all are checked. */
  filesSkipped: number;
  filesKnown: number;
  chunksIndexed: number;
  queued: number;
  indexPath?: string;
  model?: string;
  executionProvider?: string;
  lastError?: string;
  lastErrorKind?: FolderErrorKind;
  lastIndexed?: string;
  progress?: number;
}

export interface StatusResult {
  folders: FolderStatus[];
  queuedJobs: number;
  /** Indexing is paused (pauseIndexing): queued jobs wait for resumeIndexing. A restarted server is not paused. */
  paused?: boolean;
}

export interface ReindexParams { folder?: string; full?: boolean }

export interface FolderReindexResult {
  uri: string;
  filesScanned: number;
  filesAdded: number;
  filesChanged: number;
  filesDeleted: number;
  chunksEncoded: number;
  chunksTotal: number;
  errors: string[];
  elapsedMs: number;
}

export interface ReindexResult { folders: FolderReindexResult[] }

export interface ResultOpenedParams { queryId: string; resultId: string }

export interface ResultOpenedResult { recorded: boolean }

/** The answer of pauseIndexing and resumeIndexing (both take `{}`): whether indexing is paused now. */
export interface PauseIndexingResult { paused: boolean }

/** folder: a workspace folder URI; absent cancels the indexing of every folder. */
export interface CancelIndexingParams { folder?: string }

/** Folders whose running pass was cancelled or whose queued jobs were dropped (0 when nothing was indexing). */
export interface CancelIndexingResult { cancelledFolders: number }
