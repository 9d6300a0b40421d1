import type { DecisionResponse, SuspensionScope } from "./schemas.ts";
import { checkEndTimes, END_TIMES_MESSAGES, type EndTimesProblem } from "./ending.ts";
import { applyChargePolicy, type ChargePolicy, type ChargeUsage } from "./charge-policy.ts";

export type LinkStatus = "ACTIVE" | "QUARANTINED" | "REVOKED";
export type AccountStatus = "ACTIVE" | "FROZEN";

/** Structurally compatible with the Prisma `Suspension` row. */
export interface SuspensionLike {
  id: string;
  bankCode: string;
  scopes: readonly SuspensionScope[];
  startsAt: Date;
  cutoffAt: Date;
  quarantine: boolean;
  liftedAt?: Date | null;
  /**
   * A charge suspension's re-verification gate (#17): grandfathered links whose holder passed a
   * verification at or after this instant may charge again. Absent or null: no gate.
   */
  gateVerifiedAfter?: Date | null;
}

/** The timing facts about a link that grandfathering depends on. */
export interface LinkTiming {
  /** When given, a suspension at another bank never grandfathers or quarantines the link. */
  bankCode?: string;
  registeredAt: Date;
  /**
   * Last link change. The link has pointed at its current bank account only since then, so a
   * change inside the attack window is treated like a new registration there (otherwise an
   * attacker could change an old link to a victim's account and keep it grandfathered).
   */
  changedAt?: Date | null;
}

export interface LinkForDecision extends LinkTiming {
  bankCode: string;
  status: LinkStatus;
  /** Suspension that set status QUARANTINED, reported back in the decision. */
  quarantineSuspensionId?: string | null;
  /**
   * For an ACTIVE link: when its status last changed, i.e. when an analyst released it from
   * quarantine. A release covers the suspensions that had started by then, so a computed
   * quarantine does not re-quarantine a link an analyst already cleared.
   */
  statusChangedAt?: Date | null;
}

export type DecisionResult = DecisionResponse;

const allow = (): DecisionResult => ({ decision: "allow", reason: "ALLOWED" });
const deny = (reason: DecisionResult["reason"], suspensionId?: string | null): DecisionResult =>
  suspensionId ? { decision: "deny", reason, suspensionId } : { decision: "deny", reason };

export type SuspensionState = "ACTIVE" | "SCHEDULED" | "LIFTED";

/**
 * A suspension's state at `at`: LIFTED once its lift has happened, SCHEDULED before it starts,
 * ACTIVE in between. SQL twin: suspensionStateSql (server/db/rules-sql.ts); parity test:
 * test/rules-parity.test.ts.
 */
export function suspensionState(s: Pick<SuspensionLike, "startsAt" | "liftedAt">, at: Date): SuspensionState {
  const t = at.getTime();
  if (s.liftedAt != null && s.liftedAt.getTime() <= t) return "LIFTED";
  if (s.startsAt.getTime() > t) return "SCHEDULED";
  return "ACTIVE";
}

/** Active at `at` iff startsAt <= at and (not lifted or at < liftedAt). */
export function isSuspensionActive(s: Pick<SuspensionLike, "startsAt" | "liftedAt">, at: Date): boolean {
  return suspensionState(s, at) === "ACTIVE";
}

/**
 * The suspension covering this bank and scope at `at`, if any. There should be at most one
 * (planSuspensions enforces it); if data ever holds two, the earliest-started one is returned
 * so the answer is deterministic.
 */
export function activeSuspensionFor<S extends SuspensionLike>(
  suspensions: readonly S[],
  bankCode: string,
  scope: SuspensionScope,
  at: Date,
): S | undefined {
  let found: S | undefined;
  for (const s of suspensions) {
    if (s.bankCode !== bankCode || !s.scopes.includes(scope) || !isSuspensionActive(s, at)) continue;
    if (!found || s.startsAt.getTime() < found.startsAt.getTime()) found = s;
  }
  return found;
}

/** When the link started pointing at its current bank account. */
function linkedSinceMs(link: LinkTiming): number {
  return (link.changedAt ?? link.registeredAt).getTime();
}

function sameBank(link: LinkTiming, s: Pick<SuspensionLike, "bankCode">): boolean {
  return link.bankCode === undefined || link.bankCode === s.bankCode;
}

/** Linked before the cutoff (strictly): keeps working while registrations are suspended. */
export function isGrandfathered(link: LinkTiming, suspension: Pick<SuspensionLike, "bankCode" | "cutoffAt">): boolean {
  return sameBank(link, suspension) && linkedSinceMs(link) < suspension.cutoffAt.getTime();
}

