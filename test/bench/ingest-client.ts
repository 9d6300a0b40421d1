// The wallet platform's side of the ingest bench, run in a worker thread so that generating and
// serialising events does not sit on the server's event loop. It generates the demo stream and
// POSTs it to /api/v1/events in 1000-event batches, over lanes partitioned by account (so every
// reference points to an event already committed), in phases:
//   warm   the year before the window and its first day, concurrency 4 (streamed)
//   c1/c2/c4  the next `sliceEvents` each, at concurrency 1, 2, 4: bodies serialised before timing
//   dup50  `dupEvents` new events mixed 1:1 with events of the c4 slice sent again (duplicates)
//   rest   the remaining stream, concurrency 4 (streamed)
// and reports each phase's figures to the parent.
import { parentPort, workerData } from "node:worker_threads";
import { performance } from "node:perf_hooks";
import type { PlatformEvent } from "../../shared/events/schemas.ts";
import { generateDemo } from "../../server/features/events/demo/index.ts";
import { REFERENCE_BANKS } from "../../server/features/reference/banks.ts";
import { accountIdOf, laneOf, loadStream } from "../../server/features/events/stream-loader.ts";
import type { IngestResult } from "../../server/features/events/types.ts";

export interface IngestClientInput {
  baseUrl: string;
  apiKey: string;
  seed: string;
  scale: number;
  nowMs: number;
  sliceEvents: number;
  dupEvents: number;
  /** stop after the dup50 phase (no "rest") */
  skipRest: boolean;
}

export interface PhaseFigures {
  kind: "phase";
  name: string;
  concurrency: number;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  rejectedByCode: Record<string, { count: number; example: string }>;
  loadAverage: number;
}

export type ClientMessage = PhaseFigures | { kind: "log"; line: string } | { kind: "done"; events: number | null; charges: number | null };
/** The parent's answer to a phase: the after-batch rescoring has caught up, the next phase may start. */
export type ParentMessage = { kind: "settled" };

const input = workerData as IngestClientInput;
const post = (m: ClientMessage) => parentPort!.postMessage(m);
const log = (line: string) => post({ kind: "log", line });

/** Reports a phase and waits until the server's rescoring queue is empty, so each phase starts from the same state. */
function endPhase(figures: PhaseFigures): Promise<void> {
  return new Promise((resolve) => {
    parentPort!.once("message", (m: ParentMessage) => {
      if (m.kind === "settled") resolve();
    });
    post(figures);
  });
}

