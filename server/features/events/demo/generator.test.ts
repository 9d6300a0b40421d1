import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { platformEventSchema, type PlatformEvent } from "../../../../shared/events/schemas.ts";
import { collectDemo, generateDemo, writeLabels, type DemoLabels, type DemoStats } from "./index.ts";
import { REFERENCE_BANKS } from "../../reference/banks.ts";
import { findBranch } from "../../compensation/zengin-codes.ts";

const NOW = "2020-09-08T12:00:00+09:00";
const SCALE = 0.05;
const HOUR = 3_600_000;
const JST = 9 * HOUR;

function streamHash(events: Iterable<PlatformEvent>): string {
  const h = createHash("sha256");
  for (const e of events) h.update(JSON.stringify(e)).update("\n");
  return h.digest("hex");
}

const norm = (s: string) => s.normalize("NFKC").replace(/[\s　]+/g, "");
const surnameOf = (s: string) => s.normalize("NFKC").split(/[\s　]+/)[0];

let events: PlatformEvent[];
let labels: DemoLabels;
let stats: DemoStats;
const nowMs = Date.parse(NOW);

// Derived views of the stream
interface Acc { id: string; holderName: string; ip?: string; device?: string; fraud: boolean }
interface Lnk { id: string; accountId: string; bankCode: string; holderName: string; registeredAt: number }
const accounts = new Map<string, Acc>();
const links = new Map<string, Lnk>();
const charges: { id: string; accountId: string; linkId: string; bankCode: string; amount: number; t: number; fraud: boolean }[] = [];
const spends: { accountId: string; amount: number; t: number; channel: string }[] = [];
const changes: { linkId: string; accountId: string }[] = [];

beforeAll(() => {
  ({ events, labels, stats } = collectDemo({ seed: "t1", scale: SCALE, now: NOW, banks: REFERENCE_BANKS }));
  const fraudAcc = new Set(labels.fraudAccountIds);
  for (const e of events) {
    const t = Date.parse(e.occurredAt);
    if (e.type === "account.opened") accounts.set(e.account.id, { id: e.account.id, holderName: e.account.holderName, ip: e.account.ipAddress, device: e.account.deviceId, fraud: fraudAcc.has(e.account.id) });
    else if (e.type === "link.registered") links.set(e.link.id, { ...e.link, registeredAt: t });
    else if (e.type === "link.changed") {
      const l = links.get(e.link.id)!;
      l.bankCode = e.link.bankCode;
      l.holderName = e.link.holderName;
      changes.push({ linkId: l.id, accountId: l.accountId });
    } else if (e.type === "charge.completed") {
      const l = links.get(e.charge.linkId)!;
      charges.push({ id: e.charge.id, accountId: l.accountId, linkId: l.id, bankCode: l.bankCode, amount: e.charge.amountYen, t, fraud: fraudAcc.has(l.accountId) });
    } else if (e.type === "spend.completed") spends.push({ accountId: e.spend.accountId, amount: e.spend.amountYen, t, channel: e.spend.channel });
  }
}, 60_000);

