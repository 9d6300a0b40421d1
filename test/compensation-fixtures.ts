// Test data for the compensation tests, written straight into the test file's own database (the
// event ingestion API is another feature's): fraudulent and honest wallets, their bank links, and
// charges drawn from victims' bank accounts. Also extra staff, for four-eyes tests.
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import type { PrismaClient } from "../server/generated/prisma/client.ts";
import { hashPassword } from "../server/features/auth/password.ts";
import { signInFully, staffClient } from "./helpers/staff.ts";
import type { Role } from "../shared/auth/roles.ts";
import type { Claim, ClaimInput } from "../shared/compensation/eligibility.ts";

let seq = 0;
export function uniqueId(prefix: string): string {
  seq += 1;
  return `${prefix}-${randomBytes(4).toString("hex")}-${seq}`;
}

let nextAccountNumber = 1_000_000 + Math.floor(Math.random() * 1_000_000);
/** A 7-digit account number no other fixture in this process uses. */
export function accountNumber(): string {
  nextAccountNumber += 1;
  return String(nextAccountNumber);
}

export interface WalletSpec {
  riskScore?: number;
  reviewLabel?: "CONFIRMED_FRAUD" | "LEGITIMATE" | null;
  riskReasons?: Array<{ code: string; points: number; evidence: string }>;
  holderName?: string;
}

export async function insertWallet(prisma: PrismaClient, spec: WalletSpec = {}): Promise<string> {
  const id = uniqueId("w");
  const riskScore = spec.riskScore ?? 85;
  await prisma.walletAccount.create({
    data: {
      id,
      holderName: spec.holderName ?? "サトウ ジロウ",
      holderNameNormalized: "サトウジロウ",
      carrierCustomer: false,
      identityVerified: false,
      openedAt: new Date("2020-09-04T01:00:00Z"),
      riskScore,
      reviewLabel: spec.reviewLabel ?? null,
      riskReasons: spec.riskReasons ?? [
        { code: "HOLDER_NAME_MISMATCH", points: 35, evidence: "Bank holder ヤマダ タロウ is not the wallet holder サトウ ジロウ" },
        { code: "CHARGED_SOON_AFTER_LINK", points: 30, evidence: "First charge 4 minutes after linking" },
      ],
      flaggedAt: riskScore >= 60 ? new Date("2020-09-05T00:00:00Z") : null,
    },
  });
  return id;
}

export interface VictimAccount {
  bankCode: string;
  branchCode: string;
  accountNumber: string;
  holderName: string;
}

/** A branch of the bank that the Zengin code list knows (the payout file checks it): its first one. */
export function realBranch(bankCode: string): string {
  const list = createRequire(import.meta.url)("zengin-code") as Record<string, { branches: Record<string, unknown> }>;
  return Object.keys(list[bankCode]?.branches ?? {}).sort()[0] ?? "100";
}

export function victimAccount(bankCode = "0125", holderName = "ヤマダ タロウ"): VictimAccount {
  return { bankCode, branchCode: realBranch(bankCode), accountNumber: accountNumber(), holderName };
}

/** Links the wallet to the victim's account and charges it; returns the charge ids in order. */
export async function insertCharges(prisma: PrismaClient, walletId: string, victim: VictimAccount, amountsYen: number[], at?: Date[]): Promise<string[]> {
  const linkId = uniqueId("l");
  await prisma.bankLink.create({
    data: {
      id: linkId,
      accountId: walletId,
      bankCode: victim.bankCode,
      branchCode: victim.branchCode,
      accountNumber: victim.accountNumber,
      holderName: victim.holderName,
      holderNameNormalized: victim.holderName.replace(/\s/g, ""),
      authMethod: "PIN",
      registeredAt: new Date("2020-09-05T01:00:00Z"),
    },
  });
  const ids = amountsYen.map(() => uniqueId("c"));
  await prisma.charge.createMany({
    data: amountsYen.map((amountYen, i) => ({
      id: ids[i],
      linkId,
      accountId: walletId,
      bankCode: victim.bankCode,
      branchCode: victim.branchCode,
      accountNumber: victim.accountNumber,
      amountYen,
      occurredAt: at?.[i] ?? new Date(Date.UTC(2020, 8, 5, 1, 5 + i)),
    })),
  });
  return ids;
}

/** A fraudulent wallet that charged one victim; the usual starting point. */
export async function fraudScenario(prisma: PrismaClient, amountsYen: number[], opts: { bankCode?: string; wallet?: WalletSpec } = {}) {
  const walletId = await insertWallet(prisma, opts.wallet);
  const victim = victimAccount(opts.bankCode);
  const chargeIds = await insertCharges(prisma, walletId, victim, amountsYen);
  return { walletId, victim, chargeIds };
}

/** Another staff member (beyond the demo ones) who can sign in, e.g. a second manager. */
export async function createStaff(prisma: PrismaClient, baseUrl: string, role: Role) {
  const email = `${role.toLowerCase()}-${randomBytes(3).toString("hex")}@floodgate.test`;
  const password = `pass-${randomBytes(8).toString("hex")}`;
  const user = await prisma.staffUser.create({ data: { email, name: `Second ${role}`, role, passwordHash: await hashPassword(password) } });
  const agent = staffClient(baseUrl);
  await signInFully(agent, baseUrl, email, password);
  return { ...agent, user: { id: user.id, email, role, password } };
}

export function key(): string {
  return `test-${randomBytes(8).toString("hex")}`;
}

/**
 * The claim a test case is made with when the test is not about the claim (#18: a case cannot be
 * created without one): noticed 2020-09-06, reported 2020-09-07 JST, by phone. The fixtures'
 * charges are of 2020-09-05 JST or later, so no date rule blocks them.
 */
export const TEST_CLAIM = { noticedOn: "2020-09-06", reportedOn: "2020-09-07", channel: "PHONE" } as const;

/** A create-case request with a claim: its own if it has one, else `claim` (TEST_CLAIM). */
export function withClaim<T extends object>(input: T): T & { claim: typeof TEST_CLAIM };
export function withClaim<T extends object, C extends ClaimInput | Claim>(input: T, claim: C): T & { claim: C };
export function withClaim(input: object, claim: ClaimInput | Claim = TEST_CLAIM): object {
  return { claim, ...input };
}
