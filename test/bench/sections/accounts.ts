// Bench section: the anomalous-accounts issue's figures. Prints, asserts nothing.
// - bulk rescoring of every account (first run, and again with unchanged rules);
// - a page of 50 of the accounts table, p50/p95, for typical filters and sorts on the first page,
//   and at a deep position (keyset cursor) next to OFFSET for the same page, with the ratio;
// - the streamed CSV export of all accounts: rows per second and memory growth.
//
// Run by `npm run bench` (test/bench/run.ts) through `section`, or call `benchAccounts({ db })` on a
// database that holds the data set (events ingested).
import { performance } from "node:perf_hooks";
import { loadavg } from "node:os";
import type { Database } from "../../../server/db/client.ts";
import { accountsCsvStream } from "../../../server/features/accounts/export.routes.ts";
import { encodeCursor, listAccounts } from "../../../server/features/accounts/list.ts";
import { rescoreAll } from "../../../server/features/accounts/scoring-bulk.ts";
import { rescoreTouched, type SharingChanges } from "../../../server/features/accounts/scoring-related.ts";
import { scoringSettled } from "../../../server/features/accounts/hooks.ts";
import type { BenchFigure, BenchSection } from "../context.ts";
import { DEFAULT_FLAG_THRESHOLD, SCORING_RULES } from "../../../shared/accounts/index.ts";
import { ListAccountsInput, type AccountSort } from "../../../shared/accounts/schemas.ts";

export interface AccountsBenchOptions {
  db: Database;
  runs?: number;
  /** Row position of the deep page (default 500,000, or half the accounts when fewer). */
  deepPosition?: number;
  /** Skip the bulk rescoring (when the data set is already scored and time is short). */
  skipRescore?: boolean;
  log?: (line: string) => void;
}

