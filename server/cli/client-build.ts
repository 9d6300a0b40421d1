// Builds the SPA when its sources are newer than the last build, so a second start is quick.
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../db/postgres.ts";

export const CLIENT_DIST = path.join(REPO_ROOT, "dist", "client");

function newestMtimeMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtimeMs(p) : statSync(p).mtimeMs);
  }
  return newest;
}

export function clientBuildIsStale(): boolean {
  const index = path.join(CLIENT_DIST, "index.html");
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  const sources = Math.max(
    newestMtimeMs(path.join(REPO_ROOT, "client")),
    newestMtimeMs(path.join(REPO_ROOT, "shared")),
    statSync(path.join(REPO_ROOT, "vite.config.ts")).mtimeMs,
    statSync(path.join(REPO_ROOT, "package-lock.json")).mtimeMs,
  );
  return sources > built;
}

export async function buildClient(): Promise<void> {
  const { build } = await import("vite");
  await build({ configFile: path.join(REPO_ROOT, "vite.config.ts"), logLevel: "warn" });
}
