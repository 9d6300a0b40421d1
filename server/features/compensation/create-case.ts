// Creating a compensation case: exactly once per idempotency key, only for fraudulent wallets'
// charges, never more than a charge took (row locks on the charges, and the database's own guard).
// The case and its audit record share one transaction.
import { createHash } from "node:crypto";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { sql } from "../../db/sql.ts";
import { fraudulentWalletSql } from "../../db/rules-sql.ts";
import { withTransaction, type Tx } from "../../db/transaction.ts";
import { writeAudit, type StaffActor } from "../audit/write-audit.ts";
import { formatJst, formatYen, maskAccountNumber } from "../../../shared/format.ts";
import { compensationError } from "../../../shared/compensation/errors.ts";
import { CLAIM_REQUIRED_WORDS, type CreateCaseRequest } from "../../../shared/compensation/inputs.ts";
import {
  canonicalCaseRequest,
  caseTotalYen,
  checkLines,
  idempotencyOutcome,
  type CaseRequestContent,
  type ChargeForCompensation,
  type ExistingLine,
} from "../../../shared/compensation/rules.ts";
import type { CaseState } from "../../../shared/compensation/schemas.ts";
import { refuseReimbursedCharges } from "../settlement/compensable.ts";
import { claimInFuture, jstToday } from "../../../shared/compensation/eligibility.ts";
import { recordClaim } from "./eligibility.ts";

function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

interface LockedCharge {
  id: string;
  bank_code: string;
  branch_code: string;
  account_number: string;
  amount_yen: number;
  occurred_at: Date;
  fraudulent: boolean;
}

export interface CreateCaseResult {
  caseId: string;
  /** True when this request repeated an earlier one (same key, same content): nothing new was created. */
  replayed: boolean;
}

function isUniqueViolation(err: unknown, target: string): boolean {
  const e = err as { code?: string; meta?: { target?: unknown; driverAdapterError?: { cause?: { constraint?: { fields?: string[] } } } }; message?: string };
  if (e?.code !== "P2002") return false;
  const text = JSON.stringify(e.meta ?? {}) + String(e.message ?? "");
  return text.includes(target);
}

/** The same key must carry the same content; the victim is part of the content. */
async function replayOrRefuse(db: PrismaClient | Tx, idempotencyKey: string, requestHash: string): Promise<CreateCaseResult | null> {
  const prior = await db.compensationCase.findUnique({ where: { idempotencyKey }, select: { id: true, requestHash: true } });
  if (!prior) return null;
  const outcome = idempotencyOutcome(prior.requestHash, requestHash);
  if ("kind" in outcome && outcome.kind === "replay") return { caseId: prior.id, replayed: true };
  throw compensationError(
    "IDEMPOTENCY_KEY_REUSED",
    `This form already created case ${prior.id.slice(0, 8)} with different charges, amounts or reason. Open that case, or start a new form for another case.`,
    { caseId: prior.id },
  );
}

function describeCharge(c: LockedCharge): string {
  return `Charge ${c.id} (${formatYen(c.amount_yen)} on ${formatJst(c.occurred_at)})`;
}

