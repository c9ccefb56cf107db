import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LatestDebouncer, TimerApi } from '../src/logic/debounce';

/** Manual clock: timers fire only when the test advances time. */
function fakeTimers() {
  let now = 0;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let next = 1;
  const api: TimerApi = {
    set: (fn, ms) => { const id = next++; timers.push({ at: now + ms, fn, id }); return id; },
    clear: (h) => { timers = timers.filter((t) => t.id !== h); },
  };
  const advance = (ms: number) => {
    now += ms;
    const due = timers.filter((t) => t.at <= now);
    timers = timers.filter((t) => t.at > now);
    due.forEach((t) => t.fn());
  };
  return { api, advance };
}

test('only the last value of a burst runs, after the quiet time', () => {
  const clock = fakeTimers();
  const runs: [string, number][] = [];
  const d = new LatestDebouncer<string>(() => 200, (v, seq) => runs.push([v, seq]), clock.api);
  d.push('v');
  clock.advance(100);
  d.push('va');
  clock.advance(100);
  d.push('val');
  clock.advance(199);
  assert.deepEqual(runs, []);
  clock.advance(1);
  assert.deepEqual(runs, [['val', 3]]);
  assert.equal(d.isCurrent(3), true);
});

test('a newer push makes an older run stale; flush runs at once; cancel drops the pending run', () => {
  const clock = fakeTimers();
  const runs: string[] = [];
  const d = new LatestDebouncer<string>(() => 50, (v) => runs.push(v), clock.api);
  const first = d.flush('a');
  assert.deepEqual(runs, ['a']);
  d.push('ab');
  assert.equal(d.isCurrent(first), false);
  d.cancel();
  clock.advance(100);
  assert.deepEqual(runs, ['a']);
});
