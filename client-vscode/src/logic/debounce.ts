// Latest-wins debouncing for live search: typing fires many queries, only the newest answer may be shown.

export interface TimerApi {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: TimerApi = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};

/**
 * Runs `run(value, seq)` once `delayMs` passed without a newer `push`. `isCurrent(seq)` tells a finished run
 * whether it is still the newest, so a slow answer to an old query never overwrites a newer one.
 */
export class LatestDebouncer<T> {
  private handle: unknown;
  private seq = 0;

  constructor(
    private readonly delayMs: () => number,
    private readonly run: (value: T, seq: number) => void,
    private readonly timers: TimerApi = realTimers,
  ) {}

  push(value: T): number {
    const seq = ++this.seq;
    if (this.handle !== undefined) {
      this.timers.clear(this.handle);
    }
    this.handle = this.timers.set(() => {
      this.handle = undefined;
      this.run(value, seq);
    }, Math.max(0, this.delayMs()));
    return seq;
  }

  /** Runs the pending value now (Enter pressed before the delay ran out). */
  flush(value: T): number {
    this.cancel();
    const seq = ++this.seq;
    this.run(value, seq);
    return seq;
  }

  isCurrent(seq: number): boolean {
    return seq === this.seq;
  }

  cancel(): void {
    if (this.handle !== undefined) {
      this.timers.clear(this.handle);
      this.handle = undefined;
    }
    this.seq++;
  }
}
