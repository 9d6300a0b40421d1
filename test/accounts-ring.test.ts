// Goal: ring points in live scoring (issue #16) and the ring view with its bulk freeze, as an analyst
// relies on them: a quiet wallet sharing a phone with a flagged ring gains points with the evidence
// in words, one more hop gains fewer, a wallet linking the attacked bank in lock-step with the ring
// gains points, the honest university address and family phone give none; the incremental path
// (after every batch) ends where a bulk rescoring and the in-memory replay (the evaluation's) end;
// the ring view walks devices, IPs and bank accounts hop by hop with counts and states, and an
// analyst freezes the selected ring in one action with a reason (one audit record per wallet).
// Method: hand-made platform events written batch by batch into a real PostgreSQL, scored by the
// service; the view and the freeze over real HTTP as signed-in staff.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import { errorCodeOf, signedInAs } from "./helpers/staff.ts";
import { events, FAMILY, loadRingFixture, Q_DEVICE, Q_FAR, Q_TIME, REGULARS, RING, RING_NOW as NOW, UNIVERSITY } from "./ring-fixtures.ts";
import { rescoreAll } from "../server/features/accounts/scoring-bulk.ts";
import { rescoreTouched } from "../server/features/accounts/scoring-related.ts";
import { rescoreAccounts } from "../server/features/accounts/scoring.ts";
import { KnownNeighbourhood, ringNeighbourIds } from "../server/features/accounts/scoring-ring.ts";
import { FactsReplay } from "../server/features/accounts/replay.ts";
import { replayScores } from "../server/features/accounts/replay-ring.ts";
import { DEFAULT_FLAG_THRESHOLD } from "../shared/accounts/index.ts";
import { DEFAULT_LOCKSTEP_PARAMS, DEFAULT_RING_PARAMS, windowWords } from "../shared/accounts/ring.ts";
import type { PlatformEvent } from "../shared/events/schemas.ts";
import { EventLoader } from "./accounts-fixtures.ts";
import { ingestBatch } from "../server/features/events/ingest.ts";

let t: TestApp;
const q = <T,>(text: string, values: unknown[] = []) => t.db.pool.query(text, values).then((r) => r.rows as T[]);
type Row = { id: string; risk_score: number; risk_reasons: { code: string; points: number; evidence: string }[]; status: string };
const snapshot = () => q<Row>("SELECT id, risk_score, risk_reasons, status::text AS status FROM wallet_account ORDER BY id");
const byId = async () => new Map((await snapshot()).map((r) => [r.id, r]));
const reason = (r: Row | undefined, code: string) => r?.risk_reasons.find((x) => x.code === code);

beforeAll(async () => {
  t = await startTestApp();
  await loadRingFixture(t.db);
}, 240_000);

afterAll(async () => {
  await t?.close();
});

