// How hits, coverage and status read in the quick pick, tree, status bar and status report.
import type { Coverage, FolderStatus, SearchHit, StatusResult } from './protocol';

/** The query a selection pre-fills: its first non-empty line, whitespace collapsed, at most `max` characters. */
export function queryFromSelection(text: string | undefined, max = 200): string {
  if (!text) {
    return '';
  }
  const line = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l.length > 0) ?? '';
  return line.replace(/\s+/g, ' ').slice(0, max);
}

/** What a hit is called: its symbol (qualified by the last container part), else the file name. */
export function hitTitle(hit: SearchHit): string {
  if (hit.symbol) {
    const owner = hit.container?.split(/[.:/>]+/).map((s) => s.trim()).filter(Boolean).pop();
    return owner && owner !== hit.symbol ? `${owner}.${hit.symbol}` : hit.symbol;
  }
  return baseName(hit.path);
}

export function baseName(path: string): string {
  const i = path.lastIndexOf('/');
  return i >= 0 ? path.slice(i + 1) : path;
}

/** "src/Mail/EmailValidator.cs:14" with a 1-based line, as people read it (LSP lines are 0-based). */
/** `path:line` of the result's focus line (1-based; LSP is 0-based). */
export function hitLocation(hit: SearchHit, folderName?: string): string {
  const where = `${hit.path}:${focusOf(hit).line + 1}`;
  return folderName ? `${folderName} • ${where}` : where;
}

/** The line a row shows and where opening it puts the selection (0-based line and UTF-16 character). */
export interface Focus {
  line: number;
  character: number;
  /** Characters selected: the symbol's name, or the matched token (0: a cursor only). */
  length: number;
  /** The source line, as the snippet has it. */
  text: string;
}

const commentLine = /^\s*(\/\/|#|\*|\/\*|<!--|--)/;

/** A symbol's name as a whole word (group 1 is what precedes it, group 2 the name), matched literally. */
export function symbolPattern(symbol: string): RegExp {
  return new RegExp(`(^|[^\\w$])(${symbol.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})(?![\\w$])`);
}

/**
 * Where a result points: the symbol's name where it is declared (the first snippet line holding it as a whole
 * word, comments skipped), else the best-matching token, else the first non-blank line. The snippet's lines are
 * the chunk's source lines from its first line, so a snippet line is a document line.
 */
export function focusOf(hit: SearchHit): Focus {
  const lines = hit.snippet.split(/\r?\n/);
  const first = hit.range.start.line;
  if (hit.symbol) {
    const name = symbolPattern(hit.symbol);
    for (let i = 0; i < lines.length; i++) {
      const m = commentLine.test(lines[i]) ? null : name.exec(lines[i]);
      if (m) {
        return { line: first + i, character: m.index + m[1].length, length: hit.symbol.length, text: lines[i] };
      }
    }
  }
  const best = bestMatch(hit);
  if (best) {
    const offset = best.range.start.line - first;
    if (offset >= 0 && offset < lines.length && lines[offset].trim().length > 0) {
      const length = best.range.start.line === best.range.end.line ? best.range.end.character - best.range.start.character : 0;
      return { line: best.range.start.line, character: best.range.start.character, length, text: lines[offset] };
    }
  }
  const index = Math.max(0, lines.findIndex((l) => l.trim().length > 0));
  const text = lines[index] ?? '';
  return { line: first + index, character: index === 0 ? hit.range.start.character : text.length - text.trimStart().length, length: 0, text };
}

/** The row's snippet: the focus line, trimmed and cut at `max`. */
export function snippetLine(hit: SearchHit, max = 160): string {
  const line = focusOf(hit).text.trim().replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The codicon of a chunk kind (the sidebar's and the quick pick's icon; never read out as text). */
export function kindIcon(kind: string): string {
  switch (kind.toLowerCase()) {
    case 'method': case 'function': case 'constructor': case 'operator': return 'symbol-method';
    case 'property': case 'indexer': return 'symbol-property';
    case 'event': return 'symbol-event';
    case 'field': return 'symbol-field';
    case 'type': case 'class': return 'symbol-class';
    case 'section': return 'symbol-key';
    case 'codeblock': return 'code';
    case 'toplevel': return 'symbol-namespace';
    default: return 'symbol-file';
  }
}

function bestMatch(hit: SearchHit) {
  let best: SearchHit['matches'][number] | undefined;
  for (const m of hit.matches ?? []) {
    if (!best || m.similarity > best.similarity) {
      best = m;
    }
  }
  return best;
}

/**
 * Where the matched tokens appear in `label`: [start, end) pairs for TreeItemLabel / QuickPick highlights.
 * A matched token is located in the label by case-insensitive text search (the label is derived from the hit,
 * not a verbatim file line), merged and sorted so the workbench draws clean spans.
 */
export function labelHighlights(label: string, hit: SearchHit): [number, number][] {
  const lower = label.toLowerCase();
  const spans: [number, number][] = [];
  const seen = new Set<string>();
  for (const m of hit.matches ?? []) {
    const needle = m.text.trim().toLowerCase();
    if (needle.length < 3 || seen.has(needle)) {
      continue;
    }
    seen.add(needle);
    for (let at = lower.indexOf(needle); at >= 0; at = lower.indexOf(needle, at + needle.length)) {
      spans.push([at, at + needle.length]);
    }
  }
  return mergeSpans(spans);
}

export function mergeSpans(spans: [number, number][]): [number, number][] {
  const sorted = [...spans].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: [number, number][] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s[0] <= last[1]) {
      last[1] = Math.max(last[1], s[1]);
    } else {
      out.push([s[0], s[1]]);
    }
  }
  return out;
}

