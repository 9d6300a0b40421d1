// Ring risk: risk that travels over what wallets share (pure, no I/O).
//
// A fraud ring reuses its phones, its addresses and its victims' bank accounts. A wallet that shares
// one of those with wallets already flagged (scored at or above the threshold) or confirmed as fraud
// by an analyst gains points, at one hop (it shares the thing itself) or, fewer, at two hops (it
// shares something with a wallet that gained them at one hop). Honest people share things too: a
// household's phone, an office's or a university's address, a mobile carrier's address pool. So a
// shared thing is evidence only when it is small and mostly bad:
//   - at most `maxWallets[kind]` wallets on it (an address behind which hundreds of wallets open is a
//     university or a carrier's pool, not a ring), and
//   - at least `minBad` flagged or confirmed wallets on it besides the wallet scored, and they are at
//     least `minBadShare` of the others on it (a household phone where one member was flagged, or an
//     office with a few flagged among many, is not a ring). At two hops one wallet with one-hop risk
//     on the thing is enough (its own evidence needed several), under the same size and share guard.
// A wallet marked legitimate by an analyst neither spreads risk nor counts as bad, and gains none.
// Every hit says why: the thing, how many wallets are on it, how many are flagged and confirmed,
// and (at two hops) through which wallet.

export type SharedKind = "DEVICE" | "IP" | "BANK_ACCOUNT";

export interface RingWallet {
  id: string;
  deviceId?: string | null;
  ipAddress?: string | null;
  /** The bank accounts its links point or pointed at (any stable key: bank, branch, number). */
  bankAccounts: readonly string[];
  /** Scored at or above the flag threshold by the rules (without ring points). */
  flagged: boolean;
  /** Labelled CONFIRMED_FRAUD by an analyst. */
  confirmed: boolean;
  /** Labelled LEGITIMATE by an analyst. */
  legitimate: boolean;
}

export interface RingParams {
  /** A thing with more wallets than this is a hub (not evidence), per kind. */
  readonly maxWallets: Readonly<Record<SharedKind, number>>;
  /** Flagged or confirmed wallets on the thing, besides the one scored, at least. */
  readonly minBad: number;
  /** ... and at least this share of the other wallets on it. */
  readonly minBadShare: number;
  readonly oneHopPoints: number;
  readonly twoHopPoints: number;
}

/**
 * Chosen on the eval's tuning seeds 1–3 (`npm run eval:detection -- --variants-only --variant-seeds
 * 1,2,3`): a phone limit of 10 treated the ring's busiest shared phone (a patient wallet's, reused by
 * 10 blatant wallets) as a hub (patient shared-phone recall 0.58 → 0.77 at 20); a share of 0.6
 * instead of 0.5 left out 5 of 10 honest wallets the ring points flagged, at the same recall.
 */
export const DEFAULT_RING_PARAMS: RingParams = Object.freeze({
  maxWallets: Object.freeze({ DEVICE: 20, IP: 25, BANK_ACCOUNT: 6 }),
  minBad: 2,
  minBadShare: 0.6,
  oneHopPoints: 35,
  twoHopPoints: 15,
});

export interface RingHit {
  hops: 1 | 2;
  points: number;
  kind: SharedKind;
  /** The shared thing (a device id, an address, a bank account key). */
  key: string;
  /** Wallets on the thing (the scored one included). */
  wallets: number;
  /** Of the others on it: flagged or confirmed, and confirmed. */
  bad: number;
  confirmed: number;
  /** At two hops: the wallet through which the risk came. */
  via?: string;
  evidence: string;
}

const KIND_WORDS: Record<SharedKind, string> = { DEVICE: "a phone", IP: "an IP address", BANK_ACCOUNT: "a bank account" };

function thingsOf(w: RingWallet): { kind: SharedKind; key: string }[] {
  const out: { kind: SharedKind; key: string }[] = [];
  if (w.deviceId) out.push({ kind: "DEVICE", key: w.deviceId });
  if (w.ipAddress) out.push({ kind: "IP", key: w.ipAddress });
  for (const b of new Set(w.bankAccounts)) out.push({ kind: "BANK_ACCOUNT", key: b });
  return out;
}

