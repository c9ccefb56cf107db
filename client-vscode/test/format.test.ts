import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  coverageText, hitLocation, hitTitle, labelHighlights, mergeSpans, percentOf, queryFromSelection, resultNotes,
  scopeText, snippetLine, statusReport, folderLine, summarizeStatus, whyItMatched, focusOf, kindIcon,
} from '../src/logic/format';
import type { FolderStatus } from '../src/logic/protocol';
import { hit } from './fixtures';

test('selection pre-fill takes the first non-blank line, collapsed and capped', () => {
  assert.equal(queryFromSelection(undefined), '');
  assert.equal(queryFromSelection('\n\n   parse   the\targs  \nsecond'), 'parse the args');
  assert.equal(queryFromSelection('x'.repeat(500), 10), 'x'.repeat(10));
});

test('title qualifies the symbol by its innermost container, falls back to the file name', () => {
  assert.equal(hitTitle(hit()), 'EmailValidator.IsValidEmail');
  assert.equal(hitTitle(hit({ container: undefined })), 'IsValidEmail');
  assert.equal(hitTitle(hit({ container: 'Guide > Install' , symbol: 'Linux' })), 'Install.Linux');
  assert.equal(hitTitle(hit({ symbol: undefined })), 'EmailValidator.cs');
  assert.equal(hitTitle(hit({ container: 'IsValidEmail' })), 'IsValidEmail');
});

test('location shows 1-based lines (LSP is 0-based) and the folder in multi-root', () => {
  // The row's line is its focus line: the declaration of the symbol (line 14), not the chunk's first (13).
  assert.equal(hitLocation(hit()), 'src/Mail/EmailValidator.cs:14');
  assert.equal(hitLocation(hit(), 'api'), 'api • src/Mail/EmailValidator.cs:14');
});

test('snippet line is the focus line: the declaration, else the best match, else the first line', () => {
  assert.equal(snippetLine(hit()), 'public static bool IsValidEmail(string address)');
  assert.equal(snippetLine(hit({ matches: [] })), 'public static bool IsValidEmail(string address)');
  assert.equal(snippetLine(hit({ symbol: undefined })), 'public static bool IsValidEmail(string address)'); // best match
  assert.equal(snippetLine(hit({ symbol: undefined, matches: [] })), '/// <summary>Checks an address.</summary>');
  assert.equal(snippetLine(hit({ symbol: undefined, matches: [] }), 10), '/// <summ…');
});

test('focus: the symbol name where declared (comments skipped), else the best token, else the chunk start', () => {
  assert.deepEqual(focusOf(hit()), { line: 13, character: 23, length: 12, text: '    public static bool IsValidEmail(string address)' });
  // Named in a comment first: the declaration still wins.
  const commented = hit({ snippet: '    // IsValidEmail is strict\n    public static bool IsValidEmail(string a)' });
  assert.equal(focusOf(commented).line, 13);
  const token = focusOf(hit({ symbol: undefined }));
  assert.deepEqual([token.line, token.character, token.length], [13, 30, 5]); // "Email", similarity 0.99
  const start = focusOf(hit({ symbol: undefined, matches: [] }));
  assert.deepEqual([start.line, start.character, start.length], [12, 4, 0]);
  // A symbol with regex characters is matched literally.
  assert.equal(focusOf(hit({ symbol: 'operator+', snippet: 'x\npublic static V operator+(V a, V b)' })).line, 13);
});

test('kind icons: one codicon per kind, a file icon for the rest', () => {
  assert.equal(kindIcon('Method'), 'symbol-method');
  assert.equal(kindIcon('Type'), 'symbol-class');
  assert.equal(kindIcon('Section'), 'symbol-key');
  assert.equal(kindIcon('Window'), 'symbol-file');
});

test('label highlights find matched tokens case-insensitively and merge overlaps', () => {
  const label = 'EmailValidator.IsValidEmail';
  assert.deepEqual(labelHighlights(label, hit()), [[0, 10], [17, 27]]);
  assert.deepEqual(labelHighlights('nothing here', hit()), []);
  assert.deepEqual(mergeSpans([[5, 8], [0, 2], [1, 4], [8, 9]]), [[0, 4], [5, 9]]);
});

