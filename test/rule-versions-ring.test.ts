// Goal (#16): the ring signals' settings (RING, LOCKSTEP) are rule-version data like the rule table:
// a draft that turns RING off and raises LOCKSTEP's points backtests with the draft's ring settings
// (the wallet flagged only through its shared phone is no longer flagged, the one linking in lock-step
// with the ring is newly flagged), a manager activates it (audited; the bulk rescoring and the
// after-batch path store the draft's ring reasons, naming the version) and rolls it back (the ring
// reasons as before). Method: hand-made platform events (by the clock: the activation's rescoring
// scores as of now) in a real PostgreSQL; the procedures over real HTTP as signed-in staff.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlatformEvent } from "../shared/events/schemas.ts";
import { DEFAULT_FLAG_THRESHOLD } from "../shared/accounts/index.ts";
import { DEFAULT_LOCKSTEP_PARAMS, DEFAULT_RING_PARAMS } from "../shared/accounts/ring.ts";
import { ingestBatch } from "../server/features/events/ingest.ts";
import { rescoreSettled } from "../server/features/accounts/rescore-job.ts";
import { backtestsSettled } from "../server/features/accounts/rule-backtest.ts";
import { rescoreTouched } from "../server/features/accounts/scoring-related.ts";
import { ringNeighbourIds } from "../server/features/accounts/scoring-ring.ts";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import { errorCodeOf, signedInAs } from "./helpers/staff.ts";

let t: TestApp;
let analyst: Awaited<ReturnType<typeof signedInAs>>;
let manager: Awaited<ReturnType<typeof signedInAs>>;

const NO_HOOKS = { inTransaction: [], afterCommit: [] };
/** Three hours ago plus `minutes`: recent, so scoring by the clock holds every event in its 30-day windows. */
const T0 = Date.now() - 3 * 3_600_000;
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

// The ring: four wallets on one phone, each linking a victim's account at 0152 minutes after opening,
// charging the limit and sending it on at once (flagged by the rule table alone).
const RING = ["rr-ring-1", "rr-ring-2", "rr-ring-3", "rr-ring-4"];
// On the ring's phone, opened days before, its own account elsewhere, one charge soon after linking:
// SHARED_DEVICE 15 + UNVERIFIED 5 + CHARGE_SOON 15 = 35 by its own behaviour; RING 35 flags it (70).
const Q_PHONE = "rr-quiet-phone";
// Sharing nothing, linking 0152 (PIN) among the ring's links, its own name: UNVERIFIED 5 + PIN 5 = 10;
// LOCKSTEP 30 gives 40 (not flagged), 50 would give 60 (flagged).
const Q_TIME = "rr-quiet-time";

const events: PlatformEvent[] = [];
let n = 0;
const eid = () => `ev-rr-${String(++n).padStart(3, "0")}`;
function open(id: string, m: number, o: { device: string; ip: string; name: string }) {
  events.push({ id: eid(), type: "account.opened", occurredAt: at(m), account: { id, holderName: o.name, carrierCustomer: false, identityVerified: false, deviceId: o.device, ipAddress: o.ip } });
}
function link(id: string, account: string, m: number, o: { bank: string; holder: string; auth: "PIN" | "ONLINE_BANKING" }) {
  events.push({ id: eid(), type: "link.registered", occurredAt: at(m), link: { id, accountId: account, bankCode: o.bank, branchCode: "101", accountNumber: String(3_000_000 + n), holderName: o.holder, authMethod: o.auth } });
}
function charge(id: string, linkId: string, m: number, yen: number) {
  events.push({ id: eid(), type: "charge.completed", occurredAt: at(m), charge: { id, linkId, amountYen: yen } });
}
RING.forEach((id, i) => {
  const m = i * 12;
  open(id, m, { device: "dev-rr-ring", ip: `203.0.113.${60 + i}`, name: "タナカ イチロウ" });
  link(`lnk-${id}`, id, m + 4, { bank: "0152", holder: "スズキ ハナコ", auth: "PIN" });
  charge(`chg-${id}-a`, `lnk-${id}`, m + 6, 100_000);
  charge(`chg-${id}-b`, `lnk-${id}`, m + 7, 100_000);
  charge(`chg-${id}-c`, `lnk-${id}`, m + 8, 90_000);
  events.push({ id: eid(), type: "spend.completed", occurredAt: at(m + 10), spend: { id: `spd-${id}`, accountId: id, amountYen: 290_000, channel: "transfer", counterparty: "ヤマモト ジロウ" } });
});
open(Q_PHONE, -2 * 1440, { device: "dev-rr-ring", ip: "203.0.113.70", name: "イトウ ケン" });
link(`lnk-${Q_PHONE}`, Q_PHONE, -2 * 1440 + 600, { bank: "0168", holder: "イトウ ケン", auth: "ONLINE_BANKING" });
charge(`chg-${Q_PHONE}`, `lnk-${Q_PHONE}`, -2 * 1440 + 605, 100_000);
open(Q_TIME, -3 * 1440, { device: "dev-rr-time", ip: "203.0.113.77", name: "カトウ ケン" });
link(`lnk-${Q_TIME}`, Q_TIME, 20, { bank: "0152", holder: "カトウ ケン", auth: "PIN" });
events.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.id.localeCompare(b.id));

