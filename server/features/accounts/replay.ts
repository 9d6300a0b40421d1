// AccountFacts kept in memory from a wallet-platform event stream (pure, no I/O).
//
// Mirrors facts.ts query for query, so the evaluation (server/cli/eval-detection.ts) can score
// hundreds of thousands of accounts in seconds with the same pure rules, without a database; an
// integration test (test/accounts-scoring.test.ts) checks that both give the same scores on the same
// events. Events must be applied in time order (as the demo generator yields them).
import { FACTS_WINDOW_DAYS, type AuthMethod, type SpendChannel } from "../../../shared/accounts/index.ts";
import type { PlatformEvent } from "../../../shared/events/schemas.ts";
import { maxDistinctAccountsWithin24h, type LinkedBankAccount, type LoadedFacts } from "./facts.ts";

const DAY_MS = 86_400_000;

/** A spike as the scorer sees it; `knownAt` = when the detector had stored it. */
export interface ReplaySpike {
  bankCode: string;
  startedAt: Date;
  endedAt: Date | null;
  knownAt: Date;
}

interface ReplayAccount {
  id: string;
  holderName: string;
  carrierCustomer: boolean;
  identityVerified: boolean;
  deviceId: string | undefined;
  ipAddress: string | undefined;
  openedAt: Date;
  linkIds: string[];
  charges: { amountYen: number; occurredAt: Date }[];
  spends: { amountYen: number; occurredAt: Date; channel: SpendChannel }[];
}

interface ReplayVersion {
  linkId: string;
  bankCode: string;
  branchCode: string;
  accountNumber: string;
  holderName: string;
  authMethod: AuthMethod;
  validFrom: Date;
}

interface ReplayLink {
  id: string;
  accountId: string;
  versions: ReplayVersion[];
}

const bankAccountKey = (v: { bankCode: string; branchCode: string; accountNumber: string }) => `${v.bankCode}-${v.branchCode}-${v.accountNumber}`;

export class FactsReplay {
  readonly accounts = new Map<string, ReplayAccount>();
  readonly links = new Map<string, ReplayLink>();
  /** wallets per device / IP / bank account, as sets of account ids */
  private readonly byDevice = new Map<string, string[]>();
  private readonly byIp = new Map<string, string[]>();
  private readonly byBankAccount = new Map<string, Set<string>>();
  private spikesByBank = new Map<string, ReplaySpike[]>();

  setSpikes(spikes: readonly ReplaySpike[]) {
    this.spikesByBank = new Map();
    for (const s of spikes) {
      const list = this.spikesByBank.get(s.bankCode) ?? [];
      list.push(s);
      this.spikesByBank.set(s.bankCode, list);
    }
  }

  /** Applies one event; returns the account it touched (or null when it refers to nothing known). */
  apply(e: PlatformEvent): string | null {
    const at = new Date(e.occurredAt);
    switch (e.type) {
      case "account.opened": {
        const a = e.account;
        if (this.accounts.has(a.id)) return null;
        this.accounts.set(a.id, {
          id: a.id,
          holderName: a.holderName,
          carrierCustomer: a.carrierCustomer,
          identityVerified: a.identityVerified,
          deviceId: a.deviceId,
          ipAddress: a.ipAddress,
          openedAt: at,
          linkIds: [],
          charges: [],
          spends: [],
        });
        if (a.deviceId) push(this.byDevice, a.deviceId, a.id);
        if (a.ipAddress) push(this.byIp, a.ipAddress, a.id);
        return a.id;
      }
      case "link.registered": {
        const l = e.link;
        const acc = this.accounts.get(l.accountId);
        if (!acc || this.links.has(l.id)) return null;
        const v: ReplayVersion = { linkId: l.id, bankCode: l.bankCode, branchCode: l.branchCode, accountNumber: l.accountNumber, holderName: l.holderName, authMethod: l.authMethod, validFrom: at };
        this.links.set(l.id, { id: l.id, accountId: acc.id, versions: [v] });
        acc.linkIds.push(l.id);
        this.addBankAccount(v, acc.id);
        return acc.id;
      }
      case "link.changed": {
        const l = e.link;
        const link = this.links.get(l.id);
        if (!link) return null;
        const v: ReplayVersion = { linkId: l.id, bankCode: l.bankCode, branchCode: l.branchCode, accountNumber: l.accountNumber, holderName: l.holderName, authMethod: l.authMethod, validFrom: at };
        link.versions.push(v);
        this.addBankAccount(v, link.accountId);
        return link.accountId;
      }
      case "charge.completed": {
        const link = this.links.get(e.charge.linkId);
        if (!link) return null;
        this.accounts.get(link.accountId)!.charges.push({ amountYen: e.charge.amountYen, occurredAt: at });
        return link.accountId;
      }
      case "spend.completed": {
        const acc = this.accounts.get(e.spend.accountId);
        if (!acc) return null;
        acc.spends.push({ amountYen: e.spend.amountYen, occurredAt: at, channel: e.spend.channel });
        return acc.id;
      }
      case "account.verified":
        // A verification changes no scoring input.
        return this.accounts.has(e.verification.accountId) ? e.verification.accountId : null;
    }
  }

