// Sends a time-ordered event stream in batches over several concurrent lanes without breaking
// references: every event goes to the lane of its wallet account (a link's events follow its
// account), so anything an event refers to was sent earlier on the same lane. Used by the demo
// loader (lanes → ingestBatch in-process) and by the benchmark (lanes → POST /api/v1/events).
import type { PlatformEvent } from "../../../shared/events/schemas.ts";
import { EVENTS_PER_BATCH_MAX } from "../../../shared/events/schemas.ts";
import type { IngestResult } from "./types.ts";

export interface StreamLoadOptions {
  lanes: number;
  batchSize?: number;
  /** send one batch; must resolve only once the batch is stored */
  send(batch: PlatformEvent[]): Promise<IngestResult>;
  /** called after each batch is answered, with the running totals */
  onBatch?(totals: StreamLoadTotals): void;
  /** stop after this many events (default: the whole stream) */
  limit?: number;
  /** link → account of the stream so far, when the stream continues one sent earlier */
  accountOfLink?: Map<string, string>;
}

export interface StreamLoadTotals {
  sent: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** rejections by code, with the first message seen for each */
  rejectedByCode: Record<string, { count: number; example: string }>;
  batches: number;
}

const PENDING_BATCHES_PER_LANE_MAX = 2;

export function laneOf(accountId: string, lanes: number): number {
  let h = 0;
  for (let i = 0; i < accountId.length; i++) h = (Math.imul(h, 31) + accountId.charCodeAt(i)) | 0;
  return (h >>> 0) % lanes;
}

/**
 * The wallet account an event belongs to. `accountOfLink` must have seen every earlier
 * link.registered of the stream (this records them).
 */
export function accountIdOf(e: PlatformEvent, accountOfLink: Map<string, string>): string {
  switch (e.type) {
    case "account.opened":
      return e.account.id;
    case "link.registered":
      accountOfLink.set(e.link.id, e.link.accountId);
      return e.link.accountId;
    case "link.changed":
      return accountOfLink.get(e.link.id) ?? e.link.id;
    case "charge.completed":
      return accountOfLink.get(e.charge.linkId) ?? e.charge.linkId;
    case "spend.completed":
      return e.spend.accountId;
    case "account.verified":
      return e.verification.accountId;
  }
}

/**
 * Partitions by account and sends. Resolves with the totals once every batch is answered; rejects
 * as soon as a send fails (the other lanes stop taking new batches).
 */
export async function loadStream(events: Iterable<PlatformEvent>, opts: StreamLoadOptions): Promise<StreamLoadTotals> {
  const batchSize = opts.batchSize ?? EVENTS_PER_BATCH_MAX;
  const lanes = Math.max(1, opts.lanes);
  const totals: StreamLoadTotals = { sent: 0, accepted: 0, duplicates: 0, rejected: 0, rejectedByCode: {}, batches: 0 };
  const accountOfLink = opts.accountOfLink ?? new Map<string, string>();
  const buffers: PlatformEvent[][] = Array.from({ length: lanes }, () => []);
  const queues: Promise<void>[][] = Array.from({ length: lanes }, () => []);
  const tails: Promise<void>[] = Array.from({ length: lanes }, () => Promise.resolve());
  let failure: unknown;

  const dispatch = async (lane: number) => {
    const batch = buffers[lane];
    buffers[lane] = [];
    if (batch.length === 0) return;
    const q = queues[lane];
    while (q.length >= PENDING_BATCHES_PER_LANE_MAX) await q.shift();
    const p = tails[lane].then(async () => {
      if (failure) return;
      try {
        const r = await opts.send(batch);
        totals.sent += batch.length;
        totals.accepted += r.accepted;
        totals.duplicates += r.duplicates;
        totals.rejected += r.rejected.length;
        totals.batches++;
        for (const x of r.rejected) {
          const entry = (totals.rejectedByCode[x.code] ??= { count: 0, example: `${x.id}: ${x.message}` });
          entry.count++;
        }
        opts.onBatch?.(totals);
      } catch (err) {
        failure ??= err;
      }
    });
    tails[lane] = p;
    q.push(p);
  };

  let n = 0;
  for (const e of events) {
    if (failure) break;
    if (opts.limit !== undefined && n >= opts.limit) break;
    n++;
    const accountId = accountIdOf(e, accountOfLink);
    const lane = lanes === 1 ? 0 : laneOf(accountId, lanes);
    buffers[lane].push(e);
    if (buffers[lane].length >= batchSize) await dispatch(lane);
  }
  for (let lane = 0; lane < lanes; lane++) await dispatch(lane);
  await Promise.all(tails);
  if (failure) throw failure;
  return totals;
}
