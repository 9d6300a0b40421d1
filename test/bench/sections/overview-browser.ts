// Bench section: the overview in a real browser, as a person leaves it open through an incident.
//
//   npm run bench -- --only overview-browser
//
// Method: the demo data set exactly as `npm start` loads it (seed 42, scale 1, ending now, so the
// incident at The 77 Bank is ongoing) in its own database on the bench's PostgreSQL, a real server
// serving the built console with the background jobs running (detection every 2 s, the page's
// refresh every 5 s), and Debian's Chromium at 1440×900 signed in as an analyst. Each page is
// opened with a fresh navigation to /overview and left open for 60 s while Chrome's long-task
// observer records every task over 50 ms. Figures per page:
//   first data      ms from navigation start until the KPI tiles hold figures
//   long-task share total long-task time / the 60 s (the main thread too busy to answer a key)
//   max long task   the longest task after the first data was on screen
// When a baseline console is present (.data/baseline-client, or OVERVIEW_BASELINE_CLIENT: the
// client of an older commit built with `npx vite build --outDir …`), it is measured first in the
// same run against the same server and data, so the two pages are compared under the same load.
// The machine's load average is printed beside the figures. Prints figures, asserts nothing.
//
// For diagnosis (not for figures you publish):
//   OVERVIEW_BROWSER_REUSE=1      keep the demo database an earlier run loaded (skips the ~8 min load;
//                                 its data then ends when it was loaded, not now)
//   OVERVIEW_BROWSER_SECONDS=20   keep each page open this long instead of 60 s
//   OVERVIEW_BROWSER_PROFILE=dir  write a V8 CPU profile of each page's open minute to dir
//                                 (open it in Chrome's DevTools, Performance panel)
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { chromium, type Browser } from "playwright-core";
import { buildApp } from "../../../server/app.ts";
import { buildClient, CLIENT_DIST, clientBuildIsStale } from "../../../server/cli/client-build.ts";
import { connectDatabase, type Database } from "../../../server/db/client.ts";
import { applyMigrations } from "../../../server/db/migrate.ts";
import { REPO_ROOT } from "../../../server/db/postgres.ts";
import { loadDemoData } from "../../../server/features/events/demo-load.ts";
import { seedReferenceData } from "../../../server/features/reference/seed-reference.ts";
import { startBackgroundJobs } from "../../../server/jobs.ts";
import { DEMO_STAFF } from "../../../server/features/reference/demo-staff.ts";
import { nextTotpCode } from "../../helpers/second-factor.ts";
import type { BenchContext, BenchFigure, BenchSection } from "../context.ts";

const DB_NAME = "floodgate_bench_overview_browser";
const OPEN_MS = 1000 * Number(process.env.OVERVIEW_BROWSER_SECONDS ?? 60);
const PROFILE_DIR = process.env.OVERVIEW_BROWSER_PROFILE;
const BASELINE_DIR = process.env.OVERVIEW_BASELINE_CLIENT ?? path.join(REPO_ROOT, ".data", "baseline-client");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

interface PageFigures {
  firstDataMs: number | null;
  longTaskShare: number;
  longTasks: number;
  maxLongTaskMs: number;
  maxLongTaskAfterFirstDataMs: number;
}

// Installed before the page's own scripts: records long tasks and when the KPI tiles first hold figures.
const OBSERVE = `(() => {
  const w = window;
  w.__longTasks = [];
  w.__firstData = null;
  try {
    new PerformanceObserver((list) => { for (const e of list.getEntries()) w.__longTasks.push([e.startTime, e.duration]); })
      .observe({ type: "longtask", buffered: true });
  } catch {}
  const check = () => {
    if (w.__firstData !== null) return;
    const el = document.querySelector('[data-testid="kpi-links"]');
    if (el && /\\d/.test(el.textContent || "")) w.__firstData = performance.now();
  };
  const mo = new MutationObserver(() => { check(); if (w.__firstData !== null) mo.disconnect(); });
  document.addEventListener("DOMContentLoaded", () => mo.observe(document.body, { childList: true, subtree: true }));
})();`;

