// `npm run bench` (every section) and `npm run bench:ingest` (only the ingest section).
//
//   tsx test/bench/run.ts [--only ingest,overview] [--fresh] [--scale 10] [--slice 200000] [--no-hooks] [--extra-seed s1] [--pg-stats] [--ingest-concurrency N]
//
// Starts its OWN embedded PostgreSQL in .data/bench-pg (persistent: the data set loaded by the
// ingest section, about 2 million charges at scale 10, is kept for later runs and other sections;
// --fresh wipes it first), applies the migrations and reference data, builds the real server
// (buildApp) on loopback with a platform key, and runs the sections in order. Then prints one
// table of every figure. Benchmarks print figures; they assert nothing.
//
// Adding a section: create test/bench/sections/<name>.ts exporting
//   export const section: BenchSection = { name: "<name>", order: 50, async run(ctx) { …; return figures } };
// (types in test/bench/context.ts). `ctx` has the database, the server's base URL, an API key, the
// data set's "now", a log function and a small persistent key/value store. Sections run by `order`
// (the ingest section, which loads the data set, is 0), then by name. A file that exports only a
// `bench…(options)` function is run too, called with `{ db, now, log }`; its result is flattened
// into figures.
import { existsSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";
import { buildApp } from "../../server/app.ts";
import { setIngestConcurrency } from "../../server/features/events/ingest.ts";
import { connectDatabase, type Database } from "../../server/db/client.ts";
import { applyMigrations } from "../../server/db/migrate.ts";
import { findFreePort, REPO_ROOT, startEmbeddedPostgres } from "../../server/db/postgres.ts";
import { seedReferenceData } from "../../server/features/reference/seed-reference.ts";
import { createApiKey } from "../../server/platform-api/api-keys.ts";
import { INGEST_HOOKS } from "../../server/ingest-hooks.ts";
import { scoringSettled } from "../../server/features/accounts/hooks.ts";
import type { BenchContext, BenchFigure, BenchSection } from "./context.ts";

const { values } = parseArgs({
  options: {
    only: { type: "string" },
    fresh: { type: "boolean", default: false },
    scale: { type: "string", default: "10" },
    slice: { type: "string", default: "200000" },
    // Diagnosis: ingest without the other features' ingest hooks, to see what they cost.
    "no-hooks": { type: "boolean", default: false },
    "extra-seed": { type: "string" },
    "pg-stats": { type: "boolean", default: false },
    // The server's INGEST_CONCURRENCY (default: no limit), to compare settings.
    "ingest-concurrency": { type: "string" },
  },
});

const DATA_DIR = path.join(REPO_ROOT, ".data", "bench-pg");
const SECTIONS_DIR = path.join(import.meta.dirname, "sections");
// Orders for sections written before `section` exports existed (they export only a function).
const LEGACY_ORDER: Record<string, number> = { overview: 90 };

const t0 = performance.now();
const stamp = () => `${((performance.now() - t0) / 1000).toFixed(0).padStart(5)} s`;
const log = (line: string) => console.log(`[bench ${stamp()}] ${line}`);

function flatten(value: unknown, prefix: string, out: BenchFigure[]) {
  if (value === null || value === undefined) return;
  if (typeof value === "number" || typeof value === "string" || typeof value === "boolean") {
    out.push({ name: prefix, value: typeof value === "number" ? Number(value.toFixed(3)) : String(value) });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => {
      const label = v && typeof v === "object" ? ((v as Record<string, unknown>).name ?? (v as Record<string, unknown>).range ?? (v as Record<string, unknown>).sort ?? i) : i;
      flatten(v, `${prefix}[${String(label)}]`, out);
    });
  } else if (typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k === "name" || k === "range" || k === "sort") continue;
      flatten(v, prefix ? `${prefix}.${k}` : k, out);
    }
  }
}

async function loadSections(): Promise<BenchSection[]> {
  const files = readdirSync(SECTIONS_DIR).filter((f) => f.endsWith(".ts"));
  const sections: BenchSection[] = [];
  for (const file of files) {
    const name = file.replace(/\.ts$/, "");
    let mod: Record<string, unknown>;
    try {
      mod = (await import(path.join(SECTIONS_DIR, file))) as Record<string, unknown>;
    } catch (err) {
      log(`cannot load section ${file}: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`);
      continue;
    }
    if (mod.section) {
      sections.push(mod.section as BenchSection);
      continue;
    }
    const fnName = Object.keys(mod).find((k) => /^bench[A-Z]/.test(k) && typeof mod[k] === "function");
    if (!fnName) continue;
    const fn = mod[fnName] as (opts: unknown) => Promise<unknown>;
    sections.push({
      name,
      order: LEGACY_ORDER[name] ?? 50,
      async run(ctx) {
        const result = await fn({ db: ctx.db, now: ctx.dataNow ?? undefined, log: ctx.log });
        const figures: BenchFigure[] = [];
        flatten(result, "", figures);
        return figures;
      },
    });
  }
  return sections.sort((a, b) => (a.order ?? 50) - (b.order ?? 50) || a.name.localeCompare(b.name));
}

/** The section's costliest statements in the bench database (pg_stat_statements): where PostgreSQL's time went. */
async function logStatementStats(db: Database, log: (line: string) => void) {
  const { rows } = await db.pool.query<{ ms: number; calls: string; rows: string; wal: string; q: string }>(`
    SELECT round(s.total_exec_time)::int AS ms, s.calls::text, s.rows::text, s.wal_records::text AS wal, left(regexp_replace(s.query, '\\s+', ' ', 'g'), 100) AS q
    FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
    WHERE d.datname = current_database() ORDER BY s.total_exec_time DESC LIMIT 15`);
  log("statements by total execution time (ms, calls, rows, WAL records, statement):");
  for (const r of rows) log(`  ${String(r.ms).padStart(7)}  ${r.calls.padStart(7)}  ${r.rows.padStart(9)}  ${r.wal.padStart(9)}  ${r.q}`);
}

