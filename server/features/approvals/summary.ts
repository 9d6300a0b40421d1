// What the approvals service and its reads both say: a change in words (the refusals' words are
// the approvals error registry, shared/approvals/errors.ts).
import type { PrismaClient } from "../../generated/prisma/client.ts";
import type { Tx } from "../../db/transaction.ts";
import type { ChangePayload, ChangeSubject } from "../../../shared/approvals/schemas.ts";
import { formatYen } from "../../../shared/format.ts";

export /** A change in English words (the audit log, the English console) and the facts to word it in another language. */
async function summaryOf(db: PrismaClient | Tx, payload: ChangePayload): Promise<{ summary: string; subject: ChangeSubject }> {
  switch (payload.kind) {
    case "LIFT_SUSPENSION": {
      const s = await db.suspension.findUnique({ where: { id: payload.suspensionId }, select: { bankCode: true, scopes: true, bank: { select: { name: true } } } });
      return s
        ? { summary: `Lift the suspension of ${s.bankCode} ${s.bank.name} (${s.scopes.join(", ")})`, subject: { bankCode: s.bankCode, bankName: s.bank.name, scopes: s.scopes } }
        : { summary: "Lift a suspension", subject: {} };
    }
    case "RAISE_APPROVAL_THRESHOLD":
      return { summary: `Raise the compensation approval threshold to ${formatYen(payload.valueYen)}`, subject: {} };
    case "GRANT_ROLE": {
      const u = await db.staffUser.findUnique({ where: { id: payload.userId }, select: { email: true } });
      return { summary: `Make ${u?.email ?? "a staff member"} ${payload.role}`, subject: u ? { email: u.email } : {} };
    }
  }
}