describe("demo generator: determinism and contract", () => {
  it("gives the same stream for the same seed and a different one for another seed", () => {
    const opts = { seed: "t1", scale: SCALE, now: NOW, banks: REFERENCE_BANKS };
    const a = streamHash(events);
    expect(streamHash(generateDemo(opts).events)).toBe(a);
    const run = generateDemo(opts);
    expect(streamHash(run.events)).toBe(streamHash(run.events)); // re-iterable, same result
    expect(streamHash(generateDemo({ ...opts, seed: "t2" }).events)).not.toBe(a);
  });

  it("gives every linked account a real branch of its bank (the zengin-code list), so a demo victim can be paid by Zengin transfer", () => {
    let links = 0;
    for (const e of events) {
      if (e.type !== "link.registered" && e.type !== "link.changed") continue;
      const d = e.link;
      links++;
      if (!findBranch(d.bankCode, d.branchCode)) throw new Error(`${d.bankCode}-${d.branchCode} is not a branch in the zengin-code list`);
    }
    expect(links).toBeGreaterThan(100);
  });

  it("emits only events that validate against the ingestion schema", () => {
    for (const e of events) {
      const r = platformEventSchema.safeParse(e);
      if (!r.success) throw new Error(`${JSON.stringify(e)}: ${r.error.message}`);
    }
    expect(events.length).toBeGreaterThan(10_000);
  });

  it("is in time order, ends by now, and refers only to earlier entities", () => {
    const seenAcc = new Set<string>();
    const seenLink = new Set<string>();
    const ids = new Set<string>();
    const entityIds = new Set<string>();
    let prev = -Infinity;
    for (const e of events) {
      const t = Date.parse(e.occurredAt);
      expect(t).toBeGreaterThanOrEqual(prev);
      prev = t;
      expect(ids.has(e.id)).toBe(false);
      ids.add(e.id);
      switch (e.type) {
        case "account.opened":
          expect(entityIds.has(e.account.id)).toBe(false);
          entityIds.add(e.account.id);
          seenAcc.add(e.account.id);
          break;
        case "link.registered":
          expect(seenAcc.has(e.link.accountId)).toBe(true);
          expect(entityIds.has(e.link.id)).toBe(false);
          entityIds.add(e.link.id);
          seenLink.add(e.link.id);
          break;
        case "link.changed":
          expect(seenLink.has(e.link.id)).toBe(true);
          break;
        case "charge.completed":
          expect(seenLink.has(e.charge.linkId)).toBe(true);
          expect(entityIds.has(e.charge.id)).toBe(false);
          entityIds.add(e.charge.id);
          break;
        case "spend.completed":
          expect(seenAcc.has(e.spend.accountId)).toBe(true);
          expect(entityIds.has(e.spend.id)).toBe(false);
          entityIds.add(e.spend.id);
          break;
      }
    }
    expect(prev).toBeLessThanOrEqual(nowMs);
    expect(prev).toBeGreaterThan(nowMs - HOUR); // the stream runs up to now
    // long-standing wallets exist before the window; charges only inside it
    const windowStart = Date.parse(labels.windowStart);
    expect(events.filter((e) => e.type === "account.opened" && Date.parse(e.occurredAt) < windowStart).length).toBeGreaterThan(1000);
    expect(charges.every((c) => c.t >= windowStart)).toBe(true);
  });
});

describe("demo generator: the incident", () => {
  it("has a link spike at 0125 in the last 36h of at least 5x its earlier hourly level", () => {
    const start = nowMs - 36 * HOUR;
    const windowStart = Date.parse(labels.windowStart);
    const hourly = new Map<number, number>();
    let recent = 0;
    for (const l of links.values()) {
      if (l.bankCode !== "0125" && !changes.some((c) => c.linkId === l.id)) continue;
      const ev = l;
      if (ev.registeredAt < windowStart) continue;
      if (ev.registeredAt >= start) recent++;
      else {
        const h = Math.floor((ev.registeredAt - windowStart) / HOUR);
        hourly.set(h, (hourly.get(h) ?? 0) + 1);
      }
    }
    const earlierHours = Math.floor((start - windowStart) / HOUR);
    const counts = Array.from({ length: earlierHours }, (_, h) => hourly.get(h) ?? 0).sort((a, b) => a - b);
    const median = counts[Math.floor(counts.length / 2)];
    const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
    const recentPerHour = recent / 36;
    console.log(`0125 links: ${recentPerHour.toFixed(2)}/h in the last 36h; earlier hourly median ${median}, mean ${mean.toFixed(3)}`);
    expect(recentPerHour).toBeGreaterThanOrEqual(5 * Math.max(median, mean));
  });

  it("labels every charge of a fraudulent wallet, and only those; most at 0125", () => {
    const labelled = new Set(labels.fraudChargeIds);
    for (const c of charges) expect(labelled.has(c.id)).toBe(c.fraud);
    const at0125 = charges.filter((c) => c.fraud && c.bankCode === "0125");
    expect(at0125.length).toBeGreaterThan(0);
    expect(at0125.every((c) => c.t >= nowMs - 36 * HOUR)).toBe(true);
    // fraud wallets: linked within minutes of opening, name mismatch with the bank holder
    const fraudLinks = [...links.values()].filter((l) => accounts.get(l.accountId)!.fraud);
    expect(fraudLinks.length).toBe(labels.fraudLinkIds.length);
    for (const l of fraudLinks) expect(surnameOf(l.holderName)).not.toBe(surnameOf(accounts.get(l.accountId)!.holderName));
    expect(stats.fraudCharges).toBe(labels.fraudChargeIds.length);
  });

  it("has smaller, later attacks at two other PIN-only banks", () => {
    const [primary, ...others] = labels.incident.attacks;
    expect(primary.bankCode).toBe("0125");
    expect(others).toHaveLength(2);
    for (const a of others) {
      expect(REFERENCE_BANKS.find((b) => b.code === a.bankCode)!.authMethod).toBe("PIN");
      expect(Date.parse(a.startedAt)).toBeGreaterThan(Date.parse(primary.startedAt));
      expect(a.fraudCharges).toBeGreaterThan(0);
      expect(a.fraudCharges).toBeLessThan(primary.fraudCharges);
      expect(charges.some((c) => c.fraud && c.bankCode === a.bankCode)).toBe(true);
    }
  });

  it("keeps even fraudulent wallets within the platform's limits", () => {
    expect(charges.every((c) => c.amount <= 100_000)).toBe(true);
  });
});

