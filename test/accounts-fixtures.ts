// Test fixtures for the accounts feature: demo-generator events written to the tables the way the
// ingestion service writes them (wallet_account, bank_link + one bank_link_version per registration
// and change, charge with the bank account snapshot, spend), batch by batch with set-based inserts.
// Used while the ingestion service (server/features/events/ingest.ts) is not there to call.
import type pg from "pg";
import { normalizeHolderName } from "../shared/accounts/index.ts";
import type { PlatformEvent } from "../shared/events/schemas.ts";

interface LinkState {
  accountId: string;
  bankCode: string;
  branchCode: string;
  accountNumber: string;
}

export class EventLoader {
  private readonly links = new Map<string, LinkState>();
  constructor(private readonly pool: pg.Pool) {}

  /** Writes one batch in one transaction; returns the accounts it touched (as the ingest summary does). */
  async load(events: readonly PlatformEvent[]): Promise<string[]> {
    const acc = { id: [] as string[], name: [] as string[], norm: [] as string[], carrier: [] as boolean[], verified: [] as boolean[], device: [] as (string | null)[], ip: [] as (string | null)[], at: [] as string[] };
    const newLinks = new Map<string, { id: string; accountId: string; bankCode: string; branchCode: string; accountNumber: string; holderName: string; authMethod: string; registeredAt: string; changedAt: string | null }>();
    const changed = new Map<string, { bankCode: string; branchCode: string; accountNumber: string; holderName: string; authMethod: string; changedAt: string }>();
    const ver = { link: [] as string[], bank: [] as string[], branch: [] as string[], number: [] as string[], name: [] as string[], auth: [] as string[], from: [] as string[], event: [] as string[] };
    const closes = { link: [] as string[], to: [] as string[] };
    const chg = { id: [] as string[], link: [] as string[], account: [] as string[], bank: [] as string[], branch: [] as string[], number: [] as string[], amount: [] as number[], at: [] as string[] };
    const spd = { id: [] as string[], account: [] as string[], amount: [] as number[], channel: [] as string[], cp: [] as (string | null)[], at: [] as string[] };
    const touched = new Set<string>();
    for (const e of events) {
      const at = new Date(e.occurredAt).toISOString();
      if (e.type === "account.opened") {
        const a = e.account;
        acc.id.push(a.id); acc.name.push(a.holderName); acc.norm.push(normalizeHolderName(a.holderName));
        acc.carrier.push(a.carrierCustomer); acc.verified.push(a.identityVerified);
        acc.device.push(a.deviceId ?? null); acc.ip.push(a.ipAddress ?? null); acc.at.push(at);
        touched.add(a.id);
      } else if (e.type === "link.registered") {
        const l = e.link;
        newLinks.set(l.id, { id: l.id, accountId: l.accountId, bankCode: l.bankCode, branchCode: l.branchCode, accountNumber: l.accountNumber, holderName: l.holderName, authMethod: l.authMethod, registeredAt: at, changedAt: null });
        this.links.set(l.id, { accountId: l.accountId, bankCode: l.bankCode, branchCode: l.branchCode, accountNumber: l.accountNumber });
        ver.link.push(l.id); ver.bank.push(l.bankCode); ver.branch.push(l.branchCode); ver.number.push(l.accountNumber);
        ver.name.push(l.holderName); ver.auth.push(l.authMethod); ver.from.push(at); ver.event.push(e.id);
        touched.add(l.accountId);
      } else if (e.type === "link.changed") {
        const l = e.link;
        const state = this.links.get(l.id)!;
        Object.assign(state, { bankCode: l.bankCode, branchCode: l.branchCode, accountNumber: l.accountNumber });
        const fresh = newLinks.get(l.id);
        const change = { bankCode: l.bankCode, branchCode: l.branchCode, accountNumber: l.accountNumber, holderName: l.holderName, authMethod: l.authMethod, changedAt: at };
        if (fresh) Object.assign(fresh, change);
        else changed.set(l.id, change);
        closes.link.push(l.id); closes.to.push(at);
        ver.link.push(l.id); ver.bank.push(l.bankCode); ver.branch.push(l.branchCode); ver.number.push(l.accountNumber);
        ver.name.push(l.holderName); ver.auth.push(l.authMethod); ver.from.push(at); ver.event.push(e.id);
        touched.add(state.accountId);
      } else if (e.type === "charge.completed") {
        const s = this.links.get(e.charge.linkId)!;
        chg.id.push(e.charge.id); chg.link.push(e.charge.linkId); chg.account.push(s.accountId);
        chg.bank.push(s.bankCode); chg.branch.push(s.branchCode); chg.number.push(s.accountNumber);
        chg.amount.push(e.charge.amountYen); chg.at.push(at);
        touched.add(s.accountId);
      } else if (e.type === "spend.completed") {
        const s = e.spend;
        spd.id.push(s.id); spd.account.push(s.accountId); spd.amount.push(s.amountYen); spd.channel.push(s.channel);
        spd.cp.push(s.counterparty ?? null); spd.at.push(at);
        touched.add(s.accountId);
      }
    }
    const nl = [...newLinks.values()];
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      await client.query(
        `INSERT INTO wallet_account (id, holder_name, holder_name_normalized, carrier_customer, identity_verified, device_id, ip_address, opened_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bool[], $5::bool[], $6::text[], $7::text[], $8::timestamptz[])`,
        [acc.id, acc.name, acc.norm, acc.carrier, acc.verified, acc.device, acc.ip, acc.at],
      );
      await client.query(
        `INSERT INTO bank_link (id, account_id, bank_code, branch_code, account_number, holder_name, holder_name_normalized, auth_method, registered_at, changed_at)
         SELECT id, acc, bank, branch, num, name, norm, auth::"AuthMethod", reg, chg
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[], $10::timestamptz[])
           AS u(id, acc, bank, branch, num, name, norm, auth, reg, chg)`,
        [nl.map((l) => l.id), nl.map((l) => l.accountId), nl.map((l) => l.bankCode), nl.map((l) => l.branchCode), nl.map((l) => l.accountNumber), nl.map((l) => l.holderName), nl.map((l) => normalizeHolderName(l.holderName)), nl.map((l) => l.authMethod), nl.map((l) => l.registeredAt), nl.map((l) => l.changedAt)],
      );
      const ch = [...changed.entries()];
      await client.query(
        `UPDATE bank_link b SET bank_code = u.bank, branch_code = u.branch, account_number = u.num, holder_name = u.name,
           holder_name_normalized = u.norm, auth_method = u.auth::"AuthMethod", changed_at = u.at
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[]) AS u(id, bank, branch, num, name, norm, auth, at)
         WHERE b.id = u.id`,
        [ch.map(([id]) => id), ch.map(([, c]) => c.bankCode), ch.map(([, c]) => c.branchCode), ch.map(([, c]) => c.accountNumber), ch.map(([, c]) => c.holderName), ch.map(([, c]) => normalizeHolderName(c.holderName)), ch.map(([, c]) => c.authMethod), ch.map(([, c]) => c.changedAt)],
      );
      await client.query(
        `UPDATE bank_link_version v SET valid_to = u.at FROM unnest($1::text[], $2::timestamptz[]) AS u(link, at)
         WHERE v.link_id = u.link AND v.valid_to IS NULL`,
        [closes.link, closes.to],
      );
      await client.query(
        `INSERT INTO bank_link_version (link_id, bank_code, branch_code, account_number, holder_name, auth_method, valid_from, event_id)
         SELECT link, bank, branch, num, name, auth::"AuthMethod", vf, ev
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::text[]) AS u(link, bank, branch, num, name, auth, vf, ev)`,
        [ver.link, ver.bank, ver.branch, ver.number, ver.name, ver.auth, ver.from, ver.event],
      );
      // Versions closed in this batch by a later change in the same batch.
      await client.query(
        `UPDATE bank_link_version v SET valid_to = n.next_from
         FROM (SELECT id, lead(valid_from) OVER (PARTITION BY link_id ORDER BY valid_from, id) AS next_from FROM bank_link_version WHERE link_id = ANY($1::text[])) n
         WHERE v.id = n.id AND n.next_from IS NOT NULL AND v.valid_to IS NULL`,
        [closes.link],
      );
      await client.query(
        `INSERT INTO charge (id, link_id, account_id, bank_code, branch_code, account_number, amount_yen, occurred_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::timestamptz[])`,
        [chg.id, chg.link, chg.account, chg.bank, chg.branch, chg.number, chg.amount, chg.at],
      );
      await client.query(
        `INSERT INTO spend (id, account_id, amount_yen, channel, counterparty, occurred_at)
         SELECT id, acc, amt, ch::"SpendChannel", cp, at FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::timestamptz[]) AS u(id, acc, amt, ch, cp, at)`,
        [spd.id, spd.account, spd.amount, spd.channel, spd.cp, spd.at],
      );
      await client.query("COMMIT");
    } catch (err) {
      await client.query("ROLLBACK").catch(() => {});
      throw err;
    } finally {
      client.release();
    }
    return [...touched];
  }

  /** Loads a whole stream in batches; `afterBatch` plays the ingest after-commit hook. */
  async loadAll(events: readonly PlatformEvent[], opts: { batchSize?: number; afterBatch?: (touched: string[], batch: readonly PlatformEvent[]) => Promise<void> } = {}) {
    const size = opts.batchSize ?? 1000;
    for (let i = 0; i < events.length; i += size) {
      const batch = events.slice(i, i + size);
      const touched = await this.load(batch);
      await opts.afterBatch?.(touched, batch);
    }
  }
}
