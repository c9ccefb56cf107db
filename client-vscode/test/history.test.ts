import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HistoryLimit, readHistory, remember } from '../src/logic/history';

test('history: the latest query comes first, once, whatever its case and spacing', () => {
  let h: string[] = [];
  h = remember(h, 'validate an email address');
  h = remember(h, 'retry with backoff');
  h = remember(h, '  Validate   an EMAIL address ');
  assert.deepEqual(h, ['Validate an EMAIL address', 'retry with backoff']);
  assert.deepEqual(remember(h, '   '), h);
});

test('history: capped at the limit, oldest dropped', () => {
  let h: string[] = [];
  for (let i = 0; i < HistoryLimit + 5; i++) {
    h = remember(h, `query ${i}`);
  }
  assert.equal(h.length, HistoryLimit);
  assert.equal(h[0], `query ${HistoryLimit + 4}`);
  assert.equal(h.at(-1), 'query 5');
});

test('history: a stored value that is not a list of strings is an empty history', () => {
  assert.deepEqual(readHistory(undefined), []);
  assert.deepEqual(readHistory('q'), []);
  assert.deepEqual(readHistory(['a', 3, '', ' ', 'b']), ['a', 'b']);
});