describe("demo generator: honest look-alikes and limits", () => {
  const honest = () => charges.filter((c) => !c.fraud);

  it("has new honest users charging within 10 minutes of linking", () => {
    const n = new Set(honest().filter((c) => c.t - links.get(c.linkId)!.registeredAt <= 10 * 60_000).map((c) => c.accountId)).size;
    expect(n).toBeGreaterThan(0);
  });

  it("has honest links whose holder shares only the surname with the wallet holder", () => {
    const n = [...links.values()].filter((l) => {
      const a = accounts.get(l.accountId)!;
      return !a.fraud && surnameOf(a.holderName) === surnameOf(l.holderName) && norm(a.holderName) !== norm(l.holderName);
    }).length;
    expect(n).toBeGreaterThan(0);
  });

  it("has honest charges of ¥90,000 or more", () => {
    expect(new Set(honest().filter((c) => c.amount >= 90_000).map((c) => c.accountId)).size).toBeGreaterThan(0);
  });

  it("has honest wallets sharing an IP with 3 or more others, and some sharing a device", () => {
    const byIp = new Map<string, number>();
    const byDev = new Map<string, number>();
    for (const a of accounts.values()) {
      if (a.fraud) continue;
      if (a.ip) byIp.set(a.ip, (byIp.get(a.ip) ?? 0) + 1);
      if (a.device) byDev.set(a.device, (byDev.get(a.device) ?? 0) + 1);
    }
    expect([...byIp.values()].filter((n) => n >= 4).length).toBeGreaterThan(0);
    expect([...byDev.values()].filter((n) => n >= 2).length).toBeGreaterThan(0);
  });

  it("has honest link changes and half-width names", () => {
    expect(changes.filter((c) => !accounts.get(c.accountId)!.fraud).length).toBeGreaterThan(0);
    expect([...accounts.values()].some((a) => /[ｱ-ﾝ]/.test(a.holderName))).toBe(true);
  });

  it("has honest wallets whose bank holder is someone else (maiden name, a relative, a business, another order or reading), 0.5–4% of honest links", () => {
    const honestLinks = [...links.values()].filter((l) => !accounts.get(l.accountId)!.fraud);
    const other = honestLinks.filter((l) => {
      const a = accounts.get(l.accountId)!;
      return surnameOf(a.holderName) !== surnameOf(l.holderName) && norm(a.holderName) !== norm(l.holderName);
    });
    const givenOf = (s: string) => s.normalize("NFKC").split(/[\s　]+/)[1];
    const kinds = {
      sameGivenOtherSurname: other.filter((l) => givenOf(l.holderName) === givenOf(accounts.get(l.accountId)!.holderName)).length,
      business: other.filter((l) => /^(ｶ\)|ﾕ\))|ｼﾖｳﾃﾝ|ｺｳﾑﾃﾝ|ｾﾂｺﾂｲﾝ/.test(l.holderName)).length,
      givenFirst: other.filter((l) => {
        const a = accounts.get(l.accountId)!.holderName.normalize("NFKC").split(/[\s　]+/);
        return norm(l.holderName) === norm(`${a[1]}${a[0]}`);
      }).length,
      unrelated: other.filter((l) => givenOf(l.holderName) !== givenOf(accounts.get(l.accountId)!.holderName) && !/ｼﾖｳ|ｺｳﾑ|ｾﾂｺﾂ|ｻﾝｷﾞﾖｳ/.test(l.holderName)).length,
    };
    console.log(`honest links under another name: ${other.length} of ${honestLinks.length}`, kinds);
    expect(other.length / honestLinks.length).toBeGreaterThan(0.005);
    expect(other.length / honestLinks.length).toBeLessThan(0.04);
    for (const n of Object.values(kinds)) expect(n).toBeGreaterThan(0);
    expect(stats.lookAlikes.otherHolderLinks.maidenName).toBeGreaterThan(0);
    // spread over time (long-standing links and links inside the window) and over banks
    const windowStart = Date.parse(labels.windowStart);
    expect(other.some((l) => l.registeredAt < windowStart)).toBe(true);
    expect(other.some((l) => l.registeredAt >= windowStart)).toBe(true);
    expect(new Set(other.map((l) => l.bankCode)).size).toBeGreaterThanOrEqual(10);
  });

  it("has honest wallets charging near the limits in minutes and paying or sending most of it on at once", () => {
    const byAccount = new Map<string, { charges: typeof charges; spends: typeof spends }>();
    for (const c of honest()) {
      const e = byAccount.get(c.accountId) ?? { charges: [], spends: [] };
      e.charges.push(c);
      byAccount.set(c.accountId, e);
    }
    for (const s of spends) byAccount.get(s.accountId)?.spends.push(s);
    let threeEqual = 0;
    const quickOut = { payment: 0, transfer: 0 };
    for (const { charges: cs, spends: ss } of byAccount.values()) {
      // three charges of ¥30,000 or more, each within 80% of the largest, inside 10 minutes
      if (cs.some((c) => cs.filter((d) => d.t >= c.t && d.t - c.t <= 10 * 60_000 && d.amount >= 30_000 && d.amount >= 0.8 * c.amount && d.amount <= c.amount).length >= 3)) threeEqual++;
      // ¥50,000+ charged in 15 minutes, and at least 70% of it paid or sent within 30 minutes of the last of them
      for (const c of cs) {
        const burst = cs.filter((d) => d.t >= c.t && d.t - c.t <= 15 * 60_000);
        const total = burst.reduce((a, d) => a + d.amount, 0);
        if (total < 50_000) continue;
        const last = Math.max(...burst.map((d) => d.t));
        const out = ss.filter((s) => s.t >= last && s.t - last <= 30 * 60_000);
        const outYen = out.reduce((a, s) => a + s.amount, 0);
        if (outYen >= 0.7 * total) {
          const transfer = out.filter((s) => s.channel === "transfer").reduce((a, s) => a + s.amount, 0);
          quickOut[transfer * 2 >= outYen ? "transfer" : "payment"]++;
          break;
        }
      }
    }
    console.log(`honest wallets: ${threeEqual} with three near-equal charges in 10 min; quick cash-out`, quickOut, stats.lookAlikes.bigPurchaseBursts, stats.lookAlikes.chargeAndSendOn);
    expect(threeEqual).toBeGreaterThan(0);
    expect(quickOut.payment).toBeGreaterThan(0);
    expect(quickOut.transfer).toBeGreaterThan(0);
  });

  it("never exceeds ¥100,000 per charge or ¥300,000 per JST calendar month for honest wallets", () => {
    const monthly = new Map<string, number>();
    for (const c of honest()) {
      expect(c.amount).toBeLessThanOrEqual(100_000);
      const d = new Date(c.t + JST);
      const key = `${c.accountId}:${d.getUTCFullYear()}-${d.getUTCMonth()}`;
      monthly.set(key, (monthly.get(key) ?? 0) + c.amount);
    }
    expect(Math.max(...monthly.values())).toBeLessThanOrEqual(300_000);
  });

  it("writes labels as JSON", () => {
    const file = join(mkdtempSync(join(tmpdir(), "demo-labels-")), "labels.json");
    writeLabels(labels, file);
    const back = JSON.parse(readFileSync(file, "utf8"));
    expect(back.fraudChargeIds).toEqual(labels.fraudChargeIds);
    expect(back.incident.primaryBankCode).toBe("0125");
  });
});

