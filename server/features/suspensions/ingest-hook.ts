// Runs inside the ingesting transaction (server/ingest-hooks.ts), so it is exactly as durable as
// the events themselves:
//  (a) links registered or changed into a suspension's quarantine window are marked QUARANTINED at
//      once (the decision API already refuses them from the rules; this puts them in the queue);
//  (b) a registration, link change or charge that happened while the bank was suspended for it, or a
//      charge on a link that was quarantined at the time, is recorded as a policy violation: the
//      platform skipped the decision API, ignored its "deny", or charged under the down contract's
//      fallback while we did not answer (shared/suspensions/down-contract.ts).
// All set-based: one read of the batch banks' suspensions, then at most one UPDATE, one read of the
// charged links' status (only when a charged bank has a charge suspension or a quarantine) and one
// INSERT for the whole batch. A batch touching no suspended bank costs the one read.
import type pg from "pg";
import { activeSuspensionFor, decideCharge, type LinkStatus, type SuspensionLike } from "../../../shared/suspensions/rules.ts";
import type { SuspensionScope } from "../../../shared/suspensions/schemas.ts";
import type { ChargeSummary, IngestedBatchSummary } from "../events/types.ts";
import { enqueueLinksQuarantinedNow } from "../webhooks/outbox.ts";
import { quarantineLinksSql } from "../../db/queries/bank-links.ts";
import { query, rows, sql } from "../../db/sql.ts";

export const POLICY_VIOLATION_KINDS = {
  REGISTRATION_WHILE_SUSPENDED: "A link was registered while the bank's registrations were suspended",
  LINK_CHANGE_WHILE_SUSPENDED: "A link was changed while link changes (or registrations at the new bank) were suspended",
  CHARGE_WHILE_SUSPENDED: "A charge was made while the bank's charges were suspended",
  CHARGE_ON_QUARANTINED_LINK: "A charge was made on a link that was quarantined at the time",
} as const;
export type PolicyViolationKind = keyof typeof POLICY_VIOLATION_KINDS;

interface Violation {
  bankCode: string;
  eventId: string;
  kind: PolicyViolationKind;
  suspensionId: string | null;
  detail: Record<string, unknown>;
  occurredAt: Date;
}

/** What the rules say about each registration and change in the batch, at the time it happened. */
export function findViolations(batch: Pick<IngestedBatchSummary, "registeredLinks" | "changedLinks">, suspensions: readonly SuspensionLike[]): Violation[] {
  const out: Violation[] = [];
  for (const r of batch.registeredLinks) {
    const s = activeSuspensionFor(suspensions, r.bankCode, "REGISTRATION", r.registeredAt);
    if (s) {
      out.push({
        bankCode: r.bankCode,
        eventId: r.eventId,
        kind: "REGISTRATION_WHILE_SUSPENDED",
        suspensionId: s.id,
        detail: { linkId: r.linkId, accountId: r.accountId, scope: "REGISTRATION", expectedReason: "BANK_REGISTRATION_SUSPENDED" },
        occurredAt: r.registeredAt,
      });
    }
  }
  for (const c of batch.changedLinks) {
    // Same order as decideLinkChange: link changes at the old bank, at the new bank, then
    // registrations at the new bank (a change there is a new link there).
    const candidates: Array<[string, SuspensionScope, string]> = [
      [c.oldBankCode, "LINK_CHANGE", "BANK_LINK_CHANGE_SUSPENDED"],
      [c.newBankCode, "LINK_CHANGE", "BANK_LINK_CHANGE_SUSPENDED"],
      [c.newBankCode, "REGISTRATION", "BANK_REGISTRATION_SUSPENDED"],
    ];
    for (const [bankCode, scope, expectedReason] of candidates) {
      const s = activeSuspensionFor(suspensions, bankCode, scope, c.changedAt);
      if (!s) continue;
      out.push({
        bankCode,
        eventId: c.eventId,
        kind: "LINK_CHANGE_WHILE_SUSPENDED",
        suspensionId: s.id,
        detail: { linkId: c.linkId, accountId: c.accountId, oldBankCode: c.oldBankCode, newBankCode: c.newBankCode, scope, expectedReason },
        occurredAt: c.changedAt,
      });
      break;
    }
  }
  return out;
}

/** The charged link's status as stored now; what it says about the time of a charge depends on when it was set. */
export interface ChargedLinkStatus {
  status: LinkStatus;
  statusChangedAt: Date | null;
  quarantineSuspensionId: string | null;
}

/**
 * Charges the decision API would have refused for a suspension at the moment they happened: on a
 * link quarantined then (by its status, or computed from the rules as the decision API does), or
 * while the bank's charges were suspended. The same precedence as decideCharge; a frozen account or
 * a revoked link is not a suspension matter and is left out. A status set after the charge (a
 * quarantine or an analyst's release that came later) says nothing about the charge's moment, so the
 * rules alone decide then.
 */
