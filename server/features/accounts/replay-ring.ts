// Ring points in memory (the evaluation and the parity test): the pure ring rules (shared/accounts/
// ring.ts) over every wallet of a replay, as the service applies them per chunk over a neighbourhood
// read in SQL (scoring-ring.ts). Same results: test/accounts-scoring.test.ts compares them.
import { DEFAULT_FLAG_THRESHOLD, SCORE_MAX, SCORING_RULES, scoreAccount, type Reason, type ScoreResult } from "../../../shared/accounts/index.ts";
import {
  DEFAULT_LOCKSTEP_PARAMS,
  DEFAULT_RING_PARAMS,
  lockstepRisk,
  ringReasons,
  ringRisk,
  withRingReasons,
  type LockstepHit,
  type LockstepParams,
  type RingParams,
  type RingWallet,
} from "../../../shared/accounts/ring.ts";
import type { LoadedFacts } from "./facts.ts";
import type { FactsReplay } from "./replay.ts";

export interface ReplayRingOptions {
  threshold?: number;
  params?: RingParams;
  /** false: shared things only (no time pattern). */
  lockstep?: boolean;
  lockstepParams?: LockstepParams;
  /** Analysts' labels, when the run has any. */
  labels?: ReadonlyMap<string, "CONFIRMED_FRAUD" | "LEGITIMATE">;
}

/** Every wallet's rule-table result (`own`) with its ring reasons added. */
export function withReplayRing(replay: FactsReplay, own: ReadonlyMap<string, ScoreResult>, facts: ReadonlyMap<string, LoadedFacts>, o: ReplayRingOptions = {}): Map<string, ScoreResult> {
  const threshold = o.threshold ?? DEFAULT_FLAG_THRESHOLD;
  const wallets: RingWallet[] = [...replay.accounts.values()].map((a) => ({
    id: a.id,
    deviceId: a.deviceId,
    ipAddress: a.ipAddress,
    bankAccounts: a.linkIds.flatMap((l) => replay.links.get(l)!.versions.map((v) => `${v.bankCode}-${v.branchCode}-${v.accountNumber}`)),
    flagged: (own.get(a.id)?.score ?? 0) >= threshold,
    confirmed: o.labels?.get(a.id) === "CONFIRMED_FRAUD",
    legitimate: o.labels?.get(a.id) === "LEGITIMATE",
  }));
  const hits = ringRisk(wallets, o.params ?? DEFAULT_RING_PARAMS);
  const steps =
    o.lockstep === false
      ? new Map<string, LockstepHit>()
      : lockstepRisk(
          wallets.map((w) => ({ ...w, links: (facts.get(w.id)?.links ?? []).map((l) => ({ bankCode: l.bankCode, at: l.registeredAt })) })),
          o.lockstepParams ?? DEFAULT_LOCKSTEP_PARAMS,
        );
  const out = new Map(own);
  for (const id of new Set([...hits.keys(), ...steps.keys()])) {
    out.set(id, withRingReasons<Reason>(own.get(id)!, ringReasons(hits.get(id), steps.get(id)), SCORE_MAX));
  }
  return out;
}

/** Scores every wallet of the replay at `now` as the service stores them (rule table + ring). */
export function replayScores(replay: FactsReplay, now: Date, o: ReplayRingOptions = {}): Map<string, ScoreResult> {
  const own = new Map<string, ScoreResult>();
  const facts = new Map<string, LoadedFacts>();
  for (const id of replay.accounts.keys()) {
    const f = replay.factsOf(id, now)!;
    facts.set(id, f);
    own.set(id, scoreAccount(f, SCORING_RULES, now));
  }
  return withReplayRing(replay, own, facts, o);
}