export interface AccountsBenchFigures {
  accounts: number;
  rescoreAllMs: number | null;
  rescoreAgainMs: number | null;
  /** Bulk rescoring that writes every account (as after a rule activation), mean of two runs. */
  rewriteAllMs: number | null;
  /** After-commit rescoring of 1,000 touched accounts (as a live batch touches them), mean of a few sets. */
  incremental: { touched: number; meanMs: number; expandedTo: number } | null;
  pages: Array<{ name: string; p50Ms: number; p95Ms: number }>;
  deep: Array<{ sort: AccountSort; position: number; keysetP50Ms: number; keysetP95Ms: number; offsetP50Ms: number; offsetP95Ms: number; ratioP50: number }>;
  export: { rows: number; rowsPerSecond: number; megabytes: number; rssGrowthMb: number; heapGrowthMb: number };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function timeRuns(runs: number, fn: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  await fn(); // warm-up (plans, caches)
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

const SORT_SQL: Record<"score" | "openedAt", { order: string; value: (r: { risk_score: number; opened_at: Date }) => number | string }> = {
  score: { order: "risk_score DESC, id ASC", value: (r) => r.risk_score },
  openedAt: { order: "opened_at DESC, id DESC", value: (r) => r.opened_at.toISOString() },
};

export async function benchAccounts(opts: AccountsBenchOptions): Promise<AccountsBenchFigures> {
  const { db } = opts;
  const runs = opts.runs ?? 30;
  const log = opts.log ?? ((l: string) => console.log(l));
  const { rows: countRows } = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM wallet_account");
  const accounts = countRows[0].n;
  log(`accounts: ${accounts.toLocaleString("en-US")} wallet accounts`);

  let rescoreAllMs: number | null = null;
  let rescoreAgainMs: number | null = null;
  let rewriteAllMs: number | null = null;
  if (!opts.skipRescore) {
    const first = await rescoreAll(db, { onProgress: () => {} });
    rescoreAllMs = first.durationMs;
    log(`accounts: bulk rescoring ${first.scored.toLocaleString("en-US")} accounts: ${(first.durationMs / 1000).toFixed(1)} s (${first.changed.toLocaleString("en-US")} rows written, ${Math.round(first.scored / (first.durationMs / 1000)).toLocaleString("en-US")} accounts/s)`);
    const again = await rescoreAll(db);
    rescoreAgainMs = again.durationMs;
    log(`accounts: bulk rescoring again with unchanged rules: ${(again.durationMs / 1000).toFixed(1)} s (${again.changed} rows written)`);
    // What a rule activation costs: every stored result rewritten. The code's rule table passed
    // explicitly is stored without a version, so every row changes; the run after it, with the
    // active version, rewrites every row back.
    const away = await rescoreAll(db, { rules: SCORING_RULES });
    const back = await rescoreAll(db);
    rewriteAllMs = (away.durationMs + back.durationMs) / 2;
    log(`accounts: bulk rescoring that rewrites every account: ${(away.durationMs / 1000).toFixed(1)} s (${away.changed.toLocaleString("en-US")} rows written) and back ${(back.durationMs / 1000).toFixed(1)} s (${back.changed.toLocaleString("en-US")} rows)`);
  }

  const incremental = await benchIncremental(db, log);

  const weekAgo = new Date(Date.now() - 7 * 86_400_000);
  const { rows: nameRows } = await db.pool.query<{ holder_name: string }>("SELECT holder_name FROM wallet_account WHERE holder_name LIKE 'ヤマダ %' ORDER BY id LIMIT 1");
  const fullName = nameRows[0]?.holder_name ?? "ヤマダ タロウ";
  const typical: Array<[string, ListAccountsInput]> = [
    ["score desc, no filter", {}],
    ["bank 0125, score desc", { bank: "0125" }],
    [`flagged (score >= ${DEFAULT_FLAG_THRESHOLD}), by flag time`, { scoreMin: DEFAULT_FLAG_THRESHOLD, sort: "flaggedAt" }],
    ["reason NAME_MISMATCH, score desc", { reason: "NAME_MISMATCH" }],
    ["opened in the last 7 days, newest first", { openedFrom: weekAgo, sort: "openedAt" }],
    ["active and not reviewed, score desc", { status: "ACTIVE", label: "NONE" }],
    ["score 20-59, score asc", { scoreMin: 20, scoreMax: 59, dir: "asc" }],
    ["search a full holder name", { q: fullName }],
    ["search a common surname only (ヤマダ, broad)", { q: "ヤマダ" }],
  ];
  const pages: AccountsBenchFigures["pages"] = [];
  for (const [name, input] of typical) {
    const parsed = ListAccountsInput.parse(input);
    const t = await timeRuns(runs, () => listAccounts(db.pool, parsed));
    pages.push({ name, p50Ms: t.p50, p95Ms: t.p95 });
    log(`accounts: page of 50, ${name}: p50 ${t.p50.toFixed(1)} ms, p95 ${t.p95.toFixed(1)} ms`);
  }

  const deep: AccountsBenchFigures["deep"] = [];
  const position = Math.min(opts.deepPosition ?? 500_000, Math.floor(accounts / 2));
  for (const sort of ["score", "openedAt"] as const) {
    const spec = SORT_SQL[sort];
    // The row just before the deep page gives its cursor (found once, with OFFSET, outside the timing).
    const { rows: at } = await db.pool.query<{ id: string; risk_score: number; opened_at: Date }>(
      `SELECT id, risk_score, opened_at FROM wallet_account a ORDER BY ${spec.order} OFFSET $1 LIMIT 1`,
      [position - 1],
    );
    const cursor = encodeCursor({ sort, dir: "desc", value: spec.value(at[0]), id: at[0].id });
    const input = ListAccountsInput.parse({ sort, cursor });
    const keyset = await timeRuns(runs, () => listAccounts(db.pool, input));
    // OFFSET: the same page and columns, reached by counting rows from the top.
    const offsetSql = `
      SELECT page.*, fl.bank_code AS first_bank_code, b.name AS first_bank_name FROM (
        SELECT a.id, a.holder_name, a.risk_score, a.risk_reasons, a.status::text AS status, a.review_label::text AS review_label, a.opened_at, a.flagged_at
        FROM wallet_account a ORDER BY ${spec.order} OFFSET $1 LIMIT 51
      ) page
      LEFT JOIN LATERAL (SELECT bank_code FROM bank_link WHERE account_id = page.id ORDER BY registered_at, id LIMIT 1) fl ON true
      LEFT JOIN bank b ON b.code = fl.bank_code`;
    const offset = await timeRuns(Math.max(5, Math.floor(runs / 3)), () => db.pool.query(offsetSql, [position]));
    const same = await listAccounts(db.pool, input);
    const { rows: viaOffset } = await db.pool.query<{ id: string }>(offsetSql.replace("LIMIT 51", "LIMIT 50"), [position]);
    if (same.rows[0]?.id !== viaOffset[0]?.id) log(`accounts: WARNING the keyset and OFFSET pages differ at ${position} (${sort})`);
    deep.push({ sort, position, keysetP50Ms: keyset.p50, keysetP95Ms: keyset.p95, offsetP50Ms: offset.p50, offsetP95Ms: offset.p95, ratioP50: offset.p50 / keyset.p50 });
    log(
      `accounts: page of 50 at position ${position.toLocaleString("en-US")} by ${sort}: keyset p50 ${keyset.p50.toFixed(1)} ms, p95 ${keyset.p95.toFixed(1)} ms; ` +
        `OFFSET p50 ${offset.p50.toFixed(1)} ms, p95 ${offset.p95.toFixed(1)} ms; OFFSET / keyset ${(offset.p50 / keyset.p50).toFixed(0)}x`,
    );
  }

  // CSV export of every account, consumed as fast as it comes (as a fast client would).
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  const heap0 = process.memoryUsage().heapUsed;
  let rssMax = rss0;
  let heapMax = heap0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    rssMax = Math.max(rssMax, m.rss);
    heapMax = Math.max(heapMax, m.heapUsed);
  }, 50);
  const t0 = performance.now();
  let bytes = 0;
  let lines = 0;
  const stream = await accountsCsvStream(db, {}, "score", "desc");
  for await (const chunk of stream) {
    const s = chunk as Buffer;
    bytes += s.length;
    for (let i = 0; i < s.length; i++) if (s[i] === 10) lines++;
  }
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  const rows = lines - 1; // header
  const exportFigures = {
    rows,
    rowsPerSecond: rows / seconds,
    megabytes: bytes / 1e6,
    rssGrowthMb: (rssMax - rss0) / 1e6,
    heapGrowthMb: (heapMax - heap0) / 1e6,
  };
  log(
    `accounts: CSV export of ${rows.toLocaleString("en-US")} accounts (${exportFigures.megabytes.toFixed(0)} MB) in ${seconds.toFixed(1)} s: ` +
      `${Math.round(exportFigures.rowsPerSecond).toLocaleString("en-US")} rows/s; memory growth: RSS ${exportFigures.rssGrowthMb.toFixed(0)} MB, heap ${exportFigures.heapGrowthMb.toFixed(0)} MB`,
  );
  return { accounts, rescoreAllMs, rescoreAgainMs, rewriteAllMs, incremental, pages, deep, export: exportFigures };
}

