// Builders for wallet-platform events (the ingestion contract) and a helper to post them over real
// HTTP with the platform key. Other features' tests may use these to create accounts and links
// through the real ingestion path.
import type {
  AccountOpenedEvent,
  ChargeCompletedEvent,
  LinkChangedEvent,
  LinkRegisteredEvent,
  SpendCompletedEvent,
} from "../shared/events/schemas.ts";

let seq = 0;
/** A unique id for this process (test files run in parallel, each on its own database). */
export const uid = (prefix: string) => `${prefix}-${process.pid}-${++seq}`;

/** 2020-09-04 12:00 JST plus `minutes`. */
export const at = (minutes: number) => new Date(Date.UTC(2020, 8, 4, 3, 0, 0) + minutes * 60_000).toISOString();

export function accountOpened(accountId: string, o: { minutes?: number; holderName?: string; eventId?: string } = {}): AccountOpenedEvent {
  return {
    id: o.eventId ?? uid("ev"),
    type: "account.opened",
    occurredAt: at(o.minutes ?? 0),
    account: { id: accountId, holderName: o.holderName ?? "ヤマダ タロウ", carrierCustomer: false, identityVerified: false, deviceId: "dev-1", ipAddress: "203.0.113.7" },
  };
}

export function linkRegistered(
  linkId: string,
  accountId: string,
  o: { minutes?: number; bankCode?: string; accountNumber?: string; holderName?: string; eventId?: string } = {},
): LinkRegisteredEvent {
  return {
    id: o.eventId ?? uid("ev"),
    type: "link.registered",
    occurredAt: at(o.minutes ?? 1),
    link: { id: linkId, accountId, bankCode: o.bankCode ?? "0125", branchCode: "101", accountNumber: o.accountNumber ?? "1234567", holderName: o.holderName ?? "ﾔﾏﾀﾞ ﾀﾛｳ", authMethod: "PIN" },
  };
}

export function linkChanged(linkId: string, o: { minutes?: number; bankCode?: string; accountNumber?: string; eventId?: string } = {}): LinkChangedEvent {
  return {
    id: o.eventId ?? uid("ev"),
    type: "link.changed",
    occurredAt: at(o.minutes ?? 2),
    link: { id: linkId, bankCode: o.bankCode ?? "0005", branchCode: "202", accountNumber: o.accountNumber ?? "7654321", holderName: "ヤマダ タロウ", authMethod: "ONLINE_BANKING" },
  };
}

export function chargeCompleted(chargeId: string, linkId: string, o: { minutes?: number; amountYen?: number; eventId?: string } = {}): ChargeCompletedEvent {
  return { id: o.eventId ?? uid("ev"), type: "charge.completed", occurredAt: at(o.minutes ?? 3), charge: { id: chargeId, linkId, amountYen: o.amountYen ?? 10_000 } };
}

export function spendCompleted(spendId: string, accountId: string, o: { minutes?: number; amountYen?: number; eventId?: string } = {}): SpendCompletedEvent {
  return {
    id: o.eventId ?? uid("ev"),
    type: "spend.completed",
    occurredAt: at(o.minutes ?? 4),
    spend: { id: spendId, accountId, amountYen: o.amountYen ?? 5_000, channel: "payment", counterparty: "ローソン 仙台駅前店" },
  };
}

/** An account with one link at `bankCode`: the two events that create them. */
export function walletWithLink(o: { bankCode?: string; minutes?: number } = {}) {
  const accountId = uid("acc");
  const linkId = uid("lnk");
  return { accountId, linkId, events: [accountOpened(accountId, { minutes: o.minutes }), linkRegistered(linkId, accountId, { bankCode: o.bankCode, minutes: o.minutes })] };
}

export interface PostResult {
  status: number;
  body: any;
}

export async function postEvents(baseUrl: string, key: string | null, body: unknown, o: { raw?: boolean } = {}): Promise<PostResult> {
  const res = await fetch(`${baseUrl}/api/v1/events`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: o.raw ? (body as string) : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: res.status, body: parsed };
}