const isBad = (w: RingWallet) => !w.legitimate && (w.flagged || w.confirmed);

/**
 * Ring hits per wallet (the strongest one: one hop before two, then the most bad wallets). Wallets
 * already flagged or confirmed get none (they are the ring's known part); legitimate ones get none.
 */
export function ringRisk(wallets: readonly RingWallet[], p: RingParams = DEFAULT_RING_PARAMS): Map<string, RingHit> {
  const byId = new Map(wallets.map((w) => [w.id, w]));
  const members = new Map<string, string[]>(); // `${kind}|${key}` → wallet ids
  for (const w of wallets) {
    for (const t of thingsOf(w)) {
      const k = `${t.kind}|${t.key}`;
      const list = members.get(k);
      if (list) list.push(w.id);
      else members.set(k, [w.id]);
    }
  }
  /** The evidence a thing gives the wallet `self` (null: none, or a hub). */
  const judge = (kind: SharedKind, key: string, self: string, badOf: (w: RingWallet) => boolean, minBad: number) => {
    const ids = members.get(`${kind}|${key}`) ?? [];
    if (ids.length < 2 || ids.length > p.maxWallets[kind]) return null;
    const others = ids.filter((id) => id !== self).map((id) => byId.get(id)!);
    const bad = others.filter(badOf);
    if (bad.length < minBad || bad.length / others.length < p.minBadShare) return null;
    return { wallets: ids.length, bad: bad.length, confirmed: bad.filter((w) => w.confirmed).length, badIds: bad.map((w) => w.id) };
  };
  const better = (a: RingHit, b: RingHit | undefined) => !b || a.hops < b.hops || (a.hops === b.hops && a.bad > b.bad);

  const oneHop = new Map<string, RingHit>();
  for (const w of wallets) {
    if (isBad(w) || w.legitimate) continue;
    for (const t of thingsOf(w)) {
      const j = judge(t.kind, t.key, w.id, isBad, p.minBad);
      if (!j) continue;
      const hit: RingHit = {
        hops: 1,
        points: p.oneHopPoints,
        kind: t.kind,
        key: t.key,
        wallets: j.wallets,
        bad: j.bad,
        confirmed: j.confirmed,
        evidence:
          `shares ${KIND_WORDS[t.kind]} (${t.key}) with ${j.wallets - 1} other wallet${j.wallets > 2 ? "s" : ""}, ${j.bad} flagged` +
          `${j.confirmed ? ` (${j.confirmed} confirmed by analysts)` : ""}: few wallets and mostly flagged, unlike a household's phone or an office's address`,
      };
      if (better(hit, oneHop.get(w.id))) oneHop.set(w.id, hit);
    }
  }

  // Two hops: a thing shared with a wallet that gained one-hop risk (one is enough: its own evidence
  // already needed several bad wallets), under the same hub guard.
  const out = new Map(oneHop);
  const badOrOneHop = (w: RingWallet) => isBad(w) || oneHop.has(w.id);
  for (const w of wallets) {
    if (isBad(w) || w.legitimate || oneHop.has(w.id)) continue;
    for (const t of thingsOf(w)) {
      const j = judge(t.kind, t.key, w.id, badOrOneHop, 1);
      if (!j) continue;
      const via = j.badIds.find((id) => oneHop.has(id));
      if (!via) continue; // only flagged wallets: that would have been one hop
      const first = oneHop.get(via)!;
      const hit: RingHit = {
        hops: 2,
        points: p.twoHopPoints,
        kind: t.kind,
        key: t.key,
        wallets: j.wallets,
        bad: j.bad,
        confirmed: j.confirmed,
        via,
        evidence:
          `shares ${KIND_WORDS[t.kind]} (${t.key}) with ${via}, which shares ${KIND_WORDS[first.kind]} with ${first.bad} flagged wallet${first.bad > 1 ? "s" : ""}` +
          `${first.confirmed ? ` (${first.confirmed} confirmed by analysts)` : ""}`,
      };
      if (better(hit, out.get(w.id))) out.set(w.id, hit);
    }
  }
  return out;
}
