import { describe, expect, it } from "vitest";
import { DEFAULT_LOCKSTEP_PARAMS, DEFAULT_RING_PARAMS, judgeLockstep, lockstepRisk, ringRisk, type LockstepWallet, type RingWallet } from "./ring.ts";

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

  it("gives points to a quiet wallet linking the attacked bank within the window of several flagged wallets, and says why", () => {
    const hits = lockstepRisk([lw("patient", 20), ...ring(5, 0), lw("r-c", 30, { confirmed: true })]);
    const h = hits.get("patient")!;
    expect(h).toMatchObject({ points: DEFAULT_LOCKSTEP_PARAMS.points, bankCode: "0152", flagged: 6, confirmed: 1, others: 6 });
    expect(h.evidence).toContain("linked bank 0152 at 2020-09-07 09:20 UTC within 60 min");
    expect(h.evidence).toContain("of 6 flagged wallets (1 confirmed by analysts)");
    expect(h.evidence).toContain("unlike a busy bank's ordinary customers");
    expect(hits.has("r0-0")).toBe(false); // the flagged ones are the ring
  });

  it("a busy bank's hour (or a spike carried by honest customers) with a few flagged among them is not lock-step", () => {
    const honest = Array.from({ length: 40 }, (_, i) => lw(`h${i}`, i));
    const hits = lockstepRisk([...honest, ...ring(5, 0)]);
    expect(hits.size).toBe(0); // 5 flagged of 44 others: under the share
    // the same five with a handful of honest customers: the ring dominates the bank's links then
    expect([...lockstepRisk([...honest.slice(0, 4), ...ring(5, 0)]).keys()].sort()).toEqual(["h0", "h1", "h2", "h3"]);
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
    const c = { bankCode: "0125", at: at(0), others: 10, flagged: 4, confirmed: 0 };
    expect(judgeLockstep(c)?.points).toBe(DEFAULT_LOCKSTEP_PARAMS.points);
    expect(judgeLockstep({ ...c, flagged: 2 })).toBeNull();
    expect(judgeLockstep({ ...c, others: 20 })).toBeNull(); // 4 of 20 under the share
  });
});