/**
 * The after-commit hook's work for 1,000 touched accounts: the accounts of the latest events before
 * a few instants in the data set's last day, with what such a batch changed for the sharing groups
 * (wallets opened, links registered or changed since its earliest event). Scores are already
 * current, so this is the reading and comparing cost (a real batch also writes the changed scores).
 */
export async function benchIncremental(db: Database, log: (line: string) => void): Promise<AccountsBenchFigures["incremental"]> {
  const touchedPerSet = 1_000;
  const { rows: at } = await db.pool.query<{ maxat: Date | null }>("SELECT max(occurred_at) AS maxat FROM charge");
  if (!at[0].maxat) return null;
  const sets: Array<{ ids: string[]; changes: SharingChanges }> = [];
  for (let i = 0; i < 5; i++) {
    const end = new Date(at[0].maxat.getTime() - (1 + i * 4) * 3_600_000);
    const { rows } = await db.pool.query<{ id: string; last: Date }>(
      `SELECT id, max(occurred_at) AS last FROM (
         SELECT account_id AS id, occurred_at FROM charge WHERE occurred_at <= $1 AND occurred_at > $1::timestamptz - interval '3 hours'
         -- spends of the accounts that charged (spend has no index on the time alone)
         UNION ALL SELECT account_id, occurred_at FROM spend WHERE account_id IN (SELECT account_id FROM charge WHERE occurred_at <= $1 AND occurred_at > $1::timestamptz - interval '3 hours') AND occurred_at <= $1 AND occurred_at > $1::timestamptz - interval '3 hours'
         UNION ALL SELECT id, opened_at FROM wallet_account WHERE opened_at <= $1 AND opened_at > $1::timestamptz - interval '3 hours'
         UNION ALL SELECT l.account_id, v.valid_from FROM bank_link_version v JOIN bank_link l ON l.id = v.link_id WHERE v.bank_code IS NOT NULL AND v.valid_from <= $1 AND v.valid_from > $1::timestamptz - interval '3 hours'
       ) x GROUP BY id ORDER BY max(occurred_at) DESC LIMIT $2`,
      [end, touchedPerSet],
    );
    if (rows.length === 0) continue;
    const ids = rows.map((r) => r.id);
    const since = rows[rows.length - 1].last;
    const { rows: linked } = await db.pool.query<{ id: string }>(
      "SELECT DISTINCT l.account_id AS id FROM bank_link l JOIN bank_link_version v ON v.link_id = l.id WHERE l.account_id = ANY($1::text[]) AND v.valid_from >= $2",
      [ids, since],
    );
    const { rows: opened } = await db.pool.query<{ id: string }>("SELECT id FROM wallet_account WHERE id = ANY($1::text[]) AND opened_at >= $2", [ids, since]);
    sets.push({ ids, changes: { openedAccountIds: opened.map((r) => r.id), linkedAccountIds: linked.map((r) => r.id) } });
  }
  if (sets.length === 0) return null;
  const now = new Date(at[0].maxat.getTime() + 60_000);
  await rescoreTouched(db, sets[0].ids, { now }, sets[0].changes); // warm-up
  let totalMs = 0;
  let scored = 0;
  let touched = 0;
  for (const s of sets) {
    const t0 = performance.now();
    const r = await rescoreTouched(db, s.ids, { now }, s.changes);
    totalMs += performance.now() - t0;
    scored += r.scored;
    touched += s.ids.length;
  }
  const figures = { touched: Math.round(touched / sets.length), meanMs: totalMs / sets.length, expandedTo: Math.round(scored / sets.length) };
  log(`accounts: after-commit rescoring of ${figures.touched.toLocaleString("en-US")} touched accounts (${figures.expandedTo.toLocaleString("en-US")} with the groups they grew): ${figures.meanMs.toFixed(0)} ms (mean of ${sets.length} sets)`);
  return figures;
}