/** "why it matched" as text: each query word and the code token that answered it. */
export function whyItMatched(hit: SearchHit, limit = 8): string {
  const rows = [...(hit.matches ?? [])]
    .sort((a, b) => b.similarity - a.similarity)
    .slice(0, limit)
    .map((m) => (m.queryToken.toLowerCase() === m.text.toLowerCase()
      ? `${m.text} (line ${m.range.start.line + 1})`
      : `${m.queryToken} → ${m.text} (line ${m.range.start.line + 1})`));
  return rows.length ? `matched: ${rows.join(', ')}` : '';
}

export function scoreText(score: number): string {
  return score.toFixed(2);
}

/** "python only (named in the query)" when the server took a language from the query as a filter, else ''. */
export function scopeText(languages: string[] | undefined): string {
  if (!languages || languages.length === 0) {
    return '';
  }
  return `${languages.join(', ')} only (named in the query)`;
}

/** The parts worth a line above the results (query scope, then incomplete coverage), joined with ' — '. */
export function resultNotes(set: { coverage?: Coverage; languagesFromQuery?: string[] }): string {
  return [scopeText(set.languagesFromQuery), coverageText(set.coverage)].filter((s) => s).join(' — ');
}

/**
 * Files whose fate is known: indexed or skipped. A skipped file (binary, generated, …) has been looked at and has
 * nothing to find, so progress and coverage count it as done; the server counts the same way (coverage.ratio).
 */
export function checkedFiles(f: { filesIndexed: number; filesSkipped: number }): number {
  return f.filesIndexed + f.filesSkipped;
}

/**
 * A pass over an index that already holds every file it knows, with no percentage under way: what a reopen's change
 * check looks like (the pass reports 100% once, as it finishes). A real pass shows a percentage below 100, or has
 * files still to index.
 */
export function checkingOnly(f: FolderStatus): boolean {
  return f.chunksIndexed > 0 && f.filesKnown > 0 && checkedFiles(f) >= f.filesKnown && (!f.progress || f.progress >= 100);
}

/** ", 2 skipped" when any file was skipped, else nothing. */
function skippedNote(f: { filesSkipped: number }): string {
  return f.filesSkipped ? `, ${f.filesSkipped} skipped` : '';
}

/** "indexing 40% of files" while coverage is incomplete; empty when complete. */
export function coverageText(c: Coverage | undefined): string {
  if (!c || c.complete) {
    return '';
  }
  const pct = Math.floor(Math.max(0, Math.min(1, c.ratio)) * 100);
  return `index ${pct}% complete (${checkedFiles(c)}/${c.filesKnown} files${skippedNote(c)}) — results may be missing`;
}

export interface StatusSummary {
  /** Status bar text (with a codicon). */
  text: string;
  tooltip: string;
  busy: boolean;
  error: boolean;
}

