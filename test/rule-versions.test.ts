// Rule versions (#16), over real HTTP and PostgreSQL: a draft changes points and thresholds; its
// backtest on the stored history says how many wallets each version flags, which ones change and
// the precision against the analysts' labels; a manager activates it (audited, rescoring every
// wallet, each score naming its version) and rolls it back; analysts may not; exactly one version
// is active (a database constraint); score bands freeze a wallet whose score enters the freeze band
// through the freeze action, by the system, only when a manager turned it on.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_FLAG_THRESHOLD } from "../shared/accounts/index.ts";
import type { PlatformEvent } from "../shared/events/schemas.ts";
import { ingestBatch } from "../server/features/events/ingest.ts";
import { rescoreSettled } from "../server/features/accounts/rescore-job.ts";
import { backtestsSettled } from "../server/features/accounts/rule-backtest.ts";
import { query, sql } from "../server/db/sql.ts";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import { errorCodeOf, signedInAs } from "./helpers/staff.ts";

let t: TestApp;
let analyst: Awaited<ReturnType<typeof signedInAs>>;
let manager: Awaited<ReturnType<typeof signedInAs>>;
let admin: Awaited<ReturnType<typeof signedInAs>>;

const NO_HOOKS = { inTransaction: [], afterCommit: [] };
/** Two hours ago plus `minutes`: recent, so the 30-day windows of scoring by the clock hold every event. */
const T0 = Date.now() - 2 * 3_600_000;
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
let seq = 0;

const BANKS = ["0001", "0005", "0009", "0010", "0017", "0033", "0034", "0035"];

/**
 * One wallet on a device, IP address and bank of its own (nothing shared: no sharing or ring
 * points), linked a minute after opening (PIN-only), charged two minutes after linking, the charge
 * sent on by transfer five minutes later. `other`: the bank account carries someone else's name.
 */
function wallet(id: string, o: { other: boolean; chargeYen: number; minutes?: number }): PlatformEvent[] {
  const m = o.minutes ?? 0;
  const n = ++seq;
  return [
    {
      id: `ev-${id}-open`,
      type: "account.opened",
      occurredAt: at(m),
      account: { id, holderName: o.other ? "ナカムラ ケンジ" : "ヤマダ タロウ", carrierCustomer: false, identityVerified: false, deviceId: `dev-${id}`, ipAddress: `203.0.113.${n}` },
    },
    {
      id: `ev-${id}-link`,
      type: "link.registered",
      occurredAt: at(m + 1),
      link: { id: `lnk-${id}`, accountId: id, bankCode: BANKS[n % BANKS.length], branchCode: "101", accountNumber: String(2_000_000 + n), holderName: o.other ? "ｻﾄｳ ﾊﾅｺ" : "ﾔﾏﾀﾞ ﾀﾛｳ", authMethod: "PIN" },
    },
    { id: `ev-${id}-chg`, type: "charge.completed", occurredAt: at(m + 3), charge: { id: `chg-${id}`, linkId: `lnk-${id}`, amountYen: o.chargeYen } },
    {
      id: `ev-${id}-out`,
      type: "spend.completed",
      occurredAt: at(m + 8),
      spend: { id: `spd-${id}`, accountId: id, amountYen: o.chargeYen, channel: "transfer", counterparty: "ｽｽﾞｷ ｲﾁﾛｳ" },
    },
  ];
}

// Under version 1 (the code values), every wallet gets LINK_SOON_AFTER_OPEN 10 + UNVERIFIED 5 + PIN 5, and:
//  F1 (other name, ¥100,000, sent on): + NAME_MISMATCH 25 + CHARGE_SOON 15 + RAPID_CASH_OUT 15 = 75, flagged
//  F2 (other name, ¥60,000, sent on):  + 25 + CHARGE_SOON small 5 + 15                      = 65, flagged
//  H  (own name, ¥100,000, sent on):   + 15 + 15                                            = 50, not flagged
// The draft: NAME_MISMATCH 25 → 15, CHARGE_SOON_AFTER_LINK 15 → 20 and its smallPoints 5 → 0,
// RAPID_CASH_OUT 15 → 20: F1 75 (still flagged), F2 55 (no longer), H 60 (newly flagged).
const F1 = ["rv-f1a", "rv-f1b"];
const F2 = ["rv-f2a"];
const H = ["rv-ha", "rv-hb", "rv-hc"];

