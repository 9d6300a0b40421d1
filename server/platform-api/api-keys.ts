// Wallet-platform API keys: the secret is shown once; only its sha256 is stored.
import { randomBytes } from "node:crypto";
import type pg from "pg";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Tx } from "../db/transaction.ts";
import { pgQuery, query, sql } from "../db/sql.ts";
import { sha256Hex } from "../features/auth/sessions.ts";

export const API_KEY_PREFIX = "fgk_";

export function newApiKeySecret(): string {
  return API_KEY_PREFIX + randomBytes(24).toString("base64url");
}

/** Inside a transaction when the creation is audited (admin.createApiKey). */
export async function createApiKey(db: PrismaClient | Tx, name: string, createdById?: string | null): Promise<{ id: string; secret: string }> {
  const secret = newApiKeySecret();
  const row = await db.platformApiKey.create({
    data: { name, prefix: secret.slice(0, 10), keyHash: sha256Hex(secret), createdById: createdById ?? null },
  });
  return { id: row.id, secret };
}

// lastUsedAt is written at most once a minute per key: the decision API is on the platform's hot
// path and must not write a row per request just to say it was used.
const LAST_USED_WRITE_INTERVAL_MS = 60_000;
const lastWritten = new Map<string, number>();

export interface ApiKeyIdentity {
  id: string;
  name: string;
}

// The lookup runs on the platform's hot path (every decision request): one named prepared statement
// on the pool (parsed once per connection, which an unnamed query is not), no ORM round trip. It is
// not cached, so a revoked key is refused on its next request.
const findKey = (keyHash: string) =>
  pgQuery(sql`SELECT id::text, name, revoked_at IS NOT NULL AS revoked FROM platform_api_key WHERE key_hash = ${keyHash}`, { name: "platform-api.find-key" });

export async function authenticateApiKey(pool: pg.Pool, secret: string): Promise<ApiKeyIdentity | null> {
  if (!secret.startsWith(API_KEY_PREFIX) || secret.length > 100) return null;
  const res = await pool.query<{ id: string; name: string; revoked: boolean }>(findKey(sha256Hex(secret)));
  const key = res.rows[0];
  if (!key || key.revoked) return null;
  const now = Date.now();
  if (now - (lastWritten.get(key.id) ?? 0) > LAST_USED_WRITE_INTERVAL_MS) {
    lastWritten.set(key.id, now);
    await query(pool, sql`UPDATE platform_api_key SET last_used_at = ${new Date(now)} WHERE id = ${key.id}::uuid`);
  }
  return { id: key.id, name: key.name };
}
