// Applying the rule table (rules.ts) to one account's facts: the context prepared once (windowed
// to `now`, sorted, names compared), every rule evaluated, the points summed and capped. Pure.
import { compareHolderNames, type NameComparison } from "./names.ts";
import { DAY_MS, sum } from "./rule-measures.ts";
import { DEFAULT_FLAG_THRESHOLD, FACTS_WINDOW_DAYS, SCORE_MAX, SCORING_RULES } from "./rules.ts";
import type { AccountFacts, Reason, ScoreResult, ScoringContext, ScoringRule } from "./scoring-types.ts";

function latestEventTime(facts: AccountFacts): Date {
  const ts = [
    facts.account.openedAt.getTime(),
    ...facts.links.map((l) => l.registeredAt.getTime()),
    ...facts.charges.map((c) => c.occurredAt.getTime()),
    ...facts.spends.map((s) => s.occurredAt.getTime()),
  ];
  return new Date(Math.max(...ts));
}

// compareHolderNames (normalising, similarity) was most of the JavaScript cost of scoring a wallet, and
// a wallet is rescored after each batch that touches it with the same names: remember the results.
// Pure function of its two strings, so a remembered result is the result; bounded, emptied when full.
const NAME_COMPARISONS_REMEMBERED_MAX = 50_000;
const nameComparisons = new Map<string, NameComparison>();

/** What compareHolderNames gives for two identical names (normalised equal: similarity 100). */
const IDENTICAL_NAMES: NameComparison = Object.freeze({ relation: "SAME", similarity: 100 });

function compareHolderNamesRemembered(linkHolder: string, walletHolder: string): NameComparison {
  // Most links carry the wallet's own name: no normalising, no key, no lookup.
  if (linkHolder === walletHolder) return IDENTICAL_NAMES;
  const key = `${linkHolder}\u0000${walletHolder}`;
  let c = nameComparisons.get(key);
  if (c === undefined) {
    if (nameComparisons.size >= NAME_COMPARISONS_REMEMBERED_MAX) nameComparisons.clear();
    // frozen, so the one object can be handed to every wallet with these names (no copy per link)
    c = Object.freeze(compareHolderNames(linkHolder, walletHolder));
    nameComparisons.set(key, c);
  }
  return c;
}

/**
 * The events of `xs` within [from, to], sorted by time. The database path hands them over already
 * windowed and in order: then the same array is used, not a copy (no allocation per wallet).
 */
function windowedByTime<T extends { occurredAt: Date }>(xs: readonly T[], from: number, to: number): T[] {
  let prev = -Infinity;
  let inOrder = true;
  for (const x of xs) {
    const t = x.occurredAt.getTime();
    if (t < from || t > to || t < prev) {
      inOrder = false;
      break;
    }
    prev = t;
  }
  if (inOrder) return xs as T[];
  return xs.filter((x) => x.occurredAt.getTime() >= from && x.occurredAt.getTime() <= to).sort(byOccurredAt);
}

function byOccurredAt(a: { occurredAt: Date }, b: { occurredAt: Date }): number {
  return a.occurredAt.getTime() - b.occurredAt.getTime();
}

function byRegisteredAt(a: { registeredAt: Date }, b: { registeredAt: Date }): number {
  return a.registeredAt.getTime() - b.registeredAt.getTime();
}

/** Builds the ScoringContext: windows charges/spends to the FACTS_WINDOW_DAYS before `now`. */
export function prepareContext(facts: AccountFacts, now: Date = latestEventTime(facts)): ScoringContext {
  const to = now.getTime();
  const from = to - FACTS_WINDOW_DAYS * DAY_MS;
  const links = facts.links.length > 1 ? [...facts.links].sort(byRegisteredAt) : [...facts.links];
  const nameComparisons: NameComparison[] = [];
  for (const l of links) nameComparisons.push(compareHolderNamesRemembered(l.holderName, facts.account.holderName));
  return {
    facts,
    now,
    links,
    charges: windowedByTime(facts.charges, from, to),
    spends: windowedByTime(facts.spends, from, to),
    nameComparisons,
  };
}

/**
 * Scores one account. Pure: `now` defaults to the latest event in the facts (not the clock), so the
 * same facts always give the same score; pass the scoring time to window the last 30 days.
 */
export function scoreAccount(
  facts: AccountFacts,
  rules: readonly ScoringRule[] = SCORING_RULES,
  now?: Date,
): ScoreResult {
  const ctx = prepareContext(facts, now);
  const reasons: Reason[] = [];
  for (const rule of rules) {
    const hit = rule.evaluate(ctx, rule);
    if (hit !== null && hit.points > 0) reasons.push({ code: rule.code, points: hit.points, evidence: hit.evidence });
  }
  reasons.sort((a, b) => b.points - a.points); // stable: table order on ties
  const score = Math.min(SCORE_MAX, sum(reasons.map((r) => r.points)));
  return { score, reasons };
}

/** Whether a score is flagged (at or above the threshold). */
export function isFlagged(score: number, threshold: number = DEFAULT_FLAG_THRESHOLD): boolean {
  return score >= threshold;
}
