// At most `limit` runs at once in this process; the others wait their turn, first come first served.
// A per-process bound on local work (like a pool's size), not shared state: two instances each have
// their own, and nothing one of them answers depends on the other's.
export class Gate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private limit: number) {
    Gate.check(limit);
  }

  private static check(limit: number) {
    if (limit !== Infinity && (!Number.isInteger(limit) || limit < 1)) throw new Error(`a gate's limit must be a whole number of at least 1, or Infinity (got ${limit})`);
  }

  /** A new limit applies to runs starting from now (those running finish). */
  setLimit(limit: number): void {
    Gate.check(limit);
    this.limit = limit;
    while (this.active < this.limit && this.waiting.length > 0) {
      this.active++;
      this.waiting.shift()!();
    }
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active < this.limit) this.active++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve)); // the slot is handed over by the run that ends
    try {
      return await work();
    } finally {
      const next = this.active <= this.limit ? this.waiting.shift() : undefined;
      if (next) next();
      else this.active--;
    }
  }

  /** Runs going on now and runs waiting (tests and metrics). */
  get running(): number {
    return this.active;
  }
  get queued(): number {
    return this.waiting.length;
  }
}
