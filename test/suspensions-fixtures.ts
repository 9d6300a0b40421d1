// Test data for the suspension tests, written straight into the test database (wallet accounts and
// links normally arrive through event ingestion) and small helpers to call the decision API over
// real HTTP with the platform key.
import type { Database } from "../server/db/client.ts";
import type { DecisionResponse } from "../shared/suspensions/schemas.ts";

let seq = 0;
const nextId = (prefix: string) => `${prefix}-${process.pid}-${++seq}`;

export interface AccountFixture {
  id?: string;
  status?: "ACTIVE" | "FROZEN";
  riskScore?: number;
  reviewLabel?: "CONFIRMED_FRAUD" | "LEGITIMATE" | null;
  riskReasons?: Array<{ code: string; points: number; evidence: string }>;
  holderName?: string;
  openedAt?: Date;
}

export async function insertAccount(db: Database, a: AccountFixture = {}): Promise<string> {
  const id = a.id ?? nextId("acc");
  const holderName = a.holderName ?? "ヤマダ タロウ";
  await db.prisma.walletAccount.create({
    data: {
      id,
      holderName,
      holderNameNormalized: holderName.replace(/\s+/g, ""),
      carrierCustomer: false,
      identityVerified: false,
      openedAt: a.openedAt ?? new Date("2020-01-01T00:00:00Z"),
      status: a.status ?? "ACTIVE",
      riskScore: a.riskScore ?? 0,
      reviewLabel: a.reviewLabel ?? null,
      riskReasons: a.riskReasons ?? [],
    },
  });
  return id;
}

export interface LinkFixture {
  id?: string;
  accountId: string;
  bankCode: string;
  registeredAt: Date;
  changedAt?: Date | null;
  status?: "ACTIVE" | "QUARANTINED" | "REVOKED";
  accountNumber?: string;
}

export async function insertLink(db: Database, l: LinkFixture): Promise<string> {
  const id = l.id ?? nextId("lnk");
  await db.prisma.bankLink.create({
    data: {
      id,
      accountId: l.accountId,
      bankCode: l.bankCode,
      branchCode: "101",
      accountNumber: l.accountNumber ?? String(1_000_000 + (seq % 9_000_000)).slice(0, 7),
      holderName: "ヤマダ タロウ",
      holderNameNormalized: "ヤマダタロウ",
      authMethod: "PIN",
      registeredAt: l.registeredAt,
      changedAt: l.changedAt ?? null,
      status: l.status ?? "ACTIVE",
    },
  });
  return id;
}

/** An account with one link at the bank, registered at `registeredAt`. */
export async function accountWithLink(db: Database, bankCode: string, registeredAt: Date, a: AccountFixture = {}) {
  const accountId = await insertAccount(db, a);
  const linkId = await insertLink(db, { accountId, bankCode, registeredAt });
  return { accountId, linkId };
}

export type DecisionPath = "link-registration" | "link-change" | "charge";

export async function decide(
  baseUrl: string,
  apiKey: string,
  path: DecisionPath,
  body: Record<string, unknown>,
): Promise<{ status: number; body: DecisionResponse & { code?: string } }> {
  const res = await fetch(`${baseUrl}/api/v1/decisions/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as DecisionResponse & { code?: string } };
}

export const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
