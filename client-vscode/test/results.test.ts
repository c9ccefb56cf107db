import assert from 'node:assert/strict';
import { test } from 'node:test';
import { folderScope, groupByFile, mergeBySymbol, navigationOrder, step } from '../src/logic/results';
import { hit } from './fixtures';

test('groups by file: files by best rank, hits inside a file by rank, not by position', () => {
  const a1 = hit({ resultId: 'a1', rank: 2, uri: 'file:///ws/a.cs', path: 'a.cs', range: { start: { line: 40, character: 0 }, end: { line: 41, character: 0 } } });
  const b1 = hit({ resultId: 'b1', rank: 1, uri: 'file:///ws/b.cs', path: 'b.cs' });
  const a2 = hit({ resultId: 'a2', rank: 3, uri: 'file:///ws/a.cs', path: 'a.cs', range: { start: { line: 5, character: 0 }, end: { line: 9, character: 0 } } });
  const groups = groupByFile([b1, a1, a2]);
  assert.deepEqual(groups.map((g) => [g.path, g.bestRank, g.hits.map((h) => h.resultId)]), [
    ['b.cs', 1, ['b1']],
    ['a.cs', 2, ['a1', 'a2']],
  ]);
  assert.deepEqual(navigationOrder(groups).map((h) => h.resultId), ['b1', 'a1', 'a2']);
  assert.deepEqual(groupByFile([]), []);
});

test('next/previous wrap around and start at the ends', () => {
  assert.equal(step(undefined, 0, 1), undefined);
  assert.equal(step(undefined, 3, 1), 0);
  assert.equal(step(undefined, 3, -1), 2);
  assert.equal(step(2, 3, 1), 0);
  assert.equal(step(0, 3, -1), 2);
  assert.equal(step(1, 3, 1), 2);
  assert.equal(step(7, 3, 1), 0);
});

test('one row per symbol: later parts of the same symbol are dropped, symbol-less hits kept', () => {
  const hits = [
    hit({ resultId: 'r1', rank: 1 }),
    hit({ resultId: 'r2', rank: 2, symbol: 'NormalizeAddress' }),
    hit({ resultId: 'r3', rank: 3 }), // IsValidEmail again (its second part)
    hit({ resultId: 'r4', rank: 4, container: 'Other.Type' }), // another type's IsValidEmail
    hit({ resultId: 'r5', rank: 5, symbol: undefined }),
    hit({ resultId: 'r6', rank: 6, symbol: undefined }),
  ];
  assert.deepEqual(mergeBySymbol(hits).map((h) => h.resultId), ['r1', 'r2', 'r4', 'r5', 'r6']);
});

test('folder scope: a folder inside the workspace folder becomes its glob; the workspace folder itself, none', () => {
  assert.deepEqual(folderScope('file:///ws', 'ws', 'file:///ws/src/Billing'), { folder: 'file:///ws', pathGlob: 'src/Billing/**', label: 'src/Billing' });
  assert.deepEqual(folderScope('file:///ws/', 'ws', 'file:///ws'), { folder: 'file:///ws/', label: 'ws' });
  assert.equal(folderScope('file:///ws', 'ws', 'file:///ws/a%20b/%5Bx%5D%7Bv%7D*').pathGlob, 'a b/[[]x?[{]v[}][*]/**');
});