/**
 * Would this suspension quarantine the link? The cutoff is inclusive here: managers set cutoffAt
 * to the first fraudulent link's registration time, so that link must be quarantined too.
 * Links registered after a lift are not caught by the lifted suspension.
 */
export function shouldQuarantine(
  link: LinkTiming,
  suspension: Pick<SuspensionLike, "bankCode" | "cutoffAt" | "quarantine" | "liftedAt">,
): boolean {
  if (!suspension.quarantine || !sameBank(link, suspension)) return false;
  const since = linkedSinceMs(link);
  return (
    since >= suspension.cutoffAt.getTime() && (suspension.liftedAt == null || since < suspension.liftedAt.getTime())
  );
}

/**
 * The suspension that quarantines this link at `at`, computed from the rules rather than the
 * status column, so a link is refused even before a background job has marked it QUARANTINED.
 * Lifted suspensions still count: lifting does not release quarantined links (each one needs
 * an analyst's review). A link released by an analyst after the suspension started is clear.
 */
export function quarantiningSuspension<S extends SuspensionLike>(
  link: LinkForDecision,
  suspensions: readonly S[],
  at: Date,
): S | undefined {
  let found: S | undefined;
  for (const s of suspensions) {
    if (!quarantinesLink(link, s, at)) continue;
    if (!found || s.startsAt.getTime() < found.startsAt.getTime()) found = s;
  }
  return found;
}

/**
 * Does this one suspension quarantine the link at `at` (see quarantiningSuspension)? SQL twin:
 * quarantineMatchSql (server/db/rules-sql.ts), which the quarantining UPDATEs use; parity test:
 * test/rules-parity.test.ts.
 */
export function quarantinesLink(
  link: Pick<LinkForDecision, "bankCode" | "registeredAt" | "changedAt" | "status" | "statusChangedAt">,
  s: Pick<SuspensionLike, "bankCode" | "startsAt" | "cutoffAt" | "quarantine" | "liftedAt">,
  at: Date,
): boolean {
  if (link.status === "REVOKED") return false;
  if (s.startsAt.getTime() > at.getTime()) return false; // scheduled: not in force yet
  if (s.liftedAt != null && s.liftedAt.getTime() <= s.startsAt.getTime()) return false; // cancelled before it started: never in force
  if (!shouldQuarantine(link, s)) return false;
  // An ACTIVE link whose status changed after the suspension started was released by an analyst.
  const releasedAtMs = link.status === "ACTIVE" && link.statusChangedAt ? link.statusChangedAt.getTime() : null;
  return releasedAtMs === null || releasedAtMs < s.startsAt.getTime();
}

export interface DecideLinkRegistrationInput {
  bankCode: string;
  /** null: the wallet account does not exist. */
  account: { status: AccountStatus } | null;
  suspensions: readonly SuspensionLike[];
  at: Date;
}

export function decideLinkRegistration({ bankCode, account, suspensions, at }: DecideLinkRegistrationInput): DecisionResult {
  if (!account) return deny("UNKNOWN_ACCOUNT");
  if (account.status === "FROZEN") return deny("ACCOUNT_FROZEN");
  const s = activeSuspensionFor(suspensions, bankCode, "REGISTRATION", at);
  if (s) return deny("BANK_REGISTRATION_SUSPENDED", s.id);
  return allow();
}

export interface DecideLinkChangeInput {
  /** null: the link does not exist. */
  link: LinkForDecision | null;
  newBankCode: string;
  account: { status: AccountStatus } | null;
  suspensions: readonly SuspensionLike[];
  at: Date;
}

export function decideLinkChange({ link, newBankCode, account, suspensions, at }: DecideLinkChangeInput): DecisionResult {
  if (!link) return deny("UNKNOWN_LINK");
  if (!account) return deny("UNKNOWN_ACCOUNT");
  if (account.status === "FROZEN") return deny("ACCOUNT_FROZEN");
  if (link.status === "REVOKED") return deny("LINK_REVOKED");
  // A quarantined link must not escape review by pointing itself at another account.
  if (link.status === "QUARANTINED") return deny("LINK_QUARANTINED", link.quarantineSuspensionId);
  const computed = quarantiningSuspension(link, suspensions, at);
  if (computed) return deny("LINK_QUARANTINED", computed.id);
  const fromOld = activeSuspensionFor(suspensions, link.bankCode, "LINK_CHANGE", at);
  if (fromOld) return deny("BANK_LINK_CHANGE_SUSPENDED", fromOld.id);
  const toNew = activeSuspensionFor(suspensions, newBankCode, "LINK_CHANGE", at);
  if (toNew) return deny("BANK_LINK_CHANGE_SUSPENDED", toNew.id);
  // Changing to an account at a bank is a new link at that bank; without this a change would be a
  // way around a registration-only suspension.
  const registrationAtNew = activeSuspensionFor(suspensions, newBankCode, "REGISTRATION", at);
  if (registrationAtNew) return deny("BANK_REGISTRATION_SUSPENDED", registrationAtNew.id);
  return allow();
}