export async function createCase(db: PrismaClient, actor: StaffActor, input: CreateCaseRequest): Promise<CreateCaseResult> {
  const chargeIds = [...new Set(input.lines.map((l) => l.chargeId))].sort();
  // The victim is the bank account of the first line's charge; checkLines then refuses any line
  // drawn on another account. A charge's bank account snapshot never changes, so reading it before
  // the transaction is safe.
  const first = await db.charge.findUnique({
    where: { id: input.lines[0].chargeId },
    select: { bankCode: true, branchCode: true, accountNumber: true },
  });
  if (!first) throw compensationError("CHARGE_NOT_FOUND", `There is no charge with id ${input.lines[0].chargeId}.`, { chargeId: input.lines[0].chargeId });
  const victim = { bankCode: first.bankCode, branchCode: first.branchCode, accountNumber: first.accountNumber, holderName: input.holderName.trim() };
  const content: CaseRequestContent = { victim, lines: input.lines, reason: input.reason.trim() };
  // The claim is required (#18): without it the date rules cannot be weighed. The router's schema
  // refuses a request without one; this guards every other caller.
  const claim = input.claim as CreateCaseRequest["claim"] | undefined;
  if (!claim) throw compensationError("CLAIM_REQUIRED", CLAIM_REQUIRED_WORDS, { field: "claim" });
  // The claim is part of the content too.
  const requestHash = sha256Hex(canonicalCaseRequest(content) + `\nclaim:${JSON.stringify([claim.noticedOn, claim.reportedOn, claim.channel, claim.policeReportNumber])}`);
  const future = claimInFuture(claim, jstToday());
  if (future) {
    throw compensationError("CLAIM_INVALID", `The day the victim ${future === "noticedOn" ? "noticed the loss" : "reported it"} (${claim[future]}) is after today (${jstToday()}, JST).`, { field: future });
  }

  // A retry of a request that already succeeded answers at once, without taking any lock.
  const early = await replayOrRefuse(db, input.idempotencyKey, requestHash);
  if (early) return early;

  try {
    return await withTransaction(db, async (tx) => {
      // Serialise every request touching these charges (sorted ids: no deadlock between them). The
      // compensation_line trigger locks the same rows, so the database holds the line as well.
      const locked = await tx.$queryRaw<LockedCharge[]>(sql`
        SELECT c.id, c.bank_code, c.branch_code, c.account_number, c.amount_yen, c.occurred_at, ${fraudulentWalletSql("w")} AS fraudulent
          FROM charge c JOIN wallet_account w ON w.id = c.account_id
         WHERE c.id = ANY(${chargeIds}::text[])
         ORDER BY c.id
           FOR UPDATE OF c`);

      // A double click with the same key waited on the locks above: now it sees the first one's case.
      const replay = await replayOrRefuse(tx, input.idempotencyKey, requestHash);
      if (replay) return replay;

      const byId = new Map(locked.map((c) => [c.id, c]));
      for (const id of chargeIds) {
        const c = byId.get(id);
        if (!c) throw compensationError("CHARGE_NOT_FOUND", `There is no charge with id ${id}.`, { chargeId: id });
        if (!c.fraudulent) {
          throw compensationError(
            "CHARGE_NOT_FRAUDULENT",
            `${describeCharge(c)} was made by a wallet that is not flagged or confirmed as fraud, so it cannot be compensated here. Ask an analyst to review the wallet first.`,
            { chargeId: id },
          );
        }
      }

      const existing = await tx.$queryRaw<Array<{ charge_id: string; amount_yen: number; state: CaseState }>>(sql`
        SELECT l.charge_id, l.amount_yen, cc.state::text AS state
          FROM compensation_line l JOIN compensation_case cc ON cc.id = l.case_id
         WHERE l.charge_id = ANY(${chargeIds}::text[])`);
      const existingByCharge = new Map<string, ExistingLine[]>();
      for (const e of existing) {
        const list = existingByCharge.get(e.charge_id) ?? [];
        list.push({ amountYen: e.amount_yen, caseState: e.state });
        existingByCharge.set(e.charge_id, list);
      }
      const chargesById = new Map<string, ChargeForCompensation>(
        locked.map((c) => [c.id, { id: c.id, amountYen: c.amount_yen, bankCode: c.bank_code, branchCode: c.branch_code, accountNumber: c.account_number }]),
      );
      // Reimbursed by the bank or another party: only what is left can be compensated (#18).
      await refuseReimbursedCharges(tx, input.lines, chargesById, existingByCharge);
      const check = checkLines(input.lines, chargesById, existingByCharge, victim);
      if (!check.ok) {
        const c = byId.get(check.chargeId)!;
        switch (check.code) {
          case "COMPENSATION_EXCEEDS_CHARGE": {
            const heldYen = c.amount_yen - check.remainingYen;
            throw compensationError(
              "COMPENSATION_EXCEEDS_CHARGE",
              check.remainingYen === 0
                ? `${describeCharge(c)} has nothing left to pay back: other cases already cover the whole ${formatYen(c.amount_yen)}. Leave it out of this case.`
                : `${describeCharge(c)} has only ${formatYen(check.remainingYen)} left to pay back (other cases already cover ${formatYen(heldYen)}), but this case asks for ${formatYen(check.requestedYen)}. Lower the amount to at most ${formatYen(check.remainingYen)}.`,
              { chargeId: check.chargeId, remainingYen: check.remainingYen, requestedYen: check.requestedYen },
            );
          }
          case "CHARGE_NOT_FOR_VICTIM":
            throw compensationError(
              "CHARGE_NOT_FOR_VICTIM",
              `${describeCharge(c)} drew on another bank account (${c.bank_code}-${c.branch_code} ${maskAccountNumber(c.account_number)}) than the victim's. A case covers one victim's account only.`,
              { chargeId: check.chargeId },
            );
          case "UNKNOWN_CHARGE":
            throw compensationError("CHARGE_NOT_FOUND", `There is no charge with id ${check.chargeId}.`, { chargeId: check.chargeId });
          case "INVALID_AMOUNT":
            throw compensationError("INVALID_AMOUNT", `The amount for charge ${check.chargeId} must be a whole, positive number of yen.`, { chargeId: check.chargeId });
        }
      }

      const totalYen = caseTotalYen(input.lines);
      const created = await tx.compensationCase.create({
        data: {
          idempotencyKey: input.idempotencyKey,
          requestHash,
          bankCode: victim.bankCode,
          branchCode: victim.branchCode,
          accountNumber: victim.accountNumber,
          holderName: victim.holderName,
          totalYen,
          reason: content.reason,
          requestedById: actor.id,
          lines: { createMany: { data: input.lines.map((l) => ({ chargeId: l.chargeId, amountYen: l.amountYen })) } },
        },
        select: { id: true },
      });
      await recordClaim(tx, actor, created.id, claim);
      await writeAudit(tx, actor, {
        action: "compensation.create",
        targetType: "case",
        targetId: created.id,
        reason: content.reason,
        after: {
          state: "REQUESTED",
          totalYen,
          victim: { bankCode: victim.bankCode, branchCode: victim.branchCode, accountNumber: maskAccountNumber(victim.accountNumber), holderName: victim.holderName },
          lines: input.lines,
          claim,
        },
      });
      return { caseId: created.id, replayed: false };
    });
  } catch (err) {
    // Two requests with the same key but different charges do not share a lock: the loser hits the
    // unique index, and answers like a retry would (same content: the case; otherwise refused).
    if (isUniqueViolation(err, "idempotency_key")) {
      const again = await replayOrRefuse(db, input.idempotencyKey, requestHash);
      if (again) return again;
    }
    // The database's own guard (see the compensation_guards migration) should never fire behind the
    // row locks above; if it does, it is still the same conflict, not a server fault.
    if (/compensation_line_within_charge/.test(String((err as Error)?.message ?? "") + JSON.stringify((err as { meta?: unknown })?.meta ?? {}))) {
      throw compensationError("COMPENSATION_EXCEEDS_CHARGE", "Another case took part of these charges at the same moment. Reload to see what is left to pay back.");
    }
    throw err;
  }
}
