// Status bar entry: indexing progress / coverage, model and execution provider. Polls semanticSearch/status
// (fast while indexing, slow when idle) rather than hooking $/progress, which the language client already shows.
import * as vscode from 'vscode';
import { summarizeStatus } from './logic/format';
import { Methods, StatusResult } from './logic/protocol';
import type { ServerManager } from './server';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('semanticSearch.status', vscode.StatusBarAlignment.Left, 10);
  private timer: NodeJS.Timeout | undefined;
  private last: StatusResult | undefined;
  private disposed = false;

  /** @param onStatus receives every poll's folder states (undefined when the server is not running). */
  constructor(private readonly server: ServerManager, private readonly onStatus: (status: StatusResult | undefined) => void = () => undefined) {
    this.item.name = 'Semantic Search';
    this.item.command = 'semanticSearch.showStatus';
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
    this.onStatus(this.last);
    if (!this.disposed) {
      this.timer = setTimeout(() => void this.poll(), busy ? 1000 : 5000);
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
