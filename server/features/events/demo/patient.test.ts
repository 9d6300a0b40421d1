// The generator's patient fraud and honest hubs (patient.ts): what each variant and hub does, and
// that turning them on leaves the blatant attack and the honest traffic as they were.
import { beforeAll, describe, expect, it } from "vitest";
import type { PlatformEvent } from "../../../../shared/events/schemas.ts";
import { compareHolderNames } from "../../../../shared/accounts/names.ts";
import { collectDemo, type DemoLabels } from "./index.ts";
import { HONEST_HUB_KINDS, PATIENT_VARIANTS } from "./patient.ts";
import { REFERENCE_BANKS } from "../../reference/banks.ts";

const NOW = "2020-09-08T12:00:00+09:00";
const SCALE = 0.1;
const MIN = 60_000;
const HOUR = 60 * MIN;

interface Acc { id: string; holderName: string; verified: boolean; ip?: string; device?: string; openedAt: number; links: { holder: string; at: number }[]; charges: { amount: number; t: number }[]; spends: number[] }
function view(events: PlatformEvent[]) {
  const accounts = new Map<string, Acc>();
  const linkAcc = new Map<string, string>();
  for (const e of events) {
    const t = Date.parse(e.occurredAt);
    if (e.type === "account.opened") accounts.set(e.account.id, { id: e.account.id, holderName: e.account.holderName, verified: e.account.identityVerified, ip: e.account.ipAddress, device: e.account.deviceId, openedAt: t, links: [], charges: [], spends: [] });
    else if (e.type === "link.registered") {
      linkAcc.set(e.link.id, e.link.accountId);
      accounts.get(e.link.accountId)!.links.push({ holder: e.link.holderName, at: t });
    } else if (e.type === "charge.completed") accounts.get(linkAcc.get(e.charge.linkId)!)!.charges.push({ amount: e.charge.amountYen, t });
    else if (e.type === "spend.completed") accounts.get(e.spend.accountId)!.spends.push(t);
  }
  return accounts;
}

let plain: { events: PlatformEvent[]; labels: DemoLabels };
let on: { events: PlatformEvent[]; labels: DemoLabels };
let accounts: Map<string, Acc>;

beforeAll(() => {
  plain = collectDemo({ seed: "p1", scale: SCALE, now: NOW, banks: REFERENCE_BANKS });
  on = collectDemo({ seed: "p1", scale: SCALE, now: NOW, banks: REFERENCE_BANKS, patient: { walletsPerAttack: 40 }, hubs: true });
  accounts = view(on.events);
}, 120_000);

