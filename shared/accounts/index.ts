// Public API of account risk scoring: holder-name comparison and the explainable rule table.
// Server (scoring job, account pages) and client (reason labels) import from here only, so the
// internals of names.ts, rules.ts, scoring.ts and their parts can change without touching callers.
export {
  normalizeHolderName,
  nameSimilarity,
  compareHolderNames,
  surnameOf,
  SAME_NAME_SIMILARITY_MIN,
  FAMILY_PREFIX_MIN,
  type NameRelation,
  type NameComparison,
} from "./names.ts";
export {
  SCORING_RULES,
  DEFAULT_FLAG_THRESHOLD,
  SCORE_MAX,
  CHARGE_LIMIT_PER_CHARGE_YEN,
  CHARGE_LIMIT_MONTHLY_YEN,
  FACTS_WINDOW_DAYS,
} from "./rules.ts";
export { scoreAccount, isFlagged, prepareContext } from "./scoring.ts";
export { formatYen, formatDuration } from "./rule-measures.ts";
export type {
  AuthMethod,
  SpendChannel,
  LinkFact,
  ChargeFact,
  SpendFact,
  AccountFacts,
  ReasonCode,
  Reason,
  ScoreResult,
  ScoringContext,
  RuleHit,
  ScoringRule,
} from "./scoring-types.ts";
