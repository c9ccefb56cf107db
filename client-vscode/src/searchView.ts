// The sidebar's search box (a webview view above Results, like VS Code's own Search): live results as you type,
// ↑/↓ query history, and filters (languages, files to include / exclude, exclude tests). Every request goes
// through the extension host, so it works the same in a remote window. Results go to the Results tree, which
// keeps the previous ones until the new ones arrive.
import * as vscode from 'vscode';
import { LatestDebouncer } from './logic/debounce';
import { resultNotes } from './logic/format';
import { filtersOf, HistoryCursor, readForm, SearchForm } from './logic/searchForm';
import { maxResults, typingDelay } from './logic/settings';
import { Methods, SearchFilterParams, SearchResultSet } from './logic/protocol';
import type { ProblemReporter } from './problemReporter';
import type { QueryHistory } from './quickPick';
import { errorText, ServerManager } from './server';
import type { ResultsTree } from './tree';

export const SearchBoxViewId = 'semanticSearch.searchBox';
const FormKey = 'semanticSearch.searchBox';

/** Messages the webview sends; anything else is ignored (the page is ours, but its input is the user's). */
type FromView =
  | { type: 'ready' }
  | { type: 'change'; form: unknown }
  | { type: 'run'; form: unknown }
  | { type: 'history'; direction: 'up' | 'down'; current: string };

/** A query whose filters passed the check: what the debouncer runs. */
interface Checked {
  query: string;
  filters: SearchFilterParams | undefined;
}

export class SearchBoxView implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private form: SearchForm;
  private readonly cursor: HistoryCursor;
  private cts: vscode.CancellationTokenSource | undefined;
  private readonly debouncer: LatestDebouncer<Checked>;
  private readonly registration: vscode.Disposable;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly server: ServerManager,
    private readonly tree: ResultsTree,
    private readonly history: QueryHistory,
    private readonly problems: ProblemReporter,
  ) {
    this.form = readForm(context.workspaceState.get(FormKey));
    this.cursor = new HistoryCursor(history.all);
    const cfg = () => vscode.workspace.getConfiguration('semanticSearch');
    this.debouncer = new LatestDebouncer<Checked>(() => typingDelay(cfg()), (checked, seq) => void this.search(checked, seq));
    this.registration = vscode.window.registerWebviewViewProvider(SearchBoxViewId, this);
  }

  /** Shows the box and puts the cursor in the query field (the "Search in Sidebar" command). */
  async focus(): Promise<void> {
    await vscode.commands.executeCommand(`${SearchBoxViewId}.focus`);
    void this.view?.webview.postMessage({ type: 'focus' });
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = { enableScripts: true, localResourceRoots: [] };
    view.webview.html = page(nonce());
    view.webview.onDidReceiveMessage((m: FromView) => this.receive(m));
    view.onDidDispose(() => {
      this.view = undefined;
    });
  }

  private receive(m: FromView): void {
    switch (m?.type) {
      case 'ready':
        void this.view?.webview.postMessage({ type: 'init', form: this.form });
        return;
      case 'change':
        this.cursor.typed();
        this.update(readForm(m.form), false);
        return;
      case 'run':
        this.update(readForm(m.form), true);
        return;
      case 'history': {
        const value = m.direction === 'up' ? this.cursor.up(String(m.current ?? '')) : this.cursor.down();
        if (value !== undefined) {
          void this.view?.webview.postMessage({ type: 'setQuery', query: value });
          this.update({ ...this.form, query: value }, false);
        }
        return;
      }
    }
  }

  /** A new form: remembered, checked, then searched live (or at once on Enter). */
  private update(form: SearchForm, now: boolean): void {
    this.form = form;
    void this.context.workspaceState.update(FormKey, form);
    if (!form.query.trim()) {
      this.debouncer.cancel();
      this.cts?.cancel();
      this.tree.clear();
      this.say('');
      return;
    }
    const checked = filtersOf(form);
    if (checked.error !== undefined) {
      this.debouncer.cancel();
      this.say(checked.error, 'error');
      return;
    }
    const search = { query: form.query, filters: checked.filters };
    if (now) {
      this.history.add(form.query);
      this.cursor.reset(this.history.all);
      this.debouncer.flush(search);
    } else {
      this.debouncer.push(search);
    }
  }

  private async search({ query, filters }: Checked, seq: number): Promise<void> {
    this.cts?.cancel();
    this.cts = new vscode.CancellationTokenSource();
    const token = this.cts.token;
    const blocked = !this.server.running ? this.problems.current : undefined;
    if (blocked) {
      this.say(blocked.message, 'error');
      return;
    }
    this.say('Searching…', 'busy');
    try {
      const topK = maxResults(vscode.workspace.getConfiguration('semanticSearch'));
      const set = await vscode.window.withProgress({ location: { viewId: 'semanticSearch.results' } }, () =>
        this.server.request<SearchResultSet>(Methods.search, { query, topK, ...(filters ? { filters } : {}) }, token));
      if (!this.debouncer.isCurrent(seq) || token.isCancellationRequested) {
        return;
      }
      this.tree.show(set);
      const count = set.results?.length ?? 0;
      const notes = resultNotes(set);
      const problem = !count ? this.problems.current : undefined;
      this.say(problem ? problem.message : `${count ? `${count} result${count === 1 ? '' : 's'}` : 'No results'}${filters ? ' (filtered)' : ''}${notes ? ` — ${notes}` : ''}`,
        problem ? 'error' : undefined);
    } catch (err) {
      if (this.debouncer.isCurrent(seq) && !token.isCancellationRequested) {
        this.say(`Search failed: ${errorText(err)}`, 'error');
      }
    }
  }

  /** The line under the fields (read out by screen readers: it is a live region). */
  private say(text: string, tone?: 'error' | 'busy'): void {
    void this.view?.webview.postMessage({ type: 'message', text, tone });
  }

  dispose(): void {
    this.debouncer.cancel();
    this.cts?.cancel();
    this.registration.dispose();
  }
}

