// The pure half of ingestion: validate and hash a batch (plan-parse.ts), then walk it in order
// against what the database already holds and decide, per event, accepted / duplicate / rejected,
// producing the rows to write as column arrays (plan-rows.ts, ready for `unnest`) and the rollup
// deltas aggregated in memory. No I/O here, so the same plan feeds the SQL writer (ingest.ts) and
// the COPY baseline (bench).
import type { EventRejection, PlatformEvent, RejectionCode } from "../../../shared/events/schemas.ts";
import { normalizeHolderName } from "../../../shared/accounts/names.ts";
import type { IngestedBatchSummary } from "./types.ts";
import type { ParsedBatch, ParsedEvent } from "./plan-parse.ts";
import { emptyBatchRows, iso, pushLink, type BatchRows, type KnownState, type LinkState } from "./plan-rows.ts";

export const ROLLUP_BUCKET_MINUTES = [5, 60] as const;
/** Metrics the ingestion maintains, in the order of the database enum "VolumeMetric" (lock order). */
export const INGEST_METRICS = ["LINK_REGISTERED", "LINK_CHANGED", "CHARGE_COUNT", "CHARGE_YEN"] as const;
export type IngestMetric = (typeof INGEST_METRICS)[number];

export interface BatchPlan {
  accepted: number;
  duplicates: number;
  /** sorted by index */
  rejected: EventRejection[];
  rows: BatchRows;
  summary: IngestedBatchSummary;
}

interface VersionDraft {
  linkId: string;
  state: LinkState;
  validFromMs: number;
  validToMs: number | null;
  eventId: string;
}

type EventOf<T extends PlatformEvent["type"]> = Extract<PlatformEvent, { type: T }>;

/**
 * Walks the batch in order. An event is a duplicate when its id was stored before (or accepted
 * earlier in this batch) with the same hash, a CONFLICT with another hash; otherwise it must refer
 * only to what exists (in the database or accepted earlier in the batch). A rejected event changes
 * nothing and does not take its id, so a later event with the same id is judged afresh.
 */
export function planBatch(parsed: ParsedBatch, known: KnownState): BatchPlan {
  const planner = new BatchPlanner(parsed.invalid, known);
  for (const p of parsed.events) planner.add(p);
  return planner.finish();
}

/** One batch's walk: what it has accepted so far, and the rows and rollups it will write. */
class BatchPlanner {
  private readonly rejected: EventRejection[];
  private duplicates = 0;
  private readonly acceptedHashes = new Map<string, string>();
  private readonly newAccounts = new Set<string>();
  private readonly newCharges = new Set<string>();
  private readonly newSpends = new Set<string>();
  /** Links as the batch leaves them; `isNew` = registered in this batch. */
  private readonly links = new Map<string, { state: LinkState; isNew: boolean; changed: boolean }>();
  private readonly versions: VersionDraft[] = [];
  private readonly openVersion = new Map<string, VersionDraft>();
  private readonly closeDbVersionAt = new Map<string, number>();
  private readonly rollups = new Map<string, { bankCode: string; metric: IngestMetric; bucketMinutes: number; startMs: number; value: number }>();
  private readonly rows: BatchRows = emptyBatchRows();
  private readonly touchedAccounts = new Set<string>();
  private readonly touchedLinks = new Set<string>();
  private readonly touchedBanks = new Set<string>();
  private readonly summary: IngestedBatchSummary = {
    accountIds: [],
    openedAccountIds: [],
    linkIds: [],
    registeredLinks: [],
    changedLinks: [],
    chargeIds: [],
    charges: [],
    bankCodes: [],
    minOccurredAt: null,
    maxOccurredAt: null,
  };
  private minMs = Infinity;
  private maxMs = -Infinity;

  constructor(
    invalid: readonly EventRejection[],
    private readonly known: KnownState,
  ) {
    this.rejected = [...invalid];
  }

  /** Judges one event (in batch order) and, when accepted, adds what it writes. */
  add(p: ParsedEvent): void {
    const e = p.event;
    const priorHash = this.known.eventHashes.get(e.id) ?? this.acceptedHashes.get(e.id);
    if (priorHash !== undefined) {
      if (priorHash === p.hash) this.duplicates++;
      else this.reject(p, "CONFLICT", `event id ${e.id} was already processed with a different payload`);
      return;
    }
    let accepted: boolean;
    switch (e.type) {
      case "account.opened":
        accepted = this.accountOpened(p, e);
        break;
      case "link.registered":
        accepted = this.linkRegistered(p, e);
        break;
      case "link.changed":
        accepted = this.linkChanged(p, e);
        break;
      case "charge.completed":
        accepted = this.chargeCompleted(p, e);
        break;
      case "spend.completed":
        accepted = this.spendCompleted(p, e);
        break;
      case "account.verified":
        accepted = this.accountVerified(p, e);
        break;
    }
    if (!accepted) return;
    const t = p.occurredAtMs;
    this.acceptedHashes.set(e.id, p.hash);
    this.rows.events.id.push(e.id);
    this.rows.events.type.push(e.type);
    this.rows.events.hash.push(p.hash);
    this.rows.events.occurredAt.push(p.occurredAtIso);
    if (t < this.minMs) this.minMs = t;
    if (t > this.maxMs) this.maxMs = t;
  }

