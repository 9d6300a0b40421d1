// Inputs and outputs of the accounts feature (tRPC, the CSV export routes and the platform API),
// shared by server and client. Filters coerce strings, so the same schema reads a URL query string
// (the CSV export, the page's own URL) and a tRPC input.
import { z } from "zod";
import { dateInput, isoInstant, text } from "../schema-blocks.ts";
import { Reason as ReasonText } from "../reason.ts";
import type { Reason } from "./scoring-types.ts";
import { BankCode } from "../bank-code.ts";
import { errorCodes } from "../errors.ts";

/** Rows per page of the accounts table. */
export const ACCOUNTS_PAGE_SIZE = 50;
export const ACCOUNTS_PAGE_SIZE_MAX = 100;
/** Accounts one bulk action may change at once. */
export const BULK_ACCOUNTS_MAX = 500;
/** The table's match count stops counting here ("10,000+"): an exact count would scan. */
export const ACCOUNTS_COUNT_CAP = 10_000;
/** Victims listed per bank on the page (the per-bank CSV has all of them). */
export const VICTIMS_PER_BANK_MAX = 1_000;
/** Accounts per page of the platform API's flagged list. */
export const FLAGGED_PAGE_SIZE_DEFAULT = 100;
export const FLAGGED_PAGE_SIZE_MAX = 1_000;

export const REASON_CODES = [
  "LINK_SOON_AFTER_OPEN",
  "CHARGE_SOON_AFTER_LINK",
  "NAME_MISMATCH",
  "NAME_FAMILY",
  "MANY_BANK_ACCOUNTS",
  "SHARED_BANK_ACCOUNT",
  "SHARED_DEVICE",
  "SHARED_IP",
  "UNVERIFIED_NON_CARRIER",
  "NEAR_LIMIT_CHARGES",
  "RAPID_EQUAL_CHARGES",
  "RAPID_CASH_OUT",
  "LINKED_DURING_SPIKE",
  "PIN_ONLY_LINK",
  "RING",
  "LOCKSTEP",
] as const satisfies readonly Reason["code"][];

export const ACCOUNT_STATUSES = ["ACTIVE", "FROZEN"] as const;
export const REVIEW_LABELS = ["CONFIRMED_FRAUD", "LEGITIMATE"] as const;
/** Label filter: a label, or NONE for accounts nobody has reviewed. */
export const LABEL_FILTERS = [...REVIEW_LABELS, "NONE"] as const;
export const ACCOUNT_SORTS = ["score", "openedAt", "flaggedAt"] as const;
export type AccountSort = (typeof ACCOUNT_SORTS)[number];
export type SortDir = "asc" | "desc";

export const AccountId = text().trim().min(1).max(64);

const emptyToUndefined = (v: unknown) => (v === "" || v === null ? undefined : v);
const optionalScore = z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(100).optional());
const optionalDate = z.preprocess(emptyToUndefined, dateInput().optional());
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(emptyToUndefined, schema.optional());

/** The table's filters; all optional, combined with AND. Also the CSV export's query string. */
export const AccountFilters = z.object({
  /** accounts with a link (now or before a change) at this bank */
  bank: optional(BankCode),
  scoreMin: optionalScore,
  scoreMax: optionalScore,
  reason: optional(z.enum(REASON_CODES)),
  status: optional(z.enum(ACCOUNT_STATUSES)),
  label: optional(z.enum(LABEL_FILTERS)),
  openedFrom: optionalDate,
  openedTo: optionalDate,
  /** a link registered (or changed to another bank account) in this window */
  linkedFrom: optionalDate,
  linkedTo: optionalDate,
  /** an account id, a 7-digit bank account number, or part of a holder name (wallet or bank) */
  q: optional(text().trim().max(100, "Keep the search under 100 characters")),
});
export type AccountFilters = z.infer<typeof AccountFilters>;

export const ListAccountsInput = AccountFilters.extend({
  sort: z.enum(ACCOUNT_SORTS).default("score"),
  dir: z.enum(["asc", "desc"]).default("desc"),
  /** keyset position: a row's cursor from the previous answer */
  cursor: text().max(400).optional(),
  /** next: rows after the cursor; prev: rows before it */
  direction: z.enum(["next", "prev"]).default("next"),
  limit: z.number().int().min(1).max(ACCOUNTS_PAGE_SIZE_MAX).default(ACCOUNTS_PAGE_SIZE),
});
export type ListAccountsInput = z.input<typeof ListAccountsInput>;
export type ListAccountsQuery = z.output<typeof ListAccountsInput>;

export const AccountIdInput = z.object({ accountId: AccountId });

export const AccountActionInput = z.object({
  accountIds: z
    .array(AccountId)
    .min(1, "Select at least one account")
    .max(BULK_ACCOUNTS_MAX, `Select at most ${BULK_ACCOUNTS_MAX} accounts at once`),
  reason: ReasonText,
});
export type AccountActionInput = z.infer<typeof AccountActionInput>;

