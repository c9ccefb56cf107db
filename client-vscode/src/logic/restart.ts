// When to bring a crashed server back: at once the first times, then never more than `max` crashes in a window,
// so a server that dies on start does not spin forever.

export class RestartPolicy {
  private crashes: number[] = [];

  constructor(private readonly max = 5, private readonly windowMs = 3 * 60_000) {}

  /** Records a crash at `now`; true when the server should be restarted. */
  shouldRestart(now: number): boolean {
    this.crashes = this.crashes.filter((t) => now - t < this.windowMs);
    this.crashes.push(now);
    return this.crashes.length <= this.max;
  }

  /** Delay before the restart: 0, then doubling from 500 ms, capped at 8 s. */
  delayMs(): number {
    const n = this.crashes.length;
    return n <= 1 ? 0 : Math.min(8000, 500 * 2 ** (n - 2));
  }

  reset(): void {
    this.crashes = [];
  }
}
