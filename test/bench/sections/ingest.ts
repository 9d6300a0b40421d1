// Bench section: ingestion through the real HTTP API (POST /api/v1/events, 1000-event batches) at
// concurrency 1, 2 and 4, with 50% duplicate ids, and the same rows loaded by raw COPY into the same
// tables as the baseline. The first run loads the whole data set (scale 10 ≈ 2 million charges) and
// keeps it for the other sections and later runs; a later run measures on an extra stream with its
// own ids (another seed) and leaves the loaded data set as it is. Prints figures, asserts nothing.
import { Worker } from "node:worker_threads";
import { loadavg } from "node:os";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import type { BenchContext, BenchFigure, BenchSection } from "../context.ts";
import type { ClientMessage, IngestClientInput, ParentMessage, PhaseFigures } from "../ingest-client.ts";
import { copyBaseline } from "../copy-baseline.ts";
import { generateDemo } from "../../../server/features/events/demo/index.ts";
import { REFERENCE_BANKS } from "../../../server/features/reference/banks.ts";
import { DEMO_POST_LOAD_STEPS } from "../../../server/ingest-hooks.ts";
import { vacuumAfterBulkLoad } from "../../../server/features/events/demo-load.ts";
import { afterBatchRescoreStats, scoringSettled } from "../../../server/features/accounts/hooks.ts";

const API_EVENTS_PER_SECOND_GOAL = 15_000;
/** #16: ingestion with scoring on against raw COPY of the same rows, measured in the same run. */
const COPY_RATIO_GOAL = 0.5;
/** Events re-sent as duplicates in the dup50 phase (and as many new ones). */
const DUP_EVENTS = 100_000;
/** Scale of the extra stream measured when the data set is already loaded. */
const EXTRA_SCALE = 2;

interface Dataset {
  seed: string;
  scale: number;
  nowMs: number;
  events: number;
  charges: number;
  postLoadDone: boolean;
}

/**
 * CPU seconds used so far by the PostgreSQL server whose postmaster pid is given (its processes and
 * the exited backends it reaped), from /proc; null where /proc cannot be read. With CPU per event
 * next to events/s, a run on a machine busy with other work can still be compared with another.
 */
function postgresCpuSeconds(postmasterPid: number | null): number | null {
  if (postmasterPid === null) return null;
  try {
    const tick = 100; // USER_HZ on Linux
    let sum = 0;
    for (const d of readdirSync("/proc")) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const st = readFileSync(`/proc/${d}/stat`, "utf8");
        const f = st.slice(st.lastIndexOf(")") + 2).split(" "); // f[0] is field 3 (state)
        if (Number(d) === postmasterPid || Number(f[1]) === postmasterPid) sum += (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / tick;
      } catch {
        // the process ended meanwhile
      }
    }
    return sum;
  } catch {
    return null;
  }
}

/**
 * The same CPU seconds by kind of process: client connections ("backends"), autovacuum workers,
 * the other background processes, and the postmaster with the processes it reaped ("exited": mostly
 * short-lived autovacuum workers). Tells whether a phase's PostgreSQL CPU went to our statements.
 */
function postgresCpuByKind(postmasterPid: number | null): Record<string, number> {
  const out: Record<string, number> = {};
  if (postmasterPid === null) return out;
  try {
    for (const d of readdirSync("/proc")) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const st = readFileSync(`/proc/${d}/stat`, "utf8");
        const f = st.slice(st.lastIndexOf(")") + 2).split(" ");
        const pid = Number(d);
        if (pid !== postmasterPid && Number(f[1]) !== postmasterPid) continue;
        const title = readFileSync(`/proc/${d}/cmdline`, "utf8").replace(/\0/g, " ");
        const kind = pid === postmasterPid ? "exited" : /autovacuum worker/.test(title) ? "autovacuum" : /postgres: (checkpointer|background writer|walwriter|autovacuum launcher|logical|io worker|walsummarizer)/.test(title) ? "background" : "backends";
        out[kind] = (out[kind] ?? 0) + (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100;
      } catch {
        // the process ended meanwhile
      }
    }
  } catch {
    // no /proc
  }
  return out;
}

async function postmasterPid(ctx: BenchContext): Promise<number | null> {
  try {
    const { rows } = await ctx.db.pool.query<{ setting: string }>("SELECT setting FROM pg_settings WHERE name = 'data_directory'");
    return Number(readFileSync(path.join(rows[0].setting, "postmaster.pid"), "utf8").split("\n")[0]) || null;
  } catch {
    return null; // another machine's server, or not readable
  }
}

