// Entry point: wires the server, quick pick, results tree, status bar and commands together.
import * as vscode from 'vscode';
import { statusReport, summarizeStatus } from './logic/format';
import { statusMenu } from './logic/statusMenu';
import { Methods, ReindexResult, SearchHit, StatusResult } from './logic/protocol';
import { clearMatchHighlightsOnEdit, showHit } from './navigate';
import { ProblemReporter } from './problemReporter';
import { folderScope } from './logic/results';
import { QueryHistory, runSearchQuickPick } from './quickPick';
import { SearchBoxView } from './searchView';
import { errorText, ServerManager } from './server';
import { StatusBar } from './statusBar';
import { ResultsTree } from './tree';

let server: ServerManager | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const activatedAt = Date.now();
  const log = vscode.window.createOutputChannel('Semantic Search', { log: true });
  const keybindingsOut = process.env.SEMSEARCH_E2E_DEFAULT_KEYBINDINGS;
  if (keybindingsOut) {
    void dumpDefaultKeybindings(keybindingsOut, log);
  }
  const tree = new ResultsTree();
  const problems = new ProblemReporter(tree);
  server = new ServerManager(context, log, (p) => problems.setServer(p), activatedAt);
  const srv = server;
  const status = new StatusBar(srv, (s) => {
    problems.setStatus(s);
    srv.observeStatus(s);
  });
  context.subscriptions.push(log, srv, tree, status, clearMatchHighlightsOnEdit());
  void vscode.commands.executeCommand('setContext', 'semanticSearch.hasResults', false);
  // The server's start (runtime, model, index: about a second) begins before the commands and views are wired;
  // the language client spawns it as soon as this synchronous part of activation returns.
  const started = vscode.workspace.isTrusted ? startServer(srv, status) : undefined;

  // Every command reports failures the same way instead of rejecting into the void.
  // VS Code passes a command's arguments untyped; each handler states what it expects.
  const command = <A extends unknown[]>(id: string, fn: (...args: A) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await fn(...(args as A));
      } catch (err) {
        log.error(`${id}: ${errorText(err)}`);
        void vscode.window.showErrorMessage(`Semantic Search: ${errorText(err)}`);
        return undefined;
      }
    }));

  const open = async (hit: SearchHit | undefined, queryId?: string) => {
    if (hit) {
      tree.setCurrent(hit);
      await showHit(srv, hit, queryId ?? tree.queryId, false);
    }
  };

  const history = new QueryHistory(context.workspaceState);
  command('semanticSearch.search', () => runSearchQuickPick(srv, tree, history, problems));
  command('semanticSearch.searchSelection', () => runSearchQuickPick(srv, tree, history, problems, true));
  command('semanticSearch.searchInFolder', (uri: vscode.Uri | undefined) => {
    const workspaceFolder = uri && vscode.workspace.getWorkspaceFolder(uri);
    const scope = workspaceFolder && uri ? folderScope(workspaceFolder.uri.toString(), workspaceFolder.name, uri.toString()) : undefined;
    return runSearchQuickPick(srv, tree, history, problems, false, scope);
  });
  const searchBox = new SearchBoxView(context, srv, tree, history, problems);
  context.subscriptions.push(searchBox);
  command('semanticSearch.searchInSidebar', () => searchBox.focus());
  command('semanticSearch.openResult', (hit: SearchHit, queryId?: string) => open(hit, queryId));
  command('semanticSearch.nextResult', async () => open(await tree.step(1)));
  command('semanticSearch.previousResult', async () => open(await tree.step(-1)));
  command('semanticSearch.clearResults', () => tree.clear());
  command('semanticSearch.showLog', () => log.show());
  command('semanticSearch.restartServer', () => srv.restart());
  command('semanticSearch.showStatus', async () => {
    const result = await srv.request<StatusResult>(Methods.status, {});
    log.info(statusReport(result));
    log.show(true);
    status.refresh();
  });
  command('semanticSearch.statusMenu', async () => {
    const entries = statusMenu(status.status, srv.running);
    const pick = await vscode.window.showQuickPick(
      entries.map((e) => ({ label: e.label, iconPath: new vscode.ThemeIcon(e.icon), detail: e.detail, entry: e })),
      { title: 'Semantic Search', placeHolder: summarizeStatus(status.status, srv.running).tooltip.split('\n')[1] ?? '' });
    if (pick) {
      await vscode.commands.executeCommand(pick.entry.command);
    }
  });
  const control = async (method: string, params: object) => {
    srv.ensureReady();
    await srv.request(method, params);
    status.refresh();
  };
  command('semanticSearch.pauseIndexing', () => control(Methods.pauseIndexing, {}));
  command('semanticSearch.resumeIndexing', () => control(Methods.resumeIndexing, {}));
  command('semanticSearch.cancelIndexing', () => control(Methods.cancelIndexing, {}));
  command('semanticSearch.reindexFolder', () => reindex(srv, status, false));
  command('semanticSearch.rebuildIndex', async () => {
    const pick = await vscode.window.showWarningMessage('Delete the index and build it again? Search results will be incomplete until it finishes.', { modal: true }, 'Rebuild');
    if (pick === 'Rebuild') {
      await reindex(srv, status, true);
    }
  });

  if (started) {
    await started;
  } else {
    // Limited mode: nothing reads or indexes files until the user trusts the workspace.
    log.info('Workspace not trusted: the server is not started.');
    status.untrusted();
    context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => void startServer(srv, status)));
  }
}

async function startServer(srv: ServerManager, status: StatusBar): Promise<void> {
  srv.onDidChangeRunning(() => status.refresh());
  await srv.start();
  status.refresh();
}

async function reindex(srv: ServerManager, status: StatusBar, full: boolean): Promise<void> {
  srv.ensureReady();
  const folders = vscode.workspace.workspaceFolders ?? [];
  let folder: vscode.WorkspaceFolder | undefined;
  if (folders.length > 1) {
    folder = await vscode.window.showWorkspaceFolderPick({ placeHolder: full ? 'Folder whose index to rebuild' : 'Folder to reindex' });
    if (!folder) {
      return;
    }
  } else {
    folder = folders[0];
  }
  // The status entry shows the pass (polled while busy): no second progress entry of its own.
  const pending = srv.request<ReindexResult>(Methods.reindex, { folder: folder?.uri.toString(), full });
  status.refresh();
  const result = await pending;
  status.refresh();
  const f = result.folders?.[0];
  if (f) {
    const errors = f.errors?.length ? ` — ${f.errors.length} error(s), see the log` : '';
    f.errors?.forEach((e) => srv.log.warn(e));
    const done = `${f.filesScanned} files, ${f.chunksEncoded} chunks encoded in ${(f.elapsedMs / 1000).toFixed(1)} s`;
    void vscode.window.showInformationMessage(`Semantic Search: ${folder?.name ?? ''} ${full ? 'rebuilt' : 'reindexed'}: ${done}${errors}.`);
  }
}

export async function deactivate(): Promise<void> {
  await server?.stop();
}

/**
 * For the E2E test only (run.sh sets the variable): writes the workbench's default keybindings, so the test can
 * check that ours take no key VS Code already uses. Extensions cannot list keybindings any other way.
 */
async function dumpDefaultKeybindings(file: string, log: vscode.LogOutputChannel): Promise<void> {
  try {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse('vscode://defaultsettings/keybindings.json'));
    await vscode.workspace.fs.writeFile(vscode.Uri.file(file), new TextEncoder().encode(doc.getText()));
  } catch (err) {
    log.error(`default keybindings: ${errorText(err)}`);
  }
}
