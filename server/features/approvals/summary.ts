// What the approvals service and its reads both say: a change in words, and the refusals in words.
import type { PrismaClient } from "../../generated/prisma/client.ts";
import type { Tx } from "../../db/transaction.ts";
import type { ChangePayload, ChangeSubject } from "../../../shared/approvals/schemas.ts";
import { formatYen } from "../../../shared/format.ts";

export const WORDS: Record<string, string> = {
  CHANGE_REQUEST_NOT_PENDING: "This change request was already decided. Reload to see who decided it.",
  SELF_APPROVAL_NOT_ALLOWED: "You asked for this change: a different person must decide it.",
  APPROVER_ROLE_NOT_ALLOWED: "Your role may not decide this kind of change.",
  EMERGENCY_REASON_TOO_SHORT: "An emergency change needs a longer reason: say what is happening and why it cannot wait for a second person.",
  EMERGENCY_NOT_REVIEWABLE: "Only an emergency change not yet reviewed can be marked reviewed.",
};

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