/** The section for `npm run bench` (after the ingest section has loaded the data set). */
export const section: BenchSection = {
  name: "accounts",
  order: 60,
  async run(ctx) {
    await scoringSettled(); // the ingest section's batches may still be queued for rescoring
    const f = await benchAccounts({ db: ctx.db, log: ctx.log });
    const figures: BenchFigure[] = [{ name: "wallet accounts", value: f.accounts }];
    if (f.rescoreAllMs !== null) {
      figures.push({ name: "bulk rescoring, all accounts", value: Number((f.rescoreAllMs / 1000).toFixed(1)), unit: "s", note: `${f.accounts.toLocaleString("en-US")} accounts` });
      // #16's goal is for a million wallets: the same rate over 1M (before #16: 53 s for 828k = 64 s per 1M).
      figures.push({
        name: "bulk rescoring, at this rate for 1,000,000 accounts",
        value: Number(((f.rescoreAllMs / 1000) * (1_000_000 / Math.max(1, f.accounts))).toFixed(1)),
        unit: "s",
        goal: "≤ 45 s",
        note: `before #16: 64 s (53 s for 828k); load average ${loadavg()[0].toFixed(1)}`,
      });
    }
    if (f.rescoreAgainMs !== null) figures.push({ name: "bulk rescoring again, rules unchanged", value: Number((f.rescoreAgainMs / 1000).toFixed(1)), unit: "s" });
    if (f.rewriteAllMs !== null) {
      figures.push({
        name: "bulk rescoring that rewrites every account (as after a rule activation), at this rate for 1,000,000",
        value: Number(((f.rewriteAllMs / 1000) * (1_000_000 / Math.max(1, f.accounts))).toFixed(1)),
        unit: "s",
        note: `${(f.rewriteAllMs / 1000).toFixed(1)} s for ${f.accounts.toLocaleString("en-US")} accounts`,
      });
    }
    if (f.incremental) figures.push({ name: `after-commit rescoring, ${f.incremental.touched.toLocaleString("en-US")} touched accounts`, value: Number(f.incremental.meanMs.toFixed(0)), unit: "ms" });
    for (const p of f.pages) figures.push({ name: `page of 50: ${p.name}`, value: `${p.p50Ms.toFixed(1)} / ${p.p95Ms.toFixed(1)}`, unit: "ms p50 / p95", goal: "p95 ≤ 50" });
    for (const d of f.deep) {
      figures.push({ name: `page of 50 at ${d.position.toLocaleString("en-US")} by ${d.sort}, keyset`, value: `${d.keysetP50Ms.toFixed(1)} / ${d.keysetP95Ms.toFixed(1)}`, unit: "ms p50 / p95", goal: "p95 ≤ 50" });
      figures.push({ name: `same page by OFFSET`, value: `${d.offsetP50Ms.toFixed(1)} / ${d.offsetP95Ms.toFixed(1)}`, unit: "ms p50 / p95" });
      figures.push({ name: `OFFSET / keyset (p50)`, value: Number(d.ratioP50.toFixed(0)), unit: "x", goal: "≥ 20x at 500k" });
    }
    figures.push({ name: "CSV export of all accounts", value: Math.round(f.export.rowsPerSecond), unit: "rows/s", goal: "≥ 100,000", note: `before #16: 119k; load average ${loadavg()[0].toFixed(1)}` });
    figures.push({ name: "CSV export memory growth (RSS)", value: Number(f.export.rssGrowthMb.toFixed(0)), unit: "MB", goal: "< 100" });
    return figures;
  },
};