interface PhaseCpu {
  /** this process (server and the client's worker thread), ms per 1000 events */
  nodeMs: number;
  postgresMs: number | null;
}

/** A phase with the after-batch rescoring it left queued: how long after its last answer the scores caught up. */
interface PhaseSettled {
  settleSeconds: number;
  /** events / (phase seconds + settle seconds) */
  eventsPerSecond: number;
  /** CPU per 1000 events from the phase's start until the scores caught up */
  cpu: PhaseCpu;
}

function runClient(
  input: IngestClientInput,
  log: (line: string) => void,
  pgPid: number | null = null,
): Promise<{ phases: PhaseFigures[]; cpu: Map<string, PhaseCpu>; settled: Map<string, PhaseSettled>; done: Extract<ClientMessage, { kind: "done" }> }> {
  // tsx does not reach into worker threads by itself: register it in the worker first.
  const url = new URL("../ingest-client.ts", import.meta.url).href;
  const worker = new Worker(`(async () => { const { register } = await import("tsx/esm/api"); register(); await import(${JSON.stringify(url)}); })();`, {
    eval: true,
    workerData: input,
  });
  const phases: PhaseFigures[] = [];
  const cpu = new Map<string, PhaseCpu>();
  const settled = new Map<string, PhaseSettled>();
  let lastNode = process.cpuUsage();
  let lastPg = postgresCpuSeconds(pgPid);
  let lastRescore = afterBatchRescoreStats();
  let lastKinds = postgresCpuByKind(pgPid);
  const cpuSince = (events: number, node: NodeJS.CpuUsage, pg: number | null): PhaseCpu => {
    const nodeNow = process.cpuUsage();
    const pgNow = postgresCpuSeconds(pgPid);
    const perK = (seconds: number) => (seconds * 1000 * 1000) / Math.max(1, events);
    return {
      nodeMs: perK((nodeNow.user + nodeNow.system - node.user - node.system) / 1e6),
      postgresMs: pgNow !== null && pg !== null ? perK(pgNow - pg) : null,
    };
  };
  const ms = (c: PhaseCpu) => `this process ${Math.round(c.nodeMs)} ms, PostgreSQL ${c.postgresMs === null ? "?" : Math.round(c.postgresMs)} ms`;
  return new Promise((resolve, reject) => {
    let done: Extract<ClientMessage, { kind: "done" }> | undefined;
    worker.on("message", (m: ClientMessage) => {
      if (m.kind === "log") log(m.line);
      else if (m.kind === "phase") {
        phases.push(m);
        const c = cpuSince(m.events, lastNode, lastPg);
        const kinds = postgresCpuByKind(pgPid);
        cpu.set(m.name, c);
        const rejected = m.rejected ? `, REJECTED ${m.rejected} ${JSON.stringify(m.rejectedByCode)}` : "";
        log(
          `${m.name}: ${m.events.toLocaleString("en-US")} events in ${m.seconds.toFixed(1)} s = ${Math.round(m.eventsPerSecond).toLocaleString("en-US")} events/s ` +
            `(concurrency ${m.concurrency}; accepted ${m.accepted}, duplicates ${m.duplicates}${rejected}; load average ${m.loadAverage.toFixed(1)}; ` +
            (m.events > 0 ? `CPU per 1000 events: ${ms(c)})` : "no events)"),
        );
        if (m.events > 0 && pgPid !== null) {
          const parts = Object.entries(kinds).map(([k, v]) => `${k} ${Math.round(((v - (lastKinds[k] ?? 0)) * 1e6) / m.events)}`);
          log(`${m.name}: PostgreSQL CPU per 1000 events by process kind, ms: ${parts.join(", ")}`);
        }
        // The rescoring the phase queued runs on after its last answer: wait for it (the next phase
        // starts with an empty queue) and report the rate with it counted.
        const t0 = performance.now();
        void scoringSettled().then(() => {
          const settleSeconds = (performance.now() - t0) / 1000;
          const total = cpuSince(m.events, lastNode, lastPg);
          settled.set(m.name, { settleSeconds, eventsPerSecond: m.events / (m.seconds + settleSeconds), cpu: total });
          const now = afterBatchRescoreStats();
          const r = { rounds: now.rounds - lastRescore.rounds, queued: now.queued - lastRescore.queued, scored: now.scored - lastRescore.scored, ms: now.ms - lastRescore.ms };
          log(
            `${m.name}: scores caught up ${settleSeconds.toFixed(1)} s after the last answer: ${Math.round(m.events / (m.seconds + settleSeconds)).toLocaleString("en-US")} events/s ` +
              `until then (after-batch rescoring: ${r.rounds} rounds, ${r.queued.toLocaleString("en-US")} touched accounts, ${r.scored.toLocaleString("en-US")} scored with their groups and windows; ` +
              `CPU per 1000 events: ${ms(total)})`,
          );
          const phases = Object.entries(now.timings)
            .filter(([k]) => !k.endsWith("(node cpu)") && !k.endsWith("(wallets)"))
            .map(([k, v]) => [k, v - (lastRescore.timings[k] ?? 0)] as const)
            .sort((a, b) => b[1] - a[1]);
          if (r.rounds > 0) log(`${m.name}: rescoring rounds' wall time by phase: ${phases.filter(([, v]) => v >= 100).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(", ")}`);
          lastRescore = now;
          lastNode = process.cpuUsage();
          lastPg = postgresCpuSeconds(pgPid);
          lastKinds = postgresCpuByKind(pgPid);
          worker.postMessage({ kind: "settled" } satisfies ParentMessage);
        });
      } else if (m.kind === "done") done = m;
    });
    worker.on("error", reject);
    worker.on("exit", (code) => (code === 0 && done ? resolve({ phases, cpu, settled, done }) : reject(new Error(`ingest client exited with ${code}`))));
  });
}

