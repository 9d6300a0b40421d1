// The batched counter behind the /api/v1 limits (server/http/rate-limit.ts describes it): requests
// counted in memory at once, added to rate_limit_hit by one statement per tick, totals read back.
import type { FastifyBaseLogger } from "fastify";
import type pg from "pg";
import { pgQuery, sql } from "../db/sql.ts";

/** How often an instance adds its batched requests to the shared counts (and reads the totals back). */
export const FLUSH_INTERVAL_MS = 100;

// One round trip per tick for every key with hits: adds each key's hits to its window's row (the
// row's key names the window: `<key>@<window start ms>`) and answers the window's total over every
// instance, with the previous window's total beside it.
const flushRows = (rows: { key: string[]; startMs: number[]; windowMs: number[]; n: number[]; prevKey: string[] }) =>
  pgQuery(
    sql`WITH u AS (SELECT * FROM unnest(${rows.key}::text[], ${rows.startMs}::float8[], ${rows.windowMs}::int[], ${rows.n}::int[], ${rows.prevKey}::text[]) AS u(key, start_ms, window_ms, n, prev_key)),
         hit AS (
           INSERT INTO rate_limit_hit AS r (key, window_start, window_ms, hits)
           SELECT key, to_timestamp(start_ms / 1000.0), window_ms, n FROM u
           ON CONFLICT (key) DO UPDATE SET hits = r.hits + EXCLUDED.hits
           RETURNING r.key, r.hits
         )
         SELECT hit.key, hit.hits, coalesce(p.hits, 0) AS prev_hits
         FROM hit JOIN u USING (key) LEFT JOIN rate_limit_hit p ON p.key = u.prev_key`,
    { name: "rate-limit.flush" },
  );

interface KeyCount {
  windowStart: number;
  windowMs: number;
  /** Every instance's hits in this window as of the last flush (this instance's flushed ones included). */
  shared: number;
  /** This instance's hits being added by a flush in flight. */
  sending: number;
  /** This instance's hits since then. */
  pending: number;
  /** Every instance's hits in the previous window, as last known. */
  previous: number;
}

/**
 * The batched counts of one process: hits are counted in memory at once and added to the shared
 * rows by one statement per FLUSH_INTERVAL_MS (only while there are hits to add).
 */
export class BatchedCounts {
  private readonly counts = new Map<string, KeyCount>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private stopped = false;
  constructor(
    private readonly pool: pg.Pool,
    private readonly log: Pick<FastifyBaseLogger, "warn">,
    /** 0: only explicit flush() calls (tests). */
    private readonly flushIntervalMs = FLUSH_INTERVAL_MS,
  ) {}

  /**
   * One request for `key` now: admitted (and counted) while the estimated requests admitted in the
   * last window, this one included, stay within `max`; otherwise refused (not counted, so a caller
   * over its limit still gets `max` per window through) with the ms to the window's end.
   */
  take(key: string, windowMs: number, max: number, now = Date.now()): { refusedForMs: number } | null {
    const windowStart = now - (now % windowMs);
    let c = this.counts.get(key);
    if (!c || c.windowStart !== windowStart || c.windowMs !== windowMs) {
      const previous = c && c.windowMs === windowMs && c.windowStart === windowStart - windowMs ? c.shared + c.sending + c.pending : 0;
      c = { windowStart, windowMs, shared: 0, sending: 0, pending: 0, previous };
      this.counts.set(key, c);
    }
    // Sliding window: the previous window weighs by the share of it still within one window of now.
    const stillIn = 1 - (now - windowStart) / windowMs;
    if (c.previous * stillIn + c.shared + c.sending + c.pending + 1 > max) return { refusedForMs: windowStart + windowMs - now };
    c.pending++;
    this.schedule();
    return null;
  }

  private schedule() {
    if (this.timer || this.flushing || this.stopped || this.flushIntervalMs <= 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flushing = this.flush().finally(() => {
        this.flushing = null;
        if ([...this.counts.values()].some((c) => c.pending > 0)) this.schedule();
      });
    }, this.flushIntervalMs);
    this.timer.unref();
  }

  /** Adds the pending hits to the shared rows and reads the totals back (one statement). */
  async flush(now = Date.now()): Promise<void> {
    const sent: { key: string; c: KeyCount; n: number; row: string }[] = [];
    for (const [key, c] of this.counts) {
      if (c.pending > 0) sent.push({ key, c, n: c.pending, row: `${key}@${c.windowStart}` });
      else if (c.windowStart + 2 * c.windowMs < now) this.counts.delete(key); // no longer weighs on anything
    }
    if (sent.length === 0) return;
    for (const s of sent) {
      s.c.pending -= s.n;
      s.c.sending += s.n;
    }
    try {
      const { rows } = await this.pool.query<{ key: string; hits: number; prev_hits: number }>(
        flushRows({
          key: sent.map((s) => s.row),
          startMs: sent.map((s) => s.c.windowStart),
          windowMs: sent.map((s) => s.c.windowMs),
          n: sent.map((s) => s.n),
          prevKey: sent.map((s) => `${s.key}@${s.c.windowStart - s.c.windowMs}`),
        }),
      );
      const totals = new Map(rows.map((r) => [r.key, r]));
      for (const s of sent) {
        const t = totals.get(s.row);
        s.c.sending -= s.n;
        s.c.shared = Math.max(t?.hits ?? 0, s.c.shared + s.n);
        s.c.previous = Math.max(t?.prev_hits ?? 0, s.c.previous);
        this.carryOver(s.key, s.c);
      }
    } catch (err) {
      this.log.warn({ err }, "rate limit counts not shared (database error): this instance counts alone until it can");
      for (const s of sent) {
        s.c.sending -= s.n;
        s.c.shared += s.n;
        this.carryOver(s.key, s.c);
      }
    }
  }

  /** A window that rolled over while its flush was in flight: the next one's "previous" learns its total. */
  private carryOver(key: string, c: KeyCount) {
    const next = this.counts.get(key);
    if (next && next !== c && next.windowMs === c.windowMs && next.windowStart === c.windowStart + c.windowMs) {
      next.previous = Math.max(next.previous, c.shared + c.sending + c.pending);
    }
  }

  /** Stops flushing (the app is closing; counts not yet added are dropped). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flushing;
  }
}
