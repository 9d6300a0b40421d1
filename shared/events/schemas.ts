// The wallet platform's ingestion contract: `POST /api/v1/events`.
//
// These zod 4 schemas are the single source of truth: the server validates with them and renders the
// OpenAPI 3.1 document from their JSON Schema output (hence the `.meta()` descriptions and examples).
// Every object is strict: an unknown field is a rejection, not something silently dropped.
import { z } from "zod";
import { isoInstant, text } from "../schema-blocks.ts";

/** Largest number of events accepted in one `POST /api/v1/events` call. */
export const EVENTS_PER_BATCH_MAX = 1000;
/** Largest single charge or spend the contract admits (the platform's per-charge ceiling is lower). */
export const AMOUNT_YEN_MAX = 1_000_000;
export const ID_MAX_LENGTH = 64;
export const NAME_MAX_LENGTH = 100;
/** Longest statement descriptor the contract admits (what a passbook line prints for the debit). */
export const DESCRIPTOR_MAX_LENGTH = 24;
/**
 * The characters a Japanese passbook line prints (the Zengin character set, single-byte): A-Z, 0-9,
 * half-width katakana with their marks, space and . , - / ( ) &, not starting or ending with a space.
 */
export const DESCRIPTOR_PATTERN = /^(?! )[0-9A-Z\uFF66-\uFF9F .,\-/()&]+(?<! )$/;

