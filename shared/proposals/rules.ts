// Monitoring proposes, a person decides (#17): the pure rules for when an open spike at a bank makes
// a proposed suspension, which scopes it proposes, its cutoff, whether the bank is already suspended
// for them, and the minutes the timeline shows between spike, proposal and decision. No I/O here:
// the proposals job (server/features/proposals/create.ts) and the review dialog use these.
import type { SuspensionScope } from "../suspensions/schemas.ts";
import type { AuthMethod } from "../events/schemas.ts";
import { suggestCutoff, type AlarmStart, type CutoffBasis } from "../suspensions/suggest.ts";

/** An open spike reaching this severity (its peak z) proposes a suspension. */
export const PROPOSAL_SEVERITY_MIN = 8;
/**
 * At a bank whose link page asks for the PIN only (no second factor: what Japan Post Bank
 * suspended on in 2020) a lower severity is enough: the detector's own burst threshold.
 */
export const PROPOSAL_SEVERITY_MIN_PIN_ONLY = 5;
/** A spike this many times its bank's threshold proposes link changes too, whatever the bank. */
export const PROPOSAL_LINK_CHANGE_FACTOR = 2;

export interface OpenSpikeFacts {
  metric: string;
  severity: number;
  startedAt: Date;
}

export interface ProposalRule {
  /** The spike that crossed the threshold (the most severe of the bank's open ones). */
  trigger: OpenSpikeFacts;
  /** The earliest start among the bank's open spikes: where the incident began. */
  incidentStartedAt: Date;
  threshold: number;
  scopes: SuspensionScope[];
}

export const isPinOnly = (authMethod: AuthMethod | string): boolean => authMethod === "PIN";

export function severityThreshold(authMethod: AuthMethod | string): number {
  return isPinOnly(authMethod) ? PROPOSAL_SEVERITY_MIN_PIN_ONLY : PROPOSAL_SEVERITY_MIN;
}

/**
 * Whether a bank's open spikes propose a suspension, and of what. null: none of them reaches the
 * bank's threshold. The 2020 steps: first new registrations; link changes too when the bank is
 * PIN-only (moving an old link onto a victim's account there is as easy as registering) or when
 * the spike is far over the threshold. Charges on existing links are never proposed: stopping them
 * stops every customer of the bank, a decision a manager takes from the suspend dialog.
 */
export function proposalFor(authMethod: AuthMethod | string, openSpikes: readonly OpenSpikeFacts[]): ProposalRule | null {
  if (openSpikes.length === 0) return null;
  const threshold = severityThreshold(authMethod);
  const trigger = openSpikes.reduce((a, b) => (b.severity > a.severity || (b.severity === a.severity && b.startedAt < a.startedAt) ? b : a));
  if (!(trigger.severity >= threshold)) return null;
  const scopes: SuspensionScope[] = ["REGISTRATION"];
  if (isPinOnly(authMethod) || trigger.severity >= threshold * PROPOSAL_LINK_CHANGE_FACTOR) scopes.push("LINK_CHANGE");
  const incidentStartedAt = new Date(Math.min(...openSpikes.map((s) => s.startedAt.getTime())));
  return { trigger, incidentStartedAt, threshold, scopes };
}

export type ProposalCutoffBasis = CutoffBasis | "SPIKE";

/**
 * The proposal's cutoff: the suspend dialog's suggestion (the earliest start among the bank's
 * alarms, shared/suspensions/suggest.ts); when no alarm has been confirmed yet (a spike opens
 * before the bank-level alarm does), the start of the incident's first open spike, never later
 * than now.
 */
export function proposalCutoff(alarms: readonly AlarmStart[], incidentStartedAt: Date, now: Date): { at: Date; basis: ProposalCutoffBasis } {
  const s = suggestCutoff(alarms, now);
  if (s) return { at: s.at, basis: s.basis };
  return { at: new Date(Math.min(incidentStartedAt.getTime(), now.getTime())), basis: "SPIKE" };
}

export interface SuspensionCover {
  scopes: readonly SuspensionScope[];
  liftedAt?: Date | null;
}

/**
 * The proposed scopes the bank is already suspended for (active or scheduled, not lifted): the
 * review says so instead of offering a duplicate, and offers only the rest.
 */
export function coveredScopes(proposed: readonly SuspensionScope[], suspensions: readonly SuspensionCover[], now: Date): SuspensionScope[] {
  const held = new Set<SuspensionScope>();
  for (const s of suspensions) {
    if (s.liftedAt && s.liftedAt.getTime() <= now.getTime()) continue;
    for (const scope of s.scopes) held.add(scope);
  }
  return proposed.filter((s) => held.has(s));
}

/** Whole minutes from one instant to a later one (rounded down; 0 when the second is earlier). */
export function minutesBetween(from: Date, to: Date): number {
  return Math.max(0, Math.floor((to.getTime() - from.getTime()) / 60_000));
}

/** What the bank timeline says of a proposal's steps: the times and the minutes between them. */
export interface ProposalTimelineFacts {
  proposalId: string;
  spikeStartedAt: Date;
  proposedAt: Date;
  decidedAt: Date | null;
  status: "PENDING" | "CONFIRMED" | "DISMISSED";
  scopes: readonly SuspensionScope[];
  cutoffAt: Date;
  /** From the spike's start to this step (the proposal, or the decision). */
  minutesFromSpike: number;
  /** From the proposal to the decision; null for the proposal itself. */
  minutesFromProposal: number | null;
}

/** The facts of one timeline step: "proposal.create" (the proposal) or a decision. */
export function proposalStepFacts(
  step: "create" | "decision",
  p: { id: string; incidentStartedAt: Date; createdAt: Date; decidedAt: Date | null; status: ProposalTimelineFacts["status"]; scopes: readonly SuspensionScope[]; cutoffAt: Date },
): ProposalTimelineFacts {
  const at = step === "create" ? p.createdAt : (p.decidedAt ?? p.createdAt);
  return {
    proposalId: p.id,
    spikeStartedAt: p.incidentStartedAt,
    proposedAt: p.createdAt,
    decidedAt: p.decidedAt,
    status: p.status,
    scopes: p.scopes,
    cutoffAt: p.cutoffAt,
    minutesFromSpike: minutesBetween(p.incidentStartedAt, at),
    minutesFromProposal: step === "create" ? null : minutesBetween(p.createdAt, at),
  };
}

/** The English detail of a step (the Markdown incident report; the console words it from the facts). */
export function proposalStepDetail(f: ProposalTimelineFacts, reason: string | null, formatTime: (at: Date) => string): string {
  const since = `${f.minutesFromSpike} min after the spike began (${formatTime(f.spikeStartedAt)})`;
  if (f.minutesFromProposal === null) {
    const scopes = f.scopes.map((s) => (s === "REGISTRATION" ? "new registrations" : s === "LINK_CHANGE" ? "link changes" : "charges")).join(" and ");
    return `Proposed: suspend ${scopes} from cutoff ${formatTime(f.cutoffAt)}; ${since}`;
  }
  return `${reason ? `${reason}; ` : ""}${f.minutesFromProposal} min after the proposal, ${since}`;
}
