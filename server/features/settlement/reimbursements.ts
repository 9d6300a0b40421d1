// Reimbursements of victims' charges by the victim's bank or another party (#18). Recorded by
// support or a manager with a reason, audited in the same transaction. A charge is never paid back
// twice across parties: checked here under the charge's row lock (the rule in
// shared/settlement/rules.ts) and again by the database (charge_cover_check).
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { sql } from "../../db/sql.ts";
import { withTransaction, type Tx } from "../../db/transaction.ts";
import { writeAudit, type StaffActor } from "../audit/write-audit.ts";
import { formatJst, formatYen } from "../../../shared/format.ts";
import type { CaseState } from "../../../shared/compensation/schemas.ts";
import { checkReimbursement, type ExistingReimbursement, type ReimbursementParty } from "../../../shared/settlement/rules.ts";
import { settlementError } from "../../../shared/settlement/errors.ts";
import type { RecordReimbursementInput } from "../../../shared/settlement/inputs.ts";
import { num } from "../compensation/sql.ts";
import { postBankReimbursement } from "./cost-sharing.ts";

type Db = PrismaClient | Tx;

export interface ChargeReimbursement {
  id: string;
  chargeId: string;
  party: ReimbursementParty;
  /** The reimbursing bank (the charge's own bank) when party is BANK. */
  bankCode: string | null;
  partyName: string | null;
  amountYen: number;
  /** "YYYY-MM-DD" */
  reimbursedOn: string;
  reference: string;
  reason: string;
  recordedById: string;
  recordedAt: Date;
}

interface Row {
  id: string;
  charge_id: string;
  party: ReimbursementParty;
  bank_code: string | null;
  party_name: string | null;
  amount_yen: unknown;
  reimbursed_on: string;
  reference: string;
  reason: string;
  recorded_by_id: string;
  recorded_at: Date;
}

const toReimbursement = (r: Row): ChargeReimbursement => ({
  id: r.id,
  chargeId: r.charge_id,
  party: r.party,
  bankCode: r.bank_code,
  partyName: r.party_name,
  amountYen: num(r.amount_yen),
  reimbursedOn: r.reimbursed_on,
  reference: r.reference,
  reason: r.reason,
  recordedById: r.recorded_by_id,
  recordedAt: r.recorded_at,
});

/**
 * The reimbursements by banks and other parties recorded for these charges, by charge id (charges
 * without any are absent). For eligibility ("not already reimbursed by the bank or another party")
 * and for what we still owe: run it inside the caller's transaction after locking the charges to
 * read a settled answer.
 */
export async function reimbursedCharges(db: Db, chargeIds: readonly string[]): Promise<Map<string, ChargeReimbursement[]>> {
  const out = new Map<string, ChargeReimbursement[]>();
  if (chargeIds.length === 0) return out;
  const rows = await db.$queryRaw<Row[]>(sql`
    SELECT id::text AS id, charge_id, party::text AS party, bank_code, party_name, amount_yen, to_char(reimbursed_on, 'YYYY-MM-DD') AS reimbursed_on,
           reference, reason, recorded_by_id::text AS recorded_by_id, recorded_at
      FROM charge_reimbursement WHERE charge_id = ANY(${[...chargeIds]}::text[])
     ORDER BY charge_id, party`);
  for (const r of rows) {
    const list = out.get(r.charge_id) ?? [];
    list.push(toReimbursement(r));
    out.set(r.charge_id, list);
  }
  return out;
}

/** Yen reimbursed by others per charge id (absent: nothing). */
export async function reimbursedYenByCharge(db: Db, chargeIds: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const [id, list] of await reimbursedCharges(db, chargeIds)) out.set(id, list.reduce((s, r) => s + r.amountYen, 0));
  return out;
}

