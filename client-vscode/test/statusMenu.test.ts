import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FolderStatus, StatusResult } from '../src/logic/protocol';
import { indexingPending, statusMenu } from '../src/logic/statusMenu';

const folder = (state: FolderStatus['state']): FolderStatus =>
  ({ uri: 'file:///w', name: 'w', path: '/w', state, filesKnown: 10, filesIndexed: 4, filesSkipped: 0, chunksIndexed: 40, queued: 0 }) as FolderStatus;
const status = (state: FolderStatus['state'], paused: boolean, queuedJobs = 0): StatusResult => ({ folders: [folder(state)], queuedJobs, paused });
const labels = (s: StatusResult | undefined, running = true) => statusMenu(s, running).map((e) => e.label);

test('status menu: while indexing, pause and cancel come first', () => {
  assert.deepEqual(labels(status('indexing', false)), ['Pause Indexing', 'Cancel Indexing', 'Show Index Status', 'Reindex Folder', 'Show Server Log']);
});

test('status menu: paused with work left, resume and cancel; paused and idle, resume only', () => {
  assert.deepEqual(labels(status('indexing', true)), ['Resume Indexing', 'Cancel Indexing', 'Show Index Status', 'Reindex Folder', 'Show Server Log']);
  assert.deepEqual(labels(status('ready', true)), ['Resume Indexing', 'Show Index Status', 'Reindex Folder', 'Show Server Log']);
  assert.deepEqual(labels(status('ready', false, 2)).slice(0, 2), ['Pause Indexing', 'Cancel Indexing'], 'queued jobs are pending work');
});

test('status menu: up to date, pause only (saves wait); server down, restart', () => {
  assert.deepEqual(labels(status('ready', false)), ['Pause Indexing', 'Show Index Status', 'Reindex Folder', 'Show Server Log']);
  assert.deepEqual(labels(status('error', false)), ['Pause Indexing', 'Show Index Status', 'Reindex Folder', 'Show Server Log']);
  assert.deepEqual(labels(undefined, false), ['Restart Server', 'Show Server Log']);
  assert.equal(indexingPending(undefined), false);
});
