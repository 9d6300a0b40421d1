// A real `npm start` process (server/cli/start.ts) on a given database and port, for tests that
// need several instances or a process to kill. Started with `node --import tsx` (not the tsx CLI),
// so a signal reaches the server process itself, not a wrapper.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { REPO_ROOT, findFreePort } from "../../server/db/postgres.ts";

export interface ServerProcess {
  name: string;
  baseUrl: string;
  port: number;
  /** Everything it printed. */
  output(): string;
  /** Resolves once /readyz answers 200. */
  ready(timeoutMs?: number): Promise<void>;
  /** GET /readyz as JSON (null when it does not answer). */
  readiness(): Promise<{ status: string; jobs?: string; instance?: string } | null>;
  kill(signal: NodeJS.Signals): void;
  /** Resolves with the exit code (or the signal's name) once the process has exited. */
  exited: Promise<number | string>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` every 100 ms until it answers something truthy, or fails after `timeoutMs` naming `what`. */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | null | undefined | false>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

export async function startServerProcess(o: { name: string; databaseUrl: string; env?: Record<string, string> }): Promise<ServerProcess> {
  const port = await findFreePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "server/cli/start.ts")], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      DATABASE_URL: o.databaseUrl,
      PORT: String(port),
      HOST: "127.0.0.1",
      SKIP_CLIENT_BUILD: "1",
      LOG_LEVEL: "warn",
      FLOODGATE_INSTANCE_ID: o.name,
      ...o.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<number | string>((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown")));
  const readiness = async () => {
    try {
      const res = await fetch(`${baseUrl}/readyz`);
      return (await res.json()) as { status: string; jobs?: string; instance?: string };
    } catch {
      return null;
    }
  };
  return {
    name: o.name,
    baseUrl,
    port,
    output: () => out,
    readiness,
    async ready(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      let gone = false;
      void exited.then(() => (gone = true));
      while (Date.now() < deadline) {
        if (gone) throw new Error(`${o.name} exited during start: ${out.slice(-800)}`);
        if ((await readiness())?.status === "ready") return;
        await sleep(100);
      }
      throw new Error(`${o.name} was not ready within ${timeoutMs} ms: ${out.slice(-800)}`);
    },
    kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    exited,
  };
}
