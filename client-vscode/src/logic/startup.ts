// What a server start waited for, seen from the extension: the one log line per start that says how long after
// activation (or a restart) every folder was ready, and where that time went. Kept free of `vscode` so tests can
// load it.
import { checkingOnly } from './format';
import type { FolderStatus, StatusResult } from './protocol';

export class StartTimeline {
  private spawnAt: number | undefined;
  private initializedAt: number | undefined;
  private openAt: number | undefined;
  private done = false;

  /** @param origin when the wait began (ms); @param since what began it, as the line says: "activation", "the restart". */
  constructor(private readonly origin: number, private readonly since: string) {}

  /** The server process is being started. */
  spawned(now: number): void {
    this.spawnAt ??= now;
  }

  /** The server answered `initialize` (the language client is running). */
  initialized(now: number): void {
    this.initializedAt ??= now;
  }

  /**
   * One status poll. Returns the log line the first time every folder is ready with nothing queued (its index open
   * and checked against the files), else undefined.
   */
  observe(status: StatusResult | undefined, now: number): string | undefined {
    const folders = status?.folders ?? [];
    if (this.done || !status || folders.length === 0) {
      return undefined;
    }
    if (this.openAt === undefined && folders.every(indexOpen)) {
      this.openAt = now;
    }
    if (status.queuedJobs > 0 || !folders.every((f) => f.state === 'ready')) {
      return undefined;
    }
    this.done = true;
    this.openAt ??= now;
    const at = (t: number | undefined) => (t === undefined ? '?' : String(Math.round(t - this.origin)));
    const chunks = folders.reduce((n, f) => n + (f.chunksIndexed ?? 0), 0);
    const total = at(now);
    return `Ready ${total} ms after ${this.since} (server spawned at ${at(this.spawnAt)} ms, initialize answered at ${at(this.initializedAt)} ms, ` +
      `index open at ${at(this.openAt)} ms, ready at ${total} ms; ${folders.length} folder${folders.length === 1 ? '' : 's'}, ${chunks} chunks)`;
  }
}

/** The folder's index is open: it left the queue and the opening (model and database) behind. */
function indexOpen(f: FolderStatus): boolean {
  return f.state !== 'queued' && f.state !== 'opening';
}

/**
 * How soon the status entry asks again: every 100 ms while an index is opening or a reopened index is being checked
 * (a wait of about a second that the entry should end as soon as it ends), and while every folder is ready but jobs
 * are queued (the worker takes them up at once: a start's change check, the open editors' files; at 5 s the start's
 * "Ready" line came up to 5 s late: the E2E saw 6.3 s where the server was ready after 1.3 s), every 500 ms while
 * indexing (progress), every 5 s when idle (to notice work the server started on its own: saves, the watcher).
 */
export function statusPollMs(status: StatusResult | undefined, busy: boolean): number {
  const folders = status?.folders ?? [];
  if (folders.some((f) => !indexOpen(f) || (f.state === 'indexing' && checkingOnly(f)))) {
    return 100;
  }
  if (status && status.queuedJobs > 0 && folders.length > 0 && folders.every((f) => f.state === 'ready')) {
    return 100;
  }
  return busy ? 500 : 5000;
}