type Stored = { risk_score: number; risk_reasons: { code: string; points: number; evidence: string }[]; rule_version: number | null };
async function stored(id: string): Promise<Stored> {
  const r = await t.db.pool.query<Stored>("SELECT risk_score, risk_reasons, rule_version FROM wallet_account WHERE id = $1", [id]);
  return r.rows[0];
}
const reason = (s: Stored, code: string) => s.risk_reasons.find((r) => r.code === code);

beforeAll(async () => {
  t = await startTestApp();
  analyst = await signedInAs(t.baseUrl, "ANALYST");
  manager = await signedInAs(t.baseUrl, "MANAGER");
  const r = await ingestBatch(t.db, events, { hooks: NO_HOOKS });
  expect(r.rejected).toEqual([]);
  await manager.trpc.accounts.rescoreAll.mutate({ reason: "score the test wallets by the clock" });
  await rescoreSettled();
}, 60_000);

afterAll(async () => {
  await backtestsSettled();
  await rescoreSettled();
  await t?.close();
});

describe("ring settings as rule-version data", () => {
  let draftId: number;

  it("version 1 (no ring entries stored) scores with the code's ring settings", async () => {
    for (const id of RING) expect((await stored(id)).risk_score).toBeGreaterThanOrEqual(DEFAULT_FLAG_THRESHOLD);
    const phone = await stored(Q_PHONE);
    expect(reason(phone, "RING")?.points).toBe(DEFAULT_RING_PARAMS.oneHopPoints);
    expect(phone).toMatchObject({ risk_score: 70, rule_version: 1 });
    const time = await stored(Q_TIME);
    expect(reason(time, "LOCKSTEP")?.points).toBe(DEFAULT_LOCKSTEP_PARAMS.points);
    expect(time).toMatchObject({ risk_score: 40, rule_version: 1 });
    const list = await analyst.trpc.accounts.ruleVersions.query();
    expect(list.versions[0].settings.LOCKSTEP).toEqual({ enabled: true, points: 30, params: { windowMinutes: 180, minFlagged: 3, minFlaggedShare: 0.1, minTimesUsual: 2, usualDays: 7, usualSkipHours: 24 } });
    expect(list.catalogue.find((c) => c.code === "LOCKSTEP")?.bounds?.windowMinutes).toEqual({ min: 15, max: 720, whole: true, unit: "minutes" });
  });

  it("a draft turns RING off and raises LOCKSTEP's points; out-of-range ring settings are refused in words", async () => {
    draftId = (await analyst.trpc.accounts.ruleDraft.mutate({ reason: "lock-step matters more, shared phones are noisy" })).versionId;
    const draft = (await analyst.trpc.accounts.ruleVersions.query()).versions.find((v) => v.id === draftId)!;
    expect(draft.changes).toEqual([]);
    const settings = structuredClone(draft.settings);
    settings.RING.enabled = false;
    settings.LOCKSTEP.points = 50;
    const narrow = structuredClone(settings);
    narrow.LOCKSTEP.params.windowMinutes = 10;
    expect(await errorCodeOf(analyst.trpc.accounts.ruleUpdateDraft.mutate({ versionId: draftId, settings: narrow, reason: "a ten minute window" }))).toBe("RULE_DRAFT_INVALID");
    const share = structuredClone(settings);
    share.LOCKSTEP.params.minFlaggedShare = 1.5;
    expect(await errorCodeOf(analyst.trpc.accounts.ruleUpdateDraft.mutate({ versionId: draftId, settings: share, reason: "a share above one" }))).toBe("RULE_DRAFT_INVALID");
    const saved = await analyst.trpc.accounts.ruleUpdateDraft.mutate({ versionId: draftId, settings, reason: "lock-step matters more, shared phones are noisy" });
    expect(saved.changes).toEqual([
      { code: "RING", field: "enabled", before: true, after: false },
      { code: "LOCKSTEP", field: "points", before: 30, after: 50 },
    ]);
  });

  it("the backtest scores the draft with the draft's ring settings: the phone's wallet is no longer flagged, the lock-step one is", async () => {
    const started = await analyst.trpc.accounts.ruleBacktest.mutate({ versionId: draftId, reason: "what would the ring change flag" });
    await backtestsSettled();
    const done = await analyst.trpc.accounts.ruleBacktestStatus.query({ backtestId: started.id });
    expect(done).toMatchObject({ running: false, error: null });
    const r = done.result!;
    expect(r.active.flagged).toBe(RING.length + 1);
    expect(r.draft.flagged).toBe(RING.length + 1);
    expect(r).toMatchObject({ newlyFlagged: 1, noLongerFlagged: 1 });
    expect(r.newlyFlaggedSample.map((w) => [w.accountId, w.draftScore, w.activeScore])).toEqual([[Q_TIME, 60, 40]]);
    expect(r.noLongerFlaggedSample.map((w) => [w.accountId, w.draftScore, w.activeScore])).toEqual([[Q_PHONE, 35, 70]]);
    // nothing stored moved
    expect(await stored(Q_TIME)).toMatchObject({ risk_score: 40, rule_version: 1 });
  });

  it("activation (audited) rescores with the draft's ring settings; the after-batch path uses them too", async () => {
    const res = await manager.trpc.accounts.ruleActivate.mutate({ versionId: draftId, reason: "backtest: one lock-step wallet more, one phone wallet less" });
    expect(res).toMatchObject({ activeId: draftId, previousId: 1, rescoreError: null });
    await rescoreSettled();
    const time = await stored(Q_TIME);
    expect(time).toMatchObject({ risk_score: 60, rule_version: draftId });
    expect(reason(time, "LOCKSTEP")?.points).toBe(50);
    const phone = await stored(Q_PHONE);
    expect(phone).toMatchObject({ risk_score: 35, rule_version: draftId });
    expect(reason(phone, "RING")).toBeUndefined();
    // the per-chunk path after a batch (not the bulk one) reads the same version
    await rescoreTouched(t.db, [Q_TIME, Q_PHONE]);
    expect(await stored(Q_TIME)).toMatchObject({ risk_score: 60, rule_version: draftId });
    expect(reason(await stored(Q_PHONE), "RING")).toBeUndefined();

    const audit = await t.db.prisma.auditEvent.findFirst({ where: { action: "rules.activate" } });
    expect(audit).toMatchObject({ actorEmail: manager.user.email, reason: "backtest: one lock-step wallet more, one phone wallet less", before: { activeVersion: 1 } });
    expect(audit?.after).toEqual({
      activeVersion: draftId,
      changes: [
        { code: "RING", field: "enabled", before: true, after: false },
        { code: "LOCKSTEP", field: "points", before: 30, after: 50 },
      ],
    });
  });

  it("the after-batch neighbours follow the settings passed: the lock-step window, a signal turned off", async () => {
    const now = new Date();
    const around = (o: Parameters<typeof ringNeighbourIds>[2]) => ringNeighbourIds(t.db.pool, [Q_TIME], o);
    // Q_TIME linked 0152 at +20 min; the ring at +4, +16, +28 and +40
    expect(await around({ now })).toEqual(RING);
    expect(await around({ now, lockstep: { ...DEFAULT_LOCKSTEP_PARAMS, windowMinutes: 15 } })).toEqual([RING[1], RING[2]]);
    expect(await around({ now, lockstep: null })).toEqual([]);
    // the phone's wallets through the shared phone, none with RING off
    expect(await ringNeighbourIds(t.db.pool, [Q_PHONE], { now, lockstep: null })).toEqual(RING);
    expect(await ringNeighbourIds(t.db.pool, [Q_PHONE], { now, lockstep: null, params: null })).toEqual([]);
  });

  it("rollback restores version 1's ring settings (audited)", async () => {
    const res = await manager.trpc.accounts.ruleRollback.mutate({ reason: "the phone wallet was a real mule" });
    expect(res).toMatchObject({ activeId: 1, previousId: draftId, rescoreError: null });
    await rescoreSettled();
    const phone = await stored(Q_PHONE);
    expect(phone).toMatchObject({ risk_score: 70, rule_version: 1 });
    expect(reason(phone, "RING")?.points).toBe(35);
    const time = await stored(Q_TIME);
    expect(time).toMatchObject({ risk_score: 40, rule_version: 1 });
    expect(reason(time, "LOCKSTEP")?.points).toBe(30);
    const audit = await t.db.prisma.auditEvent.findFirst({ where: { action: "rules.rollback" } });
    expect(audit).toMatchObject({ actorEmail: manager.user.email, targetId: "rule_version:1", reason: "the phone wallet was a real mule", before: { activeVersion: draftId } });
    expect((audit?.after as { changes: unknown[] }).changes).toEqual([
      { code: "RING", field: "enabled", before: false, after: true },
      { code: "LOCKSTEP", field: "points", before: 50, after: 30 },
    ]);
  });
});