async function send(body: string): Promise<IngestResult> {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(`${input.baseUrl}/api/v1/events`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${input.apiKey}` },
      body,
    });
    const text = await res.text();
    if (res.status === 200) return JSON.parse(text) as IngestResult;
    if (attempt >= 3) throw new Error(`POST /api/v1/events answered ${res.status}: ${text.slice(0, 300)}`);
  }
}

class Pull implements Iterable<PlatformEvent> {
  private buffered: PlatformEvent | undefined;
  done = false;
  constructor(private readonly it: Iterator<PlatformEvent>) {}
  peek(): PlatformEvent | undefined {
    if (this.buffered === undefined && !this.done) {
      const r = this.it.next();
      if (r.done) this.done = true;
      else this.buffered = r.value;
    }
    return this.buffered;
  }
  next(): PlatformEvent | undefined {
    const e = this.peek();
    this.buffered = undefined;
    return e;
  }
  take(n: number): PlatformEvent[] {
    const out: PlatformEvent[] = [];
    while (out.length < n) {
      const e = this.next();
      if (!e) break;
      out.push(e);
    }
    return out;
  }
  /** yields while `keep(event)` holds, leaving the first other event in place */
  *while(keep: (e: PlatformEvent) => boolean): Generator<PlatformEvent> {
    for (let e = this.peek(); e && keep(e); e = this.peek()) yield this.next()!;
  }
  [Symbol.iterator]() {
    return this.while(() => true);
  }
}

const accountOfLink = new Map<string, string>();

function phaseFigures(name: string, concurrency: number, seconds: number, t: { sent: number; accepted: number; duplicates: number; rejected: number; rejectedByCode: PhaseFigures["rejectedByCode"] }, load: number): PhaseFigures {
  return { kind: "phase", name, concurrency, events: t.sent, seconds, eventsPerSecond: t.sent / seconds, accepted: t.accepted, duplicates: t.duplicates, rejected: t.rejected, rejectedByCode: t.rejectedByCode, loadAverage: load };
}

async function streamed(name: string, events: Iterable<PlatformEvent>, lanes: number) {
  const t0 = performance.now();
  let lastLog = t0;
  const totals = await loadStream(events, {
    lanes,
    accountOfLink,
    send: (batch) => send(JSON.stringify({ events: batch })),
    onBatch(t) {
      const now = performance.now();
      if (now - lastLog > 15_000) {
        lastLog = now;
        log(`${name}: ${t.sent.toLocaleString("en-US")} events, ${Math.round(t.sent / ((now - t0) / 1000)).toLocaleString("en-US")} events/s`);
      }
    },
  });
  const { loadavg } = await import("node:os");
  await endPhase(phaseFigures(name, lanes, (performance.now() - t0) / 1000, totals, loadavg()[0]));
}

/** Bodies per lane, serialised before the clock starts. `mixWith` adds that many old events per batch. */
function prepare(events: PlatformEvent[], lanes: number, mix?: { old: PlatformEvent[]; perBatch: number }): string[][] {
  const byLane: PlatformEvent[][] = Array.from({ length: lanes }, () => []);
  for (const e of events) byLane[lanes === 1 ? 0 : laneOf(accountIdOf(e, accountOfLink), lanes)].push(e);
  const oldByLane: PlatformEvent[][] = Array.from({ length: lanes }, () => []);
  for (const e of mix?.old ?? []) oldByLane[lanes === 1 ? 0 : laneOf(accountIdOf(e, accountOfLink), lanes)].push(e);
  const newPerBatch = mix ? 1000 - mix.perBatch : 1000;
  return byLane.map((lane, i) => {
    const bodies: string[] = [];
    const old = oldByLane[i];
    for (let k = 0, o = 0; k < lane.length; k += newPerBatch) {
      const batch = lane.slice(k, k + newPerBatch);
      if (mix) {
        batch.push(...old.slice(o, o + mix.perBatch));
        o += mix.perBatch;
      }
      bodies.push(JSON.stringify({ events: batch }));
    }
    return bodies;
  });
}

async function timed(name: string, bodiesByLane: string[][], lanes: number) {
  const { loadavg } = await import("node:os");
  const load = loadavg()[0];
  const t = { sent: 0, accepted: 0, duplicates: 0, rejected: 0, rejectedByCode: {} as PhaseFigures["rejectedByCode"] };
  const t0 = performance.now();
  await Promise.all(
    bodiesByLane.map(async (bodies) => {
      for (const body of bodies) {
        const r = await send(body);
        t.sent += r.accepted + r.duplicates + r.rejected.length;
        t.accepted += r.accepted;
        t.duplicates += r.duplicates;
        t.rejected += r.rejected.length;
        for (const x of r.rejected) (t.rejectedByCode[x.code] ??= { count: 0, example: `${x.id}: ${x.message}` }).count++;
      }
    }),
  );
  await endPhase(phaseFigures(name, lanes, (performance.now() - t0) / 1000, t, load));
}

async function main() {
  const run = generateDemo({ seed: input.seed, scale: input.scale, now: input.nowMs, banks: REFERENCE_BANKS });
  const pull = new Pull(run.events[Symbol.iterator]());
  const warmUntil = run.windowStart.getTime() + 24 * 3600_000;
  await streamed("warm", pull.while((e) => Date.parse(e.occurredAt) < warmUntil), 4);

  for (const lanes of [1, 2, 4]) {
    const slice = pull.take(input.sliceEvents);
    const bodies = prepare(slice, lanes);
    await timed(`c${lanes}`, bodies, lanes);
    if (lanes === 4) {
      const fresh = pull.take(input.dupEvents);
      const old = slice.slice(0, input.dupEvents);
      await timed("dup50", prepare(fresh, 4, { old, perBatch: 500 }), 4);
    }
  }
  if (!input.skipRest) await streamed("rest", pull, 4);
  // The generator's stats are complete only when the whole stream was read.
  post({ kind: "done", events: input.skipRest ? null : run.stats.events, charges: input.skipRest ? null : run.stats.charges });
}

main().catch((err) => {
  log(`client failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
