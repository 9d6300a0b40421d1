import { describe, expect, it } from "vitest";
import { DEFAULT_LOCKSTEP_PARAMS, DEFAULT_RING_PARAMS, PREVIOUS_LOCKSTEP_PARAMS, judgeLockstep, lockstepRisk, mergedWindows, ringRisk, usualLinks, windowWords, type LockstepWallet, type RingWallet } from "./ring.ts";

const w = (id: string, o: Partial<RingWallet> = {}): RingWallet => ({ id, bankAccounts: [], flagged: false, confirmed: false, legitimate: false, ...o });
/** `n` wallets on `thing`, the first `bad` of them flagged. */
const crowd = (prefix: string, n: number, bad: number, thing: Partial<RingWallet>) => Array.from({ length: n }, (_, i) => w(`${prefix}${i}`, { ...thing, flagged: i < bad }));

describe("ringRisk: one hop", () => {
  it("gives points to a wallet sharing a phone with flagged wallets, with the evidence in words", () => {
    const hits = ringRisk([w("quiet", { deviceId: "dev-1" }), ...crowd("f", 4, 4, { deviceId: "dev-1" })]);
    const h = hits.get("quiet")!;
    expect(h).toMatchObject({ hops: 1, points: DEFAULT_RING_PARAMS.oneHopPoints, kind: "DEVICE", key: "dev-1", wallets: 5, bad: 4, confirmed: 0 });
    expect(h.evidence).toContain("shares a phone (dev-1) with 4 other wallets, 4 flagged");
    expect(h.evidence).toContain("unlike a household's phone or an office's address");
    // the flagged ones are the ring's known part: no ring points for them
    expect(hits.has("f0")).toBe(false);
  });

  it("counts analysts' confirmations and says so; a bank account shared with confirmed fraud counts", () => {
    const hits = ringRisk([
      w("quiet", { bankAccounts: ["0125-101-1234567"] }),
      w("c1", { bankAccounts: ["0125-101-1234567"], confirmed: true }),
      w("c2", { bankAccounts: ["0125-101-1234567"], confirmed: true, flagged: true }),
    ]);
    expect(hits.get("quiet")).toMatchObject({ kind: "BANK_ACCOUNT", bad: 2, confirmed: 2 });
    expect(hits.get("quiet")!.evidence).toContain("(2 confirmed by analysts)");
  });

  it("needs at least two bad wallets: one flagged household member does not make the household a ring", () => {
    const family = [w("mum", { deviceId: "dev-home", flagged: true }), w("dad", { deviceId: "dev-home" }), w("kid", { deviceId: "dev-home" })];
    expect(ringRisk(family).size).toBe(0);
  });

  it("ignores hubs: a university address with a few flagged among hundreds, or an address with more wallets than the limit", () => {
    const university = crowd("u", 300, 6, { ipAddress: "172.16.0.1" });
    expect(ringRisk(university).size).toBe(0);
    // mostly flagged but more wallets than an address's limit: still a hub
    const big = crowd("b", DEFAULT_RING_PARAMS.maxWallets.IP + 1, DEFAULT_RING_PARAMS.maxWallets.IP, { ipAddress: "198.51.100.7" });
    expect(ringRisk(big).size).toBe(0);
  });

  it("ignores an office where the flagged wallets are fewer than half of the others", () => {
    const office = crowd("o", 12, 4, { ipAddress: "192.0.2.10" });
    expect(ringRisk(office).size).toBe(0);
    const ring = crowd("r", 12, 8, { ipAddress: "192.0.2.11" });
    expect([...ringRisk(ring).keys()].sort()).toEqual(["r10", "r11", "r8", "r9"]);
  });

  it("legitimate wallets neither spread risk, nor count as bad, nor gain points", () => {
    const hits = ringRisk([
      w("quiet", { deviceId: "dev-2" }),
      w("ok", { deviceId: "dev-2", flagged: true, legitimate: true }),
      w("f1", { deviceId: "dev-2", flagged: true }),
      w("ok2", { deviceId: "dev-3", legitimate: true }),
      w("f2", { deviceId: "dev-3", flagged: true }),
      w("f3", { deviceId: "dev-3", flagged: true }),
    ]);
    expect(hits.has("quiet")).toBe(false); // one bad wallet besides it (the legitimate one does not count)
    expect(hits.has("ok2")).toBe(false);
  });
});

