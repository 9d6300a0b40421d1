// The demo wallet-platform API key is created once and its secret kept in .data (a local file,
// for the demo only) so every start can print it; the database holds only its hash.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Database } from "../db/client.ts";
import { REPO_ROOT } from "../db/postgres.ts";
import { authenticateApiKey, createApiKey } from "../platform-api/api-keys.ts";

const KEY_FILE = path.join(REPO_ROOT, ".data", "demo-platform-api-key.txt");

export async function ensureDemoApiKey(db: Database): Promise<string> {
  if (existsSync(KEY_FILE)) {
    const secret = readFileSync(KEY_FILE, "utf8").trim();
    if (await authenticateApiKey(db.pool, secret)) return secret;
  }
  const { secret } = await createApiKey(db.prisma, "Demo wallet platform");
  mkdirSync(path.dirname(KEY_FILE), { recursive: true });
  writeFileSync(KEY_FILE, secret + "\n", { mode: 0o600 });
  return secret;
}