function printTable(results: Array<{ section: string; figures: BenchFigure[] }>) {
  const rows = results.flatMap((r) =>
    r.figures.map((f) => [r.section, f.name, typeof f.value === "number" ? f.value.toLocaleString("en-US") : f.value, f.unit ?? "", f.goal ?? "", f.note ?? ""]),
  );
  const header = ["section", "figure", "value", "unit", "goal", "note"];
  const widths = header.map((h, i) => Math.min(70, Math.max(h.length, ...rows.map((r) => String(r[i]).length))));
  const fmt = (r: (string | number)[]) => r.map((c, i) => (i === 2 ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join("  ");
  console.log("\n" + fmt(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows) console.log(fmt(r));
  console.log("");
}

async function main() {
  const only = values.only ? values.only.split(",").map((s) => s.trim()) : null;
  if (values["no-hooks"]) {
    log("--no-hooks: the ingest hooks of other features are switched off for this run");
    INGEST_HOOKS.inTransaction.length = 0;
    INGEST_HOOKS.afterCommit.length = 0;
  }
  if (values["ingest-concurrency"]) {
    setIngestConcurrency(Number(values["ingest-concurrency"]));
    log(`--ingest-concurrency: the server writes at most ${values["ingest-concurrency"]} batches at once`);
  }
  if (values.fresh && existsSync(DATA_DIR)) {
    log(`--fresh: removing ${path.relative(REPO_ROOT, DATA_DIR)}`);
    rmSync(DATA_DIR, { recursive: true, force: true });
  }
  // --pg-stats: pg_stat_statements on, and each section's costliest statements printed after it
  const pgStats = values["pg-stats"]!;
  const pgServer = await startEmbeddedPostgres({
    dataDir: DATA_DIR,
    port: await findFreePort(),
    persistent: true,
    database: "floodgate_bench",
    log: () => {},
    settings: pgStats ? ["shared_preload_libraries=pg_stat_statements", "pg_stat_statements.track_planning=off"] : [],
  });
  let stop = async () => {
    await pgServer.stop().catch(() => {});
  };
  process.on("SIGINT", () => void stop().then(() => process.exit(130)));
  try {
    log(`embedded PostgreSQL in ${path.relative(REPO_ROOT, DATA_DIR)}; applying migrations`);
    await applyMigrations(pgServer.url);
    const db = connectDatabase(pgServer.url, { poolMax: 30 });
    await seedReferenceData(db.prisma);
    await db.pool.query("CREATE TABLE IF NOT EXISTS bench_state (key text PRIMARY KEY, value jsonb NOT NULL)");
    const app = await buildApp({ db, sessionPolicy: { idleMinutes: 30, absoluteHours: 12 }, logger: false });
    await app.listen({ port: 0, host: "127.0.0.1" });
    const address = app.server.address();
    const baseUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    const apiKey = (await createApiKey(db.prisma, "bench")).secret;
    stop = async () => {
      await app.close().catch(() => {});
      // the last batches' rescoring runs after their responses: let it finish before the pool closes
      await scoringSettled().catch(() => {});
      await db.close();
      await pgServer.stop().catch(() => {});
    };
    const adminUrl = new URL(pgServer.url);
    adminUrl.pathname = "/postgres";
    const state: BenchContext["state"] = {
      async get<T>(key: string) {
        const { rows } = await db.pool.query("SELECT value FROM bench_state WHERE key = $1", [key]);
        return rows[0]?.value as T | undefined;
      },
      async set(key, value) {
        await db.pool.query("INSERT INTO bench_state (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", [key, JSON.stringify(value)]);
      },
    };
    const dataset = await state.get<{ nowMs: number }>("dataset");
    const ctx: BenchContext = {
      dbUrl: pgServer.url,
      adminUrl: adminUrl.toString(),
      db,
      baseUrl,
      apiKey,
      dataNow: dataset ? new Date(dataset.nowMs) : null,
      args: { fresh: values.fresh!, scale: Number(values.scale), sliceEvents: Number(values.slice), only, extraSeed: values["extra-seed"] },
      log,
      state,
    };

    const results: Array<{ section: string; figures: BenchFigure[] }> = [];
    for (const section of await loadSections()) {
      if (only && !only.includes(section.name)) continue;
      if (section.name !== "ingest" && !section.ownData && !(await state.get("dataset"))) {
        log(`skipping ${section.name}: no data set loaded (run the ingest section first)`);
        continue;
      }
      log(`section ${section.name}`);
      if (pgStats) await db.pool.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset()");
      const ts = performance.now();
      try {
        const figures = (await section.run(ctx)) ?? [];
        results.push({ section: section.name, figures });
      } catch (err) {
        log(`section ${section.name} FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        results.push({ section: section.name, figures: [{ name: "FAILED", value: err instanceof Error ? err.message.split("\n")[0] : String(err) }] });
      }
      log(`section ${section.name} took ${((performance.now() - ts) / 1000).toFixed(0)} s`);
      if (pgStats) await logStatementStats(db, log);
      const ds = await state.get<{ nowMs: number }>("dataset");
      ctx.dataNow = ds ? new Date(ds.nowMs) : null;
    }
    printTable(results);
  } finally {
    await stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`[bench] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