describe("ringRisk: two hops", () => {
  it("gives fewer points through a wallet that gained one-hop risk, naming it", () => {
    const hits = ringRisk([
      ...crowd("f", 3, 3, { deviceId: "dev-ring" }),
      w("mid", { deviceId: "dev-ring", ipAddress: "10.0.0.9" }),
      w("far", { ipAddress: "10.0.0.9" }),
    ]);
    expect(hits.get("mid")!.hops).toBe(1);
    const far = hits.get("far")!;
    expect(far).toMatchObject({ hops: 2, points: DEFAULT_RING_PARAMS.twoHopPoints, kind: "IP", via: "mid" });
    expect(far.evidence).toBe("shares an IP address (10.0.0.9) with mid, which shares a phone with 3 flagged wallets");
  });

  it("stops at two hops", () => {
    const hits = ringRisk([
      ...crowd("f", 3, 3, { deviceId: "dev-ring" }),
      w("mid", { deviceId: "dev-ring", ipAddress: "10.0.0.9" }),
      w("far", { ipAddress: "10.0.0.9", deviceId: "dev-far" }),
      w("farther", { deviceId: "dev-far" }),
    ]);
    expect([...hits.entries()].map(([id, h]) => [id, h.hops])).toEqual([["mid", 1], ["far", 2]]);
  });

  it("a hub does not carry the second hop: the one-hop wallet's address is a carrier pool", () => {
    const hits = ringRisk([
      ...crowd("f", 3, 3, { deviceId: "dev-ring" }),
      w("mid", { deviceId: "dev-ring", ipAddress: "100.64.0.1" }),
      ...crowd("pool", 40, 0, { ipAddress: "100.64.0.1" }),
    ]);
    expect([...hits.keys()]).toEqual(["mid"]);
  });
});

