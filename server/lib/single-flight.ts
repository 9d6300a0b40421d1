// Concurrent identical reads share one run: sixteen analysts opening the same 30-day overview during
// an incident cost the database one query set, not sixteen. Nothing is kept once the run settles
// (a later call starts afresh and reads the database again), so this is no cache that could make two
// instances answer differently: a caller gets data read after some identical call began, at most
// one run's duration before its own request.
export class SingleFlight<R> {
  private readonly running = new Map<string, Promise<R>>();

  run(key: string, work: () => Promise<R>): Promise<R> {
    const current = this.running.get(key);
    if (current) return current;
    const started = work().finally(() => this.running.delete(key));
    this.running.set(key, started);
    return started;
  }

  /** Runs in flight now (for tests and metrics). */
  get size(): number {
    return this.running.size;
  }
}
