// The simulation's entities (wallets, their groups, bank accounts and links, attacks) and the
// actions it schedules. Internal to the generator.
import type { AuthMethod } from "../../../../shared/events/schemas.ts";
import type { DemoAttackLabel, DemoAttackSpec, DemoVictim, OtherHolderKind } from "./types.ts";

export type Profile = "dormant" | "light" | "regular" | "heavy";

export interface Group {
  kind: "family" | "office";
  ip: string;
  surname: number; // family surname index
  deviceId: string;
  /** a family bank account that members may link (the breadwinner's) */
  familyAccount: BankAccount | null;
  size: number;
}

export interface BankAccount {
  bank: BankInfo;
  branchCode: string;
  accountNumber: string;
  holderName: string;
  surname: number;
  /** given name of the account's owner (the wallet holder, or a family member) */
  ownerGiven: string;
  /** why an honest wallet's account carries a name that is not the wallet holder's (null: it does not) */
  otherHolder: OtherHolderKind | null;
}

export interface BankInfo {
  code: string;
  name: string;
  authMethod: AuthMethod;
  branches: string[];
}

export interface Link {
  id: string;
  bank: BankInfo;
  branchCode: string;
  accountNumber: string;
  holderName: string;
}

export interface Wallet {
  id: string;
  fraud: boolean;
  surname: number;
  given: string;
  name: string;
  profile: Profile;
  carrier: boolean;
  verified: boolean;
  deviceId: string | undefined;
  ipAddress: string | undefined;
  group: Group | null;
  link: Link | null;
  /** the bank account to link (chosen at creation) */
  plannedAccount: BankAccount | null;
  linkedAt: number;
  balance: number;
  monthKey: number;
  monthTotal: number;
  /** what monthTotal would be without honest bursts (see charge(): keeps the main stream unchanged) */
  monthTotalWithoutBursts: number;
  // fraud only
  attack: AttackState | null;
  victim: DemoVictim | null;
  plan: number[];
}

export interface AttackState {
  spec: DemoAttackSpec;
  bank: BankInfo;
  label: DemoAttackLabel;
  ring: { deviceId: string; ip: string; remaining: number } | null;
  /** phones and addresses of the attack's patient wallets that its blatant wallets may use too (patient.ts) */
  shared: { deviceIds: string[]; ips: string[] };
}

/** What an action does (see the main loop in generator.ts). */
export enum K {
  SpawnPre,
  SpawnNew,
  Link,
  Charge,
  Spend,
  Change,
  FOpen,
  FLink,
  FCharge,
  FSpend,
  FChange,
  Burst,
  BurstCharge,
  BurstPay,
  BurstSend,
  CampaignOpen,
  CampaignLink,
  POpen,
  PLink,
  PCharge,
  PSpend,
  HubPay,
}

export interface Action {
  t: number;
  k: K;
  w: Wallet | null;
  a: number; // amount or auxiliary number
}