test('why it matched lists answers by similarity, showing the query word only when it differs', () => {
  assert.equal(whyItMatched(hit()), 'matched: Email (line 14), address (line 14), validate → Valid (line 14)');
  assert.equal(whyItMatched(hit({ matches: [] })), '');
});

test('coverage text only while incomplete', () => {
  assert.equal(coverageText(undefined), '');
  assert.equal(coverageText({ filesIndexed: 10, filesSkipped: 0, filesKnown: 10, chunksIndexed: 50, ratio: 1, complete: true }), '');
  assert.match(coverageText({ filesIndexed: 4, filesSkipped: 0, filesKnown: 10, chunksIndexed: 9, ratio: 0.4, complete: false }), /^index 40% complete \(4\/10 files\)/);
});

function folder(over: Partial<FolderStatus> = {}): FolderStatus {
  return { uri: 'file:///ws', name: 'ws', path: '/ws', state: 'ready', filesIndexed: 10, filesSkipped: 0, filesKnown: 10, chunksIndexed: 31, queued: 0, model: 'tiny-random', executionProvider: 'cpu', ...over };
}

test('status bar: not running, indexing with percentage, ready with chunks and provider, error', () => {
  assert.equal(summarizeStatus(undefined, false).text, '$(circle-slash) Semantic Search');
  const indexing = summarizeStatus({ folders: [folder({ state: 'indexing', progress: 40 }), folder()], queuedJobs: 1 }, true);
  assert.equal(indexing.text, '$(sync~spin) Indexing 70%');
  assert.equal(indexing.busy, true);
  const ready = summarizeStatus({ folders: [folder()], queuedJobs: 0 }, true);
  assert.equal(ready.text, '$(search) 31 chunks (cpu)');
  assert.match(ready.tooltip, /model: tiny-random, cpu/);
  const broken = summarizeStatus({ folders: [folder({ state: 'error', lastError: 'model missing' })], queuedJobs: 0 }, true);
  assert.equal(broken.error, true);
  assert.match(broken.tooltip, /model missing/);
});

test('percent falls back to files indexed/known without a pass percentage', () => {
  assert.equal(percentOf([folder({ state: 'queued', filesIndexed: 1, filesKnown: 4 })]), 25);
  assert.equal(percentOf([folder({ state: 'opening', filesKnown: 0, filesIndexed: 0 })]), 0);
});

test('skipped files count as checked: a ready folder with skipped files is 100%, and lines say how many were skipped', () => {
  const skipping = folder({ filesIndexed: 8, filesSkipped: 2, filesKnown: 10 });
  assert.equal(percentOf([skipping]), 100);
  assert.equal(percentOf([folder({ state: 'queued', filesIndexed: 1, filesSkipped: 1, filesKnown: 4 })]), 50);
  assert.equal(folderLine(skipping), 'ws: ready, 10/10 files, 2 skipped, 31 chunks');
  assert.match(statusReport({ folders: [skipping], queuedJobs: 0 }), /files: 8 indexed, 2 skipped, of 10; 31 chunks, 0 queued/);
  const ready = summarizeStatus({ folders: [skipping], queuedJobs: 0 }, true);
  assert.equal(ready.text, '$(search) 31 chunks (cpu)');
  assert.match(ready.tooltip, /\n10\/10 files, 2 skipped$/);
  // Reopening an index whose skipped files make up the rest: checking for changes, not "Indexing 80%".
  assert.equal(summarizeStatus({ folders: [folder({ state: 'indexing', filesIndexed: 8, filesSkipped: 2 })], queuedJobs: 1 }, true).text,
    '$(sync~spin) 31 chunks');
  assert.match(coverageText({ filesIndexed: 3, filesSkipped: 1, filesKnown: 10, chunksIndexed: 9, ratio: 0.4, complete: false }),
    /^index 40% complete \(4\/10 files, 1 skipped\)/);
});

test('status report names every folder with model and provider', () => {
  const text = statusReport({ folders: [folder({ lastError: 'boom' })], queuedJobs: 0 });
  assert.match(text, /ws \(\/ws\)/);
  assert.match(text, /model: tiny-random, execution provider: cpu/);
  assert.match(text, /last error: boom/);
});