  private accountExists(id: string): boolean {
    return this.known.accounts.has(id) || this.newAccounts.has(id);
  }

  private linkNow(id: string) {
    let l = this.links.get(id);
    if (!l) {
      const s = this.known.links.get(id);
      if (!s) return undefined;
      l = { state: { ...s }, isNew: false, changed: false };
      this.links.set(id, l);
    }
    return l;
  }

  private addRollup(bankCode: string, metric: IngestMetric, ms: number, value: number): void {
    this.touchedBanks.add(bankCode);
    for (const minutes of ROLLUP_BUCKET_MINUTES) {
      // 5- and 60-minute buckets aligned in UTC are also aligned in JST (UTC+9, whole hours).
      const size = minutes * 60_000;
      const startMs = Math.floor(ms / size) * size;
      const key = `${bankCode}|${metric}|${minutes}|${startMs}`;
      const r = this.rollups.get(key);
      if (r) r.value += value;
      else this.rollups.set(key, { bankCode, metric, bucketMinutes: minutes, startMs, value });
    }
  }

  private reject(p: ParsedEvent, code: RejectionCode, message: string): false {
    this.rejected.push({ index: p.index, id: p.event.id, code, message });
    return false;
  }

  private accountOpened(p: ParsedEvent, e: EventOf<"account.opened">): boolean {
    const a = e.account;
    if (this.accountExists(a.id)) return this.reject(p, "CONFLICT", `account ${a.id} already exists (opened by another event)`);
    this.newAccounts.add(a.id);
    const c = this.rows.accounts;
    c.id.push(a.id);
    c.holderName.push(a.holderName);
    c.holderNameNormalized.push(normalizeHolderName(a.holderName));
    c.carrierCustomer.push(a.carrierCustomer);
    c.identityVerified.push(a.identityVerified);
    c.deviceId.push(a.deviceId ?? null);
    c.ipAddress.push(a.ipAddress ?? null);
    c.openedAt.push(p.occurredAtIso);
    this.touchedAccounts.add(a.id);
    return true;
  }

  private linkRegistered(p: ParsedEvent, e: EventOf<"link.registered">): boolean {
    const l = e.link;
    const t = p.occurredAtMs;
    if (!this.accountExists(l.accountId)) return this.reject(p, "UNKNOWN_ACCOUNT", `account ${l.accountId} is not known`);
    if (!this.known.banks.has(l.bankCode)) return this.reject(p, "UNKNOWN_BANK", `bank ${l.bankCode} is not in the reference data`);
    if (this.linkNow(l.id)) return this.reject(p, "CONFLICT", `link ${l.id} already exists (registered by another event)`);
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
    this.links.set(l.id, { state, isNew: true, changed: false });
    const v: VersionDraft = { linkId: l.id, state: { ...state }, validFromMs: t, validToMs: null, eventId: e.id };
    this.versions.push(v);
    this.openVersion.set(l.id, v);
    this.addRollup(l.bankCode, "LINK_REGISTERED", t, 1);
    this.touchedAccounts.add(l.accountId);
    this.touchedLinks.add(l.id);
    this.summary.registeredLinks.push({ linkId: l.id, accountId: l.accountId, bankCode: l.bankCode, registeredAt: new Date(t), eventId: e.id });
    return true;
  }

  private linkChanged(p: ParsedEvent, e: EventOf<"link.changed">): boolean {
    const l = e.link;
    const t = p.occurredAtMs;
    const cur = this.linkNow(l.id);
    if (!cur) return this.reject(p, "UNKNOWN_LINK", `link ${l.id} is not known`);
    if (!this.known.banks.has(l.bankCode)) return this.reject(p, "UNKNOWN_BANK", `bank ${l.bankCode} is not in the reference data`);
    const oldBankCode = cur.state.bankCode;
    const open = this.openVersion.get(l.id);
    if (open) open.validToMs = t;
    else this.closeDbVersionAt.set(l.id, t);
    // registeredAt stays: grandfathering depends on when the link was first registered.
    cur.state = { ...cur.state, bankCode: l.bankCode, branchCode: l.branchCode, accountNumber: l.accountNumber, holderName: l.holderName, authMethod: l.authMethod, changedAtMs: t };
    cur.changed = true;
    const v: VersionDraft = { linkId: l.id, state: { ...cur.state }, validFromMs: t, validToMs: null, eventId: e.id };
    this.versions.push(v);
    this.openVersion.set(l.id, v);
    // Counted at the bank the wallet now draws on: that is where a change-based attack shows.
    this.addRollup(l.bankCode, "LINK_CHANGED", t, 1);
    this.touchedAccounts.add(cur.state.accountId);
    this.touchedLinks.add(l.id);
    this.summary.changedLinks.push({ linkId: l.id, accountId: cur.state.accountId, oldBankCode, newBankCode: l.bankCode, changedAt: new Date(t), eventId: e.id });
    return true;
  }

