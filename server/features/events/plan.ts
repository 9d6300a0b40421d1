// The pure half of ingestion: validate and hash a batch, then walk it in order against what the
// database already holds and decide, per event, accepted / duplicate / rejected, producing the rows
// to write as column arrays (ready for `unnest`) and the rollup deltas aggregated in memory.
// No I/O here, so the same plan feeds the SQL writer (ingest.ts) and the COPY baseline (bench).
import { hash as oneShotHash } from "node:crypto";
import {
  EVENTS_PER_BATCH_MAX,
  canonicalEventJson,
  normalizeOccurredAt,
  platformEventSchema,
  type AuthMethod,
  type EventRejection,
  type PlatformEvent,
  type RejectionCode,
} from "../../../shared/events/schemas.ts";
import { normalizeHolderName } from "../../../shared/accounts/names.ts";
import type { IngestedBatchSummary } from "./types.ts";

export const ROLLUP_BUCKET_MINUTES = [5, 60] as const;
/** Metrics the ingestion maintains, in the order of the database enum "VolumeMetric" (lock order). */
export const INGEST_METRICS = ["LINK_REGISTERED", "LINK_CHANGED", "CHARGE_COUNT", "CHARGE_YEN"] as const;
export type IngestMetric = (typeof INGEST_METRICS)[number];

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

export interface LinkState {
  accountId: string;
  bankCode: string;
  branchCode: string;
  accountNumber: string;
  holderName: string;
  authMethod: AuthMethod;
  registeredAtMs: number;
  changedAtMs: number | null;
}

/** What the database already holds for a batch's keys. */
export interface KnownState {
  eventHashes: Map<string, string>;
  accounts: Set<string>;
  links: Map<string, LinkState>;
  charges: Set<string>;
  spends: Set<string>;
  banks: Set<string>;
}

export function emptyKnownState(): KnownState {
  return { eventHashes: new Map(), accounts: new Set(), links: new Map(), charges: new Set(), spends: new Set(), banks: new Set() };
}

// Column arrays, one per table, in the order of the INSERT column lists in ingest.ts.
export interface BatchRows {
  events: { id: string[]; type: string[]; hash: string[]; occurredAt: string[] };
  accounts: {
    id: string[];
    holderName: string[];
    holderNameNormalized: string[];
    carrierCustomer: boolean[];
    identityVerified: boolean[];
    deviceId: (string | null)[];
    ipAddress: (string | null)[];
    openedAt: string[];
  };
  /** new links, with their state at the end of the batch */
  newLinks: LinkColumns;
  /** existing links changed by the batch, with their state at the end of the batch */
  changedLinks: LinkColumns;
  /** open versions of existing links to close: the first change in the batch closes them */
  versionCloses: { linkId: string[]; validTo: string[] };
  versions: {
    linkId: string[];
    bankCode: string[];
    branchCode: string[];
    accountNumber: string[];
    holderName: string[];
    authMethod: string[];
    validFrom: string[];
    validTo: (string | null)[];
    eventId: string[];
  };
  charges: {
    id: string[];
    linkId: string[];
    accountId: string[];
    bankCode: string[];
    branchCode: string[];
    accountNumber: string[];
    amountYen: number[];
    occurredAt: string[];
  };
  spends: { id: string[]; accountId: string[]; amountYen: number[]; channel: string[]; counterparty: (string | null)[]; occurredAt: string[] };
  /** sorted by (bankCode, metric in enum order, bucketMinutes, bucketStart): the lock order */
  rollups: { bankCode: string[]; metric: string[]; bucketMinutes: number[]; bucketStart: string[]; value: number[] };
}

export interface LinkColumns {
  id: string[];
  accountId: string[];
  bankCode: string[];
  branchCode: string[];
  accountNumber: string[];
  holderName: string[];
  holderNameNormalized: string[];
  authMethod: string[];
  registeredAt: string[];
  changedAt: (string | null)[];
}

export interface BatchPlan {
  accepted: number;
  duplicates: number;
  /** sorted by index */
  rejected: EventRejection[];
  rows: BatchRows;
  summary: IngestedBatchSummary;
}

const iso = (ms: number) => new Date(ms).toISOString();

function emptyLinkColumns(): LinkColumns {
  return { id: [], accountId: [], bankCode: [], branchCode: [], accountNumber: [], holderName: [], holderNameNormalized: [], authMethod: [], registeredAt: [], changedAt: [] };
}