export function findChargeViolations(
  charges: readonly ChargeSummary[],
  statusOf: ReadonlyMap<string, ChargedLinkStatus>,
  suspensions: readonly SuspensionLike[],
  /** Per charge id: the holder's newest passed verification at or before the charge (re-verification gates). */
  verifiedAtOf: ReadonlyMap<string, Date | null> = new Map(),
): Violation[] {
  const out: Violation[] = [];
  for (const c of charges) {
    const stored = statusOf.get(c.linkId);
    const knownThen = stored && (stored.statusChangedAt === null || stored.statusChangedAt.getTime() <= c.occurredAt.getTime());
    const result = decideCharge({
      link: {
        bankCode: c.bankCode,
        registeredAt: c.linkRegisteredAt,
        changedAt: c.linkChangedAt,
        status: knownThen ? stored.status : "ACTIVE",
        statusChangedAt: knownThen ? stored.statusChangedAt : null,
        quarantineSuspensionId: knownThen ? stored.quarantineSuspensionId : null,
      },
      account: { status: "ACTIVE" },
      suspensions,
      at: c.occurredAt,
      verifiedAt: verifiedAtOf.get(c.chargeId) ?? null,
    });
    if (result.reason !== "LINK_QUARANTINED" && result.reason !== "BANK_CHARGES_SUSPENDED" && result.reason !== "REVERIFICATION_REQUIRED") continue;
    out.push({
      bankCode: c.bankCode,
      eventId: c.eventId,
      kind: result.reason === "LINK_QUARANTINED" ? "CHARGE_ON_QUARANTINED_LINK" : "CHARGE_WHILE_SUSPENDED",
      suspensionId: result.suspensionId ?? null,
      detail: {
        chargeId: c.chargeId,
        linkId: c.linkId,
        accountId: c.accountId,
        amountYen: c.amountYen,
        scope: result.reason === "LINK_QUARANTINED" ? "QUARANTINE" : "CHARGE",
        expectedReason: result.reason,
      },
      occurredAt: c.occurredAt,
    });
  }
  return out;
}

export async function suspensionsIngestHook(tx: pg.PoolClient, batch: IngestedBatchSummary): Promise<void> {
  if (batch.registeredLinks.length === 0 && batch.changedLinks.length === 0 && batch.charges.length === 0) return;
  const banks = [
    ...new Set([
      ...batch.registeredLinks.map((r) => r.bankCode),
      ...batch.changedLinks.flatMap((c) => [c.oldBankCode, c.newBankCode]),
      ...batch.charges.map((c) => c.bankCode),
    ]),
  ];
  // Lifted ones matter too: an event may arrive late, from while the bank was still suspended.
  const suspensions = await rows<SuspensionLike>(tx, sql`
    SELECT id, bank_code AS "bankCode", scopes::text[] AS scopes, starts_at AS "startsAt", cutoff_at AS "cutoffAt",
           quarantine, lifted_at AS "liftedAt", g.verified_after AS "gateVerifiedAfter"
    FROM suspension s LEFT JOIN reverification_gate g ON g.suspension_id = s.id
    WHERE bank_code = ANY(${banks}::bpchar[]) AND starts_at <= now()`);
  if (suspensions.length === 0) return;

  if (suspensions.some((s) => s.quarantine) && (batch.registeredLinks.length > 0 || batch.changedLinks.length > 0)) {
    const linkIds = [...new Set([...batch.registeredLinks.map((r) => r.linkId), ...batch.changedLinks.map((c) => c.linkId)])];
    await query(tx, quarantineLinksSql(sql`l.id = ANY(${linkIds}::varchar[])`));
    await enqueueLinksQuarantinedNow(tx);
  }

  const violations = findViolations(batch, suspensions);

  // Charges: only those at banks with a charge suspension or a quarantine can be violations.
  const chargeBanks = new Set(suspensions.filter((s) => s.quarantine || s.scopes.includes("CHARGE")).map((s) => s.bankCode));
  const charges = batch.charges.filter((c) => chargeBanks.has(c.bankCode));
  if (charges.length > 0) {
    const links = await rows<{ id: string; status: LinkStatus; statusChangedAt: Date | null; quarantineSuspensionId: string | null }>(tx, sql`
      SELECT id, status::text AS status, status_changed_at AS "statusChangedAt", quarantine_suspension_id AS "quarantineSuspensionId"
      FROM bank_link WHERE id = ANY(${[...new Set(charges.map((c) => c.linkId))]}::varchar[])`);
    // Behind a re-verification gate, a charge is allowed once its holder re-verified before it.
    const verifiedAtOf = new Map<string, Date | null>();
    if (suspensions.some((s) => s.gateVerifiedAfter != null)) {
      const verified = await rows<{ chargeId: string; verifiedAt: Date | null }>(tx, sql`
        SELECT c.id AS "chargeId",
               (SELECT max(v.verified_at) FROM bank_link l JOIN account_verification v ON v.account_id = l.account_id
                 WHERE l.id = c.link_id AND v.passed AND v.verified_at <= c.at) AS "verifiedAt"
        FROM unnest(${charges.map((c) => c.chargeId)}::varchar[], ${charges.map((c) => c.linkId)}::varchar[], ${charges.map((c) => c.occurredAt)}::timestamptz[]) AS c(id, link_id, at)`);
      for (const v of verified) verifiedAtOf.set(v.chargeId, v.verifiedAt);
    }
    violations.push(...findChargeViolations(charges, new Map(links.map((l) => [l.id, l])), suspensions, verifiedAtOf));
  }
  if (violations.length === 0) return;
  await query(tx, sql`
    INSERT INTO policy_violation (bank_code, event_id, kind, suspension_id, detail, occurred_at)
    SELECT * FROM unnest(${violations.map((v) => v.bankCode)}::bpchar[], ${violations.map((v) => v.eventId)}::varchar[],
                         ${violations.map((v) => v.kind)}::varchar[], ${violations.map((v) => v.suspensionId)}::uuid[],
                         ${violations.map((v) => JSON.stringify(v.detail))}::jsonb[], ${violations.map((v) => v.occurredAt)}::timestamptz[])`);
}
