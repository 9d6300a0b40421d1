// Platform API key administration (ADMIN). The secret is returned once, at creation; only its
// sha256 is stored. Any number of keys may be active at once, so a key is rotated by creating the
// new one, switching the platform over, then revoking the old one: no downtime.
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { AppError } from "../../../shared/errors.ts";
import { withTransaction } from "../../db/transaction.ts";
import { createApiKey } from "../../platform-api/api-keys.ts";
import { writeAudit, type Actor } from "../audit/write-audit.ts";

const KEY_FIELDS = { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true } as const;

export async function listApiKeys(db: PrismaClient) {
  return db.platformApiKey.findMany({ orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }], select: KEY_FIELDS });
}

export async function createKey(db: PrismaClient, actor: Actor, input: { name: string; reason: string }) {
  return withTransaction(db, async (tx) => {
    const { id, secret } = await createApiKey(tx, input.name, actor.id);
    const key = await tx.platformApiKey.findUniqueOrThrow({ where: { id }, select: KEY_FIELDS });
    await writeAudit(tx, actor, { action: "apiKey.create", targetType: "api_key", targetId: id, reason: input.reason, after: { name: key.name, prefix: key.prefix } });
    return { ...key, secret };
  });
}

export async function revokeKey(db: PrismaClient, actor: Actor, input: { keyId: string; reason: string }) {
  return withTransaction(db, async (tx) => {
    const key = await tx.platformApiKey.findUnique({ where: { id: input.keyId }, select: KEY_FIELDS });
    if (!key) throw new AppError("API_KEY_NOT_FOUND", "There is no such API key.");
    // The conditional update makes two concurrent revocations record one revocation.
    const { count } = await tx.platformApiKey.updateMany({ where: { id: input.keyId, revokedAt: null }, data: { revokedAt: new Date() } });
    if (count === 0) throw new AppError("API_KEY_ALREADY_REVOKED", "This key is already revoked.");
    const after = await tx.platformApiKey.findUniqueOrThrow({ where: { id: input.keyId }, select: KEY_FIELDS });
    await writeAudit(tx, actor, { action: "apiKey.revoke", targetType: "api_key", targetId: input.keyId, reason: input.reason, before: { name: key.name, revokedAt: null }, after: { name: after.name, revokedAt: after.revokedAt } });
    return after;
  });
}