function nonce(): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from({ length: 32 }, () => chars[Math.floor(Math.random() * chars.length)]).join('');
}

/** The page: VS Code's theme variables for colours, no external resource, script and style by nonce only. */
function page(n: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${n}'; script-src 'nonce-${n}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<style nonce="${n}">
  body { padding: 4px 8px 6px 8px; color: var(--vscode-foreground); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); }
  .row { display: flex; gap: 4px; align-items: center; margin-bottom: 4px; }
  input[type=text] { flex: 1; min-width: 0; box-sizing: border-box; padding: 3px 4px; color: var(--vscode-input-foreground);
    background: var(--vscode-input-background); border: 1px solid var(--vscode-input-border, transparent); border-radius: 2px;
    font-family: inherit; font-size: inherit; }
  input[type=text]:focus { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
  input[type=text]::placeholder { color: var(--vscode-input-placeholderForeground); }
  button { color: var(--vscode-foreground); background: transparent; border: 1px solid transparent; border-radius: 2px; cursor: pointer;
    padding: 1px 5px; font-family: inherit; font-size: inherit; }
  button:hover { background: var(--vscode-toolbar-hoverBackground); }
  button:focus-visible { outline: 1px solid var(--vscode-focusBorder); }
  button[aria-expanded=true] { background: var(--vscode-inputOption-activeBackground); border-color: var(--vscode-inputOption-activeBorder, transparent); }
  label.field { display: block; font-size: 11px; margin: 4px 0 2px 0; color: var(--vscode-descriptionForeground); }
  #filters[hidden] { display: none; }
  #message { min-height: 1.4em; margin-top: 4px; color: var(--vscode-descriptionForeground); overflow-wrap: anywhere; }
  #message.error { color: var(--vscode-errorForeground); }
</style>
</head>
<body>
  <div class="row">
    <input id="query" type="text" aria-label="Semantic search query (Up and Down for recent queries)"
      placeholder="Describe the code, e.g. validate an email address" spellcheck="false">
    <button id="toggle" type="button" title="Toggle Filters" aria-label="Toggle Filters" aria-expanded="false" aria-controls="filters">&#8943;</button>
  </div>
  <div id="filters" hidden>
    <label class="field" for="languages">languages</label>
    <div class="row"><input id="languages" type="text" placeholder="e.g. csharp, python" spellcheck="false"></div>
    <label class="field" for="include">files to include</label>
    <div class="row"><input id="include" type="text" placeholder="e.g. src/services, *.cs" spellcheck="false"></div>
    <label class="field" for="exclude">files to exclude</label>
    <div class="row"><input id="exclude" type="text" placeholder="e.g. docs, **/*.md" spellcheck="false"></div>
    <div class="row"><label><input id="excludeTests" type="checkbox"> Exclude tests</label></div>
  </div>
  <div id="message" role="status" aria-live="polite"></div>
<script nonce="${n}">
  const vscode = acquireVsCodeApi();
  const $ = (id) => document.getElementById(id);
  const fields = ['query', 'languages', 'include', 'exclude'];
  const form = () => ({ query: $('query').value, languages: $('languages').value, include: $('include').value,
    exclude: $('exclude').value, excludeTests: $('excludeTests').checked });
  const showFilters = (open) => { $('filters').hidden = !open; $('toggle').setAttribute('aria-expanded', String(open)); };
  for (const id of fields) {
    $(id).addEventListener('input', () => vscode.postMessage({ type: 'change', form: form() }));
    $(id).addEventListener('keydown', (e) => {
      if (e.key === 'Enter') { e.preventDefault(); vscode.postMessage({ type: 'run', form: form() }); }
    });
  }
  $('excludeTests').addEventListener('change', () => vscode.postMessage({ type: 'change', form: form() }));
  $('query').addEventListener('keydown', (e) => {
    if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
      e.preventDefault();
      vscode.postMessage({ type: 'history', direction: e.key === 'ArrowUp' ? 'up' : 'down', current: $('query').value });
    }
  });
  $('toggle').addEventListener('click', () => showFilters($('filters').hidden));
  window.addEventListener('message', (event) => {
    const m = event.data;
    if (m.type === 'init') {
      for (const id of fields) { $(id).value = m.form[id] || ''; }
      $('excludeTests').checked = !!m.form.excludeTests;
      showFilters(!!(m.form.languages || m.form.include || m.form.exclude || m.form.excludeTests));
      $('query').focus();
      $('query').select();
      if (m.form.query) { vscode.postMessage({ type: 'change', form: form() }); }
    } else if (m.type === 'setQuery') {
      $('query').value = m.query;
      $('query').setSelectionRange(m.query.length, m.query.length);
    } else if (m.type === 'focus') {
      $('query').focus();
      $('query').select();
    } else if (m.type === 'message') {
      $('message').textContent = m.text;
      $('message').className = m.tone || '';
    }
  });
  vscode.postMessage({ type: 'ready' });
</script>
</body>
</html>`;
}
