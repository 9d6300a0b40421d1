// What planning reads and writes: the state the database already holds for a batch's keys
// (KnownState) and the rows to write as column arrays, one per table, in the order of the INSERT
// column lists in ingest.ts (ready for `unnest`). No I/O.
import type { AuthMethod } from "../../../shared/events/schemas.ts";
import { normalizeHolderName } from "../../../shared/accounts/names.ts";

/** An instant as written (ISO 8601, UTC). */
export const iso = (ms: number) => new Date(ms).toISOString();

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

/** Column arrays, one per table, in the order of the INSERT column lists in ingest.ts. */
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
    descriptor: (string | null)[];
  };
  spends: { id: string[]; accountId: string[]; amountYen: number[]; channel: string[]; counterparty: (string | null)[]; occurredAt: string[] };
  /** account.verified: the event id is the verification's id */
  verifications: { id: string[]; accountId: string[]; method: string[]; passed: boolean[]; verifiedAt: string[] };
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

export function emptyBatchRows(): BatchRows {
  return {
    events: { id: [], type: [], hash: [], occurredAt: [] },
    accounts: { id: [], holderName: [], holderNameNormalized: [], carrierCustomer: [], identityVerified: [], deviceId: [], ipAddress: [], openedAt: [] },
    newLinks: emptyLinkColumns(),
    changedLinks: emptyLinkColumns(),
    versionCloses: { linkId: [], validTo: [] },
    versions: { linkId: [], bankCode: [], branchCode: [], accountNumber: [], holderName: [], authMethod: [], validFrom: [], validTo: [], eventId: [] },
    charges: { id: [], linkId: [], accountId: [], bankCode: [], branchCode: [], accountNumber: [], amountYen: [], occurredAt: [], descriptor: [] },
    spends: { id: [], accountId: [], amountYen: [], channel: [], counterparty: [], occurredAt: [] },
    verifications: { id: [], accountId: [], method: [], passed: [], verifiedAt: [] },
    rollups: { bankCode: [], metric: [], bucketMinutes: [], bucketStart: [], value: [] },
  };
}

function emptyLinkColumns(): LinkColumns {
  return { id: [], accountId: [], bankCode: [], branchCode: [], accountNumber: [], holderName: [], holderNameNormalized: [], authMethod: [], registeredAt: [], changedAt: [] };
}

export function pushLink(cols: LinkColumns, id: string, s: LinkState) {
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
