// Console read connections hand the database's cores to the decisions: on a local PostgreSQL their
// backends run at a lower CPU priority (bench section isolation measures the effect).
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectDatabases, isLocalDatabase, type Databases } from "../server/db/client.ts";
import { createTestDatabase } from "./helpers/db.ts";

/** The nice value of a process, from /proc (field 19 of stat, after the command name in parentheses). */
function niceOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[16]);
}

async function backendPid(pool: Databases["api"]["pool"]): Promise<number> {
  const r = await pool.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
  return r.rows[0].pid;
}

describe("database backend priority per surface", () => {
  let made: Awaited<ReturnType<typeof createTestDatabase>>;
  let dbs: Databases;
  beforeAll(async () => {
    made = await createTestDatabase();
    dbs = connectDatabases({ url: made.url, role: "all", pools: { api: 1, consoleRead: 1 }, consoleReadBackendNice: 10 });
  });
  afterAll(async () => {
    await dbs?.close();
    await made?.drop();
  });

  it("an analyst's read runs on a backend at nice 10 while the decisions' backend keeps nice 0", async () => {
    const readPid = await backendPid(dbs.consoleRead.pool);
    // The renice is asked as the connection opens; it has landed by the time a second query returns.
    await dbs.consoleRead.pool.query("SELECT 1");
    expect(niceOf(readPid)).toBe(10);
    const apiPid = await backendPid(dbs.api.pool);
    expect(apiPid).not.toBe(readPid);
    expect(niceOf(apiPid)).toBe(0);
  });

  it("renices only a server on this machine", () => {
    expect(isLocalDatabase("postgres://u:p@127.0.0.1:5432/db")).toBe(true);
    expect(isLocalDatabase("postgres://u:p@localhost/db")).toBe(true);
    expect(isLocalDatabase("postgres://u@localhost/db?host=/var/run/postgresql")).toBe(true);
    expect(isLocalDatabase("postgres://u:p@db.internal:5432/db")).toBe(false);
    expect(isLocalDatabase("postgres://u:p@10.0.0.7/db")).toBe(false);
    expect(isLocalDatabase("postgres://u:p@db.internal/db?host=/tmp")).toBe(true);
  });
});