async function rescore() {
  await manager.trpc.accounts.rescoreAll.mutate({ reason: "score the test wallets by the clock" });
  await rescoreSettled();
}
const score = async (id: string) => (await manager.trpc.accounts.get.query({ accountId: id })).account;

beforeAll(async () => {
  t = await startTestApp();
  analyst = await signedInAs(t.baseUrl, "ANALYST");
  manager = await signedInAs(t.baseUrl, "MANAGER");
  admin = await signedInAs(t.baseUrl, "ADMIN");
  const events = [
    ...F1.flatMap((id) => wallet(id, { other: true, chargeYen: 100_000 })),
    ...F2.flatMap((id) => wallet(id, { other: true, chargeYen: 60_000 })),
    ...H.flatMap((id) => wallet(id, { other: false, chargeYen: 100_000 })),
  ];
  const r = await ingestBatch(t.db, events, { hooks: NO_HOOKS });
  expect(r.rejected).toEqual([]);
  await rescore();
}, 60_000);

afterAll(async () => {
  await backtestsSettled();
  await rescoreSettled();
  await t?.close();
});

describe("rule versions", () => {
  let draftId: number;

  it("version 1 is the code's values, active, and every stored score names it", async () => {
    const list = await analyst.trpc.accounts.ruleVersions.query();
    expect(list.activeId).toBe(1);
    expect(list.versions.map((v) => [v.id, v.state])).toEqual([[1, "ACTIVE"]]);
    expect(list.versions[0].changes).toEqual([]);
    expect(list.bands).toMatchObject({ autoFreeze: false, threshold: DEFAULT_FLAG_THRESHOLD });
    for (const [ids, expected] of [[F1, 75], [F2, 65], [H, 50]] as const) {
      for (const id of ids) expect(await score(id)).toMatchObject({ score: expected, ruleVersion: 1 });
    }
  });

  it("exactly one version is active: the database refuses a second", async () => {
    await expect(
      query(t.db.pool, sql`INSERT INTO rule_version (state, settings, created_by) VALUES ('ACTIVE', '{}'::jsonb, 'test')`),
    ).rejects.toThrow(/rule_version_one_active/);
  });

  it("an analyst drafts a change; invalid settings are refused in words; support may not draft", async () => {
    expect(await errorCodeOf((await signedInAs(t.baseUrl, "SUPPORT")).trpc.accounts.ruleDraft.mutate({ reason: "try a stricter table" }))).toBe("FORBIDDEN");
    const created = await analyst.trpc.accounts.ruleDraft.mutate({ reason: "name mismatch is noisy, speed matters more" });
    draftId = created.versionId;
    const list = await analyst.trpc.accounts.ruleVersions.query();
    const draft = list.versions.find((v) => v.id === draftId)!;
    expect(draft).toMatchObject({ state: "DRAFT", basedOn: 1, changes: [] });

    const settings = structuredClone(draft.settings);
    settings.NAME_MISMATCH.points = 15;
    settings.CHARGE_SOON_AFTER_LINK.points = 20;
    settings.CHARGE_SOON_AFTER_LINK.params.smallPoints = 0;
    settings.RAPID_CASH_OUT.points = 20;
    const bad = structuredClone(settings);
    bad.RAPID_CASH_OUT.params.minShare = 1.5;
    expect(await errorCodeOf(analyst.trpc.accounts.ruleUpdateDraft.mutate({ versionId: draftId, settings: bad, reason: "typo in a share" }))).toBe("RULE_DRAFT_INVALID");
    expect(await errorCodeOf(analyst.trpc.accounts.ruleUpdateDraft.mutate({ versionId: draftId, settings: { ...settings, NOPE: { enabled: true, points: 1, params: {} } }, reason: "an unknown rule" }))).toBe("RULE_DRAFT_INVALID");

    const saved = await analyst.trpc.accounts.ruleUpdateDraft.mutate({ versionId: draftId, settings, reason: "name mismatch is noisy, speed matters more" });
    expect(saved.changes).toEqual([
      { code: "NAME_MISMATCH", field: "points", before: 25, after: 15 },
      { code: "CHARGE_SOON_AFTER_LINK", field: "points", before: 15, after: 20 },
      { code: "CHARGE_SOON_AFTER_LINK", field: "smallPoints", before: 5, after: 0 },
      { code: "RAPID_CASH_OUT", field: "points", before: 15, after: 20 },
    ]);
    const audit = await t.db.prisma.auditEvent.findMany({ where: { action: { in: ["rules.draft", "rules.updateDraft"] } }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.action, a.actorEmail, a.targetId, a.reason])).toEqual([
      ["rules.draft", analyst.user.email, `rule_version:${draftId}`, "name mismatch is noisy, speed matters more"],
      ["rules.updateDraft", analyst.user.email, `rule_version:${draftId}`, "name mismatch is noisy, speed matters more"],
    ]);
  });

  it("a backtest on the stored history: counts, newly and no longer flagged wallets, precision against the labels", async () => {
    await analyst.trpc.accounts.markConfirmedFraud.mutate({ accountIds: [F1[0], F2[0]], reason: "victim's bank confirmed the link was not theirs" });
    await analyst.trpc.accounts.markLegitimate.mutate({ accountIds: [H[0]], reason: "customer called, charged for a purchase" });

    const started = await analyst.trpc.accounts.ruleBacktest.mutate({ versionId: draftId, reason: "what would the draft flag" });
    expect(started).toMatchObject({ versionId: draftId, againstId: 1 });
    await backtestsSettled();
    const done = await analyst.trpc.accounts.ruleBacktestStatus.query({ backtestId: started.id });
    expect(done).toMatchObject({ running: false, error: null, scored: 6, total: 6 });
    const r = done.result!;
    expect(r.active).toMatchObject({ flagged: 3, confirmedFraud: 2, legitimate: 0, precision: 1, recall: 1 });
    expect(r.draft).toMatchObject({ flagged: 5, confirmedFraud: 1, legitimate: 1, precision: 0.5, recall: 0.5 });
    expect(r).toMatchObject({ newlyFlagged: 3, noLongerFlagged: 1, labelledFraud: 2, labelledLegitimate: 1 });
    expect(r.newlyFlaggedSample.map((w) => [w.accountId, w.draftScore, w.activeScore, w.reviewLabel])).toEqual([
      ["rv-ha", 60, 50, "LEGITIMATE"],
      ["rv-hb", 60, 50, null],
      ["rv-hc", 60, 50, null],
    ]);
    expect(r.noLongerFlaggedSample.map((w) => [w.accountId, w.draftScore, w.activeScore, w.reviewLabel])).toEqual([["rv-f2a", 55, 65, "CONFIRMED_FRAUD"]]);
    // The page finds it again; the backtest changed no stored score.
    expect((await analyst.trpc.accounts.ruleLatestBacktest.query({ versionId: draftId }))?.id).toBe(started.id);
    expect(await score("rv-ha")).toMatchObject({ score: 50, ruleVersion: 1 });
    const audit = await t.db.prisma.auditEvent.findFirst({ where: { action: "rules.backtest" } });
    expect(audit).toMatchObject({ actorEmail: analyst.user.email, targetId: `rule_version:${draftId}`, reason: "what would the draft flag" });
  });

  it("only a manager activates; activation is audited, rescores every wallet and the scores name the new version", async () => {
    expect(await errorCodeOf(analyst.trpc.accounts.ruleActivate.mutate({ versionId: draftId, reason: "ship it" }))).toBe("FORBIDDEN");
    expect(await errorCodeOf(admin.trpc.accounts.ruleActivate.mutate({ versionId: draftId, reason: "ship it" }))).toBe("FORBIDDEN");
    const res = await manager.trpc.accounts.ruleActivate.mutate({ versionId: draftId, reason: "backtest: 3 newly flagged, precision 0.5" });
    expect(res).toMatchObject({ activeId: draftId, previousId: 1, rescoreError: null });
    expect(res.rescore?.running).toBe(true);
    await rescoreSettled();

    const list = await manager.trpc.accounts.ruleVersions.query();
    expect(list.versions.map((v) => [v.id, v.state, v.previousActive])).toEqual([[draftId, "ACTIVE", 1], [1, "RETIRED", null]]);
    expect(await score("rv-ha")).toMatchObject({ score: 60, flagged: true, ruleVersion: draftId });
    expect(await score("rv-f2a")).toMatchObject({ score: 55, flagged: false, ruleVersion: draftId });
    expect(await score("rv-f1a")).toMatchObject({ score: 75, ruleVersion: draftId });

    const audit = await t.db.prisma.auditEvent.findMany({ where: { action: { in: ["rules.activate", "accounts.rescoreAll"] } }, orderBy: { id: "asc" } });
    const activation = audit.find((a) => a.action === "rules.activate")!;
    expect(activation).toMatchObject({ actorEmail: manager.user.email, actorRole: "MANAGER", reason: "backtest: 3 newly flagged, precision 0.5" });
    expect(activation.before).toEqual({ activeVersion: 1 });
    expect((activation.after as { activeVersion: number; changes: unknown[] }).activeVersion).toBe(draftId);
    expect((activation.after as { changes: unknown[] }).changes).toHaveLength(4);
    expect(audit.filter((a) => a.action === "accounts.rescoreAll").at(-1)?.reason).toBe("backtest: 3 newly flagged, precision 0.5");

    // The platform API and the CSV export say which version produced each score.
    const key = await t.apiKey();
    const flagged = (await (await fetch(`${t.baseUrl}/api/v1/accounts/flagged?limit=50`, { headers: { authorization: `Bearer ${key}` } })).json()) as { accounts: { accountId: string; ruleVersion: number }[] };
    expect(flagged.accounts.find((a) => a.accountId === "rv-hb")?.ruleVersion).toBe(draftId);
    const cookie = [...manager.jar].map(([k, v]) => `${k}=${v}`).join("; ");
    const csv = await (await fetch(`${t.baseUrl}/exports/accounts.csv`, { headers: { cookie } })).text();
    const lines = csv.replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(lines[0].endsWith(",rule_version")).toBe(true);
    expect(lines.find((l) => l.startsWith("rv-hb,"))?.endsWith(`,${draftId}`)).toBe(true);

    // An active version no longer changes, and is not activated again.
    expect(await errorCodeOf(manager.trpc.accounts.ruleUpdateDraft.mutate({ versionId: draftId, settings: list.versions[0].settings, reason: "edit the live table" }))).toBe("RULE_VERSION_NOT_DRAFT");
    expect(await errorCodeOf(manager.trpc.accounts.ruleActivate.mutate({ versionId: 1, reason: "go back without rollback" }))).toBe("RULE_VERSION_NOT_DRAFT");
  });

  it("a manager rolls back to the previous version (audited, rescored); with none earlier, rollback says so", async () => {
    expect(await errorCodeOf(analyst.trpc.accounts.ruleRollback.mutate({ reason: "too many flags" }))).toBe("FORBIDDEN");
    const res = await manager.trpc.accounts.ruleRollback.mutate({ reason: "too many honest customers flagged" });
    expect(res).toMatchObject({ activeId: 1, previousId: draftId, rescoreError: null });
    await rescoreSettled();
    const list = await manager.trpc.accounts.ruleVersions.query();
    expect(list.versions.map((v) => [v.id, v.state])).toEqual([[draftId, "RETIRED"], [1, "ACTIVE"]]);
    expect(await score("rv-ha")).toMatchObject({ score: 50, ruleVersion: 1 });
    expect(await score("rv-f2a")).toMatchObject({ score: 65, ruleVersion: 1 });
    const audit = await t.db.prisma.auditEvent.findFirst({ where: { action: "rules.rollback" } });
    expect(audit).toMatchObject({ actorEmail: manager.user.email, targetId: "rule_version:1", reason: "too many honest customers flagged", before: { activeVersion: draftId } });
    expect(await errorCodeOf(manager.trpc.accounts.ruleRollback.mutate({ reason: "once more" }))).toBe("NO_PREVIOUS_RULE_VERSION");
  });

  it("per-rule statistics: wallets hit, flagged among them, and how analysts labelled them", async () => {
    const s = await analyst.trpc.accounts.ruleStats.query();
    expect(s).toMatchObject({ scored: 6, labelled: 3 });
    const by = Object.fromEntries(s.rules.map((r) => [r.code, r]));
    expect(by.NAME_MISMATCH).toEqual({ code: "NAME_MISMATCH", wallets: 3, flagged: 3, confirmedFraud: 2, legitimate: 0, points: 75 });
    expect(by.LINK_SOON_AFTER_OPEN).toMatchObject({ wallets: 6, flagged: 3, confirmedFraud: 2, legitimate: 1 });
    expect(by.SHARED_DEVICE).toMatchObject({ wallets: 0 });
  });
});