/** Folds the per-folder status into one status bar entry. */
export function summarizeStatus(status: StatusResult | undefined, running: boolean): StatusSummary {
  if (!running || !status) {
    return { text: '$(circle-slash) Semantic Search', tooltip: 'Semantic Search: server not running', busy: false, error: !running };
  }
  const folders = status.folders ?? [];
  if (folders.length === 0) {
    return { text: '$(search) Semantic Search', tooltip: 'Semantic Search: no folder open', busy: false, error: false };
  }
  const errors = folders.filter((f) => f.state === 'error');
  const busy = folders.filter((f) => f.state !== 'ready' && f.state !== 'error');
  const known = sum(folders, (f) => f.filesKnown);
  const indexed = sum(folders, (f) => f.filesIndexed);
  const skipped = sum(folders, (f) => f.filesSkipped);
  const chunks = sum(folders, (f) => f.chunksIndexed);
  const model = folders.find((f) => f.model)?.model;
  const provider = folders.find((f) => f.executionProvider)?.executionProvider;
  const engine = [model, provider].filter(Boolean).join(', ');
  const tooltip = [
    `Semantic Search — ${folders.length} folder${folders.length === 1 ? '' : 's'}`,
    ...folders.map(folderLine),
    engine ? `model: ${engine}` : '',
    'Click for details',
  ].filter(Boolean).join('\n');
  if (errors.length) {
    return { text: '$(error) Semantic Search', tooltip, busy: busy.length > 0, error: true };
  }
  if (status.paused) {
    const left = busy.length || status.queuedJobs > 0;
    return { text: `$(debug-pause) Indexing paused${left ? ` ${percentOf(folders)}%` : ''}`,
      tooltip: `${tooltip}\nIndexing is paused: searches use what is indexed. Click to resume.`, busy: false, error: false };
  }
  // Reopening an index that was complete: the server checks what changed while the session was closed, and
  // searches answer from the index meanwhile. That is not "Indexing 0%": show the index, with a spinner.
  if (busy.length && busy.every(checkingOnly)) {
    return { text: `$(sync~spin) ${formatCount(chunks)} chunks`, tooltip: `${tooltip}\nChecking for changes since the last session; search answers from the index meanwhile.`,
      busy: true, error: false };
  }
  // Before a folder's index is open (the model loading, the database opening) nothing is known of it yet; while it
  // opens, its figures arrive one by one (chunks before files), which is no percentage either.
  if (busy.length && busy.every((f) => f.state === 'queued' || f.state === 'opening')) {
    return { text: '$(sync~spin) Opening index', tooltip, busy: true, error: false };
  }
  if (busy.length) {
    const pct = percentOf(folders);
    return { text: `$(sync~spin) Indexing ${pct}%`, tooltip, busy: true, error: false };
  }
  const short = provider ? ` (${provider})` : '';
  return { text: `$(search) ${formatCount(chunks)} chunks${short}`, tooltip: tooltip + `\n${indexed + skipped}/${known} files${skippedNote({ filesSkipped: skipped })}`,
    busy: false, error: false };
}

/** Indexing percentage over all folders: the server's pass percentage where given, else files checked/known. */
export function percentOf(folders: FolderStatus[]): number {
  let total = 0;
  for (const f of folders) {
    // A ready folder after a paused or cancelled first pass has files left: count what it holds, not 100%.
    if (f.state === 'ready' && !(f.filesKnown > 0 && checkedFiles(f) < f.filesKnown)) {
      total += 100;
    } else if (f.state === 'ready') {
      total += (100 * checkedFiles(f)) / f.filesKnown;
    } else if (typeof f.progress === 'number') {
      total += f.progress;
    } else if (f.filesKnown > 0) {
      total += (100 * Math.min(checkedFiles(f), f.filesKnown)) / f.filesKnown;
    }
  }
  return Math.floor(total / Math.max(1, folders.length));
}

export function folderLine(f: FolderStatus): string {
  const pct = f.state === 'indexing' && typeof f.progress === 'number' ? ` ${f.progress}%` : '';
  const err = f.lastError ? ` — ${f.lastError}` : '';
  return `${f.name}: ${f.state}${pct}, ${checkedFiles(f)}/${f.filesKnown} files${skippedNote(f)}, ${f.chunksIndexed} chunks${f.queued ? `, ${f.queued} queued` : ''}${err}`;
}

/** The full report "Show Index Status" prints to the output channel. */
export function statusReport(status: StatusResult): string {
  const lines = [`Semantic Search status — ${status.queuedJobs} job(s) queued`];
  for (const f of status.folders ?? []) {
    lines.push(
      `• ${f.name} (${f.path})`,
      `    state: ${f.state}${typeof f.progress === 'number' ? ` (${f.progress}%)` : ''}`,
      `    files: ${f.filesIndexed} indexed, ${f.filesSkipped} skipped, of ${f.filesKnown}; ${f.chunksIndexed} chunks, ${f.queued} queued`,
      `    model: ${f.model ?? '—'}, execution provider: ${f.executionProvider ?? '—'}`,
      `    index: ${f.indexPath ?? '—'}${f.lastIndexed ? `, last indexed ${f.lastIndexed}` : ''}`,
    );
    if (f.lastError) {
      lines.push(`    last error: ${f.lastError}`);
    }
  }
  return lines.join('\n');
}

export function formatCount(n: number): string {
  return n >= 10000 ? `${Math.round(n / 1000)}k` : String(n);
}

function sum<T>(items: T[], f: (t: T) => number): number {
  return items.reduce((acc, t) => acc + (f(t) || 0), 0);
}