describe("ring points in live scoring", () => {
  it("the ring is flagged by the rule table alone; a quiet wallet on its phone gains ring points with the evidence in words", async () => {
    const rows = await byId();
    for (const id of RING) expect(rows.get(id)!.risk_score).toBeGreaterThanOrEqual(DEFAULT_FLAG_THRESHOLD);
    for (const id of RING) expect(reason(rows.get(id), "RING")).toBeUndefined();
    const r = reason(rows.get(Q_DEVICE), "RING")!;
    expect(r.points).toBe(DEFAULT_RING_PARAMS.oneHopPoints);
    expect(r.evidence).toContain("shares a phone (dev-ring) with 4 other wallets, 4 flagged");
  });

  it("one more hop gains fewer points, naming the wallet the risk came through", async () => {
    const r = reason((await byId()).get(Q_FAR), "RING")!;
    expect(r.points).toBe(DEFAULT_RING_PARAMS.twoHopPoints);
    expect(r.evidence).toBe(`shares an IP address (203.0.113.50) with ${Q_DEVICE}, which shares a phone with 4 flagged wallets`);
  });

  it("a wallet linking the attacked bank in lock-step with the ring gains points and is flagged, sharing nothing with it", async () => {
    const row = (await byId()).get(Q_TIME)!;
    const r = reason(row, "LOCKSTEP")!;
    expect(r.points).toBe(DEFAULT_LOCKSTEP_PARAMS.points);
    expect(r.evidence).toContain(`linked bank 0152 at 2020-09-07 09:20 UTC within ${windowWords(DEFAULT_LOCKSTEP_PARAMS.windowMinutes)} of 4 flagged wallets`);
    expect(r.evidence).toContain("where the bank usually sees 0.5 links in 6 h"); // 14 regular customers linked 0152 in the week before
    for (const id of REGULARS) expect(reason((await byId()).get(id), "LOCKSTEP"), id).toBeUndefined(); // far from the ring's links
    expect(row.risk_score).toBeGreaterThanOrEqual(DEFAULT_FLAG_THRESHOLD);
  });

  it("honest hubs give none: the university address (more wallets than the limit) and the family phone (one flagged member)", async () => {
    const rows = await byId();
    for (const id of [...UNIVERSITY, ...FAMILY]) {
      expect(reason(rows.get(id), "RING"), id).toBeUndefined();
      expect(rows.get(id)!.risk_score, id).toBeLessThan(DEFAULT_FLAG_THRESHOLD);
    }
    expect(rows.get("acc-family-0")!.risk_score).toBeGreaterThanOrEqual(DEFAULT_FLAG_THRESHOLD);
  });

  it("scoring after every batch ends where a bulk rescoring and the in-memory replay (the evaluation's) end", async () => {
    const incremental = await snapshot();
    const result = await rescoreAll(t.db, { now: NOW, chunkSize: 9 });
    expect(result.changed).toBe(0);
    expect((await snapshot()).map((r) => [r.id, r.risk_score, r.risk_reasons])).toEqual(incremental.map((r) => [r.id, r.risk_score, r.risk_reasons]));
    const replay = new FactsReplay();
    for (const e of events) replay.apply(e);
    const expected = replayScores(replay, NOW);
    expect(incremental.filter((r) => JSON.stringify(expected.get(r.id)!.reasons) !== JSON.stringify(r.risk_reasons)).map((r) => r.id)).toEqual([]);
  });

  it("an analyst's LEGITIMATE label stops a wallet gaining ring points", async () => {
    await q("UPDATE wallet_account SET review_label = 'LEGITIMATE' WHERE id = $1", [Q_TIME]);
    await rescoreTouched(t.db, [Q_TIME], { now: NOW });
    const row = (await byId()).get(Q_TIME)!;
    expect(reason(row, "LOCKSTEP")).toBeUndefined();
    await q("UPDATE wallet_account SET review_label = NULL WHERE id = $1", [Q_TIME]);
    await rescoreTouched(t.db, [Q_TIME], { now: NOW });
    expect(reason((await byId()).get(Q_TIME), "LOCKSTEP")).toBeDefined();
  });
});

describe("after a batch, the lock-step windows a quiet wallet joins", () => {
  it("update the counts in the hits there (the wallet holding one is rescored) and end where a bulk rescoring ends", async () => {
    const before = reason((await byId()).get(Q_TIME), "LOCKSTEP")!;
    const others = Number(/of (\d+) wallets? linking it then/.exec(before.evidence)![1]);
    // A quiet wallet (its own name on its account, nothing shared) opened days ago links the attacked
    // bank two minutes after Q_TIME: the batch's own wallet is neither flagged nor confirmed.
    const LATE = "acc-quiet-late";
    const at = (m: number) => new Date(Date.UTC(2020, 8, 7, 9, 0) + m * 60_000).toISOString();
    const batch = [
      { id: "evt-late-1", occurredAt: at(-3 * 1440), type: "account.opened", account: { id: LATE, holderName: "モリ ケンジ", carrierCustomer: false, identityVerified: false, deviceId: "dev-late", ipAddress: "203.0.113.201" } },
      { id: "evt-late-2", occurredAt: at(22), type: "link.registered", link: { id: "lnk-late", accountId: LATE, bankCode: "0152", branchCode: "101", accountNumber: "7777777", holderName: "モリ ケンジ", authMethod: "PIN" } },
    ] as PlatformEvent[];
    const touched = await new EventLoader(t.db.pool).load(batch);
    await rescoreTouched(t.db, touched, { now: NOW }, { openedAccountIds: [LATE], linkedAccountIds: [LATE] });
    const rows = await byId();
    expect(rows.get(LATE)!.risk_score).toBeLessThan(DEFAULT_FLAG_THRESHOLD + DEFAULT_LOCKSTEP_PARAMS.points); // its own rules alone leave it unflagged
    expect(reason(rows.get(Q_TIME), "LOCKSTEP")!.evidence).toContain(`of ${others + 1} wallets linking it then`);
    const bulk = await rescoreAll(t.db, { now: NOW, chunkSize: 9 });
    expect(bulk.changed).toBe(0);
  });
});