function pushLink(cols: LinkColumns, id: string, s: LinkState) {
  cols.id.push(id);
  cols.accountId.push(s.accountId);
  cols.bankCode.push(s.bankCode);
  cols.branchCode.push(s.branchCode);
  cols.accountNumber.push(s.accountNumber);
  cols.holderName.push(s.holderName);
  cols.holderNameNormalized.push(normalizeHolderName(s.holderName));
  cols.authMethod.push(s.authMethod);
  cols.registeredAt.push(iso(s.registeredAtMs));
  cols.changedAt.push(s.changedAtMs === null ? null : iso(s.changedAtMs));
}

interface VersionDraft {
  linkId: string;
  state: LinkState;
  validFromMs: number;
  validToMs: number | null;
  eventId: string;
}

/**
 * Walks the batch in order. An event is a duplicate when its id was stored before (or accepted
 * earlier in this batch) with the same hash, a CONFLICT with another hash; otherwise it must refer
 * only to what exists (in the database or accepted earlier in the batch). A rejected event changes
 * nothing and does not take its id, so a later event with the same id is judged afresh.
 */
export function planBatch(parsed: ParsedBatch, known: KnownState): BatchPlan {
  const rejected: EventRejection[] = [...parsed.invalid];
  let duplicates = 0;
  const acceptedHashes = new Map<string, string>();
  const newAccounts = new Set<string>();
  const newCharges = new Set<string>();
  const newSpends = new Set<string>();
  // Links as the batch leaves them; `isNew` = registered in this batch.
  const links = new Map<string, { state: LinkState; isNew: boolean; changed: boolean }>();
  const versions: VersionDraft[] = [];
  const openVersion = new Map<string, VersionDraft>();
  const closeDbVersionAt = new Map<string, number>();
  const rollups = new Map<string, { bankCode: string; metric: IngestMetric; bucketMinutes: number; startMs: number; value: number }>();

  const rows: BatchRows = {
    events: { id: [], type: [], hash: [], occurredAt: [] },
    accounts: { id: [], holderName: [], holderNameNormalized: [], carrierCustomer: [], identityVerified: [], deviceId: [], ipAddress: [], openedAt: [] },
    newLinks: emptyLinkColumns(),
    changedLinks: emptyLinkColumns(),
    versionCloses: { linkId: [], validTo: [] },
    versions: { linkId: [], bankCode: [], branchCode: [], accountNumber: [], holderName: [], authMethod: [], validFrom: [], validTo: [], eventId: [] },
    charges: { id: [], linkId: [], accountId: [], bankCode: [], branchCode: [], accountNumber: [], amountYen: [], occurredAt: [] },
    spends: { id: [], accountId: [], amountYen: [], channel: [], counterparty: [], occurredAt: [] },
    rollups: { bankCode: [], metric: [], bucketMinutes: [], bucketStart: [], value: [] },
  };
  const touchedAccounts = new Set<string>();
  const touchedLinks = new Set<string>();
  const touchedBanks = new Set<string>();
  const summary: IngestedBatchSummary = {
    accountIds: [],
    linkIds: [],
    registeredLinks: [],
    changedLinks: [],
    chargeIds: [],
    charges: [],
    bankCodes: [],
    minOccurredAt: null,
    maxOccurredAt: null,
  };
  let minMs = Infinity;
  let maxMs = -Infinity;

  const accountExists = (id: string) => known.accounts.has(id) || newAccounts.has(id);
  const linkNow = (id: string) => {
    let l = links.get(id);
    if (!l) {
      const s = known.links.get(id);
      if (!s) return undefined;
      l = { state: { ...s }, isNew: false, changed: false };
      links.set(id, l);
    }
    return l;
  };
  const addRollup = (bankCode: string, metric: IngestMetric, ms: number, value: number) => {
    touchedBanks.add(bankCode);
    for (const minutes of ROLLUP_BUCKET_MINUTES) {
      // 5- and 60-minute buckets aligned in UTC are also aligned in JST (UTC+9, whole hours).
      const size = minutes * 60_000;
      const startMs = Math.floor(ms / size) * size;
      const key = `${bankCode}|${metric}|${minutes}|${startMs}`;
      const r = rollups.get(key);
      if (r) r.value += value;
      else rollups.set(key, { bankCode, metric, bucketMinutes: minutes, startMs, value });
    }
  };
  const reject = (p: ParsedEvent, code: RejectionCode, message: string) => {
    rejected.push({ index: p.index, id: p.event.id, code, message });
  };

  for (const p of parsed.events) {
    const e = p.event;
    const priorHash = known.eventHashes.get(e.id) ?? acceptedHashes.get(e.id);
    if (priorHash !== undefined) {
      if (priorHash === p.hash) duplicates++;
      else reject(p, "CONFLICT", `event id ${e.id} was already processed with a different payload`);
      continue;
    }
    const t = p.occurredAtMs;
    switch (e.type) {
      case "account.opened": {
        const a = e.account;
        if (accountExists(a.id)) {
          reject(p, "CONFLICT", `account ${a.id} already exists (opened by another event)`);
          continue;
        }
        newAccounts.add(a.id);
        const c = rows.accounts;
        c.id.push(a.id);
        c.holderName.push(a.holderName);
        c.holderNameNormalized.push(normalizeHolderName(a.holderName));
        c.carrierCustomer.push(a.carrierCustomer);
        c.identityVerified.push(a.identityVerified);
        c.deviceId.push(a.deviceId ?? null);
        c.ipAddress.push(a.ipAddress ?? null);
        c.openedAt.push(p.occurredAtIso);
        touchedAccounts.add(a.id);
        break;
      }
      case "link.registered": {
        const l = e.link;
        if (!accountExists(l.accountId)) {
          reject(p, "UNKNOWN_ACCOUNT", `account ${l.accountId} is not known`);
          continue;
        }
        if (!known.banks.has(l.bankCode)) {
          reject(p, "UNKNOWN_BANK", `bank ${l.bankCode} is not in the reference data`);
          continue;
        }
        if (linkNow(l.id)) {
          reject(p, "CONFLICT", `link ${l.id} already exists (registered by another event)`);
          continue;
        }
        const state: LinkState = {
          accountId: l.accountId,
          bankCode: l.bankCode,
          branchCode: l.branchCode,
          accountNumber: l.accountNumber,
          holderName: l.holderName,
          authMethod: l.authMethod,
          registeredAtMs: t,
          changedAtMs: null,
        };
        links.set(l.id, { state, isNew: true, changed: false });
        const v: VersionDraft = { linkId: l.id, state: { ...state }, validFromMs: t, validToMs: null, eventId: e.id };
        versions.push(v);
        openVersion.set(l.id, v);
        addRollup(l.bankCode, "LINK_REGISTERED", t, 1);
        touchedAccounts.add(l.accountId);
        touchedLinks.add(l.id);
        summary.registeredLinks.push({ linkId: l.id, accountId: l.accountId, bankCode: l.bankCode, registeredAt: new Date(t), eventId: e.id });
        break;
      }
      case "link.changed": {
        const l = e.link;
        const cur = linkNow(l.id);
        if (!cur) {
          reject(p, "UNKNOWN_LINK", `link ${l.id} is not known`);
          continue;
        }
        if (!known.banks.has(l.bankCode)) {
          reject(p, "UNKNOWN_BANK", `bank ${l.bankCode} is not in the reference data`);
          continue;
        }
        const oldBankCode = cur.state.bankCode;
        const open = openVersion.get(l.id);
        if (open) open.validToMs = t;
        else closeDbVersionAt.set(l.id, t);
        // registeredAt stays: grandfathering depends on when the link was first registered.
        cur.state = { ...cur.state, bankCode: l.bankCode, branchCode: l.branchCode, accountNumber: l.accountNumber, holderName: l.holderName, authMethod: l.authMethod, changedAtMs: t };
        cur.changed = true;
        const v: VersionDraft = { linkId: l.id, state: { ...cur.state }, validFromMs: t, validToMs: null, eventId: e.id };
        versions.push(v);
        openVersion.set(l.id, v);
        // Counted at the bank the wallet now draws on: that is where a change-based attack shows.
        addRollup(l.bankCode, "LINK_CHANGED", t, 1);
        touchedAccounts.add(cur.state.accountId);
        touchedLinks.add(l.id);
        summary.changedLinks.push({ linkId: l.id, accountId: cur.state.accountId, oldBankCode, newBankCode: l.bankCode, changedAt: new Date(t), eventId: e.id });
        break;
      }
      case "charge.completed": {
        const c = e.charge;
        const link = linkNow(c.linkId);
        if (!link) {
          reject(p, "UNKNOWN_LINK", `link ${c.linkId} is not known`);
          continue;
        }
        if (known.charges.has(c.id) || newCharges.has(c.id)) {
          reject(p, "CONFLICT", `charge ${c.id} already exists (reported by another event)`);
          continue;
        }
        newCharges.add(c.id);
        // The bank account drawn on is the link's account at this moment; a later change keeps it.
        const s = link.state;
        const cols = rows.charges;
        cols.id.push(c.id);
        cols.linkId.push(c.linkId);
        cols.accountId.push(s.accountId);
        cols.bankCode.push(s.bankCode);
        cols.branchCode.push(s.branchCode);
        cols.accountNumber.push(s.accountNumber);
        cols.amountYen.push(c.amountYen);
        cols.occurredAt.push(p.occurredAtIso);
        addRollup(s.bankCode, "CHARGE_COUNT", t, 1);
        addRollup(s.bankCode, "CHARGE_YEN", t, c.amountYen);
        touchedAccounts.add(s.accountId);
        touchedLinks.add(c.linkId);
        summary.chargeIds.push(c.id);
        summary.charges.push({
          chargeId: c.id,
          linkId: c.linkId,
          accountId: s.accountId,
          bankCode: s.bankCode,
          amountYen: c.amountYen,
          occurredAt: new Date(t),
          eventId: e.id,
          linkRegisteredAt: new Date(s.registeredAtMs),
          linkChangedAt: s.changedAtMs === null ? null : new Date(s.changedAtMs),
        });
        break;
      }
      case "spend.completed": {
        const s = e.spend;
        if (!accountExists(s.accountId)) {
          reject(p, "UNKNOWN_ACCOUNT", `account ${s.accountId} is not known`);
          continue;
        }
        if (known.spends.has(s.id) || newSpends.has(s.id)) {
          reject(p, "CONFLICT", `spend ${s.id} already exists (reported by another event)`);
          continue;
        }
        newSpends.add(s.id);
        const cols = rows.spends;
        cols.id.push(s.id);
        cols.accountId.push(s.accountId);
        cols.amountYen.push(s.amountYen);
        cols.channel.push(s.channel);
        cols.counterparty.push(s.counterparty ?? null);
        cols.occurredAt.push(p.occurredAtIso);
        touchedAccounts.add(s.accountId);
        break;
      }
    }
    acceptedHashes.set(e.id, p.hash);
    rows.events.id.push(e.id);
    rows.events.type.push(e.type);
    rows.events.hash.push(p.hash);
    rows.events.occurredAt.push(p.occurredAtIso);
    if (t < minMs) minMs = t;
    if (t > maxMs) maxMs = t;
  }

  for (const [id, l] of links) {
    if (l.isNew) pushLink(rows.newLinks, id, l.state);
    else if (l.changed) pushLink(rows.changedLinks, id, l.state);
  }
  for (const [linkId, ms] of closeDbVersionAt) {
    rows.versionCloses.linkId.push(linkId);
    rows.versionCloses.validTo.push(iso(ms));
  }
  for (const v of versions) {
    const c = rows.versions;
    c.linkId.push(v.linkId);
    c.bankCode.push(v.state.bankCode);
    c.branchCode.push(v.state.branchCode);
    c.accountNumber.push(v.state.accountNumber);
    c.holderName.push(v.state.holderName);
    c.authMethod.push(v.state.authMethod);
    c.validFrom.push(iso(v.validFromMs));
    c.validTo.push(v.validToMs === null ? null : iso(v.validToMs));
    c.eventId.push(v.eventId);
  }
  const metricOrder = (m: IngestMetric) => INGEST_METRICS.indexOf(m);
  const sorted = [...rollups.values()].sort(
    (a, b) =>
      (a.bankCode < b.bankCode ? -1 : a.bankCode > b.bankCode ? 1 : 0) ||
      metricOrder(a.metric) - metricOrder(b.metric) ||
      a.bucketMinutes - b.bucketMinutes ||
      a.startMs - b.startMs,
  );
  for (const r of sorted) {
    rows.rollups.bankCode.push(r.bankCode);
    rows.rollups.metric.push(r.metric);
    rows.rollups.bucketMinutes.push(r.bucketMinutes);
    rows.rollups.bucketStart.push(iso(r.startMs));
    rows.rollups.value.push(r.value);
  }

  rejected.sort((a, b) => a.index - b.index);
  summary.accountIds = [...touchedAccounts];
  summary.linkIds = [...touchedLinks];
  summary.bankCodes = [...touchedBanks];
  if (rows.events.id.length > 0) {
    summary.minOccurredAt = new Date(minMs);
    summary.maxOccurredAt = new Date(maxMs);
  }
  return { accepted: rows.events.id.length, duplicates, rejected, rows, summary };
}
