import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupByFile, navigationOrder, step } from '../src/logic/results';
import { hit } from './fixtures';

test('groups by file: files by best rank, hits in reading order', () => {
  const a1 = hit({ resultId: 'a1', rank: 3, uri: 'file:///ws/a.cs', path: 'a.cs', range: { start: { line: 40, character: 0 }, end: { line: 41, character: 0 } } });
  const b1 = hit({ resultId: 'b1', rank: 1, uri: 'file:///ws/b.cs', path: 'b.cs' });
  const a2 = hit({ resultId: 'a2', rank: 2, uri: 'file:///ws/a.cs', path: 'a.cs', range: { start: { line: 5, character: 0 }, end: { line: 9, character: 0 } } });
  const groups = groupByFile([b1, a2, a1]);
  assert.deepEqual(groups.map((g) => [g.path, g.bestRank, g.hits.map((h) => h.resultId)]), [
    ['b.cs', 1, ['b1']],
    ['a.cs', 2, ['a2', 'a1']],
  ]);
  assert.deepEqual(navigationOrder(groups).map((h) => h.resultId), ['b1', 'a2', 'a1']);
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