describe("bulk rescoring reads the ring inputs once per run", () => {
  it("gives what reading them per chunk gives, also from stale stored scores (later chunks see the flags earlier chunks stored)", async () => {
    const saved = await q<{ id: string; risk_score: number; risk_reasons: string; flagged_at: Date | null; scored_at: Date | null; rule_version: number | null }>(
      "SELECT id, risk_score, risk_reasons::text AS risk_reasons, flagged_at, scored_at, rule_version FROM wallet_account",
    );
    // Stale scores: every wallet stored as unflagged, so ring points depend on which chunks ran before.
    const stale = () => q("UPDATE wallet_account SET risk_score = 0, risk_reasons = '[]'::jsonb");
    const run = async (ringOnce: boolean) => {
      await stale();
      await rescoreAll(t.db, { now: NOW, chunkSize: 5, concurrency: 1, ringOnce });
      return (await snapshot()).map((r) => [r.id, r.risk_score, r.risk_reasons]);
    };
    try {
      const perChunk = await run(false);
      const once = await run(true);
      expect(once).toEqual(perChunk);
      // the stale start matters: a second run settles to the stored result of the incremental path
      await rescoreAll(t.db, { now: NOW, chunkSize: 5, concurrency: 1 });
      expect((await snapshot()).map((r) => [r.id, r.risk_score, r.risk_reasons])).toEqual(saved.sort((a, b) => (a.id < b.id ? -1 : 1)).map((r) => [r.id, r.risk_score, JSON.parse(r.risk_reasons)]));
    } finally {
      for (const r of saved) {
        await q("UPDATE wallet_account SET risk_score = $2, risk_reasons = $3::jsonb, flagged_at = $4, scored_at = $5, rule_version = $6 WHERE id = $1", [r.id, r.risk_score, r.risk_reasons, r.flagged_at, r.scored_at, r.rule_version]);
      }
    }
  });
});

describe("ring view and bulk freeze", () => {
  it("walks devices, IPs and bank accounts hop by hop with counts and states; a hub is listed, not followed", async () => {
    const analyst = await signedInAs(t.baseUrl, "ANALYST");
    const one = await analyst.trpc.accounts.ring.query({ accountId: RING[0], hops: 1 });
    expect(one.wallets[0]).toMatchObject({ id: RING[0], hops: 0 });
    expect(one.wallets.filter((w) => w.hops === 1).map((w) => w.id).sort()).toEqual([...RING.slice(1), Q_DEVICE].sort());
    expect(one.wallets.find((w) => w.id === Q_DEVICE)!.via).toMatchObject({ kind: "DEVICE", shown: "dev-ring" });
    const phone = one.things.find((x) => x.kind === "DEVICE" && x.shown === "dev-ring")!;
    expect(phone).toMatchObject({ wallets: 5, hub: false, flagged: 4, frozen: 0 });
    expect(one.counts).toMatchObject({ wallets: 4, flagged: 3, frozen: 0 });

    const two = await analyst.trpc.accounts.ring.query({ accountId: RING[0], hops: 2 });
    expect(two.wallets.find((w) => w.id === Q_FAR)).toMatchObject({ hops: 2, via: { kind: "IP", shown: "203.0.113.50", from: Q_DEVICE } });
    // the university address is met (the ring's third and fourth wallets opened there) and not followed
    const uni = two.things.find((x) => x.shown === "172.20.1.1")!;
    expect(uni).toMatchObject({ kind: "IP", hub: true, wallets: UNIVERSITY.length + 2 });
    expect(two.wallets.some((w) => w.id.startsWith("acc-uni-"))).toBe(false);
  });

  it("refuses roles that may not read accounts, and an unknown wallet in words", async () => {
    const support = await signedInAs(t.baseUrl, "SUPPORT");
    expect(await errorCodeOf(support.trpc.accounts.ring.query({ accountId: RING[0] }))).toBe("FORBIDDEN");
    const analyst = await signedInAs(t.baseUrl, "ANALYST");
    expect(await errorCodeOf(analyst.trpc.accounts.ring.query({ accountId: "acc-nobody" }))).toBe("ACCOUNT_NOT_FOUND");
    expect(await errorCodeOf(analyst.trpc.accounts.ring.query({ accountId: RING[0], hops: 4 }))).toBe("VALIDATION_FAILED");
  });

  it("an analyst freezes the selected ring in one action with a reason: all frozen, one audit record per wallet; ADMIN may not", async () => {
    const admin = await signedInAs(t.baseUrl, "ADMIN");
    const selected = [...RING, Q_DEVICE, Q_TIME];
    expect(await errorCodeOf(admin.trpc.accounts.freeze.mutate({ accountIds: selected, reason: "Ring around dev-ring" }))).toBe("FORBIDDEN");
    const analyst = await signedInAs(t.baseUrl, "ANALYST");
    const res = await analyst.trpc.accounts.freeze.mutate({ accountIds: selected, reason: "Ring around dev-ring: shared phone and lock-step links at 0152" });
    expect(res).toEqual({ changed: selected.length, unchanged: 0 });
    const rows = await byId();
    for (const id of selected) expect(rows.get(id)!.status, id).toBe("FROZEN");
    const view = await analyst.trpc.accounts.ring.query({ accountId: RING[0], hops: 2 });
    expect(view.wallets.filter((w) => w.status === "FROZEN").map((w) => w.id).sort()).toEqual([...RING, Q_DEVICE].sort());
    expect(view.wallets.find((w) => w.id === Q_FAR)!.status).toBe("ACTIVE");
    expect(view.counts.frozen).toBe(4);
    const audit = await q<{ target_id: string; reason: string }>("SELECT target_id, reason FROM audit_event WHERE action = 'account.freeze' ORDER BY target_id");
    expect(audit.map((a) => a.target_id)).toEqual([...selected].sort());
    expect(new Set(audit.map((a) => a.reason))).toEqual(new Set(["Ring around dev-ring: shared phone and lock-step links at 0152"]));
  });
});