describe("patient fraud (GenerateDemoOptions.patient)", () => {
  it("is off by default: no patient wallet, no hub", () => {
    expect(Object.keys(plain.labels.patient)).toEqual([]);
    for (const k of HONEST_HUB_KINDS) expect(plain.labels.honestHubs[k]).toEqual([]);
  });

  it("has every variant beside each attack, labelled as fraud", () => {
    const variants = Object.values(on.labels.patient);
    for (const v of PATIENT_VARIANTS) expect(variants.filter((x) => x === v).length).toBeGreaterThanOrEqual(3);
    const fraud = new Set(on.labels.fraudAccountIds);
    for (const id of Object.keys(on.labels.patient)) expect(fraud.has(id)).toBe(true);
  });

  it("opens days before use, links another person's account later, charges below the limits over time, and cashes out hours later", () => {
    let linked = 0;
    for (const [id, variant] of Object.entries(on.labels.patient)) {
      const a = accounts.get(id)!;
      expect(a.verified).toBe(variant === "patient-verified");
      if (a.links.length === 0) continue; // its attack's hours fall after now
      linked++;
      const link = a.links[0];
      expect(link.at - a.openedAt).toBeGreaterThanOrEqual(24 * HOUR);
      expect(compareHolderNames(a.holderName, link.holder).relation).toBe("DIFFERENT");
      for (const c of a.charges) expect(c.amount).toBeLessThan(90_000);
      if (a.charges.length > 0) expect(a.charges[0].t - link.at).toBeGreaterThanOrEqual(20 * MIN);
      if (a.spends.length > 0) expect(a.spends[0] - a.charges[a.charges.length - 1].t).toBeGreaterThanOrEqual(2 * HOUR);
    }
    expect(linked).toBeGreaterThan(10);
  });

  it("shares phones and addresses with the blatant ring in the shared variants only", () => {
    const patient = on.labels.patient;
    const blatant = on.labels.fraudAccountIds.filter((id) => !patient[id]).map((id) => accounts.get(id)!);
    const sharing = (id: string, key: "device" | "ip") => blatant.filter((b) => b[key] !== undefined && b[key] === accounts.get(id)![key]).length;
    const ids = (v: string) => Object.keys(patient).filter((id) => patient[id] === v);
    expect(ids("patient-shared-device").filter((id) => sharing(id, "device") > 0).length).toBeGreaterThan(0);
    expect(ids("patient-shared-ip").filter((id) => sharing(id, "ip") > 0).length).toBeGreaterThan(0);
    for (const id of [...ids("patient"), ...ids("patient-verified")]) expect(sharing(id, "device") + sharing(id, "ip")).toBe(0);
  });

  it("leaves the blatant attack's and the honest wallets' charges as they were (their own streams)", () => {
    const patientOnly = collectDemo({ seed: "p1", scale: SCALE, now: NOW, banks: REFERENCE_BANKS, patient: { walletsPerAttack: 40 } });
    const chargesOf = (evs: PlatformEvent[], labels: DemoLabels, fraud: boolean) => {
      const f = new Set(labels.fraudAccountIds);
      const out: string[] = [];
      for (const a of view(evs).values()) if (!labels.patient[a.id] && f.has(a.id) === fraud) for (const c of a.charges) out.push(`${c.t}:${c.amount}`);
      return out;
    };
    expect(chargesOf(patientOnly.events, patientOnly.labels, true)).toEqual(chargesOf(plain.events, plain.labels, true));
    expect(chargesOf(patientOnly.events, patientOnly.labels, false)).toEqual(chargesOf(plain.events, plain.labels, false));
  });
});

describe("honest hubs (GenerateDemoOptions.hubs)", () => {
  it("puts many unrelated honest wallets behind a university's address and a large office's", () => {
    for (const kind of ["university-ip", "office-ip"] as const) {
      const byIp = new Map<string, number>();
      for (const id of on.labels.honestHubs[kind]) byIp.set(accounts.get(id)!.ip!, (byIp.get(accounts.get(id)!.ip!) ?? 0) + 1);
      expect(Math.max(...byIp.values()), kind).toBeGreaterThanOrEqual(10);
    }
  });

  it("changes no honest charge but the newcomers' big first charges (hubs add no wallet: the same ids)", () => {
    const hubsOnly = collectDemo({ seed: "p1", scale: SCALE, now: NOW, banks: REFERENCE_BANKS, hubs: true });
    const quick = new Set(hubsOnly.labels.honestHubs["quick-own-link-big-charge"]);
    const chargesOf = (evs: PlatformEvent[]) => [...view(evs).values()].filter((a) => !quick.has(a.id)).flatMap((a) => a.charges.map((c) => `${a.id}:${c.t}:${c.amount}`));
    expect(chargesOf(hubsOnly.events)).toEqual(chargesOf(plain.events));
  });

  it("hands a family's phone to another member with the same surname", () => {
    const ids = on.labels.honestHubs["family-device"];
    expect(ids.length).toBeGreaterThan(0);
    const surname = (s: string) => s.normalize("NFKC").split(/[\s　]+/)[0];
    for (const id of ids) {
      const a = accounts.get(id)!;
      const others = [...accounts.values()].filter((b) => b.id !== id && b.device === a.device);
      expect(others.some((b) => surname(b.holderName) === surname(a.holderName))).toBe(true);
    }
  });

  it("has newcomers linking their own account and charging ¥90,000 or more within minutes", () => {
    const ids = on.labels.honestHubs["quick-own-link-big-charge"];
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) {
      const a = accounts.get(id)!;
      expect(compareHolderNames(a.holderName, a.links[0].holder).relation).toBe("SAME");
      expect(a.charges.some((c) => c.amount >= 90_000 && c.t - a.links[0].at <= 10 * MIN)).toBe(true);
    }
  });
});
