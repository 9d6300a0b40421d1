// The shapes of account risk scoring (pure, no I/O): the facts the server computes per wallet
// account, the context the rules read, a rule and what it gives (see rules.ts for the table).
import type { NameComparison } from "./names.ts";
import type { AuthMethod, SpendChannel } from "../events/schemas.ts";

// How a bank link was registered and where money went: the events feed's lists (shared/events/schemas.ts).
export type { AuthMethod, SpendChannel };

export interface LinkFact {
  bankCode: string;
  /** Holder name as the bank reported it (any width; compared after normalising). */
  holderName: string;
  registeredAt: Date;
  /** What the bank's debit-acceptance page asked for; "PIN" = account number + name + PIN only. */
  authMethod: AuthMethod;
  /** The bank had an open link/charge spike when this link was registered. */
  bankWasSpikingAtRegistration: boolean;
}

export interface ChargeFact {
  amountYen: number;
  occurredAt: Date;
}

export interface SpendFact {
  amountYen: number;
  occurredAt: Date;
  channel: SpendChannel;
}

/**
 * Everything the scorer needs about one wallet account: flat, and cheap to compute per account with
 * set-based SQL. Counts that say "wallets sharing X" INCLUDE this wallet (1 = not shared, 0 = unknown).
 */
export interface AccountFacts {
  account: {
    openedAt: Date;
    holderName: string;
    carrierCustomer: boolean;
    identityVerified: boolean;
  };
  /** Every bank account this wallet has linked (current links and earlier versions of changed ones). */
  links: LinkFact[];
  /** How many times the wallet replaced its linked bank account (lifetime). */
  linkChangeCount: number;
  /** Most distinct bank accounts this wallet linked within any 24-hour window. */
  distinctBankAccountsLinkedWithin24h: number;
  /** For the bank account linked to the most wallets: how many wallets (incl. this one). */
  maxWalletsSharingBankAccount: number;
  /** Wallets (incl. this one) opened or used from this wallet's device. */
  walletsSharingDevice: number;
  /** Wallets (incl. this one) seen from this wallet's IP address. */
  walletsSharingIp: number;
  /** Charges of the last FACTS_WINDOW_DAYS days (at most a few hundred), any order. */
  charges: ChargeFact[];
  /** Spends of the last FACTS_WINDOW_DAYS days, any order. */
  spends: SpendFact[];
}

export type ReasonCode =
  | "LINK_SOON_AFTER_OPEN"
  | "CHARGE_SOON_AFTER_LINK"
  | "NAME_MISMATCH"
  | "NAME_FAMILY"
  | "MANY_BANK_ACCOUNTS"
  | "SHARED_BANK_ACCOUNT"
  | "SHARED_DEVICE"
  | "SHARED_IP"
  | "UNVERIFIED_NON_CARRIER"
  | "NEAR_LIMIT_CHARGES"
  | "RAPID_EQUAL_CHARGES"
  | "RAPID_CASH_OUT"
  | "LINKED_DURING_SPIKE"
  | "PIN_ONLY_LINK"
  // ring points (shared/accounts/ring.ts), added after the rule table
  | "RING"
  | "LOCKSTEP";

/** One reason in a score: the shape stored in wallet_account.risk_reasons. */
export interface Reason {
  code: ReasonCode;
  points: number;
  evidence: string;
}

export interface ScoreResult {
  /** 0..SCORE_MAX */
  score: number;
  /** Rules that fired, highest points first (rule-table order on ties). */
  reasons: Reason[];
}

/** Facts prepared once per scoring: windowed to `now`, sorted by time. */
export interface ScoringContext {
  facts: AccountFacts;
  now: Date;
  /** Links sorted by registeredAt. */
  links: LinkFact[];
  /** Charges within [now − FACTS_WINDOW_DAYS, now], sorted by occurredAt. */
  charges: ChargeFact[];
  /** Spends within [now − FACTS_WINDOW_DAYS, now], sorted by occurredAt. */
  spends: SpendFact[];
  /** Each link compared with the wallet holder, in `links` order. */
  nameComparisons: NameComparison[];
}

export interface RuleHit {
  points: number;
  evidence: string;
}

export interface ScoringRule {
  code: ReasonCode;
  title: string;
  description: string;
  /** Points when the rule fires (for graded rules: the most it can give). */
  points: number;
  /** Thresholds and secondary weights, named with their units. */
  params: Readonly<Record<string, number>>;
  /** Pure; receives the rule itself so a caller can pass tuned copies of SCORING_RULES. */
  evaluate(ctx: ScoringContext, rule: ScoringRule): RuleHit | null;
}