describe("lockstepRisk: the time pattern", () => {
  const T = Date.parse("2020-09-07T09:00:00Z");
  const at = (min: number) => new Date(T + min * 60_000);
  const lw = (id: string, min: number, o: Partial<LockstepWallet> = {}, bank = "0152"): LockstepWallet => ({
    id,
    links: [{ bankCode: bank, at: at(min) }],
    flagged: false,
    confirmed: false,
    legitimate: false,
    ...o,
  });
  const ring = (n: number, from: number, o: Partial<LockstepWallet> = { flagged: true }, bank = "0152") => Array.from({ length: n }, (_, i) => lw(`r${from}-${i}`, from + i * 5, o, bank));
  /** The bank's ordinary traffic over the week ending a day before: `perHour` links an hour, by honest wallets. */
  const week = (perHour: number, bank = "0152") => {
    const days = DEFAULT_LOCKSTEP_PARAMS.usualDays;
    const n = Math.round(perHour * 24 * days);
    const from = -DEFAULT_LOCKSTEP_PARAMS.windowMinutes - DEFAULT_LOCKSTEP_PARAMS.usualSkipHours * 60 - days * 1440;
    return Array.from({ length: n }, (_, i) => lw(`wk-${bank}-${i}`, from + ((i + 0.5) * days * 1440) / n, {}, bank));
  };
  const W = windowWords(DEFAULT_LOCKSTEP_PARAMS.windowMinutes);

  it("gives points to a quiet wallet linking the attacked bank within the window of several flagged wallets, and says why", () => {
    const hits = lockstepRisk([lw("patient", 20), ...ring(5, 0), lw("r-c", 30, { confirmed: true }), ...week(0.5)]);
    const h = hits.get("patient")!;
    expect(h).toMatchObject({ points: DEFAULT_LOCKSTEP_PARAMS.points, bankCode: "0152", flagged: 6, confirmed: 1, others: 6, linksBefore: 84 });
    expect(h.evidence).toBe(
      `linked bank 0152 at 2020-09-07 09:20 UTC within ${W} of 6 flagged wallets (1 confirmed by analysts) linking the same bank, of 6 wallets linking it then, ` +
        "where the bank usually sees 3 links in 6 h: in lock-step with them, unlike a busy bank's ordinary customers",
    );
    expect(hits.has("r0-0")).toBe(false); // the flagged ones are the ring
    expect(windowWords(180)).toBe("3 h");
    expect(windowWords(90)).toBe("90 min");
  });

  it("a busy bank's hours give none: its flagged wallets are few against its usual traffic, however the hour looks", () => {
    // a big bank, 40 links an hour: a handful of flagged wallets among a few customers is still nothing against 240 usual links
    const busy = week(40);
    expect(lockstepRisk([...busy, ...Array.from({ length: 4 }, (_, i) => lw(`h${i}`, i)), ...ring(5, 0)]).size).toBe(0);
    // payday at the big bank: 400 links in six hours, 8 of them by wallets flagged for other reasons
    const payday = Array.from({ length: 400 }, (_, i) => lw(`pay-${i}`, i - 180, { flagged: i % 50 === 7 }));
    expect(lockstepRisk([...busy, ...payday]).size).toBe(0);
    // the same five flagged wallets at a quiet bank (a link every four hours): an attack, the four gain points
    expect([...lockstepRisk([...week(0.25), ...Array.from({ length: 4 }, (_, i) => lw(`h${i}`, i)), ...ring(5, 0)]).keys()].sort()).toEqual(["h0", "h1", "h2", "h3"]);
  });

  it("a campaign or a small bank's busy day gives none: a few flagged among hundreds of newcomers is under the share", () => {
    // a campaign at a quiet bank: 150 new wallets link it over an afternoon, 8 of them flagged (newcomers charging a lot at once, relatives' accounts)
    const campaign = Array.from({ length: 150 }, (_, i) => lw(`cmp-${i}`, i * 2, { flagged: i % 19 === 3 }));
    expect(campaign.filter((w) => w.flagged).length).toBe(8);
    expect(lockstepRisk([...week(0.5), ...campaign]).size).toBe(0);
  });

  it("a family or newcomers charging a lot at once give none", () => {
    // three members linking the family's account within minutes, one of them flagged: under minFlagged
    expect(lockstepRisk([lw("fam-1", 0), lw("fam-2", 5), lw("fam-3", 9, { flagged: true })]).size).toBe(0);
    // newcomers charging a lot at once (some flagged by the rules) spread over a day at a mid-sized bank
    const day = Array.from({ length: 240 }, (_, i) => lw(`new-${i}`, i * 6, { flagged: i % 20 === 0 }));
    expect(lockstepRisk([...week(10), ...day]).size).toBe(0);
  });

  // An attack ramps up: in its first hour a few of the ring's wallets link, then more each hour. Its
  // patient wallets link throughout, unflagged, so they are part of every window's count.
  const attack = (patientWallets: number) => {
    const flagged: LockstepWallet[] = [];
    for (let i = 0; i < 2; i++) flagged.push(lw(`b0-${i}`, 10 + i * 25, { flagged: true })); // 2 in the first hour
    for (let h = 1; h < 6; h++) for (let i = 0; i < 6; i++) flagged.push(lw(`b${h}-${i}`, h * 60 + 10 + i * 8, { flagged: true })); // then 6 an hour
    const patient = Array.from({ length: patientWallets }, (_, i) => lw(`p-${i}`, (i * 360) / patientWallets));
    const honest = Array.from({ length: 6 }, (_, i) => lw(`h-${i}`, i * 60)); // the bank's ordinary customers meanwhile
    return [...flagged, ...patient, ...honest, ...week(1)];
  };

  it("a wallet linking in an attack's first hour counts the ring's wallets that follow within the window", () => {
    const all = attack(12);
    expect(lockstepRisk(all, PREVIOUS_LOCKSTEP_PARAMS).has("p-0")).toBe(false); // the first setting: 2 flagged within the hour
    const hits = lockstepRisk(all);
    expect(hits.get("p-0")).toMatchObject({ points: DEFAULT_LOCKSTEP_PARAMS.points, bankCode: "0152" });
    expect(Array.from({ length: 12 }, (_, i) => hits.has(`p-${i}`)).every(Boolean)).toBe(true);
    // The bank's ordinary customers in the window gain the same points: 30 never flag on their own
    // (they need 30 of their own behaviour: a victim's account at a PIN-only bank, say).
    expect(hits.has("h-0")).toBe(true);
    expect(DEFAULT_LOCKSTEP_PARAMS.points).toBeLessThan(60);
  });

  it("a ring that adds patient wallets cannot dilute the usual-traffic guard (it did dilute a share of the window's wallets)", () => {
    const all = attack(120); // four patient wallets an hour more than blatant ones
    const prev = lockstepRisk(all, PREVIOUS_LOCKSTEP_PARAMS);
    const now = lockstepRisk(all);
    const patient = Array.from({ length: 120 }, (_, i) => `p-${i}`);
    expect(patient.filter((id) => prev.has(id)).length).toBe(0);
    expect(patient.filter((id) => now.has(id)).length).toBe(120);
  });

  it("an attack under way does not raise its own usual traffic: the day before the window is skipped", () => {
    // ten hours into an attack at a quiet bank, 8 flagged wallets an hour: a patient wallet linking then still counts them against the week before the attack
    const ring10h = Array.from({ length: 80 }, (_, i) => lw(`a-${i}`, -600 + i * 7.5, { flagged: true }));
    const hit = lockstepRisk([...week(0.5), ...ring10h, lw("late", 0)]).get("late");
    expect(hit).toMatchObject({ linksBefore: 84 });
    // counted over the week right before the window, the baseline would have included the attack's own first hours
    expect(lockstepRisk([...week(0.5), ...ring10h, lw("late", 0)], { ...DEFAULT_LOCKSTEP_PARAMS, usualSkipHours: 0 }).get("late")?.linksBefore).toBeGreaterThan(84 + 40);
  });

  it("needs several flagged wallets and counts only those within the window, at the same bank", () => {
    expect(lockstepRisk([lw("q", 0), ...ring(DEFAULT_LOCKSTEP_PARAMS.minFlagged - 1, 0)]).size).toBe(0); // too few
    expect(lockstepRisk([lw("q", 0), ...ring(6, 0, { flagged: true }, "0168")]).size).toBe(0); // another bank
    const far = ring(6, DEFAULT_LOCKSTEP_PARAMS.windowMinutes + 1);
    expect(lockstepRisk([lw("q", 0), ...far]).size).toBe(0); // all just outside the window
  });

  it("legitimate wallets neither count as flagged nor gain points", () => {
    const ok = ring(6, 0, { flagged: true, legitimate: true });
    expect(lockstepRisk([lw("q", 10), ...ok]).size).toBe(0);
    expect(lockstepRisk([lw("q", 10, { legitimate: true }), ...ring(6, 0)]).size).toBe(0);
  });

  it("judgeLockstep is the rule the SQL path applies to its counts", () => {
    const c = { bankCode: "0125", at: at(0), others: 10, flagged: 4, confirmed: 0, linksBefore: 28 };
    expect(usualLinks(28)).toBe(1); // 28 links in 7 days: one in 6 hours
    expect(judgeLockstep(c)?.points).toBe(DEFAULT_LOCKSTEP_PARAMS.points);
    expect(judgeLockstep({ ...c, flagged: 2 })).toBeNull(); // too few
    expect(judgeLockstep({ ...c, others: 41 })).toBeNull(); // 4 of 41: under the share
    expect(judgeLockstep({ ...c, linksBefore: 57 })).toBeNull(); // 4 flagged, the bank usually sees 2.04 links: not twice
    expect(judgeLockstep({ ...c, linksBefore: 56 })?.evidence).toContain("where the bank usually sees 2 links in 6 h");
    expect(judgeLockstep({ ...c, others: 12 }, PREVIOUS_LOCKSTEP_PARAMS)).toBeNull(); // under the first setting's 40%
    expect(judgeLockstep({ ...c, linksBefore: 10_000 }, PREVIOUS_LOCKSTEP_PARAMS)?.evidence).not.toContain("usually"); // it had no usual-traffic guard
  });
});

