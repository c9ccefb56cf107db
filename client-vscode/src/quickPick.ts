// The "Semantic Search" quick pick: live debounced results, preview on focus, open on accept.
import * as vscode from 'vscode';
import { LatestDebouncer } from './logic/debounce';
import { hitLocation, resultNotes, hitTitle, queryFromSelection, scoreText, snippetLine } from './logic/format';
import { Methods, SearchHit, SearchResultSet } from './logic/protocol';
import { showHit } from './navigate';
import { errorText, ServerManager } from './server';
import type { ResultsTree } from './tree';

interface HitItem extends vscode.QuickPickItem {
  hit?: SearchHit;
}

export async function runSearchQuickPick(server: ServerManager, tree: ResultsTree): Promise<void> {
  const cfg = vscode.workspace.getConfiguration('semanticSearch');
  const qp = vscode.window.createQuickPick<HitItem>();
  qp.title = 'Semantic Search';
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
    const items: HitItem[] = (set.results ?? []).map((hit) => {
      const folderName = multiRoot ? vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(hit.uri))?.name : undefined;
      return {
        label: `$(${hit.symbol ? 'symbol-method' : 'file'}) ${hitTitle(hit)}`,
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

  const debouncer = new LatestDebouncer<string>(() => cfg.get<number>('searchDebounceMs', 250), (query, seq) => {
    cts?.cancel();
    cts = new vscode.CancellationTokenSource();
    const token = cts.token;
    if (!query.trim()) {
      qp.busy = false;
      qp.items = [];
      return;
    }
    qp.busy = true;
    server.request<SearchResultSet>(Methods.search, { query, topK: cfg.get<number>('topK', 20) }, token).then((set) => {
      if (!debouncer.isCurrent(seq) || token.isCancellationRequested) {
        return;
      }
      lastSet = set;
      qp.items = toItems(set);
      const notes = resultNotes(set);
      qp.title = notes ? `Semantic Search — ${notes}` : 'Semantic Search';
      tree.show(set);
      qp.busy = false;
    }, (err) => {
      if (!debouncer.isCurrent(seq) || token.isCancellationRequested) {
        return;
      }
      qp.busy = false;
      qp.items = [{ label: '$(error) Search failed', detail: errorText(err), alwaysShow: true }];
    });
  });

  qp.onDidChangeValue((value) => debouncer.push(value));
  // One preview at a time; while one opens, only the most recently focused item is remembered.
  let wanted: SearchHit | undefined;
  const preview = async () => {
    previewing = true;
    while (wanted) {
      const hit = wanted;
      wanted = undefined;
      await showHit(server, hit, lastSet?.queryId, true);
    }
    previewing = false;
  };
  qp.onDidChangeActive((active) => {
    wanted = active[0]?.hit;
    if (wanted && !previewing) {
      void preview();
    }
  });
  qp.onDidAccept(async () => {
    const hit = qp.selectedItems[0]?.hit ?? qp.activeItems[0]?.hit;
    if (!hit) {
      // Enter before results arrived: run the query now.
      debouncer.flush(qp.value);
      return;
    }
    qp.hide();
    tree.setCurrent(hit);
    await showHit(server, hit, lastSet?.queryId, false);
  });
  qp.onDidHide(() => {
    debouncer.cancel();
    cts?.cancel();
    qp.dispose();
  });

  const editor = vscode.window.activeTextEditor;
  const initial = editor && !editor.selection.isEmpty ? queryFromSelection(editor.document.getText(editor.selection)) : '';
  qp.value = initial;
  qp.show();
  if (initial) {
    debouncer.flush(initial);
  }
}

/** The sidebar's own search box: a plain input, results only in the tree. */
export async function runSidebarSearch(server: ServerManager, tree: ResultsTree): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const query = await vscode.window.showInputBox({
    title: 'Semantic Search',
    prompt: 'Describe the code you are looking for',
    value: editor && !editor.selection.isEmpty ? queryFromSelection(editor.document.getText(editor.selection)) : '',
  });
  if (!query?.trim()) {
    return;
  }
  const topK = vscode.workspace.getConfiguration('semanticSearch').get<number>('topK', 20);
  const set = await vscode.window.withProgress({ location: { viewId: 'semanticSearch.results' } }, () =>
    server.request<SearchResultSet>(Methods.search, { query, topK }));
  tree.show(set);
}
