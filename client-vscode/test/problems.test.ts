import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DotnetDownload, folderProblem, noRuntime } from '../src/logic/problems';
import type { FolderStatus, StatusResult } from '../src/logic/protocol';

const folder = (over: Partial<FolderStatus>): FolderStatus => ({
  uri: 'file:///w', name: 'w', path: '/w', state: 'ready', filesIndexed: 1, filesSkipped: 0, filesKnown: 1, chunksIndexed: 1, queued: 0, ...over,
});
const status = (...folders: FolderStatus[]): StatusResult => ({ folders, queuedJobs: 0 });

test('problems: a folder without a model names the cause and opens the modelPath setting (the remote tab when remote)', () => {
  const noModel = folder({ name: 'repo', state: 'error', lastError: 'No model found. Set "modelPath" in the settings.', lastErrorKind: 'model' });
  const p = folderProblem(status(folder({}), noModel), false);
  assert.equal(p?.kind, 'noModel');
  assert.match(p!.message, /^repo: No model found/);
  assert.deepEqual(p!.actions[0], { title: 'Open Settings', command: 'workbench.action.openSettings', args: ['semanticSearch.modelPath'] });
  // The kind decides, not the wording of the message.
  assert.equal(folderProblem(status(folder({ state: 'error', lastError: 'Model folder not found: /x', lastErrorKind: 'other' })), false)?.kind, 'folderError');
  const remote = folderProblem(status(folder({ state: 'error', lastError: 'No model found.', lastErrorKind: 'model' })), true);
  assert.equal(remote?.actions[0].command, 'workbench.action.openRemoteSettings');
});

test('problems: a corrupt index offers the rebuild; other errors the log; healthy folders none', () => {
  const corrupt = folder({ state: 'error', lastError: 'The index is corrupt. Rebuild it.', lastErrorKind: 'corruptIndex' });
  assert.equal(folderProblem(status(corrupt), false)?.actions[0].command, 'semanticSearch.rebuildIndex');
  assert.equal(folderProblem(status(folder({ state: 'error', lastError: 'disk full', lastErrorKind: 'other' })), false)?.kind, 'folderError');
  assert.equal(folderProblem(status(folder({}), folder({ state: 'indexing' })), false), undefined);
  assert.equal(folderProblem(undefined, false), undefined);
});

test('problems: no .NET says which runtime is missing and links the download first', () => {
  const onPath = noRuntime('dotnet', false, false);
  assert.match(onPath.message, /no "dotnet" on PATH/);
  assert.equal(onPath.actions[0].url, DotnetDownload);
  assert.match(noRuntime('/opt/dotnet/dotnet', true, false).message, /semanticSearch\.dotnetPath \(\/opt\/dotnet\/dotnet\)/);
  assert.deepEqual(onPath.actions.map((a) => a.title), ['Install .NET', 'Open Settings', 'Show Log']);
});