  private chargeCompleted(p: ParsedEvent, e: EventOf<"charge.completed">): boolean {
    const c = e.charge;
    const t = p.occurredAtMs;
    const link = this.linkNow(c.linkId);
    if (!link) return this.reject(p, "UNKNOWN_LINK", `link ${c.linkId} is not known`);
    if (this.known.charges.has(c.id) || this.newCharges.has(c.id)) return this.reject(p, "CONFLICT", `charge ${c.id} already exists (reported by another event)`);
    this.newCharges.add(c.id);
    // The bank account drawn on is the link's account at this moment; a later change keeps it.
    const s = link.state;
    const cols = this.rows.charges;
    cols.id.push(c.id);
    cols.linkId.push(c.linkId);
    cols.accountId.push(s.accountId);
    cols.bankCode.push(s.bankCode);
    cols.branchCode.push(s.branchCode);
    cols.accountNumber.push(s.accountNumber);
    cols.amountYen.push(c.amountYen);
    cols.occurredAt.push(p.occurredAtIso);
    cols.descriptor.push(c.descriptor ?? null);
    this.addRollup(s.bankCode, "CHARGE_COUNT", t, 1);
    this.addRollup(s.bankCode, "CHARGE_YEN", t, c.amountYen);
    this.touchedAccounts.add(s.accountId);
    this.touchedLinks.add(c.linkId);
    this.summary.chargeIds.push(c.id);
    this.summary.charges.push({
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
    return true;
  }

  private spendCompleted(p: ParsedEvent, e: EventOf<"spend.completed">): boolean {
    const s = e.spend;
    if (!this.accountExists(s.accountId)) return this.reject(p, "UNKNOWN_ACCOUNT", `account ${s.accountId} is not known`);
    if (this.known.spends.has(s.id) || this.newSpends.has(s.id)) return this.reject(p, "CONFLICT", `spend ${s.id} already exists (reported by another event)`);
    this.newSpends.add(s.id);
    const cols = this.rows.spends;
    cols.id.push(s.id);
    cols.accountId.push(s.accountId);
    cols.amountYen.push(s.amountYen);
    cols.channel.push(s.channel);
    cols.counterparty.push(s.counterparty ?? null);
    cols.occurredAt.push(p.occurredAtIso);
    this.touchedAccounts.add(s.accountId);
    return true;
  }

  private accountVerified(p: ParsedEvent, e: EventOf<"account.verified">): boolean {
    const v = e.verification;
    if (!this.accountExists(v.accountId)) return this.reject(p, "UNKNOWN_ACCOUNT", `account ${v.accountId} is not known`);
    const cols = this.rows.verifications;
    cols.id.push(e.id);
    cols.accountId.push(v.accountId);
    cols.method.push(v.method);
    cols.passed.push(v.passed);
    cols.verifiedAt.push(p.occurredAtIso);
    return true;
  }

  /** The links, versions and rollups as the batch leaves them, and the summary. */
  finish(): BatchPlan {
    const rows = this.rows;
    for (const [id, l] of this.links) {
      if (l.isNew) pushLink(rows.newLinks, id, l.state);
      else if (l.changed) pushLink(rows.changedLinks, id, l.state);
    }
    for (const [linkId, ms] of this.closeDbVersionAt) {
      rows.versionCloses.linkId.push(linkId);
      rows.versionCloses.validTo.push(iso(ms));
    }
    for (const v of this.versions) {
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
    this.pushRollups();
    this.rejected.sort((a, b) => a.index - b.index);
    const summary = this.summary;
    summary.accountIds = [...this.touchedAccounts];
    summary.openedAccountIds = [...this.newAccounts];
    summary.linkIds = [...this.touchedLinks];
    summary.bankCodes = [...this.touchedBanks];
    if (rows.events.id.length > 0) {
      summary.minOccurredAt = new Date(this.minMs);
      summary.maxOccurredAt = new Date(this.maxMs);
    }
    return { accepted: rows.events.id.length, duplicates: this.duplicates, rejected: this.rejected, rows, summary };
  }

  /** The rollup deltas sorted by (bankCode, metric in enum order, bucketMinutes, bucketStart): the lock order. */
  private pushRollups(): void {
    const metricOrder = (m: IngestMetric) => INGEST_METRICS.indexOf(m);
    const sorted = [...this.rollups.values()].sort(
      (a, b) =>
        (a.bankCode < b.bankCode ? -1 : a.bankCode > b.bankCode ? 1 : 0) ||
        metricOrder(a.metric) - metricOrder(b.metric) ||
        a.bucketMinutes - b.bucketMinutes ||
        a.startMs - b.startMs,
    );
    const out = this.rows.rollups;
    for (const r of sorted) {
      out.bankCode.push(r.bankCode);
      out.metric.push(r.metric);
      out.bucketMinutes.push(r.bucketMinutes);
      out.bucketStart.push(iso(r.startMs));
      out.value.push(r.value);
    }
  }
}
