// Applies prisma/migrations with the Prisma CLI (JS schema engine, see prisma.config.ts).
import { spawn } from "node:child_process";
import path from "node:path";
import { REPO_ROOT, StartupError } from "./postgres.ts";

export async function applyMigrations(databaseUrl: string): Promise<void> {
  const prismaBin = path.join(REPO_ROOT, "node_modules", ".bin", "prisma");
  const output: string[] = [];
  const code = await new Promise<number>((resolve) => {
    const child = spawn(prismaBin, ["migrate", "deploy"], {
      cwd: REPO_ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.on("data", (d) => output.push(String(d)));
    child.stderr.on("data", (d) => output.push(String(d)));
    child.on("close", (c) => resolve(c ?? 1));
  });
  if (code !== 0) {
    const last = output.join("").trim().split("\n").filter(Boolean).slice(-3).join(" / ");
    throw new StartupError(`Database migrations failed: ${last}`);
  }
}
