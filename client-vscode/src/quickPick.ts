// The "Semantic Search" quick pick: live debounced results, a preview only when the user moves through them,
// open on accept, and Escape back to where the user was (as Go to Symbol does).
import * as vscode from 'vscode';
import { LatestDebouncer } from './logic/debounce';
import { hitLocation, hitTitle, kindIcon, queryFromSelection, resultNotes, scoreText, snippetLine } from './logic/format';
import { FolderScope, mergeBySymbol } from './logic/results';
import { readHistory, remember } from './logic/history';
import type { Problem, ProblemAction } from './logic/problems';
import { maxResults, typingDelay } from './logic/settings';
import { Methods, SearchHit, SearchResultSet } from './logic/protocol';
import { showHit } from './navigate';
import { ProblemReporter, runAction } from './problemReporter';
import { errorText, ServerManager } from './server';
import type { ResultsTree } from './tree';

interface HitItem extends vscode.QuickPickItem {
  hit?: SearchHit;
  /** A recent query: accepting it searches it again. */
  recent?: string;
  /** The fix of a problem: accepting it runs it. */
  action?: ProblemAction;
}

/** A problem as rows: its cause, then one row per fix. */
function problemItems(problem: Problem): HitItem[] {
  return [
    { label: problem.message, iconPath: new vscode.ThemeIcon('error'), alwaysShow: true },
    ...problem.actions.map((action) => ({ label: action.title, iconPath: new vscode.ThemeIcon('arrow-right'), alwaysShow: true, action })),
  ];
}

const HistoryKey = 'semanticSearch.queryHistory';

/** The queries run in this workspace, most recent first (workspaceState). */
export class QueryHistory {
  constructor(private readonly memory: vscode.Memento) {}

  get all(): string[] {
    return readHistory(this.memory.get(HistoryKey));
  }

  add(query: string): void {
    void this.memory.update(HistoryKey, remember(this.all, query));
  }
}

/**
 * Opens the search. It starts from the last query (selected, so typing replaces it); only "for Selection" starts
 * from the editor's selected text instead. An empty box lists the recent queries.
 */
