// Recorded test file durations and the longest-first order test/setup/sequencer.ts hands files
// to the workers in (kept apart from vitest's own modules so tsx can run the --write below).
//
// Durations: test/setup/file-durations.json, committed: one full run's wall times in seconds (a
// partial or busy local run would only make the order worse, so the sort reads nothing else). A
// file not in it (a new test) runs first, larger files before smaller ones, as vitest does with
// files it has never seen.
// To refresh it after a full `npm test` (which writes test-results/file-timings.json through the
// file-timings reporter): npx tsx test/setup/durations.ts --write
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");
export const COMMITTED_DURATIONS = path.join(HERE, "file-durations.json");
export const LATEST_TIMINGS = path.join(ROOT, "test-results", "file-timings.json");

function readJson(file: string): unknown {
  try {
    return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : undefined;
  } catch {
    return undefined; // a half-written or hand-edited file only costs the order, never the run
  }
}

/** file (relative to the repository, forward slashes) → seconds; with `latest`, the latest run's times replace the committed ones. */
export function recordedDurations(o: { latest?: boolean } = {}): Map<string, number> {
  const out = new Map<string, number>();
  const committed = readJson(COMMITTED_DURATIONS);
  if (committed && typeof committed === "object") {
    for (const [file, s] of Object.entries(committed as Record<string, unknown>)) if (typeof s === "number" && Number.isFinite(s)) out.set(file, s);
  }
  const latest = o.latest ? readJson(LATEST_TIMINGS) : undefined;
  if (Array.isArray(latest)) {
    for (const row of latest as { file?: unknown; wallSeconds?: unknown; state?: unknown }[]) {
      // A skipped file (no Chromium) took no time here, which says nothing about a run that has one.
      if (typeof row.file === "string" && typeof row.wallSeconds === "number" && Number.isFinite(row.wallSeconds) && row.state !== "skipped") out.set(row.file, row.wallSeconds);
    }
  }
  return out;
}

/** The order files are handed to workers: unknown files first (largest first), then longest first. */
export function longestFirst<T>(files: T[], fileOf: (f: T) => string, durations: Map<string, number>): T[] {
  const size = (f: T) => {
    try {
      return statSync(path.join(ROOT, fileOf(f))).size;
    } catch {
      return 0;
    }
  };
  const keyed = files.map((f) => ({ f, d: durations.get(fileOf(f)), name: fileOf(f) }));
  const unknown = keyed.filter((k) => k.d === undefined).map((k) => ({ ...k, size: size(k.f) }));
  unknown.sort((a, b) => b.size - a.size || a.name.localeCompare(b.name));
  const known = keyed.filter((k) => k.d !== undefined);
  known.sort((a, b) => b.d! - a.d! || a.name.localeCompare(b.name));
  return [...unknown, ...known].map((k) => k.f);
}

// `npx tsx test/setup/durations.ts --write`: the latest full run's times become the committed ones.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url) && process.argv.includes("--write")) {
  const latest = readJson(LATEST_TIMINGS) as { file: string; wallSeconds: number; state: string }[] | undefined;
  if (!Array.isArray(latest) || latest.length === 0) throw new Error(`no ${path.relative(ROOT, LATEST_TIMINGS)}: run npm test first`);
  const merged = Object.fromEntries([...recordedDurations({ latest: true })].filter(([f]) => existsSync(path.join(ROOT, f))).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([f, s]) => [f, Math.round(s * 10) / 10]));
  writeFileSync(COMMITTED_DURATIONS, JSON.stringify(merged, null, 1) + "\n");
  console.log(`${Object.keys(merged).length} file durations written to ${path.relative(ROOT, COMMITTED_DURATIONS)}`);
}
