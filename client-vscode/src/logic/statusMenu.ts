// What clicking the status entry offers: the indexing controls that apply now, then the index's other commands.
// Kept free of `vscode` so tests can load it.
import type { StatusResult } from './protocol';

export interface MenuEntry {
  label: string;
  /** Codicon id of the row. */
  icon: string;
  command: string;
  detail?: string;
}

/** Whether any folder still has indexing to do (running, queued, or waiting while paused). */
export function indexingPending(status: StatusResult | undefined): boolean {
  return Boolean(status && ((status.queuedJobs ?? 0) > 0 || (status.folders ?? []).some((f) => f.state !== 'ready' && f.state !== 'error')));
}

export function statusMenu(status: StatusResult | undefined, running: boolean): MenuEntry[] {
  const entries: MenuEntry[] = [];
  if (running && status) {
    const pending = indexingPending(status);
    if (status.paused) {
      entries.push({ label: 'Resume Indexing', icon: 'debug-continue', command: 'semanticSearch.resumeIndexing',
        detail: pending ? 'Indexing is paused; searches use what is indexed so far.' : 'Indexing is paused; saved files are indexed once resumed.' });
    } else {
      entries.push({ label: 'Pause Indexing', icon: 'debug-pause', command: 'semanticSearch.pauseIndexing',
        detail: pending
          ? 'Stops after the current group; what is indexed stays searchable, and resuming continues where it stopped.'
          : 'Saved files wait until you resume (for a large checkout or branch switch).' });
    }
    if (pending) {
      entries.push({ label: 'Cancel Indexing', icon: 'stop', command: 'semanticSearch.cancelIndexing',
        detail: 'Stops this pass and drops the queued work; the next save or "Reindex Folder" picks it up again.' });
    }
    entries.push({ label: 'Show Index Status', icon: 'info', command: 'semanticSearch.showStatus' });
    entries.push({ label: 'Reindex Folder', icon: 'refresh', command: 'semanticSearch.reindexFolder' });
  } else {
    entries.push({ label: 'Restart Server', icon: 'debug-restart', command: 'semanticSearch.restartServer' });
  }
  entries.push({ label: 'Show Server Log', icon: 'output', command: 'semanticSearch.showLog' });
  return entries;
}