  private addBankAccount(v: ReplayVersion, accountId: string) {
    const key = bankAccountKey(v);
    let set = this.byBankAccount.get(key);
    if (!set) this.byBankAccount.set(key, (set = new Set()));
    set.add(accountId);
  }

  /** Accounts sharing a device, IP address or bank account with `accountId` (itself included). */
  related(accountId: string): string[] {
    const acc = this.accounts.get(accountId);
    if (!acc) return [];
    const out = new Set<string>([accountId]);
    if (acc.deviceId) for (const id of this.byDevice.get(acc.deviceId) ?? []) out.add(id);
    if (acc.ipAddress) for (const id of this.byIp.get(acc.ipAddress) ?? []) out.add(id);
    for (const linkId of acc.linkIds) {
      for (const v of this.links.get(linkId)!.versions) for (const id of this.byBankAccount.get(bankAccountKey(v)) ?? []) out.add(id);
    }
    return [...out];
  }

  /**
   * Facts as of `now`, exactly as facts.ts reads them from the database. Everything applied so far
   * must be at or before `now` (the replay is in time order), except that the counts of wallets
   * sharing a device/IP/bank account only include wallets opened/linked by `now`.
   */
  factsOf(accountId: string, now: Date): LoadedFacts | null {
    const acc = this.accounts.get(accountId);
    if (!acc) return null;
    const t = now.getTime();
    const from = t - FACTS_WINDOW_DAYS * DAY_MS;
    const countOpened = (ids: string[] | undefined) => (ids ?? []).filter((id) => this.accounts.get(id)!.openedAt.getTime() <= t).length;

    const links: LinkedBankAccount[] = [];
    let linkCount = 0;
    let maxShare = 0;
    for (const linkId of acc.linkIds) {
      const versions = this.links.get(linkId)!.versions.filter((v) => v.validFrom.getTime() <= t);
      if (versions.length > 0) linkCount++;
      for (const v of versions) {
        links.push({
          linkId,
          bankCode: v.bankCode,
          branchCode: v.branchCode,
          accountNumber: v.accountNumber,
          holderName: v.holderName,
          authMethod: v.authMethod,
          registeredAt: v.validFrom,
          bankWasSpikingAtRegistration: this.spiking(v.bankCode, v.validFrom, now),
        });
        maxShare = Math.max(maxShare, this.walletsOnBankAccount(bankAccountKey(v), t));
      }
    }
    links.sort((a, b) => a.registeredAt.getTime() - b.registeredAt.getTime());
    return {
      accountId,
      account: { openedAt: acc.openedAt, holderName: acc.holderName, carrierCustomer: acc.carrierCustomer, identityVerified: acc.identityVerified },
      links,
      linkChangeCount: links.length - linkCount,
      distinctBankAccountsLinkedWithin24h: maxDistinctAccountsWithin24h(links),
      maxWalletsSharingBankAccount: maxShare,
      walletsSharingDevice: acc.deviceId ? countOpened(this.byDevice.get(acc.deviceId)) : 0,
      walletsSharingIp: acc.ipAddress ? countOpened(this.byIp.get(acc.ipAddress)) : 0,
      charges: acc.charges.filter((c) => c.occurredAt.getTime() >= from && c.occurredAt.getTime() <= t),
      spends: acc.spends.filter((s) => s.occurredAt.getTime() >= from && s.occurredAt.getTime() <= t),
    };
  }

  private walletsOnBankAccount(key: string, t: number): number {
    let n = 0;
    for (const id of this.byBankAccount.get(key) ?? []) {
      const acc = this.accounts.get(id)!;
      const linked = acc.linkIds.some((linkId) => this.links.get(linkId)!.versions.some((v) => bankAccountKey(v) === key && v.validFrom.getTime() <= t));
      if (linked) n++;
    }
    return n;
  }

  private spiking(bankCode: string, at: Date, now: Date): boolean {
    const t = at.getTime();
    for (const s of this.spikesByBank.get(bankCode) ?? []) {
      if (s.knownAt.getTime() > now.getTime() || s.startedAt.getTime() > now.getTime()) continue;
      const end = s.endedAt?.getTime() ?? now.getTime();
      if (s.startedAt.getTime() <= t && end >= t) return true;
    }
    return false;
  }
}

function push(map: Map<string, string[]>, key: string, id: string) {
  const list = map.get(key);
  if (list) list.push(id);
  else map.set(key, [id]);
}
