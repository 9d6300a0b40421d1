// The bank alarm's parameters, inputs and outputs (see alarm.ts for what it does with them).

export interface BankAlarmParams {
  /** Window lengths, in 5-minute buckets, each ending at the bucket evaluated. */
  readonly windows: readonly number[];
  /** Per-bucket floor of the expected link count (a bank with no history still has some chance of a link). */
  readonly linkFloor: number;
  /** Expected link counts are multiplied by this (the baseline is an estimate from a few weeks). */
  readonly linkInflation: number;
  readonly strongP: number;
  readonly strongMinExcess: number;
  readonly supportedP: number;
  readonly supportedYenPerLink: number;
  readonly supportedMinYen: number;
  /** ... and the yen excess is at least this many spreads of honest yen (compound Poisson: spread² = expected yen × yenUnit). */
  readonly supportedYenZ: number;
  /** Typical honest charge, yen, for that spread. */
  readonly yenUnit: number;
  readonly closeP: number;
  readonly closeQuietBuckets: number;
  readonly typicalYenPerFraudLink: number;
  /** Share of honest new links assumed to be charged ≥ FRESH_LINK.yen within FRESH_LINK.minutes of linking (an assumption: the demo's honest customers never do). */
  readonly freshHeavyShare: number;
  /** Tail probability at which fresh heavily charged links alone alarm. */
  readonly freshP: number;
  /** The platform's share (freshShare, suspectShare) is multiplied by this: it is an estimate over banks that differ. */
  readonly freshShareFactor: number;
  /** Share of honest new links assumed to be suspect links (SUSPECT_LINK: another person's account, linked minutes after opening an unverified wallet). */
  readonly suspectShare: number;
  /** Tail probability at which suspect links alone alarm (0: never)... */
  readonly suspectP: number;
  /** ... and at a bank whose link page asks only for a PIN (BankMeasures.pinOnlyLinkPage), where anyone who has a customer's name, account number and PIN can link their account. */
  readonly suspectPinOnlyP: number;
}

export const DEFAULT_BANK_ALARM_PARAMS: BankAlarmParams = Object.freeze({
  windows: Object.freeze([1, 2, 3, 6, 12]),
  linkFloor: 0.01,
  linkInflation: 1.3,
  strongP: 0,
  strongMinExcess: 10,
  supportedP: 1e-4,
  supportedYenPerLink: 120_000,
  supportedMinYen: 150_000,
  supportedYenZ: 5,
  yenUnit: 30_000,
  closeP: 0.01,
  closeQuietBuckets: 12,
  typicalYenPerFraudLink: 200_000,
  freshHeavyShare: 0.002,
  freshP: 0.01,
  freshShareFactor: 3,
  suspectShare: 0.002,
  suspectP: 1e-5,
  suspectPinOnlyP: 0.01,
});

/** One bank's 5-minute measures, aligned: index i is the bucket at start + i·5 min. NaN = unknown. */
export interface BankMeasures {
  bankCode: string;
  start: Date;
  links: ArrayLike<number>;
  linksExpected: ArrayLike<number>;
  yen: ArrayLike<number>;
  yenExpected: ArrayLike<number>;
  /** Links that became fresh and heavily charged (isFreshHeavy), by the bucket they became it in (absent: none known). */
  freshHeavy?: ArrayLike<number>;
  /** The platform's share of new links charged heavily at once, per bucket (platformFreshShare; absent: only the assumed share). */
  freshShare?: ArrayLike<number>;
  /** Suspect links (isSuspectLink), by the bucket they were made in (absent: none known). */
  suspect?: ArrayLike<number>;
  /** The platform's share of suspect links among new links, per bucket (platformSuspectShare; absent: only the assumed share). */
  suspectShare?: ArrayLike<number>;
  /** The bank's link page asks only for account number, holder name and PIN (AuthMethod PIN). */
  pinOnlyLinkPage?: boolean;
}

/** What raised an alarm (the client words each; keep client/i18n/{en,ja}/alarms.ts in step). */
export type AlarmEvidence = "FRESH_LINKS_CHARGED" | "SUSPECT_LINKS" | "STRONG_LINKS" | "LINKS_AND_YEN";
export const ALARM_EVIDENCE = ["FRESH_LINKS_CHARGED", "SUSPECT_LINKS", "STRONG_LINKS", "LINKS_AND_YEN"] as const satisfies readonly AlarmEvidence[];

/** A measure the alarm compares with its expected level. */
export type AlarmMeasure = "FRESH_HEAVY_LINKS" | "SUSPECT_LINKS" | "NEW_LINKS" | "CHARGED_YEN";
export const ALARM_MEASURES = ["FRESH_HEAVY_LINKS", "SUSPECT_LINKS", "NEW_LINKS", "CHARGED_YEN"] as const satisfies readonly AlarmMeasure[];

/**
 * One reason behind an alarm, as figures (the client words it in the reader's language): over the
 * last `windowMinutes`, `observed` against the `expected` honest level, `factor` = observed / expected
 * (null when nothing was expected).
 * Counts for the link measures, yen for CHARGED_YEN.
 */
export interface AlarmReason {
  measure: AlarmMeasure;
  windowMinutes: number;
  observed: number;
  expected: number;
  factor: number | null;
}

export interface BankAlarm {
  bankCode: string;
  /** Start of the longest window that carried the evidence when the alarm fired. */
  startedAt: Date;
  /** End of the bucket in which the alarm fired: when an operator could first know. */
  confirmedAt: Date;
  /** What raised it. */
  evidence: AlarmEvidence;
  /** The figures behind it, one per measure that fired, the latest seen while open (a later measure joins the list). */
  reasons: AlarmReason[];
  /** Estimated excess harm, yen per hour (highest so far). */
  impactYenPerHour: number;
  /** Start of the latest bucket that still showed link evidence. */
  lastSeenAt: Date;
  /** End of the last bucket with evidence, once closed; null while open. */
  endedAt: Date | null;
}

export interface BankAlarmState {
  open: BankAlarm | null;
  quiet: number;
}

export const INITIAL_BANK_ALARM_STATE: BankAlarmState = Object.freeze({ open: null, quiet: 0 });
