// Wallet-platform API keys: the secret is shown once; only its sha256 is stored.
import { randomBytes } from "node:crypto";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Tx } from "../db/transaction.ts";
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

export async function authenticateApiKey(db: PrismaClient, secret: string): Promise<ApiKeyIdentity | null> {
  if (!secret.startsWith(API_KEY_PREFIX) || secret.length > 100) return null;
  const key = await db.platformApiKey.findUnique({ where: { keyHash: sha256Hex(secret) }, select: { id: true, name: true, revokedAt: true } });
  if (!key || key.revokedAt) return null;
  const now = Date.now();
  if (now - (lastWritten.get(key.id) ?? 0) > LAST_USED_WRITE_INTERVAL_MS) {
    lastWritten.set(key.id, now);
    await db.platformApiKey.update({ where: { id: key.id }, data: { lastUsedAt: new Date(now) } });
  }
  return { id: key.id, name: key.name };
}