export interface DecideChargeInput {
  link: LinkForDecision | null;
  account: { status: AccountStatus } | null;
  suspensions: readonly SuspensionLike[];
  at: Date;
  /** The bank's limits and step-up (charge-policy.ts); omitted: none. */
  policy?: ChargePolicy | null;
  usage?: ChargeUsage;
  amountYen?: number;
  /** The holder's newest passed verification (step-up and the re-verification gate). */
  verifiedAt?: Date | null;
}

/**
 * Precedence: frozen account, revoked link, quarantined link, bank charges suspended (a grandfathered
 * link behind a re-verification gate: REVERIFICATION_REQUIRED until its holder re-verified), a limit
 * exceeded (deny), step-up required (challenge), allowed: deny > challenge > allow.
 */
export function decideCharge(input: DecideChargeInput): DecisionResult {
  const denied = decideChargeBySuspensions(input);
  if (denied.decision === "deny" || !input.link || !input.policy) return denied;
  const p = applyChargePolicy({
    policy: input.policy,
    usage: input.usage ?? { dayYen: 0, monthYen: 0 },
    amountYen: input.amountYen ?? 0,
    link: input.link,
    verifiedAt: input.verifiedAt ?? null,
    at: input.at,
  });
  const limit = p.limit ? { limit: p.limit } : {};
  if (p.decision === "allow") return { decision: "allow", reason: "ALLOWED", ...limit };
  return { decision: p.decision, reason: p.reason, ...limit };
}

function decideChargeBySuspensions({ link, account, suspensions, at, verifiedAt }: DecideChargeInput): DecisionResult {
  if (!link) return deny("UNKNOWN_LINK");
  if (!account) return deny("UNKNOWN_ACCOUNT");
  if (account.status === "FROZEN") return deny("ACCOUNT_FROZEN");
  if (link.status === "REVOKED") return deny("LINK_REVOKED");
  if (link.status === "QUARANTINED") return deny("LINK_QUARANTINED", link.quarantineSuspensionId);
  const computed = quarantiningSuspension(link, suspensions, at);
  if (computed) return deny("LINK_QUARANTINED", computed.id);
  const charges = activeSuspensionFor(suspensions, link.bankCode, "CHARGE", at);
  if (charges) {
    const gate = reverificationGate(link, charges, verifiedAt ?? null, at);
    if (gate === "WAITING") return deny("REVERIFICATION_REQUIRED", charges.id);
    if (gate !== "REVERIFIED") return deny("BANK_CHARGES_SUSPENDED", charges.id);
  }
  return allow();
}

export type GateState = "NO_GATE" | "NOT_GRANDFATHERED" | "WAITING" | "REVERIFIED";

/**
 * A link under a charge suspension with a re-verification gate: only grandfathered links (linked
 * before the cutoff) pass the gate, once their holder's newest passed verification is at or after
 * the gate's instant (and not later than `at`).
 */
export function reverificationGate(
  link: LinkTiming,
  s: Pick<SuspensionLike, "bankCode" | "cutoffAt" | "gateVerifiedAfter">,
  verifiedAt: Date | null,
  at: Date,
): GateState {
  if (s.gateVerifiedAfter == null) return "NO_GATE";
  if (!isGrandfathered(link, s)) return "NOT_GRANDFATHERED";
  const ok = verifiedAt != null && verifiedAt.getTime() >= s.gateVerifiedAfter.getTime() && verifiedAt.getTime() <= at.getTime();
  return ok ? "REVERIFIED" : "WAITING";
}

// --- Preview -----------------------------------------------------------------------------------

export interface ImpactLink extends LinkTiming {
  /** Flagged as anomalous by analysis. */
  flagged: boolean;
}

export interface ImpactSummary {
  totalLinks: number;
  grandfathered: number;
  flaggedGrandfathered: number;
  toQuarantine: number;
  flaggedToQuarantine: number;
  /** Linked at/after the cutoff but quarantine is off: these keep charging. */
  afterCutoffNotQuarantined: number;
  flaggedAfterCutoffNotQuarantined: number;
}

