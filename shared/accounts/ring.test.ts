import { describe, expect, it } from "vitest";
import { DEFAULT_RING_PARAMS, ringRisk, type RingWallet } from "./ring.ts";

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