export const EVENT_TYPES = [
  "account.opened",
  "link.registered",
  "link.changed",
  "charge.completed",
  "spend.completed",
  "account.verified",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const AUTH_METHODS = ["PIN", "PIN_OTP", "ONLINE_BANKING", "CASH_CARD"] as const;
export const SPEND_CHANNELS = ["payment", "transfer"] as const;
/** How the platform verified a wallet's holder: eKYC in the app, at a shop, or a one-time password. */
export const VERIFICATION_METHODS = ["EKYC", "SHOP", "OTP"] as const;
export const REJECTION_CODES = ["INVALID", "UNKNOWN_ACCOUNT", "UNKNOWN_LINK", "UNKNOWN_BANK", "CONFLICT"] as const;

// ---------------------------------------------------------------------------------------------
// Building blocks

const id = (what: string, example: string) =>
  text()
    .min(1)
    .max(ID_MAX_LENGTH)
    .meta({ description: `${what} (1-${ID_MAX_LENGTH} characters, unique within its kind).`, examples: [example] });

const name = (what: string, example: string) =>
  text()
    .min(1)
    .max(NAME_MAX_LENGTH)
    .regex(/\S/, "must not be blank")
    .meta({
      description: `${what}, usually full-width katakana "SURNAME GIVEN" (1-${NAME_MAX_LENGTH} characters). Compared after normalising width and spaces.`,
      examples: [example],
    });

const digits = (n: number, what: string, example: string) =>
  text()
    .regex(new RegExp(`^[0-9]{${n}}$`), `must be exactly ${n} digits`)
    .meta({ description: `${what}: exactly ${n} ASCII digits.`, examples: [example] });

export const bankCodeSchema = digits(4, "Zengin bank code", "0125");
export const branchCodeSchema = digits(3, "Branch code", "101");
export const accountNumberSchema = digits(7, "Bank account number", "1234567");

export const authMethodSchema = z.enum(AUTH_METHODS).meta({
  description:
    "What the bank's web debit-acceptance (link) page asked for: PIN = account number, holder name and 4-digit PIN only; PIN_OTP = PIN plus a one-time password; ONLINE_BANKING = login to the bank's online banking; CASH_CARD = cash card at an ATM or branch.",
  examples: ["PIN"],
});

export const amountYenSchema = z
  .number()
  .int()
  .positive()
  .max(AMOUNT_YEN_MAX)
  .meta({ description: `Amount in yen: a positive integer, at most ${AMOUNT_YEN_MAX}.`, examples: [10000] });

export const occurredAtSchema = isoInstant().meta({
  description:
    'When the event happened on the platform: ISO 8601 date-time with "Z" or a numeric offset (e.g. "+09:00"). Two forms of the same instant are the same value.',
  examples: ["2020-09-04T12:34:56+09:00", "2020-09-04T03:34:56.120Z"],
});

const eventId = id("The platform's event id, unique forever; re-sending the same id with the same payload is a duplicate, with a different payload a CONFLICT", "ev-20200904-000001");

// ---------------------------------------------------------------------------------------------
// Payloads

export const accountPayloadSchema = z
  .strictObject({
    id: id("Wallet account id", "acc-000123"),
    holderName: name("Wallet holder's name as registered in the wallet", "ヤマダ タロウ"),
    carrierCustomer: z.boolean().meta({ description: "Whether the holder has a contract with the carrier (not just its free ID).", examples: [false] }),
    identityVerified: z.boolean().meta({ description: "Whether the holder passed identity verification (eKYC) at opening.", examples: [false] }),
    deviceId: id("Device fingerprint of the phone used to open the wallet", "dev-7f3a9c").optional(),
    ipAddress: z
      .union([z.ipv4(), z.ipv6()])
      .meta({ description: "IPv4 or IPv6 address the wallet was opened from.", examples: ["203.0.113.7"] })
      .optional(),
  })
  .meta({ description: "A newly opened wallet account." });

const linkFields = {
  bankCode: bankCodeSchema,
  branchCode: branchCodeSchema,
  accountNumber: accountNumberSchema,
  holderName: name("Bank account holder's name as the bank returned it", "ヤマダ タロウ"),
  authMethod: authMethodSchema,
};

export const linkRegisteredPayloadSchema = z
  .strictObject({
    id: id("Link id", "lnk-000456"),
    accountId: id("Wallet account the bank account is linked to (must already exist)", "acc-000123"),
    ...linkFields,
  })
  .meta({ description: "A bank account newly linked to a wallet." });

export const linkChangedPayloadSchema = z
  .strictObject({
    id: id("Id of the existing link whose bank account is replaced", "lnk-000456"),
    ...linkFields,
  })
  .meta({ description: "The bank account behind an existing link replaced by another one (the link keeps its id and registration time)." });

export const chargePayloadSchema = z
  .strictObject({
    id: id("Charge id", "chg-000789"),
    linkId: id("Link the money was drawn through (must already exist)", "lnk-000456"),
    amountYen: amountYenSchema,
    descriptor: z
      .string()
      .min(1)
      .max(DESCRIPTOR_MAX_LENGTH)
      .regex(DESCRIPTOR_PATTERN, "must be A-Z, 0-9, half-width katakana, space or . , - / ( ) & (no leading or trailing space)")
      .optional()
      .meta({
        description: `What the customer's bank statement (passbook) prints for this debit, as the platform sent it to the bank (1-${DESCRIPTOR_MAX_LENGTH} characters: A-Z, 0-9, half-width katakana, space and . , - / ( ) &). Given to partner banks so they can find the debit on their customer's account.`,
        examples: ["ﾌﾛｰﾄﾞｹﾞｰﾄ 0000789"],
      }),
  })
  .meta({ description: "A completed top-up: money moved from the linked bank account into the wallet balance." });

export const spendPayloadSchema = z
  .strictObject({
    id: id("Spend id", "spd-000321"),
    accountId: id("Wallet account the money left (must already exist)", "acc-000123"),
    amountYen: amountYenSchema,
    channel: z.enum(SPEND_CHANNELS).meta({ description: "payment = paid at a shop; transfer = sent to another wallet or bank.", examples: ["payment"] }),
    counterparty: name("Shop or recipient", "ローソン 仙台駅前店").optional(),
  })
  .meta({ description: "Money leaving the wallet balance." });

export const verificationPayloadSchema = z
  .strictObject({
    accountId: id("Wallet account whose holder was verified (must already exist)", "acc-000123"),
    method: z.enum(VERIFICATION_METHODS).meta({ description: "EKYC = identity verification in the app; SHOP = at a shop; OTP = one-time password.", examples: ["EKYC"] }),
    passed: z.boolean().meta({ description: "Whether the holder passed; a failed verification satisfies nothing.", examples: [true] }),
  })
  .meta({ description: "The result of verifying a wallet's holder (after a challenge decision, or for re-verification). occurredAt is when it happened." });

// ---------------------------------------------------------------------------------------------
// Events

const envelope = { id: eventId, occurredAt: occurredAtSchema };

export const accountOpenedEventSchema = z
  .strictObject({ ...envelope, type: z.literal("account.opened"), account: accountPayloadSchema })
  .meta({ id: "AccountOpenedEvent", description: "A wallet account was opened." });

export const linkRegisteredEventSchema = z
  .strictObject({ ...envelope, type: z.literal("link.registered"), link: linkRegisteredPayloadSchema })
  .meta({ id: "LinkRegisteredEvent", description: "A bank account was linked to a wallet account." });

export const linkChangedEventSchema = z
  .strictObject({ ...envelope, type: z.literal("link.changed"), link: linkChangedPayloadSchema })
  .meta({ id: "LinkChangedEvent", description: "The bank account of an existing link was changed." });

export const chargeCompletedEventSchema = z
  .strictObject({ ...envelope, type: z.literal("charge.completed"), charge: chargePayloadSchema })
  .meta({ id: "ChargeCompletedEvent", description: "A charge (top-up) from a linked bank account completed." });

export const spendCompletedEventSchema = z
  .strictObject({ ...envelope, type: z.literal("spend.completed"), spend: spendPayloadSchema })
  .meta({ id: "SpendCompletedEvent", description: "A payment or transfer out of a wallet completed." });

export const accountVerifiedEventSchema = z
  .strictObject({ ...envelope, type: z.literal("account.verified"), verification: verificationPayloadSchema })
  .meta({ id: "AccountVerifiedEvent", description: "The platform verified (or failed to verify) a wallet's holder: step-up after a challenge, or re-verification." });

export const platformEventSchema = z
  .discriminatedUnion("type", [
    accountOpenedEventSchema,
    linkRegisteredEventSchema,
    linkChangedEventSchema,
    chargeCompletedEventSchema,
    spendCompletedEventSchema,
    accountVerifiedEventSchema,
  ])
  .meta({ id: "PlatformEvent", description: "One wallet-platform event, discriminated by `type`." });

// ---------------------------------------------------------------------------------------------
// Request and response

/** The fully typed request body (for documentation and for clients that build batches). */
export const eventsBatchSchema = z
  .strictObject({
    events: z
      .array(platformEventSchema)
      .min(1)
      .max(EVENTS_PER_BATCH_MAX)
      .meta({ description: `1 to ${EVENTS_PER_BATCH_MAX} events, in the order they happened.` }),
  })
  .meta({ id: "EventsBatch", description: "A batch of wallet-platform events." });

/**
 * The envelope the server validates first: only the array's size is checked here, so that each
 * event can then be validated on its own with `platformEventSchema` and rejected individually.
 */
export const eventsEnvelopeSchema = z
  .strictObject({
    events: z
      .array(z.unknown())
      .min(1)
      .max(EVENTS_PER_BATCH_MAX)
      .meta({ description: `1 to ${EVENTS_PER_BATCH_MAX} events; each is validated separately (see PlatformEvent).` }),
  })
  .meta({ description: "A batch of wallet-platform events (envelope only)." });

export const rejectionCodeSchema = z.enum(REJECTION_CODES).meta({
  description:
    "INVALID = fails the schema; UNKNOWN_ACCOUNT / UNKNOWN_LINK = refers to an account or link not yet known; UNKNOWN_BANK = bank code not in the reference data; CONFLICT = event id already processed with a different payload.",
  examples: ["UNKNOWN_LINK"],
});

// Outputs (what the server answers) are plain strings: the blocks guard inputs. A rejection echoes
// the id as sent, even one holding a lone surrogate.
export const eventRejectionSchema = z
  .strictObject({
    index: z.number().int().min(0).meta({ description: "Position of the event in the request's `events` array (0-based).", examples: [3] }),
    id: z.string().nullable().meta({ description: "The event's id when one could be read, else null.", examples: ["ev-20200904-000004"] }),
    code: rejectionCodeSchema,
    message: z.string().meta({ description: "Human-readable reason.", examples: ["link lnk-000999 is not known"] }),
  })
  .meta({ id: "EventRejection", description: "One event that was not applied." });

export const eventsResponseSchema = z
  .strictObject({
    accepted: z.number().int().min(0).meta({ description: "Events applied by this call.", examples: [998] }),
    duplicates: z.number().int().min(0).meta({ description: "Events already processed with an identical payload (ignored).", examples: [1] }),
    rejected: z.array(eventRejectionSchema).meta({ description: "Events not applied, with the reason." }),
  })
  .meta({ id: "EventsResponse", description: "Outcome of a batch: every event is accepted, a duplicate, or rejected." });

// ---------------------------------------------------------------------------------------------
// Types

export type AuthMethod = z.infer<typeof authMethodSchema>;
export type SpendChannel = (typeof SPEND_CHANNELS)[number];
export type RejectionCode = z.infer<typeof rejectionCodeSchema>;
export type AccountPayload = z.infer<typeof accountPayloadSchema>;
export type LinkRegisteredPayload = z.infer<typeof linkRegisteredPayloadSchema>;
export type LinkChangedPayload = z.infer<typeof linkChangedPayloadSchema>;
export type ChargePayload = z.infer<typeof chargePayloadSchema>;
export type SpendPayload = z.infer<typeof spendPayloadSchema>;
export type AccountOpenedEvent = z.infer<typeof accountOpenedEventSchema>;
export type LinkRegisteredEvent = z.infer<typeof linkRegisteredEventSchema>;
export type LinkChangedEvent = z.infer<typeof linkChangedEventSchema>;
export type ChargeCompletedEvent = z.infer<typeof chargeCompletedEventSchema>;
export type SpendCompletedEvent = z.infer<typeof spendCompletedEventSchema>;
export type AccountVerifiedEvent = z.infer<typeof accountVerifiedEventSchema>;
export type VerificationMethod = (typeof VERIFICATION_METHODS)[number];
export type PlatformEvent = z.infer<typeof platformEventSchema>;
export type EventsBatch = z.infer<typeof eventsBatchSchema>;
export type EventsEnvelope = z.infer<typeof eventsEnvelopeSchema>;
export type EventRejection = z.infer<typeof eventRejectionSchema>;
export type EventsResponse = z.infer<typeof eventsResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Canonical form for payload hashing

const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * Normalise an ISO 8601 date-time with offset to the UTC instant "YYYY-MM-DDTHH:MM:SS[.fff…]Z".
 * The fraction keeps every digit given (trailing zeros dropped), so no precision is lost and
 * "…T12:00:00+09:00", "…T03:00:00Z" and "…T03:00:00.000Z" all give the same string.
 * Throws on a string that is not such a date-time.
 */
export function normalizeOccurredAt(value: string): string {
  const m = DATETIME_RE.exec(value);
  if (!m) throw new Error(`not an ISO 8601 date-time with offset: ${value}`);
  const [, y, mo, d, h, mi, s, frac, , sign, oh, om] = m;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (sign) ms -= (sign === "+" ? 1 : -1) * (Number(oh) * 60 + Number(om)) * 60_000;
  const base = new Date(ms).toISOString().slice(0, 19); // whole seconds, UTC
  const fraction = (frac ?? "").replace(/0+$/, "");
  return `${base}${fraction ? `.${fraction}` : ""}Z`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

// Keys of each object of an event in sorted order (as sortKeys orders them), so the canonical form
// of a validated event is built without sorting at run time. The schema test checks these against
// sortKeys for every event type.
const optional = <T>(v: T | undefined): T | undefined => v;

function canonicalPayload(event: PlatformEvent): unknown {
  switch (event.type) {
    case "account.opened": {
      const a = event.account;
      return { carrierCustomer: a.carrierCustomer, deviceId: optional(a.deviceId), holderName: a.holderName, id: a.id, identityVerified: a.identityVerified, ipAddress: optional(a.ipAddress) };
    }
    case "link.registered": {
      const l = event.link;
      return { accountId: l.accountId, accountNumber: l.accountNumber, authMethod: l.authMethod, bankCode: l.bankCode, branchCode: l.branchCode, holderName: l.holderName, id: l.id };
    }
    case "link.changed": {
      const l = event.link;
      return { accountNumber: l.accountNumber, authMethod: l.authMethod, bankCode: l.bankCode, branchCode: l.branchCode, holderName: l.holderName, id: l.id };
    }
    case "charge.completed": {
      const c = event.charge;
      return { amountYen: c.amountYen, descriptor: optional(c.descriptor), id: c.id, linkId: c.linkId };
    }
    case "spend.completed": {
      const p = event.spend;
      return { accountId: p.accountId, amountYen: p.amountYen, channel: p.channel, counterparty: optional(p.counterparty), id: p.id };
    }
    case "account.verified": {
      const v = event.verification;
      return { accountId: v.accountId, method: v.method, passed: v.passed };
    }
  }
}

/**
 * A stable JSON string of an event for payload hashing (sha256 of it detects CONFLICTs): keys
 * sorted at every level, undefined fields dropped, and `occurredAt` normalised to its UTC instant so
 * that the "+09:00" and "Z" forms of the same moment are the same payload. Call it on a parsed
 * (validated) event; `normalizedOccurredAt` spares normalising again when the caller has it.
 */
export function canonicalEventJson(event: PlatformEvent, normalizedOccurredAt?: string): string {
  const occurredAt = normalizedOccurredAt ?? normalizeOccurredAt(event.occurredAt);
  // JSON.stringify drops undefined fields, as sortKeys does; key order is the sorted order.
  switch (event.type) {
    case "account.opened":
      return JSON.stringify({ account: canonicalPayload(event), id: event.id, occurredAt, type: event.type });
    case "charge.completed":
      return JSON.stringify({ charge: canonicalPayload(event), id: event.id, occurredAt, type: event.type });
    case "link.registered":
    case "link.changed":
      return JSON.stringify({ id: event.id, link: canonicalPayload(event), occurredAt, type: event.type });
    case "spend.completed":
      return JSON.stringify({ id: event.id, occurredAt, spend: canonicalPayload(event), type: event.type });
    case "account.verified":
      return JSON.stringify({ id: event.id, occurredAt, type: event.type, verification: canonicalPayload(event) });
    default:
      return canonicalEventJsonBySorting(event, occurredAt);
  }
}

/** The reference definition of the canonical form (sort every object's keys); tests compare with it. */
export function canonicalEventJsonBySorting(event: PlatformEvent, normalizedOccurredAt?: string): string {
  return JSON.stringify(sortKeys({ ...event, occurredAt: normalizedOccurredAt ?? normalizeOccurredAt(event.occurredAt) }));
}
