// The one status bar entry: indexing progress / coverage, model and execution provider; a click offers pause,
// resume and cancel. Polls semanticSearch/status (fastest while an index opens, fast while indexing, slow when idle:
// logic/startup.ts); the language client's own progress entry is switched off (server.ts), so nothing else reports
// the same indexing.
import * as vscode from 'vscode';
import { summarizeStatus } from './logic/format';
import { Methods, StatusResult } from './logic/protocol';
import { statusPollMs } from './logic/startup';
import { indexingPending } from './logic/statusMenu';
import type { ServerManager } from './server';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('semanticSearch.status', vscode.StatusBarAlignment.Left, 10);
  private timer: NodeJS.Timeout | undefined;
  private last: StatusResult | undefined;
  private disposed = false;

  /** @param onStatus receives every poll's folder states (undefined when the server is not running). */
  constructor(private readonly server: ServerManager, private readonly onStatus: (status: StatusResult | undefined) => void = () => undefined) {
    this.item.name = 'Semantic Search';
    this.item.command = 'semanticSearch.statusMenu';
    this.render();
    this.item.show();
  }

  get status(): StatusResult | undefined {
    return this.last;
  }

  untrusted(): void {
    this.item.text = '$(shield) Semantic Search';
    this.item.tooltip = 'Semantic Search is off in untrusted workspaces';
    this.item.backgroundColor = undefined;
  }

  /** Polls now and keeps polling. */
  refresh(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    void this.poll();
  }

  private async poll(): Promise<void> {
    let busy = false;
    if (this.server.running) {
      try {
        this.last = await this.server.request<StatusResult>(Methods.status, {});
        busy = summarizeStatus(this.last, true).busy;
      } catch (err) {
        this.last = undefined;
        this.server.log.debug(`status: ${err instanceof Error ? err.message : String(err)}`);
      }
    } else {
      this.last = undefined;
    }
    this.render();
    this.setContexts(indexingPending(this.last), this.last?.paused === true);
    this.onStatus(this.last);
    if (!this.disposed) {
      this.timer = setTimeout(() => void this.poll(), statusPollMs(this.last, busy));
    }
  }

  private contexts: string | undefined;

  /** The context keys that show Pause / Resume / Cancel Indexing in the palette only when they apply. */
  private setContexts(indexing: boolean, paused: boolean): void {
    const key = `${indexing}/${paused}`;
    if (key !== this.contexts) {
      this.contexts = key;
      void vscode.commands.executeCommand('setContext', 'semanticSearch.indexing', indexing);
      void vscode.commands.executeCommand('setContext', 'semanticSearch.paused', paused);
    }
  }

  private render(): void {
    if (!vscode.workspace.isTrusted) {
      this.untrusted();
      return;
    }
    const s = summarizeStatus(this.last, this.server.running);
    this.item.text = s.text;
    this.item.tooltip = s.tooltip;
    this.item.backgroundColor = s.error ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) {
      clearTimeout(this.timer);
    }
    this.item.dispose();
  }
}
