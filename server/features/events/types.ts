// Types of the ingestion service and of the hooks other features register in server/ingest-hooks.ts.
import type { EventRejection } from "../../../shared/events/schemas.ts";

/** What one `ingestBatch` call did: every event is accepted, a duplicate, or rejected. */
export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: EventRejection[];
}

export interface RegisteredLinkSummary {
  linkId: string;
  accountId: string;
  bankCode: string;
  registeredAt: Date;
  eventId: string;
}

export interface ChangedLinkSummary {
  linkId: string;
  accountId: string;
  /** the bank the link pointed at just before this change */
  oldBankCode: string;
  newBankCode: string;
  changedAt: Date;
  eventId: string;
}

export interface ChargeSummary {
  chargeId: string;
  linkId: string;
  accountId: string;
  /** the bank drawn on at the time of the charge */
  bankCode: string;
  amountYen: number;
  occurredAt: Date;
  eventId: string;
  /** the link's timing at the time of the charge (what grandfathering and quarantine depend on) */
  linkRegisteredAt: Date;
  linkChangedAt: Date | null;
}

/**
 * What a batch newly stored (duplicates and rejected events excluded), handed to the hooks. Lists
 * are in event order and without repeats; times are UTC `Date`s.
 */
export interface IngestedBatchSummary {
  /** every wallet account the batch touched: opened, linked, link changed, charged or spent */
  accountIds: string[];
  /** the wallet accounts the batch opened (new members of their device's and IP address's groups) */
  openedAccountIds: string[];
  /** every link the batch registered, changed or charged through */
  linkIds: string[];
  registeredLinks: RegisteredLinkSummary[];
  changedLinks: ChangedLinkSummary[];
  chargeIds: string[];
  /** the same charges with what the suspension rules need, in event order */
  charges: ChargeSummary[];
  /** every bank whose rollups the batch changed (registration, change target, charge) */
  bankCodes: string[];
  /** earliest and latest `occurredAt` of the stored events (null only for an empty summary) */
  minOccurredAt: Date | null;
  maxOccurredAt: Date | null;
}