async function measurePage(browser: Browser, baseUrl: string, log: (l: string) => void, profileName?: string): Promise<PageFigures> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1440, height: 900 }, timezoneId: "Asia/Tokyo", locale: "en-US" });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(180_000);
    const staff = DEMO_STAFF.find((s) => s.role === "ANALYST")!;
    await page.goto("/");
    await page.getByLabel("Email").fill(staff.email);
    await page.getByRole("textbox", { name: "Password" }).fill(staff.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    // The second factor (the demo staff's authenticator code).
    const stage = page.getByTestId("second-factor-stage");
    await stage.waitFor();
    await stage.getByLabel("Authentication code").fill(await nextTotpCode(baseUrl, staff.email));
    await stage.getByRole("button", { name: "Verify" }).click();
    await page.waitForURL("**/overview");
    // A fresh navigation with the observers installed (the session cookie is kept).
    await page.goto("about:blank");
    await context.addInitScript(OBSERVE);
    const cdp = profileName ? await context.newCDPSession(page) : null;
    if (cdp) {
      await cdp.send("Profiler.enable");
      await cdp.send("Profiler.setSamplingInterval", { interval: 500 });
      await cdp.send("Profiler.start");
    }
    await page.goto("/overview");
    await page.waitForTimeout(OPEN_MS);
    if (cdp && profileName && PROFILE_DIR) {
      const { profile } = await cdp.send("Profiler.stop");
      mkdirSync(PROFILE_DIR, { recursive: true });
      const file = path.join(PROFILE_DIR, `${profileName}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      log(`overview-browser: CPU profile in ${file}`);
      const resources = await page.evaluate(() =>
        performance.getEntriesByType("resource").slice(0, 40).map((e) => {
          const r = e as PerformanceResourceTiming;
          return `${Math.round(r.startTime)}–${Math.round(r.responseEnd)} ms ${r.encodedBodySize} B ${r.name.replace(location.origin, "").slice(0, 160)}`;
        }),
      );
      writeFileSync(path.join(PROFILE_DIR, `${profileName}.resources.txt`), resources.join("\n") + "\n");
      await page.screenshot({ path: path.join(PROFILE_DIR, `${profileName}.png`), fullPage: true });
    }
    const r = await page.evaluate(() => {
      const w = window as unknown as { __longTasks: Array<[number, number]>; __firstData: number | null };
      return { tasks: w.__longTasks, firstData: w.__firstData, now: performance.now() };
    });
    const total = r.tasks.reduce((s, [, d]) => s + d, 0);
    const after = r.tasks.filter(([start]) => r.firstData !== null && start >= r.firstData).map(([, d]) => d);
    const figures = {
      firstDataMs: r.firstData === null ? null : Math.round(r.firstData),
      longTaskShare: total / r.now,
      longTasks: r.tasks.length,
      maxLongTaskMs: Math.round(Math.max(0, ...r.tasks.map(([, d]) => d))),
      maxLongTaskAfterFirstDataMs: Math.round(Math.max(0, ...after)),
    };
    log(`overview-browser: ${JSON.stringify(figures)}`);
    return figures;
  } finally {
    await context.close();
  }
}

async function freshDemoDatabase(ctx: BenchContext): Promise<{ db: Database; url: string }> {
  const admin = new pg.Client({ connectionString: ctx.adminUrl });
  await admin.connect();
  const url = new URL(ctx.dbUrl);
  url.pathname = `/${DB_NAME}`;
  try {
    if (process.env.OVERVIEW_BROWSER_REUSE === "1") {
      const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [DB_NAME]);
      if (rowCount) {
        // The checkout may carry migrations (and reference data) newer than the kept database.
        await applyMigrations(url.toString());
        const db = connectDatabase(url.toString());
        await seedReferenceData(db.prisma);
        const { rows } = await db.pool.query<{ at: Date | null }>("SELECT max(bucket_start) AS at FROM volume_bucket");
        if (rows[0]?.at) {
          ctx.log(`overview-browser: OVERVIEW_BROWSER_REUSE: reusing the demo database (data up to ${rows[0].at.toISOString()})`);
          return { db, url: url.toString() };
        }
        await db.close();
      }
    }
    await admin.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${DB_NAME}`);
  } finally {
    await admin.end();
  }
  await applyMigrations(url.toString());
  const db = connectDatabase(url.toString());
  await seedReferenceData(db.prisma);
  // What `npm start` loads (its defaults), ending now: the incident is ongoing while the page is open.
  await loadDemoData(db, { seed: 42, scale: 1, log: (m) => ctx.log(`overview-browser: ${m}`), labelsFile: path.join(REPO_ROOT, ".data", "bench-overview-labels.json") });
  return { db, url: url.toString() };
}

function pageFigures(label: string, f: PageFigures, note: string): BenchFigure[] {
  return [
    { name: `${label}: first data on screen`, value: f.firstDataMs ?? "never", unit: "ms", goal: "≤ 1,500", note },
    { name: `${label}: share of time in long tasks (60 s open)`, value: Number((100 * f.longTaskShare).toFixed(1)), unit: "%", goal: "≤ 5" },
    { name: `${label}: long tasks`, value: f.longTasks },
    { name: `${label}: longest task after first data`, value: f.maxLongTaskAfterFirstDataMs, unit: "ms", goal: "≤ 200" },
  ];
}

export const section: BenchSection = {
  name: "overview-browser",
  order: 95,
  ownData: true,
  async run(ctx) {
    if (!existsSync(CHROMIUM)) return [{ name: "skipped", value: `no Chromium at ${CHROMIUM}` }];
    if (clientBuildIsStale()) {
      ctx.log("overview-browser: building the console");
      await buildClient();
    }
    ctx.log("overview-browser: loading the demo data (seed 42, scale 1, as npm start)");
    const { db } = await freshDemoDatabase(ctx);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    const jobs = startBackgroundJobs(db, silentLog);
    const figures: BenchFigure[] = [];
    try {
      const consoles: Array<{ label: string; dir: string }> = [];
      if (existsSync(path.join(BASELINE_DIR, "index.html"))) consoles.push({ label: "before (baseline client)", dir: BASELINE_DIR });
      consoles.push({ label: "after (this checkout)", dir: CLIENT_DIST });
      for (const c of consoles) {
        const app = await buildApp({ db, sessionPolicy: { idleMinutes: 30, absoluteHours: 12 }, staticDir: c.dir, logger: false });
        await app.listen({ port: 0, host: "127.0.0.1" });
        const address = app.server.address();
        const baseUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
        try {
          const load = os.loadavg()[0];
          ctx.log(`overview-browser: ${c.label}: overview open for ${OPEN_MS / 1000} s (load average ${load.toFixed(2)})`);
          const f = await measurePage(browser, baseUrl, ctx.log, PROFILE_DIR ? c.label.split(" ")[0] : undefined);
          const loadAfter = os.loadavg()[0];
          figures.push(...pageFigures(c.label, f, `1-min load average ${load.toFixed(1)} → ${loadAfter.toFixed(1)} on ${os.cpus().length} cores`));
        } finally {
          await app.close();
        }
      }
    } finally {
      await jobs.stop();
      await browser.close();
      await db.close();
    }
    return figures;
  },
};

const silentLog = { error() {}, warn() {}, info() {}, debug() {}, trace() {}, fatal() {}, child() { return silentLog; }, level: "silent", silent() {} } as never;