describe("after a batch of charges and spends only", () => {
  it("a wallet holding ring points keeps them (its neighbourhood did not change) with its own points rescored, and ends where a bulk rescoring ends", async () => {
    const before = (await byId()).get(Q_DEVICE)!;
    const ring = reason(before, "RING")!;
    // A day after its link, the quiet wallet on the ring's phone charges a little and sends it on.
    const at = (m: number) => new Date(Date.UTC(2020, 8, 7, 9, 0) + m * 60_000).toISOString();
    const batch = [
      { id: "evt-qp-chg", occurredAt: at(-2 * 1440 + 600), type: "charge.completed", charge: { id: "chg-quiet-phone", linkId: "lnk-quiet-phone", amountYen: 95_000 } },
      { id: "evt-qp-spd", occurredAt: at(-2 * 1440 + 602), type: "spend.completed", spend: { id: "spd-quiet-phone", accountId: Q_DEVICE, amountYen: 95_000, channel: "transfer", counterparty: "ヤマモト ジロウ" } },
    ] as PlatformEvent[];
    expect(await ingestBatch(t.db, batch, { afterCommit: false })).toMatchObject({ accepted: 2, rejected: [] });
    await rescoreTouched(t.db, [Q_DEVICE], { now: NOW }, { openedAccountIds: [], linkedAccountIds: [] });
    const after = (await byId()).get(Q_DEVICE)!;
    expect(reason(after, "RING")).toEqual(ring);
    expect(after.risk_reasons.filter((r) => r.code !== "RING").map((r) => r.code)).not.toEqual(before.risk_reasons.filter((r) => r.code !== "RING").map((r) => r.code));
    const bulk = await rescoreAll(t.db, { now: NOW, chunkSize: 9 });
    expect(bulk.changed).toBe(0);
  });
});

describe("the wallets around those an after-batch pass scored", () => {
  it("are found from the neighbourhoods the pass read, the same wallets as reading them again (one and two hops, hubs left out)", async () => {
    const all = (await snapshot()).map((r) => r.id);
    const known = new KnownNeighbourhood();
    await rescoreAccounts(t.db, all, { now: NOW, known });
    const sets = [[Q_DEVICE], [Q_FAR], [Q_TIME], [RING[0]], [UNIVERSITY[0]], FAMILY, [Q_FAR, FAMILY[0]], all];
    for (const ids of sets) {
      const read = await ringNeighbourIds(t.db.pool, ids, { now: NOW, lockstep: null });
      const fromKnown = await ringNeighbourIds(t.db.pool, ids, { now: NOW, lockstep: null, known });
      expect(fromKnown, ids.join(",")).toEqual(read);
    }
    // two hops: the far wallet's address → the quiet wallet → the ring's phone; the university (a hub) gives nobody
    expect(await ringNeighbourIds(t.db.pool, [Q_FAR], { now: NOW, lockstep: null, known })).toEqual([Q_DEVICE, ...RING].sort());
    expect(await ringNeighbourIds(t.db.pool, [UNIVERSITY[0]], { now: NOW, lockstep: null, known })).toEqual([]);
    // a wallet the pass did not cover is read from the database
    const partial = new KnownNeighbourhood();
    await rescoreAccounts(t.db, [Q_DEVICE], { now: NOW, known: partial });
    expect(partial.covered.has(Q_FAR)).toBe(false);
    expect(await ringNeighbourIds(t.db.pool, [Q_FAR, Q_DEVICE], { now: NOW, lockstep: null, known: partial })).toEqual(await ringNeighbourIds(t.db.pool, [Q_FAR, Q_DEVICE], { now: NOW, lockstep: null }));
  });
});