/** Preview of a proposed suspension on the links of one bank (callers pass that bank's links). */
export function impactSummary(
  links: readonly ImpactLink[],
  proposal: { cutoffAt: Date; quarantine: boolean },
): ImpactSummary {
  const summary: ImpactSummary = {
    totalLinks: links.length,
    grandfathered: 0,
    flaggedGrandfathered: 0,
    toQuarantine: 0,
    flaggedToQuarantine: 0,
    afterCutoffNotQuarantined: 0,
    flaggedAfterCutoffNotQuarantined: 0,
  };
  for (const link of links) {
    // Bank is deliberately ignored: the preview is per bank and callers pre-filter.
    const timing: LinkTiming = { registeredAt: link.registeredAt, changedAt: link.changedAt };
    const flagged = link.flagged ? 1 : 0;
    if (isGrandfathered(timing, { bankCode: "", cutoffAt: proposal.cutoffAt })) {
      summary.grandfathered++;
      summary.flaggedGrandfathered += flagged;
    } else if (proposal.quarantine) {
      summary.toQuarantine++;
      summary.flaggedToQuarantine += flagged;
    } else {
      summary.afterCutoffNotQuarantined++;
      summary.flaggedAfterCutoffNotQuarantined += flagged;
    }
  }
  return summary;
}

// --- Planning ----------------------------------------------------------------------------------

export interface PlanInput {
  bankCodes: readonly string[];
  scopes: readonly SuspensionScope[];
  startsAt?: Date;
  cutoffAt?: Date;
  quarantine?: boolean;
  /** #17: when it ends by itself, and when managers should review it (shared/suspensions/ending.ts). */
  endsAt?: Date | null;
  reviewAt?: Date | null;
  reason: string;
}

export interface PlannedSuspension {
  bankCode: string;
  scopes: SuspensionScope[];
  startsAt: Date;
  cutoffAt: Date;
  quarantine: boolean;
  endsAt: Date | null;
  reviewAt: Date | null;
  reason: string;
}

export interface SuspensionConflict {
  bankCode: string;
  scope: SuspensionScope;
  suspensionId: string;
}

export type PlanResult =
  | { ok: true; records: PlannedSuspension[] }
  | { ok: false; code: "SUSPENSION_CONFLICT"; conflicts: SuspensionConflict[] }
  | { ok: false; code: "CUTOFF_AFTER_START"; field: "cutoffAt"; message: string }
  | { ok: false; code: EndTimesProblem; field: "endsAt" | "reviewAt"; message: string };

/**
 * Resolves defaults and checks "at most one active suspension per bank and scope".
 * `existing` may hold any suspensions; every one not lifted before the new start counts, including
 * scheduled ones, because suspensions are open-ended and would overlap once both are in force.
 */
export function planSuspensions(input: PlanInput, existing: readonly SuspensionLike[], now: Date): PlanResult {
  // A suspension cannot take effect retroactively (decisions already given stand); reaching back
  // in time is what cutoffAt is for, so a past startsAt is treated as now.
  const startsAt = new Date(Math.max((input.startsAt ?? now).getTime(), now.getTime()));
  const cutoffAt = input.cutoffAt ?? startsAt;
  if (cutoffAt.getTime() > startsAt.getTime()) {
    return { ok: false, code: "CUTOFF_AFTER_START", field: "cutoffAt", message: "cutoffAt must not be later than startsAt" };
  }
  const timesProblem = checkEndTimes(startsAt, input.endsAt, input.reviewAt, now);
  if (timesProblem) {
    return { ok: false, code: timesProblem, field: timesProblem === "REVIEW_IN_PAST" ? "reviewAt" : "endsAt", message: END_TIMES_MESSAGES[timesProblem] };
  }
  // A cutoff before the start means the manager is reaching back to the attack's start: links in
  // that window are suspect, so quarantine them unless the manager says otherwise.
  const quarantine = input.quarantine ?? cutoffAt.getTime() < startsAt.getTime();
  const scopes = [...new Set(input.scopes)];

  const conflicts: SuspensionConflict[] = [];
  for (const bankCode of input.bankCodes) {
    for (const scope of scopes) {
      for (const s of existing) {
        if (s.bankCode !== bankCode || !s.scopes.includes(scope)) continue;
        if (s.liftedAt != null && s.liftedAt.getTime() <= startsAt.getTime()) continue;
        conflicts.push({ bankCode, scope, suspensionId: s.id });
      }
    }
  }
  if (conflicts.length > 0) return { ok: false, code: "SUSPENSION_CONFLICT", conflicts };

  return {
    ok: true,
    records: input.bankCodes.map((bankCode) => ({
      bankCode,
      scopes: [...scopes],
      startsAt: new Date(startsAt),
      cutoffAt: new Date(cutoffAt),
      quarantine,
      endsAt: input.endsAt ? new Date(input.endsAt) : null,
      reviewAt: input.reviewAt ? new Date(input.reviewAt) : null,
      reason: input.reason,
    })),
  };
}