describe("mergedWindows (the after-batch lock-step neighbours' index scans)", () => {
  const at = (iso: string) => new Date(`2026-12-01T${iso}:00Z`);
  const ms = (iso: string) => at(iso).getTime();
  const win = 60 * 60_000;

  it("merges overlapping windows per bank, keeps gaps apart and banks apart", () => {
    const spans = mergedWindows(
      [
        { bankCode: "0001", at: at("12:00") },
        { bankCode: "0001", at: at("10:00") }, // window ends at 11:00, the next starts at 11:00: one span
        { bankCode: "0001", at: at("15:00") }, // 14:00 is after 13:00: a span of its own
        { bankCode: "0005", at: at("12:30") },
      ],
      win,
    );
    expect(spans).toEqual([
      { bankCode: "0001", from: ms("09:00"), to: ms("13:00") },
      { bankCode: "0001", from: ms("14:00"), to: ms("16:00") },
      { bankCode: "0005", from: ms("11:30"), to: ms("13:30") },
    ]);
  });

  it("covers every link's window and nothing far from all of them", () => {
    const links = Array.from({ length: 200 }, (_, i) => ({ bankCode: i % 3 === 0 ? "0009" : "0010", at: new Date(Date.UTC(2026, 11, 1) + ((i * 7919) % 2000) * 60_000) }));
    const spans = mergedWindows(links, win);
    const inSpan = (bank: string, t: number) => spans.some((s) => s.bankCode === bank && s.from <= t && t <= s.to);
    for (const l of links) {
      expect(inSpan(l.bankCode, l.at.getTime() - win)).toBe(true);
      expect(inSpan(l.bankCode, l.at.getTime() + win)).toBe(true);
    }
    for (const s of spans) {
      // every span's ends are a link's window ends: nothing outside all windows is scanned
      expect(links.some((l) => l.bankCode === s.bankCode && l.at.getTime() - win === s.from)).toBe(true);
      expect(links.some((l) => l.bankCode === s.bankCode && l.at.getTime() + win === s.to)).toBe(true);
    }
    // spans of one bank never overlap
    for (const a of spans) for (const b of spans) if (a !== b && a.bankCode === b.bankCode) expect(a.to < b.from || b.to < a.from).toBe(true);
  });
});