/** The events the COPY baseline loads: the same stream up to the end of the c4 slice. */
function* prefixOfStream(seed: string, scale: number, nowMs: number, sliceEvents: number) {
  const run = generateDemo({ seed, scale, now: nowMs, banks: REFERENCE_BANKS });
  const warmUntil = run.windowStart.getTime() + 24 * 3600_000;
  let afterWarm = 0;
  for (const e of run.events) {
    if (Date.parse(e.occurredAt) >= warmUntil && ++afterWarm > 3 * sliceEvents) return;
    yield e;
  }
}

export const section: BenchSection = {
  name: "ingest",
  order: 0,
  async run(ctx: BenchContext): Promise<BenchFigure[]> {
    const loaded = await ctx.state.get<Dataset>("dataset");
    const first = !loaded;
    // (a fixed --extra-seed makes two runs on copies of one loaded data set measure the same stream)
    const seed = first ? "bench" : (ctx.args.extraSeed ?? `b${Date.now().toString(36)}`);
    const scale = first ? ctx.args.scale : EXTRA_SCALE;
    const nowMs = first ? Math.floor(Date.now() / 1000) * 1000 : loaded!.nowMs;
    if (first) ctx.log(`loading the data set: generator seed ${seed}, scale ${scale}, through the API`);
    else ctx.log(`data set already loaded (scale ${loaded!.scale}, ${loaded!.charges.toLocaleString("en-US")} charges); measuring on an extra stream (seed ${seed}, scale ${scale})`);

    // The baseline first, while the API server is idle: same events, same rows, raw COPY.
    const copy = await copyBaseline({ adminUrl: ctx.adminUrl, events: prefixOfStream(seed, scale, nowMs, ctx.args.sliceEvents), log: ctx.log });
    ctx.log(`COPY: ${copy.events.toLocaleString("en-US")} events (${copy.rows.toLocaleString("en-US")} rows) in ${copy.seconds.toFixed(1)} s = ${Math.round(copy.eventsPerSecond).toLocaleString("en-US")} events/s (load average ${loadavg()[0].toFixed(1)})`);

    const { phases, cpu, settled, done } = await runClient(
      { baseUrl: ctx.baseUrl, apiKey: ctx.apiKey, seed, scale, nowMs, sliceEvents: ctx.args.sliceEvents, dupEvents: DUP_EVENTS, skipRest: !first },
      ctx.log,
      await postmasterPid(ctx),
    );
    const phase = (name: string) => phases.find((p) => p.name === name)!;
    const totalRejected = phases.reduce((s, p) => s + p.rejected, 0);

    if (first) {
      const events = phases.reduce((s, p) => s + p.accepted, 0);
      await ctx.state.set("dataset", { seed, scale, nowMs, events, charges: done.charges ?? 0, postLoadDone: false } satisfies Dataset);
    }
    const dataset = (await ctx.state.get<Dataset>("dataset"))!;
    let postLoadSeconds: number | null = null;
    if (!dataset.postLoadDone) {
      // Make the data set what `npm start` would leave: the other features' bulk steps (spike
      // backfill, rescoring), so their bench sections find it ready.
      const t0 = Date.now();
      ctx.log("post-load: VACUUM (ANALYZE) of the loaded tables…");
      await vacuumAfterBulkLoad(ctx.db);
      for (const step of DEMO_POST_LOAD_STEPS) {
        ctx.log(`post-load step ${step.name}…`);
        await step(ctx.db, ctx.log);
      }
      postLoadSeconds = (Date.now() - t0) / 1000;
      await ctx.state.set("dataset", { ...dataset, postLoadDone: true });
    }

    const c4 = phase("c4").eventsPerSecond;
    const figures: BenchFigure[] = [
      { name: "API events/s, concurrency 1", value: Math.round(phase("c1").eventsPerSecond), unit: "events/s", note: `${phase("c1").events.toLocaleString("en-US")} events` },
      { name: "API events/s, concurrency 2", value: Math.round(phase("c2").eventsPerSecond), unit: "events/s", note: `${phase("c2").events.toLocaleString("en-US")} events` },
      { name: "API events/s, concurrency 4", value: Math.round(c4), unit: "events/s", goal: `≥ ${API_EVENTS_PER_SECOND_GOAL.toLocaleString("en-US")}`, note: `${phase("c4").events.toLocaleString("en-US")} events` },
      {
        name: "API events/s, 50% duplicate ids, concurrency 4",
        value: Math.round(phase("dup50").eventsPerSecond),
        unit: "events/s",
        note: `${phase("dup50").accepted.toLocaleString("en-US")} new + ${phase("dup50").duplicates.toLocaleString("en-US")} duplicates`,
      },
      { name: "COPY baseline, same rows", value: Math.round(copy.eventsPerSecond), unit: "events/s", note: `${copy.events.toLocaleString("en-US")} events, ${copy.rows.toLocaleString("en-US")} rows, scratch database` },
      {
        name: "CPU per 1000 events at concurrency 4: this process (server + client thread) / PostgreSQL",
        value: `${Math.round(cpu.get("c4")!.nodeMs)} / ${cpu.get("c4")!.postgresMs === null ? "?" : Math.round(cpu.get("c4")!.postgresMs!)}`,
        unit: "ms",
        note: "less sensitive than events/s to other work on the machine",
      },
      {
        name: "API events/s, concurrency 4, until the scores caught up",
        value: Math.round(settled.get("c4")!.eventsPerSecond),
        unit: "events/s",
        note: `the after-batch rescoring finished ${settled.get("c4")!.settleSeconds.toFixed(1)} s after the last answer; CPU per 1000 events with it: ${Math.round(settled.get("c4")!.cpu.nodeMs)} / ${settled.get("c4")!.cpu.postgresMs === null ? "?" : Math.round(settled.get("c4")!.cpu.postgresMs!)} ms`,
      },
      {
        name: "ratio API (c=4, scoring on, scores caught up) / COPY",
        value: Number((settled.get("c4")!.eventsPerSecond / copy.eventsPerSecond).toFixed(2)),
        unit: "x",
        goal: `≥ ${COPY_RATIO_GOAL}`,
        note: "the stricter reading of the goal: the rescoring a burst leaves queued is counted",
      },
      {
        name: "ratio API (c=4, scoring on) / COPY",
        value: Number((c4 / copy.eventsPerSecond).toFixed(2)),
        unit: "x",
        goal: `≥ ${COPY_RATIO_GOAL}`,
        note: `before #16: 0.15x (3,842 / 25,586 events/s); load average ${loadavg()[0].toFixed(1)}`,
      },
      { name: "API events/s, streamed load of the year before the window, concurrency 4", value: Math.round(phase("warm").eventsPerSecond), unit: "events/s", note: `${phase("warm").events.toLocaleString("en-US")} events, generated on the fly` },
    ];
    if (first) {
      const rest = phase("rest");
      figures.push({ name: "API events/s, streamed rest of the data set, concurrency 4", value: Math.round(rest.eventsPerSecond), unit: "events/s", note: `${rest.events.toLocaleString("en-US")} events, generated on the fly` });
      figures.push({ name: "data set loaded through the API", value: (done.charges ?? 0).toLocaleString("en-US"), unit: "charges", note: `${(done.events ?? 0).toLocaleString("en-US")} events, scale ${scale}` });
    }
    if (postLoadSeconds !== null) figures.push({ name: "post-load steps (spike backfill, rescoring)", value: Number(postLoadSeconds.toFixed(1)), unit: "s" });
    figures.push({ name: "events rejected in the bench (should be 0)", value: totalRejected });
    figures.push({ name: "machine load average (1 min) at the end", value: Number(loadavg()[0].toFixed(1)), note: "2 cores shared with other work; figures scale with what was free" });
    return figures;
  },
};