export async function recordReimbursement(db: PrismaClient, actor: StaffActor, input: RecordReimbursementInput): Promise<ChargeReimbursement> {
  try {
    return await withTransaction(db, async (tx) => {
      const [charge] = await tx.$queryRaw<Array<{ id: string; bank_code: string; amount_yen: number; occurred_at: Date }>>(sql`
        SELECT id, bank_code, amount_yen, occurred_at FROM charge WHERE id = ${input.chargeId} FOR UPDATE`);
      if (!charge) throw settlementError("REIMBURSEMENT_CHARGE_NOT_FOUND", `There is no charge with id ${input.chargeId}.`, { chargeId: input.chargeId });
      const what = `Charge ${charge.id} (${formatYen(charge.amount_yen)} on ${formatJst(charge.occurred_at)})`;
      const lines = await tx.$queryRaw<Array<{ case_id: string; amount_yen: number; state: CaseState }>>(sql`
        SELECT l.case_id::text AS case_id, l.amount_yen, c.state::text AS state
          FROM compensation_line l JOIN compensation_case c ON c.id = l.case_id WHERE l.charge_id = ${charge.id}`);
      const existing: ExistingReimbursement[] = (await reimbursedCharges(tx, [charge.id])).get(charge.id) ?? [];
      const check = checkReimbursement(
        { chargeAmountYen: charge.amount_yen, lines: lines.map((l) => ({ amountYen: l.amount_yen, caseState: l.state })), reimbursements: existing },
        input.party,
        input.amountYen,
      );
      if (!check.ok) {
        switch (check.code) {
          case "REIMBURSEMENT_EXISTS":
            throw settlementError("REIMBURSEMENT_EXISTS", `${what} already has a reimbursement by ${input.party === "BANK" ? "the bank" : "another party"} recorded. A charge has at most one per party.`, { chargeId: charge.id });
          case "CHARGE_ALREADY_COMPENSATED": {
            const live = lines.filter((l) => l.state === "APPROVED" || l.state === "PAID").map((l) => `${l.case_id.slice(0, 8)} (${l.state === "PAID" ? "paid" : "approved, payable"})`);
            throw settlementError(
              "CHARGE_ALREADY_COMPENSATED",
              `${what} is already paid back by us: case ${live.join(", ")} covers ${formatYen(check.compensatedYen)}. It cannot also be reimbursed by ${input.party === "BANK" ? "the bank" : "another party"}.`,
              { chargeId: charge.id },
            );
          }
          case "REIMBURSEMENT_EXCEEDS_CHARGE":
            throw settlementError(
              "REIMBURSEMENT_EXCEEDS_CHARGE",
              check.remainingYen === 0
                ? `${what} has nothing left to reimburse: requested cases or other parties already cover it.`
                : `${what} has only ${formatYen(check.remainingYen)} left that nobody covers (requested cases and other parties hold the rest), but ${formatYen(check.requestedYen)} was entered.`,
              { chargeId: charge.id, remainingYen: check.remainingYen },
            );
          case "INVALID_AMOUNT":
            throw settlementError("REIMBURSEMENT_EXCEEDS_CHARGE", `The amount must be whole, positive yen.`);
        }
      }
      const id = randomUUID();
      const bankCode = input.party === "BANK" ? charge.bank_code : null;
      const [row] = await tx.$queryRaw<Row[]>(sql`
        INSERT INTO charge_reimbursement (id, charge_id, party, bank_code, party_name, amount_yen, reimbursed_on, reference, reason, recorded_by_id)
        VALUES (${id}::uuid, ${charge.id}, ${input.party}::reimbursement_party, ${bankCode}, ${input.partyName ?? null}, ${input.amountYen}, ${input.reimbursedOn}::date,
                ${input.reference}, ${input.reason}, ${actor.id}::uuid)
        RETURNING id::text AS id, charge_id, party::text AS party, bank_code, party_name, amount_yen, to_char(reimbursed_on, 'YYYY-MM-DD') AS reimbursed_on,
                  reference, reason, recorded_by_id::text AS recorded_by_id, recorded_at`);
      const recorded = toReimbursement(row);
      // Cost sharing: the operator's share of what the bank paid its customer is owed to the bank.
      if (recorded.party === "BANK") await postBankReimbursement(tx, { id: recorded.id, bankCode: charge.bank_code, amountYen: recorded.amountYen, reimbursedOn: recorded.reimbursedOn }, actor.id);
      await writeAudit(tx, actor, {
        action: "settlement.recordReimbursement",
        targetType: "charge",
        targetId: charge.id,
        reason: input.reason,
        after: { party: recorded.party, bankCode, partyName: recorded.partyName, amountYen: recorded.amountYen, reimbursedOn: recorded.reimbursedOn, reference: recorded.reference },
      });
      return recorded;
    });
  } catch (err) {
    if (/charge_reimbursed_once/.test(String((err as Error)?.message ?? "") + JSON.stringify((err as { meta?: unknown })?.meta ?? {}))) {
      throw settlementError("REIMBURSEMENT_EXCEEDS_CHARGE", "A case or another reimbursement took this charge at the same moment. Reload to see what is left.");
    }
    if (/charge_reimbursement_one_per_party/.test(String((err as Error)?.message ?? "") + JSON.stringify((err as { meta?: unknown })?.meta ?? {}))) {
      throw settlementError("REIMBURSEMENT_EXISTS", "This party's reimbursement of the charge was recorded at the same moment.");
    }
    throw err;
  }
}