describe("demo generator: the honest calendar", () => {
  // Two weeks over the New Year: payday on Friday 25 December, the last business day (Thursday 31),
  // New Year's Day and the 2nd; a campaign at 0149 from 22 December 09:00 JST for three days; a
  // maintenance window at 0017 on 25 December 07:00–12:00 JST.
  const END = Date.parse("2021-01-03T12:00:00+09:00");
  const DAY = 24 * HOUR;
  let cal: { links: { bank: string; t: number }[]; charges: { bank: string; t: number; amount: number; sinceLink: number }[]; stats: DemoStats };
  const jstDay = (t: number) => new Date(t + JST).toISOString().slice(0, 10);
  beforeAll(() => {
    const run = collectDemo({ seed: "cal", scale: 0.3, days: 14, now: END, banks: REFERENCE_BANKS, attacks: [] });
    const linkAt = new Map<string, { bank: string; t: number }>();
    cal = { links: [], charges: [], stats: run.stats };
    for (const e of run.events) {
      const t = Date.parse(e.occurredAt);
      if (e.type === "link.registered") {
        linkAt.set(e.link.id, { bank: e.link.bankCode, t });
        if (t >= END - 14 * DAY) cal.links.push({ bank: e.link.bankCode, t });
      } else if (e.type === "charge.completed") {
        const l = linkAt.get(e.charge.linkId)!;
        cal.charges.push({ bank: l.bank, t, amount: e.charge.amountYen, sinceLink: t - l.t });
      }
    }
  }, 120_000);
  const yenOn = (day: string) => cal.charges.filter((c) => jstDay(c.t) === day).reduce((s, c) => s + c.amount, 0);

  it("has more charged yen on paydays and the New Year than on ordinary weekdays", () => {
    const ordinary = ["2020-12-21", "2020-12-22", "2020-12-23", "2020-12-24", "2020-12-28", "2020-12-29", "2020-12-30"].map(yenOn);
    const mean = ordinary.reduce((a, b) => a + b, 0) / ordinary.length;
    for (const day of ["2020-12-25", "2020-12-31", "2021-01-01", "2021-01-02"]) expect(yenOn(day), day).toBeGreaterThan(1.3 * mean);
    expect(cal.stats.calendar.calendarCharges).toBeGreaterThan(0);
  });

  it("has a wallet campaign at 0149: many more new links, tried with small charges", () => {
    const at = (from: string, days: number) =>
      cal.links.filter((l) => l.bank === "0149" && l.t >= Date.parse(`${from}T09:00:00+09:00`) && l.t < Date.parse(`${from}T09:00:00+09:00`) + days * DAY);
    const during = at("2020-12-22", 3);
    expect(during.length).toBeGreaterThan(3 * at("2020-12-28", 3).length);
    expect(cal.stats.calendar.campaignLinks).toBe(Math.round(60 * 3 * 0.3));
    const firstCharges = cal.charges.filter((c) => c.bank === "0149" && c.sinceLink <= 15 * 60_000 && jstDay(c.t) >= "2020-12-22" && jstDay(c.t) <= "2020-12-25");
    expect(firstCharges.length).toBeGreaterThan(20);
    expect(Math.max(...firstCharges.map((c) => c.amount))).toBeLessThan(100_000);
  });

  it("has a maintenance window at 0017: nothing during it, a catch-up burst after it", () => {
    const from = Date.parse("2020-12-25T07:00:00+09:00");
    const to = from + 5 * HOUR;
    const at0017 = [...cal.links.filter((l) => l.bank === "0017"), ...cal.charges.filter((c) => c.bank === "0017")];
    expect(at0017.filter((x) => x.t >= from && x.t < to)).toEqual([]);
    const firstHour = at0017.filter((x) => x.t >= to && x.t < to + HOUR).length;
    const sameHourBefore = at0017.filter((x) => x.t >= to - DAY && x.t < to - DAY + HOUR).length;
    expect(firstHour).toBeGreaterThan(2 * sameHourBefore);
    expect(cal.stats.calendar.deferredByMaintenance).toBeGreaterThan(0);
  });
});

describe("demo generator: speed", () => {
  it("generates scale 1 (logs the time; no assertion on it)", () => {
    const t0 = performance.now();
    const run = generateDemo({ seed: 42, scale: 1, now: NOW, banks: REFERENCE_BANKS });
    let n = 0;
    for (const _ of run.events) n++;
    const ms = performance.now() - t0;
    console.log(`scale 1: ${n} events, ${run.stats.charges} charges, ${run.stats.fraudWallets} fraud wallets, ${run.stats.fraudCharges} fraud charges in ${(ms / 1000).toFixed(2)} s`);
    expect(run.stats.charges).toBeGreaterThan(150_000);
  }, 120_000);
});