export async function runSearchQuickPick(
  server: ServerManager, tree: ResultsTree, history: QueryHistory, problems: ProblemReporter, fromSelection = false, scope?: FolderScope,
): Promise<void> {
  const cfg = vscode.workspace.getConfiguration('semanticSearch');
  const qp = vscode.window.createQuickPick<HitItem>();
  const title = scope ? `Semantic Search in ${scope.label}` : 'Semantic Search';
  // "in Folder": one workspace folder, and a glob for a folder inside it.
  const scoped = scope ? { folder: scope.folder, ...(scope.pathGlob ? { filters: { pathGlob: scope.pathGlob } } : {}) } : {};
  qp.title = title;
  qp.placeholder = 'Describe the code you are looking for, e.g. "validate an email address"';
  // The server ranks; the quick pick must not filter its answers away by label.
  qp.matchOnDescription = false;
  qp.matchOnDetail = false;
  qp.keepScrollPosition = false;
  let lastSet: SearchResultSet | undefined;
  let cts: vscode.CancellationTokenSource | undefined;
  let previewing = false;
  const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;

  const toItems = (set: SearchResultSet): HitItem[] => {
    const items: HitItem[] = mergeBySymbol(set.results ?? []).map((hit) => {
      const folderName = multiRoot ? vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(hit.uri))?.name : undefined;
      return {
        // The icon is not part of the label, so a screen reader hears the name, not "symbol-method".
        label: hitTitle(hit),
        iconPath: new vscode.ThemeIcon(kindIcon(hit.kind)),
        description: `${hitLocation(hit, folderName)}  ${scoreText(hit.score)}`,
        detail: snippetLine(hit),
        alwaysShow: true,
        hit,
      };
    });
    if (!items.length) {
      items.push({ label: 'No results', description: set.query, alwaysShow: true });
    }
    return items;
  };
  // Icons go in iconPath, never as "$(…)" in the label, where a screen reader would read them out.
  const recentItems = (): HitItem[] =>
    history.all.map((q) => ({ label: q, iconPath: new vscode.ThemeIcon('history'), description: 'recent query', alwaysShow: true, recent: q }));
  // Nothing can be searched while the server is not running for a known reason: the rows say why instead.
  const blockedBy = (): Problem | undefined => (!server.running ? problems.current : undefined);

  // VS Code focuses the first row of every new list by itself: that is not the user moving, so it previews nothing.
  let autoFocused: HitItem | undefined;
  const setItems = (items: HitItem[]) => {
    autoFocused = items[0];
    qp.items = items;
  };

  const debouncer = new LatestDebouncer<string>(() => typingDelay(cfg), (query, seq) => {
    cts?.cancel();
    cts = new vscode.CancellationTokenSource();
    const token = cts.token;
    if (!query.trim()) {
      qp.busy = false;
      setItems(recentItems());
      return;
    }
    const blocked = blockedBy();
    if (blocked) {
      qp.busy = false;
      setItems(problemItems(blocked));
      return;
    }
    qp.busy = true;
    server.request<SearchResultSet>(Methods.search, { query, topK: maxResults(cfg), ...scoped }, token).then((set) => {
      if (!debouncer.isCurrent(seq) || token.isCancellationRequested) {
        return;
      }
      lastSet = set;
      // Nothing found while a folder is failing: say why, with its fix, instead of a bare "No results".
      const problem = problems.current;
      setItems(!set.results?.length && problem ? problemItems(problem) : toItems(set));
      const notes = resultNotes(set);
      qp.title = notes ? `${title} — ${notes}` : title;
      tree.show(set);
      qp.busy = false;
    }, (err) => {
      if (!debouncer.isCurrent(seq) || token.isCancellationRequested) {
        return;
      }
      qp.busy = false;
      setItems([{ label: 'Search failed', iconPath: new vscode.ThemeIcon('error'), detail: errorText(err), alwaysShow: true }]);
    });
  });

  qp.onDidChangeValue((value) => debouncer.push(value));

  // Where the user was, to come back to on Escape once a preview moved the editor.
  const origin = vscode.window.activeTextEditor;
  const originSelection = origin?.selection;
  const originVisible = origin?.visibleRanges[0];
  let previewedUri: string | undefined;
  let accepted = false;

  // One preview at a time; while one opens, only the most recently focused item is remembered.
  let wanted: SearchHit | undefined;
  const preview = async () => {
    previewing = true;
    while (wanted) {
      const hit = wanted;
      wanted = undefined;
      previewedUri = hit.uri;
      await showHit(server, hit, lastSet?.queryId, true);
    }
    previewing = false;
  };
  qp.onDidChangeActive((active) => {
    const item = active[0];
    const automatic = item !== undefined && item === autoFocused;
    autoFocused = undefined;
    if (automatic) {
      return;
    }
    wanted = item?.hit;
    if (wanted && !previewing) {
      void preview();
    }
  });
  qp.onDidAccept(async () => {
    const item = qp.selectedItems[0] ?? qp.activeItems[0];
    if (item?.action) {
      accepted = true;
      qp.hide();
      await runAction(item.action);
      return;
    }
    if (item?.recent) {
      qp.value = item.recent;
      debouncer.flush(item.recent);
      return;
    }
    const hit = item?.hit;
    if (!hit) {
      // Enter before results arrived: run the query now.
      debouncer.flush(qp.value);
      return;
    }
    accepted = true;
    history.add(qp.value);
    qp.hide();
    tree.setCurrent(hit);
    await showHit(server, hit, lastSet?.queryId, false);
  });
  qp.onDidHide(() => {
    debouncer.cancel();
    cts?.cancel();
    if (!accepted) {
      history.add(qp.value);
      if (previewedUri) {
        void restore(origin, originSelection, originVisible, previewedUri);
      }
    }
    qp.dispose();
  });

  const editor = vscode.window.activeTextEditor;
  const initial = fromSelection
    ? (editor && !editor.selection.isEmpty ? queryFromSelection(editor.document.getText(editor.selection)) : '')
    : history.all[0] ?? '';
  qp.value = initial;
  const blocked = blockedBy();
  if (blocked) {
    setItems(problemItems(blocked));
  } else if (!initial) {
    setItems(recentItems());
  }
  qp.show();
  if (initial && !blocked) {
    debouncer.flush(initial);
  }
}

/**
 * Escape after previews: the preview tab goes, and the editor the user was in comes back with its selection and
 * scroll position (nothing to come back to: the preview just closes).
 */
async function restore(origin: vscode.TextEditor | undefined, selection: vscode.Selection | undefined, visible: vscode.Range | undefined, previewedUri: string) {
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
  const previewTab = tab?.isPreview && tab.input instanceof vscode.TabInputText && tab.input.uri.toString() === vscode.Uri.parse(previewedUri).toString()
    && tab.input.uri.toString() !== origin?.document.uri.toString();
  if (previewTab) {
    await vscode.window.tabGroups.close(tab);
  }
  if (!origin) {
    return;
  }
  const editor = await vscode.window.showTextDocument(origin.document, { viewColumn: origin.viewColumn, preview: false });
  if (selection) {
    editor.selection = selection;
  }
  if (visible) {
    editor.revealRange(visible, vscode.TextEditorRevealType.AtTop);
  }
}