describe("score bands", () => {
  it("auto-freeze is off by default; only a manager or an admin sets it, with a reason, audited", async () => {
    expect(await errorCodeOf(analyst.trpc.accounts.ruleSetBands.mutate({ autoFreeze: true, freezeFrom: 75, reason: "freeze the worst at once" }))).toBe("FORBIDDEN");
    expect(await errorCodeOf(manager.trpc.accounts.ruleSetBands.mutate({ autoFreeze: true, freezeFrom: 40, reason: "below the flag threshold" }))).toBe("VALIDATION_FAILED");
    await admin.trpc.accounts.ruleSetBands.mutate({ autoFreeze: true, freezeFrom: 75, reason: "freeze the worst at once" });
    const audit = await t.db.prisma.auditEvent.findFirst({ where: { action: "rules.setBands" } });
    expect(audit).toMatchObject({ actorEmail: admin.user.email, reason: "freeze the worst at once", before: { autoFreeze: false, freezeFrom: 90 }, after: { autoFreeze: true, freezeFrom: 75 } });
  });

  it("a wallet whose score enters the freeze band is frozen by the system through the freeze action; those already in it are left to the analysts", async () => {
    const r = await ingestBatch(t.db, wallet("rv-f1c", { other: true, chargeYen: 100_000, minutes: 10 }), { hooks: NO_HOOKS });
    expect(r.rejected).toEqual([]);
    await rescore();
    expect(await score("rv-f1c")).toMatchObject({ score: 75, status: "FROZEN" });
    // rv-f1b was at 75 before the band was turned on: its score did not enter the band now.
    expect(await score("rv-f1b")).toMatchObject({ score: 75, status: "ACTIVE" });
    const freeze = await t.db.prisma.auditEvent.findFirst({ where: { action: "account.freeze", targetId: "rv-f1c" } });
    expect(freeze).toMatchObject({ actorEmail: "system:score-bands", actorId: null });
    expect(freeze?.reason).toMatch(/freeze band \(75\) under rule version 1/);
    await manager.trpc.accounts.ruleSetBands.mutate({ autoFreeze: false, freezeFrom: 75, reason: "back to review only" });
  });
});
