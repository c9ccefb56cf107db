import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FolderStatus, StatusResult } from '../src/logic/protocol';
import { StartTimeline, statusPollMs } from '../src/logic/startup';

function folder(over: Partial<FolderStatus> = {}): FolderStatus {
  return { uri: 'file:///ws', name: 'ws', path: '/ws', state: 'ready', filesIndexed: 10, filesSkipped: 0, filesKnown: 10, chunksIndexed: 31, queued: 0, ...over };
}
const status = (folders: FolderStatus[], queuedJobs = 0): StatusResult => ({ folders, queuedJobs });

test('start timeline: one line, once every folder is ready, with each step after the origin', () => {
  const t = new StartTimeline(1000, 'activation');
  t.spawned(1012);
  t.initialized(1350);
  assert.equal(t.observe(status([folder({ state: 'queued', chunksIndexed: 0 })], 1), 1400), undefined);
  assert.equal(t.observe(status([folder({ state: 'opening', chunksIndexed: 0 })], 1), 1500), undefined);
  assert.equal(t.observe(status([folder({ state: 'indexing' })], 1), 1810), undefined);
  assert.equal(t.observe(status([folder({ state: 'ready' })], 0), 2234),
    'Ready 1234 ms after activation (server spawned at 12 ms, initialize answered at 350 ms, index open at 810 ms, ready at 1234 ms; 1 folder, 31 chunks)');
  assert.equal(t.observe(status([folder()]), 2300), undefined, 'said once');
});

test('start timeline: a folder still queued, or jobs still queued, is not ready; an index seen ready at once was open then', () => {
  const t = new StartTimeline(0, 'the restart');
  t.spawned(5);
  t.initialized(300);
  assert.equal(t.observe(status([folder(), folder({ uri: 'file:///b', state: 'opening', chunksIndexed: 0 })], 1), 400), undefined);
  assert.equal(t.observe(status([folder(), folder({ uri: 'file:///b' })], 1), 500), undefined, 'a job is still queued');
  const line = t.observe(status([folder(), folder({ uri: 'file:///b' })], 0), 600);
  assert.match(line ?? '', /^Ready 600 ms after the restart \(.*index open at 500 ms, ready at 600 ms; 2 folders, 62 chunks\)$/);
  const first = new StartTimeline(0, 'activation');
  assert.match(first.observe(status([folder()]), 700) ?? '', /server spawned at \? ms, initialize answered at \? ms, index open at 700 ms/);
});

test('status polling: every 100 ms while an index opens, a reopened index is checked or a ready folder has jobs queued, 500 ms while indexing, 5 s idle', () => {
  assert.equal(statusPollMs(status([folder({ state: 'opening', chunksIndexed: 0 })], 1), true), 100);
  assert.equal(statusPollMs(status([folder({ state: 'queued', chunksIndexed: 0 })], 1), true), 100);
  assert.equal(statusPollMs(status([folder({ state: 'indexing' })], 1), true), 100, 'a complete index being checked');
  assert.equal(statusPollMs(status([folder({ state: 'indexing', progress: 40, filesIndexed: 4 })], 1), true), 500);
  assert.equal(statusPollMs(status([folder()], 1), false), 100, 'ready with a job queued: the worker takes it up at once');
  assert.equal(statusPollMs(status([folder({ state: 'indexing', progress: 40, filesIndexed: 4 })], 2), true), 500);
  assert.equal(statusPollMs(status([folder()]), false), 5000);
  assert.equal(statusPollMs(undefined, false), 5000);
});
