// Every staff mutation records who did what, to what, and why, in the same database transaction
// as the change: it takes a transaction client, so it cannot be called outside one.
// The database chains each record to the one before it (id, prev_hash, hash are set by the
// audit_event_chain trigger under the chain head's row lock, held until this transaction commits):
// audited mutations are serialised from here to their commit, so call this last, after the change.
import type { Tx } from "../../db/transaction.ts";
import type { Role } from "../../../shared/auth/roles.ts";
import { toJsonSafe } from "../../lib/json.ts";
import type { AuditAction, AuditTargetType } from "../../../shared/audit/actions.ts";

export interface Actor {
  id: string | null;
  email: string;
  role: Role | null;
  requestId?: string;
  ipAddress?: string;
}

/** A signed-in staff member: what ctx.actor is in every staff procedure (server/trpc/procedures.ts
 * narrows it once), and what services that record who acted take. */
export type StaffActor = Actor & { id: string; role: Role };

export interface AuditEntry {
  /** feature.verb, e.g. "suspension.create": one of the closed list (it has words in every language); test.* only in tests */
  action: AuditAction | `test.${string}`;
  targetType: AuditTargetType | "test";
  targetId: string;
  reason?: string | null;
  before?: unknown;
  after?: unknown;
}

export async function writeAudit(tx: Tx, actor: Actor, entry: AuditEntry): Promise<void> {
  await tx.auditEvent.create({
    data: {
      actorId: actor.id,
      actorEmail: actor.email,
      actorRole: actor.role,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      reason: entry.reason ?? null,
      before: entry.before === undefined ? undefined : (toJsonSafe(entry.before) as object),
      after: entry.after === undefined ? undefined : (toJsonSafe(entry.after) as object),
      requestId: actor.requestId ?? null,
      ipAddress: actor.ipAddress ?? null,
    },
  });
}
