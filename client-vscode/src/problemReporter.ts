// The one place failure states surface: the current Problem goes to the sidebar (its message and a welcome view
// with the fix), to the quick pick (rows with the fix), and to a single notification per distinct cause.
import * as vscode from 'vscode';
import { folderProblem, Problem, ProblemAction, untrusted } from './logic/problems';
import type { StatusResult } from './logic/protocol';
import type { ResultsTree } from './tree';

/** True in a remote window (machine settings live on the Remote tab there). */
export const isRemote = (): boolean => vscode.env.remoteName !== undefined;

export class ProblemReporter {
  private server: Problem | undefined;
  private folder: Problem | undefined;
  private notified: string | undefined;

  constructor(private readonly tree: ResultsTree) {
    this.update();
  }

  /** What stops search now: untrusted, else the server's problem, else the first failing folder's. */
  get current(): Problem | undefined {
    return !vscode.workspace.isTrusted ? untrusted : this.server ?? this.folder;
  }

  /** The server could not start, or stopped for good (undefined once it runs). */
  setServer(problem: Problem | undefined): void {
    this.server = problem;
    this.update();
  }

  /** The latest folder states (from the status poll). */
  setStatus(status: StatusResult | undefined): void {
    this.folder = folderProblem(status, isRemote());
    this.update();
  }

  update(): void {
    const p = this.current;
    void vscode.commands.executeCommand('setContext', 'semanticSearch.problem', p?.kind ?? '');
    this.tree.setProblem(p?.message);
    // One notification per cause, with its buttons; the untrusted state has its own welcome view instead.
    if (p && p.kind !== 'untrusted' && p.message !== this.notified) {
      this.notified = p.message;
      void vscode.window.showErrorMessage(`Semantic Search: ${p.message}`, ...p.actions.map((a) => a.title))
        .then((title) => { const action = p.actions.find((a) => a.title === title); return action && runAction(action); });
    } else if (!p) {
      this.notified = undefined;
    }
  }
}

export async function runAction(action: ProblemAction): Promise<void> {
  if (action.url) {
    await vscode.env.openExternal(vscode.Uri.parse(action.url));
  } else if (action.command) {
    await vscode.commands.executeCommand(action.command, ...(action.args ?? []));
  }
}