test('a language taken from the query is shown before incomplete coverage', () => {
  assert.equal(scopeText(undefined), '');
  assert.equal(scopeText([]), '');
  assert.equal(scopeText(['python']), 'python only (named in the query)');
  assert.equal(scopeText(['java', 'csharp']), 'java, csharp only (named in the query)');
  const complete = { filesIndexed: 10, filesSkipped: 0, filesKnown: 10, chunksIndexed: 50, ratio: 1, complete: true };
  const partial = { filesIndexed: 5, filesSkipped: 0, filesKnown: 10, chunksIndexed: 20, ratio: 0.5, complete: false };
  assert.equal(resultNotes({ coverage: complete }), '');
  assert.equal(resultNotes({ coverage: complete, languagesFromQuery: ['go'] }), 'go only (named in the query)');
  assert.equal(resultNotes({ coverage: partial, languagesFromQuery: ['go'] }),
    'go only (named in the query) — index 50% complete (5/10 files) — results may be missing');
  assert.equal(resultNotes({ coverage: partial }), 'index 50% complete (5/10 files) — results may be missing');
});

test('status bar: paused says so, with what is indexed of a first pass that stopped (not 100%)', () => {
  const partial = folder({ state: 'ready', filesIndexed: 3, filesKnown: 12, queued: 1 });
  assert.equal(percentOf([partial]), 25);
  const paused = summarizeStatus({ folders: [partial], queuedJobs: 1, paused: true }, true);
  assert.equal(paused.text, '$(debug-pause) Indexing paused 25%');
  assert.match(paused.tooltip, /Indexing is paused/);
  assert.equal(summarizeStatus({ folders: [folder()], queuedJobs: 0, paused: true }, true).text, '$(debug-pause) Indexing paused');
  assert.equal(summarizeStatus({ folders: [folder()], queuedJobs: 0, paused: false }, true).text, '$(search) 31 chunks (cpu)');
});

test('status bar: reopening a complete index shows the index with a spinner while changes are checked, not "Indexing 0%"', () => {
  const checking = summarizeStatus({ folders: [folder({ state: 'indexing' })], queuedJobs: 1 }, true);
  assert.equal(checking.text, '$(sync~spin) 31 chunks');
  assert.equal(checking.busy, true);
  assert.match(checking.tooltip, /Checking for changes/);
  // A real pass (a percentage, or files still to index) is indexing.
  assert.equal(summarizeStatus({ folders: [folder({ state: 'indexing', progress: 30 })], queuedJobs: 1 }, true).text, '$(sync~spin) Indexing 30%');
  assert.equal(summarizeStatus({ folders: [folder({ state: 'indexing', filesIndexed: 2 })], queuedJobs: 1 }, true).text, '$(sync~spin) Indexing 20%');
  assert.equal(summarizeStatus({ folders: [folder({ state: 'opening', chunksIndexed: 0, filesKnown: 0, filesIndexed: 0 })], queuedJobs: 1 }, true).text,
    '$(sync~spin) Opening index');
  assert.equal(summarizeStatus({ folders: [folder({ state: 'queued', chunksIndexed: 0, filesKnown: 0, filesIndexed: 0 })], queuedJobs: 1 }, true).text,
    '$(sync~spin) Opening index');
  assert.equal(summarizeStatus({ folders: [folder({ state: 'indexing', chunksIndexed: 0, filesKnown: 9, filesIndexed: 0 })], queuedJobs: 1 }, true).text,
    '$(sync~spin) Indexing 0%');
  // An index being opened shows its chunks before its files (each field is read as of its own moment): still opening.
  assert.equal(summarizeStatus({ folders: [folder({ state: 'opening', filesKnown: 0, filesIndexed: 0 })], queuedJobs: 1 }, true).text, '$(sync~spin) Opening index');
  assert.equal(summarizeStatus({ folders: [folder({ state: 'opening', filesKnown: 0 })], queuedJobs: 1 }, true).text, '$(sync~spin) Opening index');
  // The check reports 100% once as it finishes (before the folder is ready): still the index, never "Indexing 100%".
  assert.equal(summarizeStatus({ folders: [folder({ state: 'indexing', progress: 100 })], queuedJobs: 1 }, true).text, '$(sync~spin) 31 chunks');
});