export const RescoreAllInput = z.object({ reason: ReasonText });

/** The ring view: the wallets connected to one over devices, IPs and bank accounts, 1 to 3 hops. */
export const RingViewInput = z.object({ accountId: AccountId, hops: z.number().int().min(1, "At least one hop").max(3, "At most three hops").optional() });
export type RingViewInput = z.infer<typeof RingViewInput>;

export const VictimsInput = z.object({ bank: optional(BankCode) }).default({});

// ---------- outputs ----------

export interface StoredReason {
  code: string;
  points: number;
  evidence: string;
}

export interface AccountRow {
  id: string;
  holderName: string;
  score: number;
  reasons: StoredReason[];
  status: (typeof ACCOUNT_STATUSES)[number];
  reviewLabel: (typeof REVIEW_LABELS)[number] | null;
  openedAt: Date;
  flaggedAt: Date | null;
  firstLinkBankCode: string | null;
  firstLinkBankName: string | null;
  /** pass as `cursor` to continue after (next) or before (prev) this row */
  cursor: string;
}

export interface AccountPage {
  rows: AccountRow[];
  /** cursor of the last row when there are rows after it, else null */
  nextCursor: string | null;
  /** cursor of the first row when there are rows before it, else null */
  prevCursor: string | null;
}

export interface RingView {
  accountId: string;
  hops: number;
  /** the wallet itself (hops 0) and every connected wallet, closest first */
  wallets: {
    id: string;
    holderName: string;
    hops: number;
    status: (typeof ACCOUNT_STATUSES)[number];
    reviewLabel: (typeof REVIEW_LABELS)[number] | null;
    riskScore: number;
    flagged: boolean;
    /** what connected it first: the thing (bank account masked) and the wallet on it one hop closer */
    via: { kind: "DEVICE" | "IP" | "BANK_ACCOUNT"; shown: string; from: string } | null;
  }[];
  /** the shared things met, with their counts; a hub (more wallets than the ring's limit) is not followed */
  things: { kind: "DEVICE" | "IP" | "BANK_ACCOUNT"; shown: string; hop: number; wallets: number; hub: boolean; flagged: number; confirmed: number; legitimate: number; frozen: number }[];
  /** over the connected wallets (not the wallet itself) */
  counts: { wallets: number; flagged: number; frozen: number; confirmed: number; legitimate: number };
  /** true when the ring had more wallets than shown */
  cut: boolean;
}

export interface AccountActionResult {
  changed: number;
  unchanged: number;
}

// ---------- platform API ----------

export const FlaggedQuery = z.object({
  minScore: z.coerce.number().int().min(0).max(100).optional().meta({ description: "Only accounts whose current score is at least this (default: the flag threshold).", examples: [60] }),
  since: isoInstant().optional().meta({ description: "Only accounts first flagged at or after this instant (ISO 8601 with offset).", examples: ["2020-09-07T00:00:00+09:00"] }),
  limit: z.coerce.number().int().min(1).max(FLAGGED_PAGE_SIZE_MAX).default(FLAGGED_PAGE_SIZE_DEFAULT).meta({ description: `Accounts per page (1-${FLAGGED_PAGE_SIZE_MAX}).`, examples: [100] }),
  cursor: text().max(200).optional().meta({ description: "The previous page's nextCursor: continues with older flags, unaffected by accounts flagged since." }),
});

export const FlaggedAccount = z
  .object({
    accountId: z.string().meta({ description: "Wallet account id.", examples: ["acc-000123"] }),
    score: z.number().int().meta({ description: "Current risk score, 0-100.", examples: [85] }),
    reasons: z.array(z.string()).meta({ description: "Codes of the rules that fired, highest contribution first.", examples: [["NAME_MISMATCH", "RAPID_CASH_OUT"]] }),
    flaggedAt: z.string().meta({ description: "When the account first reached the flag threshold (ISO 8601, UTC).", examples: ["2020-09-07T03:12:45.000Z"] }),
    status: z.enum(ACCOUNT_STATUSES).meta({ description: "ACTIVE, or FROZEN by an analyst (its charges are refused).", examples: ["ACTIVE"] }),
    ruleVersion: z.number().int().nullable().meta({ description: "The rule version that produced the score (the console's Rules page lists the versions).", examples: [3] }),
  })
  .meta({ id: "FlaggedAccount" });

export const ApiError = z
  .object({
    code: z.enum(errorCodes()).meta({ description: "One of the closed list of error codes (shared/errors.ts)." }),
    message: z.string(),
    requestId: z.string().optional(),
  })
  .meta({ description: "What went wrong, in words a developer can act on." });

export const FlaggedResponse = z
  .object({
    accounts: z.array(FlaggedAccount),
    nextCursor: z.string().nullable().meta({ description: "Pass as cursor for the next (older) page; null on the last page." }),
  })
  .meta({ id: "FlaggedAccounts", description: "Flagged wallet accounts, most recently flagged first." });
