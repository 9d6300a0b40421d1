// Public API of account risk scoring: holder-name comparison and the explainable rule table.
// Server (scoring job, account pages) and client (reason labels) import from here only, so the
// internals of names.ts/rules.ts can change without touching callers.
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
  scoreAccount,
  isFlagged,
  prepareContext,
  formatYen,
  formatDuration,
  type AuthMethod,
  type SpendChannel,
  type LinkFact,
  type ChargeFact,
  type SpendFact,
  type AccountFacts,
  type ReasonCode,
  type Reason,
  type ScoreResult,
  type ScoringContext,
  type RuleHit,
  type ScoringRule,
} from "./rules.ts";
