// Graduated response (#17): a bank's charge limits and step-up verification, the pure rules. The
// decision API (server/features/suspensions/decide.ts) reads the policy, the link's charges in its
// windows and the holder's newest verification in its one SELECT and calls these; the limits
// dialog's preview replays the last 24 hours through the same functions.
//
// Precedence (decideCharge): every deny of the suspension rules first, then a limit exceeded (deny),
// then step-up verification (challenge), then allow: deny > challenge > allow.
import { JST_OFFSET_MS } from "../jst.ts";
import type { LinkTiming } from "./rules.ts";

/** The 2020 limits (per charge ¥100,000, per month ¥300,000): the dialog offers them. */
export const LIMITS_2020 = { perChargeYen: 100_000, perDayYen: null, perMonthYen: 300_000 } as const;

/** A passed verification satisfies step-up for this long (the platform verifies, then asks again). */
export const STEP_UP_FRESH_MINUTES = 10;

export type StepUpScope = "NONE" | "AFTER_CUTOFF" | "ALL";
export type LimitKind = "PER_CHARGE" | "DAY" | "MONTH";

export interface ChargePolicy {
  perChargeYen: number | null;
  perDayYen: number | null;
  perMonthYen: number | null;
  stepUp: StepUpScope;
  /** For AFTER_CUTOFF: links linked (registered or changed) at or after it must verify. */
  stepUpCutoffAt: Date | null;
  /** When step-up was required; a verification before it does not count. */
  stepUpSince: Date | null;
}

/** What the link charged so far in the JST calendar day and month of the decision. */
export interface ChargeUsage {
  dayYen: number;
  monthYen: number;
}

export interface AppliedLimit {
  kind: LimitKind;
  limitYen: number;
  usedYen: number;
  /** The most this link may charge now under this limit (never negative). */
  availableYen: number;
}

const DAY_MS = 86_400_000;

/** Start of the JST calendar day holding `at` (a UTC instant). SQL twin: jstDayStartSql (server/db/rules-sql.ts). */
export function jstDayStart(at: Date): Date {
  const local = at.getTime() + JST_OFFSET_MS;
  return new Date(Math.floor(local / DAY_MS) * DAY_MS - JST_OFFSET_MS);
}

/** Start of the JST calendar month holding `at`. SQL twin: jstMonthStartSql. */
export function jstMonthStart(at: Date): Date {
  const local = new Date(at.getTime() + JST_OFFSET_MS);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), 1) - JST_OFFSET_MS);
}

export function hasLimits(p: Pick<ChargePolicy, "perChargeYen" | "perDayYen" | "perMonthYen">): boolean {
  return p.perChargeYen != null || p.perDayYen != null || p.perMonthYen != null;
}

/**
 * The limit that binds: of the limits set, the one with the least yen available (ties: per charge,
 * then day, then month). null when the policy sets none.
 */
export function bindingLimit(policy: Pick<ChargePolicy, "perChargeYen" | "perDayYen" | "perMonthYen">, usage: ChargeUsage): AppliedLimit | null {
  const limits: AppliedLimit[] = [];
  const add = (kind: LimitKind, limitYen: number | null, usedYen: number) => {
    if (limitYen != null) limits.push({ kind, limitYen, usedYen, availableYen: Math.max(0, limitYen - usedYen) });
  };
  add("PER_CHARGE", policy.perChargeYen, 0);
  add("DAY", policy.perDayYen, usage.dayYen);
  add("MONTH", policy.perMonthYen, usage.monthYen);
  let best: AppliedLimit | null = null;
  for (const l of limits) if (!best || l.availableYen < best.availableYen) best = l;
  return best;
}

export const LIMIT_REASON = {
  PER_CHARGE: "CHARGE_LIMIT_PER_CHARGE",
  DAY: "CHARGE_LIMIT_DAY",
  MONTH: "CHARGE_LIMIT_MONTH",
} as const satisfies Record<LimitKind, string>;

/** Must this link verify before it charges? (The cutoff is inclusive, as for quarantine.) */
export function stepUpApplies(policy: Pick<ChargePolicy, "stepUp" | "stepUpCutoffAt">, link: LinkTiming): boolean {
  if (policy.stepUp === "ALL") return true;
  if (policy.stepUp !== "AFTER_CUTOFF" || !policy.stepUpCutoffAt) return false;
  return (link.changedAt ?? link.registeredAt).getTime() >= policy.stepUpCutoffAt.getTime();
}

/**
 * Does the holder's newest passed verification satisfy step-up at `at`? It must be at or after the
 * requirement began and at most STEP_UP_FRESH_MINUTES old (and not in the future).
 */
export function stepUpSatisfied(policy: Pick<ChargePolicy, "stepUpSince">, verifiedAt: Date | null, at: Date): boolean {
  if (!verifiedAt) return false;
  const v = verifiedAt.getTime();
  const since = policy.stepUpSince?.getTime() ?? -Infinity;
  return v >= since && v <= at.getTime() && at.getTime() - v <= STEP_UP_FRESH_MINUTES * 60_000;
}

export type PolicyOutcome =
  | { decision: "allow"; limit: AppliedLimit | null }
  | { decision: "deny"; reason: (typeof LIMIT_REASON)[LimitKind]; limit: AppliedLimit }
  | { decision: "challenge"; reason: "STEP_UP_REQUIRED"; limit: AppliedLimit | null };

export interface PolicyInput {
  policy: ChargePolicy | null;
  usage: ChargeUsage;
  amountYen: number;
  link: LinkTiming;
  /** The holder's newest passed verification, if any. */
  verifiedAt: Date | null;
  at: Date;
}

/** The policy's answer for a charge the suspension rules allow: deny > challenge > allow. */
export function applyChargePolicy({ policy, usage, amountYen, link, verifiedAt, at }: PolicyInput): PolicyOutcome {
  if (!policy) return { decision: "allow", limit: null };
  const limit = bindingLimit(policy, usage);
  if (limit && amountYen > limit.availableYen) return { decision: "deny", reason: LIMIT_REASON[limit.kind], limit };
  if (stepUpApplies(policy, link) && !stepUpSatisfied(policy, verifiedAt, at)) {
    return { decision: "challenge", reason: "STEP_UP_REQUIRED", limit };
  }
  return { decision: "allow", limit };
}
