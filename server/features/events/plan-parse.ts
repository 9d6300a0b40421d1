// Validating and hashing a batch (the first step of planning, plan.ts), and the ids it refers to
// or would create, for one bulk lookup. No I/O.
import { hash as oneShotHash } from "node:crypto";
import { EVENTS_PER_BATCH_MAX, canonicalEventJson, normalizeOccurredAt, platformEventSchema, type EventRejection, type PlatformEvent } from "../../../shared/events/schemas.ts";
import { iso } from "./plan-rows.ts";

export interface ParsedEvent {
  index: number;
  event: PlatformEvent;
  /** sha256 (hex) of the canonical event */
  hash: string;
  /** occurredAt as epoch milliseconds (sub-millisecond digits rounded, as timestamptz(3) stores it) */
  occurredAtMs: number;
  /** the same instant as an ISO string (what is written), made once per event */
  occurredAtIso: string;
}

export interface ParsedBatch {
  events: ParsedEvent[];
  invalid: EventRejection[];
}

function issueSummary(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.map(String).join(".") : "event"}: ${i.message}`)
    .join("; ");
}

function readableId(raw: unknown): string | null {
  if (raw && typeof raw === "object" && typeof (raw as { id?: unknown }).id === "string") {
    const id = (raw as { id: string }).id;
    return id.length <= 200 ? id : `${id.slice(0, 200)}…`;
  }
  return null;
}

/** Milliseconds of a normalised "YYYY-MM-DDTHH:MM:SS[.f…]Z", the fraction rounded to ms. */
function normalizedToMs(normalized: string): number {
  const whole = Date.parse(`${normalized.slice(0, 19)}Z`);
  const fraction = normalized.length > 20 ? normalized.slice(20, -1) : "";
  return fraction ? whole + Math.round(Number(`0.${fraction}`) * 1000) : whole;
}

/** Validates every event on its own (the schema refuses NUL, lone surrogates, impossible or out-of-range times) and hashes the valid ones. */
export function parseEvents(raw: readonly unknown[]): ParsedBatch {
  if (raw.length > EVENTS_PER_BATCH_MAX) throw new RangeError(`at most ${EVENTS_PER_BATCH_MAX} events per batch`);
  const events: ParsedEvent[] = [];
  const invalid: EventRejection[] = [];
  for (let index = 0; index < raw.length; index++) {
    const r = platformEventSchema.safeParse(raw[index]);
    if (!r.success) {
      invalid.push({ index, id: readableId(raw[index]), code: "INVALID", message: issueSummary(r.error.issues) });
      continue;
    }
    const normalized = normalizeOccurredAt(r.data.occurredAt);
    const occurredAtMs = normalizedToMs(normalized);
    const hash = oneShotHash("sha256", canonicalEventJson(r.data, normalized), "hex");
    events.push({ index, event: r.data, hash, occurredAtMs, occurredAtIso: iso(occurredAtMs) });
  }
  return { events, invalid };
}

/** The ids a batch refers to or would create, for one bulk lookup. */
export interface BatchKeys {
  eventIds: string[];
  accountIds: string[];
  linkIds: string[];
  /** links that link.changed events modify: read with a row lock */
  changedLinkIds: string[];
  chargeIds: string[];
  spendIds: string[];
  bankCodes: string[];
}

export function batchKeys(events: readonly ParsedEvent[]): BatchKeys {
  const ev = new Set<string>();
  const acc = new Set<string>();
  const lnk = new Set<string>();
  const chg = new Set<string>();
  const chgd = new Set<string>();
  const spd = new Set<string>();
  const bank = new Set<string>();
  for (const { event: e } of events) {
    ev.add(e.id);
    switch (e.type) {
      case "account.opened":
        acc.add(e.account.id);
        break;
      case "link.registered":
        acc.add(e.link.accountId);
        lnk.add(e.link.id);
        bank.add(e.link.bankCode);
        break;
      case "link.changed":
        chgd.add(e.link.id);
        bank.add(e.link.bankCode);
        break;
      case "charge.completed":
        lnk.add(e.charge.linkId);
        chg.add(e.charge.id);
        break;
      case "spend.completed":
        acc.add(e.spend.accountId);
        spd.add(e.spend.id);
        break;
      case "account.verified":
        acc.add(e.verification.accountId);
        break;
    }
  }
  for (const id of chgd) lnk.delete(id);
  return {
    eventIds: [...ev],
    accountIds: [...acc],
    linkIds: [...lnk],
    changedLinkIds: [...chgd].sort(),
    chargeIds: [...chg],
    spendIds: [...spd],
    bankCodes: [...bank],
  };
}
