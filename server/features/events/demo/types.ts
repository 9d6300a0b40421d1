// The demo generator's public shapes: its options (banks, attacks, the honest calendar), the labels
// it writes beside the stream (what is fraud, who the victims are) and its statistics.
import type { AuthMethod, EventType, PlatformEvent } from "../../../../shared/events/schemas.ts";

export interface DemoBank {
  code: string;
  name: string;
  authMethod: AuthMethod;
  /** relative size of the bank's retail base; traffic is proportional to it (default 1) */
  weight?: number;
}

export interface DemoAttackSpec {
  bankCode: string;
  /** the attack's first fraudulent wallet opens this many hours before `now` */
  startHoursBeforeNow: number;
  /** fraudulent wallets over the whole attack at scale 1 (multiplied by `scale`, at least 3) */
  wallets: number;
  /** the attack stops opening wallets after this many hours (default: it runs until `now`) */
  durationHours?: number;
}

export interface GenerateDemoOptions {
  seed: string | number;
  /** volume multiplier: 1 ≈ 200k charges in the window, 10 ≈ 2M (default 1) */
  scale?: number;
  /** end of the window (exclusive of anything later); no event is after it */
  now: Date | string | number;
  banks: readonly DemoBank[];
  /** window length in days (default 30) */
  days?: number;
  /**
   * Attacks to simulate. Default: The 77 Bank (0125) from 36h before `now`, then two other PIN-only
   * banks (0152 and 0168 when present) from 20h and 10h before `now`, smaller.
   */
  attacks?: readonly DemoAttackSpec[];
  /**
   * The honest calendar (surges an operator sees that are not attacks). Default: paydays, bonus days
   * and the New Year as they fall in the window, a wallet campaign at one bank and a maintenance
   * window at another (see defaultCalendar). `null`: none of it.
   */
  calendar?: DemoCalendar | null;
  /**
   * Patient fraud beside each attack (see patient.ts): wallets opened days before use, linked later,
   * charged below the limits, cashed out hours later; some verified, some sharing a phone or an
   * address with the blatant ring. Default: none (the demo `npm start` loads has none).
   */
  patient?: { walletsPerAttack: number } | null;
  /** Honest hubs (see patient.ts): university and office addresses, family phones, newcomers charging a lot at once. Default: off. */
  hubs?: boolean;
}

/** What a patient fraudulent wallet does differently (GenerateDemoOptions.patient). */
export type PatientVariant = "patient" | "patient-verified" | "patient-shared-device" | "patient-shared-ip";
/** Honest wallets that share what rings share, or act fast (GenerateDemoOptions.hubs). */
export type HonestHubKind = "university-ip" | "office-ip" | "family-device" | "quick-own-link-big-charge";

/**
 * Honest surges, on their own PRNG stream. Paydays (the 25th, or the business day before it, and the
 * last business day of the month), bonus days (10 December, 30 June) and the New Year bring extra
 * charges by linked wallets; a campaign brings a bank new wallets that link and try it with a small
 * charge (most on its first day, a push notification at noon); a maintenance window holds a bank's
 * links and charges back until it ends, then they arrive in a catch-up burst.
 */
export interface DemoCalendar {
  paydays: boolean;
  campaign: { bankCode: string; startHoursBeforeNow: number; days: number; linksPerDay: number } | null;
  maintenance: { bankCode: string; startHoursBeforeNow: number; hours: number } | null;
}

export interface DemoVictim {
  bankCode: string;
  branchCode: string;
  accountNumber: string;
  holderName: string;
  /** whether this bank account was also linked by an honest wallet (its holder's own) */
  alsoHonestWalletHolder: boolean;
  chargeIds: string[];
  chargedYen: number;
}

export interface DemoAttackLabel {
  bankCode: string;
  bankName: string;
  startedAt: string;
  fraudWallets: number;
  fraudLinks: number;
  fraudLinkChanges: number;
  fraudCharges: number;
  fraudChargedYen: number;
}

export interface DemoLabels {
  seed: string;
  scale: number;
  windowStart: string;
  now: string;
  fraudAccountIds: string[];
  /** links registered by fraudulent wallets */
  fraudLinkIds: string[];
  fraudChargeIds: string[];
  fraudSpendIds: string[];
  victims: DemoVictim[];
  /** the patient fraudulent wallets (also in fraudAccountIds), by id, with their variant */
  patient: Record<string, PatientVariant>;
  /** honest wallets in a hub, by kind (GenerateDemoOptions.hubs) */
  honestHubs: Record<HonestHubKind, string[]>;
  incident: {
    description: string;
    primaryBankCode: string;
    startedAt: string;
    attacks: DemoAttackLabel[];
  };
}

export interface DemoStats {
  events: number;
  eventsByType: Record<EventType, number>;
  preWindowEvents: number;
  honestWallets: number;
  fraudWallets: number;
  charges: number;
  chargedYen: number;
  spends: number;
  fraudCharges: number;
  fraudChargedYen: number;
  victims: number;
  /** honest patterns that resemble fraud, present on purpose */
  lookAlikes: {
    chargedWithin10MinOfLinking: number;
    surnameOnlyHolderLinks: number;
    honestChargesAtLeast90k: number;
    walletsInSharedIpGroups: number;
    walletsSharingDevice: number;
    honestLinkChanges: number;
    halfWidthNames: number;
    /** honest links whose bank holder is not the wallet holder nor shares its surname, by kind */
    otherHolderLinks: Record<OtherHolderKind, number>;
    /** honest wallets charging near the limits in one sitting for a big purchase, paid at once */
    bigPurchaseBursts: number;
    /** honest wallets charging and sending the money on (rent, an allowance) within minutes */
    chargeAndSendOn: number;
  };
  /** the honest calendar (see DemoCalendar) */
  calendar: { calendarCharges: number; campaignLinks: number; deferredByMaintenance: number };
  firstEventAt: string | null;
  lastEventAt: string | null;
}

export interface DemoRun {
  /**
   * The events in time order. Each iteration runs the (deterministic) simulation afresh and yields
   * the same stream; `labels` and `stats` are reset when an iteration starts and are complete when
   * it ends (so do not interleave two iterations of the same run).
   */
  events: Iterable<PlatformEvent>;
  labels: DemoLabels;
  stats: DemoStats;
  windowStart: Date;
  now: Date;
}

/**
 * Why an honest wallet's bank account carries another name: a married customer whose account keeps
 * the maiden surname; a young adult or a carer paying from a relative's account under another
 * surname; a sole proprietor's business account (屋号 or カ) company name); the same person
 * registered in another order or reading (ナカジマ/ナカシマ).
 */
export type OtherHolderKind = "maidenName" | "relativeOtherSurname" | "businessAccount" | "otherOrderOrReading";
