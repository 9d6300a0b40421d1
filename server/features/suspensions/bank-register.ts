// The bank register (#17): what each bank's link (debit-acceptance) page asks for — PIN only, PIN +
// OTP, online-banking login, cash card — and its suspension state. A manager records a change with
// the date it took effect at the bank and a reason: bank.auth_method becomes the new method, the
// change is kept in bank_auth_change (history) and audited, all in one transaction. The overview's
// "PIN-only banks" filter and the multi-bank suspension read bank.auth_method.
import type pg from "pg";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { rows, sql } from "../../db/sql.ts";
import { withTransaction } from "../../db/transaction.ts";
import { writeAudit, type StaffActor } from "../audit/write-audit.ts";
import { suspensionError } from "../../../shared/suspensions/errors.ts";
import type { AuthMethod, SetBankAuthInput, SuspensionScope } from "../../../shared/suspensions/schemas.ts";

export interface RegisterRow {
  code: string;
  name: string;
  nameJa: string | null;
  authMethod: AuthMethod;
  /** Scopes with an active or scheduled suspension. */
  suspendedScopes: SuspensionScope[];
  /** The newest recorded change of the method: when it took effect, and who recorded it. */
  authEffectiveAt: Date | null;
  authChangedBy: string | null;
  linkCount: number;
}

export function bankRegister(pool: pg.Pool): Promise<RegisterRow[]> {
  return rows<RegisterRow>(pool, sql`
    SELECT b.code, b.name, b.name_ja AS "nameJa", b.auth_method::text AS "authMethod",
           coalesce((SELECT array_agg(a.scope::text ORDER BY a.scope) FROM suspension_active_scope a WHERE a.bank_code = b.code), '{}') AS "suspendedScopes",
           c.effective_at AS "authEffectiveAt", u.email AS "authChangedBy",
           (SELECT count(*)::int FROM bank_link l WHERE l.bank_code = b.code AND l.status <> 'REVOKED') AS "linkCount"
    FROM bank b
    LEFT JOIN LATERAL (SELECT effective_at, changed_by_id FROM bank_auth_change WHERE bank_code = b.code
                       ORDER BY effective_at DESC, changed_at DESC LIMIT 1) c ON true
    LEFT JOIN staff_user u ON u.id = c.changed_by_id
    ORDER BY b.code`);
}

export interface AuthChangeRow {
  id: string;
  authMethod: AuthMethod;
  previousMethod: AuthMethod;
  effectiveAt: Date;
  reason: string;
  changedBy: string | null;
  changedAt: Date;
}

export function bankAuthHistory(pool: pg.Pool, bankCode: string): Promise<AuthChangeRow[]> {
  return rows<AuthChangeRow>(pool, sql`
    SELECT c.id, c.auth_method::text AS "authMethod", c.previous_method::text AS "previousMethod", c.effective_at AS "effectiveAt",
           c.reason, u.email AS "changedBy", c.changed_at AS "changedAt"
    FROM bank_auth_change c LEFT JOIN staff_user u ON u.id = c.changed_by_id
    WHERE c.bank_code = ${bankCode} ORDER BY c.effective_at DESC, c.changed_at DESC`);
}

export async function setBankAuthMethod(db: PrismaClient, actor: StaffActor, input: SetBankAuthInput) {
  return withTransaction(db, async (tx) => {
    const [bank] = await tx.$queryRaw<{ code: string; authMethod: AuthMethod }[]>(
      sql`SELECT code, auth_method::text AS "authMethod" FROM bank WHERE code = ${input.bankCode} FOR UPDATE`,
    );
    if (!bank) throw suspensionError("UNKNOWN_BANK", `There is no bank with code ${input.bankCode}.`);
    if (bank.authMethod === input.authMethod) throw suspensionError("AUTH_METHOD_UNCHANGED");
    const last = await tx.bankAuthChange.findFirst({ where: { bankCode: input.bankCode }, orderBy: [{ effectiveAt: "desc" }, { changedAt: "desc" }] });
    if (last && input.effectiveAt.getTime() < last.effectiveAt.getTime()) {
      throw suspensionError("AUTH_CHANGE_BEFORE_LAST", undefined, { field: "effectiveAt", lastEffectiveAt: last.effectiveAt.toISOString() });
    }
    const change = await tx.bankAuthChange.create({
      data: { bankCode: bank.code, authMethod: input.authMethod, previousMethod: bank.authMethod, effectiveAt: input.effectiveAt, reason: input.reason, changedById: actor.id },
    });
    await tx.bank.update({ where: { code: bank.code }, data: { authMethod: input.authMethod } });
    await writeAudit(tx, actor, {
      action: "bank.setAuthMethod",
      targetType: "bank",
      targetId: bank.code,
      reason: input.reason,
      before: { authMethod: bank.authMethod },
      after: { authMethod: input.authMethod, effectiveAt: input.effectiveAt, changeId: change.id },
    });
    return { change };
  });
}
