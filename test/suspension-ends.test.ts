// Goal (#17 suspensions that end and get reviewed; the bank register): a suspension with an end time
// ends on time through the lift's code (audit by the system, suspension.ended through the outbox,
// signed, to a real receiver), decisions flip to allow at once after its commit, and it ends once
// when two job runners race; managers are reminded 24 h ahead and may move the times (reason,
// audit) but not after it ended; a manager records a bank's link authentication with an effective
// date (history, audit) and suspends every PIN-only bank at once, all or nothing, one audit record
// and one suspension.created per bank.
// Method: a real server on its own database, staff over tRPC, decisions over REST, two in-process
// job runners on their own pools (the jobs lock), a node:http receiver for the webhooks.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import { errorCodeOf, signedInAs } from "./helpers/staff.ts";
import { startWebhookReceiver, type WebhookReceiver } from "./helpers/webhook-receiver.ts";
import { accountWithLink, decide } from "./suspensions-fixtures.ts";
import { startBackgroundJobs } from "../server/jobs.ts";
import { connectDatabase } from "../server/db/client.ts";
import { endSuspension, suspensionEndJob } from "../server/features/suspensions/ending.ts";
import { deliverDueWebhooks } from "../server/features/webhooks/worker.ts";
import { SIGNATURE_HEADER, verifySignature } from "../shared/webhooks/signature.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const REASON = "the bank confirmed the fix; charges resume at the agreed time";
let t: TestApp;
let key: string;
let receiver: WebhookReceiver;
let secret: string;
let manager: Awaited<ReturnType<typeof signedInAs>>;
let analyst: Awaited<ReturnType<typeof signedInAs>>;

beforeAll(async () => {
  t = await startTestApp();
  key = await t.apiKey();
  receiver = await startWebhookReceiver();
  const admin = await signedInAs(t.baseUrl, "ADMIN");
  [manager, analyst] = await Promise.all([signedInAs(t.baseUrl, "MANAGER"), signedInAs(t.baseUrl, "ANALYST")]);
  const created = await admin.trpc.webhooks.createEndpoint.mutate({ url: receiver.url, description: "platform", eventTypes: ["suspension.ended", "suspension.created"], reason: "the platform wants suspension events" });
  secret = created.secret;
});
afterAll(async () => {
  await receiver?.close();
  await t?.close();
});

const audits = async (action: string, targetId: string) =>
  (await t.db.pool.query(`SELECT actor_id, actor_email, actor_role, reason, after FROM audit_event WHERE action = $1 AND target_id = $2 ORDER BY id`, [action, targetId])).rows;
const events = async (type: string, subjectId: string) =>
  (await t.db.pool.query(`SELECT id, data FROM webhook_event WHERE type = $1 AND subject_id = $2`, [type, subjectId])).rows;

describe("suspensions that end", () => {
  it("ends at its end time, as the system, once across two job runners; decisions allow right after; suspension.ended is sent signed", async () => {
    const { linkId } = await accountWithLink(t.db, "0005", new Date(Date.now() - 86_400_000));
    const endsAt = new Date(Date.now() + 4_000);
    const { suspensions } = await manager.trpc.suspensions.suspend.mutate({ bankCodes: ["0005"], scopes: ["CHARGE"], endsAt, reason: REASON });
    const sid = suspensions[0].id;
    expect(suspensions[0].endsAt).toEqual(endsAt);
    expect((await decide(t.baseUrl, key, "charge", { linkId, amountYen: 1_000 })).body).toEqual({ decision: "deny", reason: "BANK_CHARGES_SUSPENDED", suspensionId: sid });

    // Reminded (ends within 24 h) on the list every role sees, and for the bank alone.
    const att = await analyst.trpc.suspensions.attention.query();
    expect(att.rows.find((r) => r.id === sid)?.items).toEqual([{ kind: "ENDS", at: endsAt, overdue: false }]);
    expect((await manager.trpc.suspensions.attention.query({ bankCode: "0169" })).rows.some((r) => r.id === sid)).toBe(false);
    expect((await manager.trpc.suspensions.list.query()).find((s) => s.id === sid)).toMatchObject({ endsAt, ended: false, state: "ACTIVE" });

    // Not before its time: the job's own run ends nothing yet.
    expect(await endSuspension(t.db.prisma, sid)).toBeNull();

    // Two instances, each with its own pools, run the jobs: the lock lets one of them.
    const dbs = [connectDatabase(dbUrl()), connectDatabase(dbUrl())];
    const runners = dbs.map((db, i) => startBackgroundJobs(db, t.app.log, { jobs: [suspensionEndJob], instanceId: `end-${i}`, lockRetryMs: 200 }));
    try {
      let row: { lifted_at: Date | null; ended: boolean; lifted_by_id: string | null; lift_reason: string | null } | undefined;
      const deadline = Date.now() + 15_000;
      do {
        await sleep(200);
        [row] = (await t.db.pool.query(`SELECT lifted_at, ended, lifted_by_id, lift_reason FROM suspension WHERE id = $1`, [sid])).rows;
      } while (!row?.lifted_at && Date.now() < deadline);
      expect(row).toMatchObject({ ended: true, lifted_by_id: null, lift_reason: "Ended at its end time" });
      expect(row!.lifted_at!.getTime()).toBeGreaterThanOrEqual(endsAt.getTime());
      // Right after the commit the decision allows.
      expect((await decide(t.baseUrl, key, "charge", { linkId, amountYen: 1_000 })).body).toEqual({ decision: "allow", reason: "ALLOWED" });
      const ending = Date.now() - endsAt.getTime();
      console.log(`ended ${row!.lifted_at!.getTime() - endsAt.getTime()} ms after its end time (allowed ${ending} ms after it)`);
      expect(runners.map((r) => r.role()).sort()).toEqual(["leader", "standby"]);
    } finally {
      await Promise.all(runners.map((r) => r.stop()));
      await Promise.all(dbs.map((d) => d.close()));
    }
    // Once: one audit record by the system, one event; a second run finds nothing to end.
    expect(await endSuspension(t.db.prisma, sid)).toBeNull();
    const [audit, ...more] = await audits("suspension.end", "0005");
    expect(more).toEqual([]);
    expect(audit).toMatchObject({ actor_id: null, actor_email: "system:suspension-end", actor_role: null, reason: "Ended at its end time" });
    expect(await audits("suspension.lift", "0005")).toEqual([]);
    const ended = await events("suspension.ended", sid);
    expect(ended).toHaveLength(1);
    expect(ended[0].data).toMatchObject({ suspensionId: sid, bankCode: "0005", endsAt: endsAt.toISOString() });
    const { rows: runs } = await t.db.pool.query(`SELECT runner FROM background_job WHERE name = 'suspensions.end'`);
    expect(runs).toHaveLength(1);

    await deliverDueWebhooks(t.db);
    const got = receiver.received.filter((r) => r.json.type === "suspension.ended");
    expect(got).toHaveLength(1);
    expect(got[0].json.id).toBe(ended[0].id);
    expect(verifySignature(String(got[0].headers[SIGNATURE_HEADER.toLowerCase()]), got[0].body, secret, Math.floor(Date.now() / 1000)).ok).toBe(true);
    expect(await errorCodeOf(manager.trpc.suspensions.setTimes.mutate({ suspensionId: sid, endsAt: null, reviewAt: null, reason: REASON }))).toBe("SUSPENSION_ALREADY_LIFTED");
  });

  it("two runs racing end it once", async () => {
    const { suspensions } = await manager.trpc.suspensions.suspend.mutate({ bankCodes: ["0009"], scopes: ["REGISTRATION"], endsAt: new Date(Date.now() + 1_500), reason: REASON });
    const sid = suspensions[0].id;
    await sleep(1_700);
    const results = await Promise.all([endSuspension(t.db.prisma, sid), endSuspension(t.db.prisma, sid), endSuspension(t.db.prisma, sid)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await audits("suspension.end", "0009")).toHaveLength(1);
    expect(await events("suspension.ended", sid)).toHaveLength(1);
  });

  it("a manager moves or clears the end time and review date with a reason (audited); checked against the start and now; others may not", async () => {
    const startsAt = new Date(Date.now() + 3_600_000);
    const { suspensions } = await manager.trpc.suspensions.suspend.mutate({ bankCodes: ["0010"], scopes: ["REGISTRATION"], startsAt, reason: REASON });
    const sid = suspensions[0].id;
    const code = (endsAt: Date | null, reviewAt: Date | null) => errorCodeOf(manager.trpc.suspensions.setTimes.mutate({ suspensionId: sid, endsAt, reviewAt, reason: REASON }));
    expect(await code(new Date(startsAt.getTime() - 1), null)).toBe("ENDS_BEFORE_START");
    expect(await code(startsAt, null)).toBe("ENDS_BEFORE_START");
    expect(await code(null, new Date(Date.now() - 60_000))).toBe("REVIEW_IN_PAST");
    expect(await errorCodeOf(analyst.trpc.suspensions.setTimes.mutate({ suspensionId: sid, endsAt: null, reviewAt: null, reason: REASON }))).toBe("FORBIDDEN");
    expect(await errorCodeOf(manager.trpc.suspensions.suspend.mutate({ bankCodes: ["0033"], scopes: ["REGISTRATION"], endsAt: new Date(Date.now() - 1_000), reason: REASON }))).toBe("ENDS_IN_PAST");

    const endsAt = new Date(startsAt.getTime() + 2 * 86_400_000);
    const reviewAt = new Date(Date.now() + 3_600_000 * 5);
    // Four eyes (#12): one manager may not give an open-ended suspension an end (ending is lifting).
    expect(await code(endsAt, reviewAt)).toBe("END_SOONER_NEEDS_SECOND_MANAGER");
    expect((await t.db.pool.query(`SELECT ends_at, review_at FROM suspension WHERE id = $1`, [sid])).rows[0]).toEqual({ ends_at: null, review_at: null });
    expect(await code(null, reviewAt)).toBeNull();
    await t.db.pool.query(`UPDATE suspension SET ends_at = $2 WHERE id = $1`, [sid, new Date(endsAt.getTime() - 3_600_000)]); // as if set when suspending
    // Later is free; earlier again is not.
    expect(await code(endsAt, reviewAt)).toBeNull();
    expect(await code(new Date(endsAt.getTime() - 60_000), reviewAt)).toBe("END_SOONER_NEEDS_SECOND_MANAGER");
    const setTimes = await audits("suspension.setTimes", "0010");
    expect(setTimes).toHaveLength(2); // the refusals wrote nothing
    expect(setTimes[1]).toMatchObject({ reason: REASON, after: { suspensionId: sid, endsAt: endsAt.toISOString(), reviewAt: reviewAt.toISOString() } });
    // Review within 24 h: reminded; the end two days ahead: not yet.
    const att = (await manager.trpc.suspensions.attention.query({ bankCode: "0010" })).rows;
    expect(att.map((r) => r.items)).toEqual([[{ kind: "REVIEW", at: reviewAt, overdue: false }]]);
    expect(await code(null, null)).toBeNull();
    expect((await manager.trpc.suspensions.attention.query({ bankCode: "0010" })).rows).toEqual([]);
  });
});

describe("the bank register", () => {
  it("a manager records a bank's link authentication with an effective date: history, audit; order and roles checked", async () => {
    const before = (await manager.trpc.suspensions.register.query()).find((b) => b.code === "0017")!;
    const other = before.authMethod === "PIN" ? "PIN_OTP" : "PIN";
    const effectiveAt = new Date(Date.now() - 86_400_000);
    await manager.trpc.suspensions.setBankAuth.mutate({ bankCode: "0017", authMethod: other, effectiveAt, reason: "the bank's link page asks for no second factor" });
    const after = (await analyst.trpc.suspensions.register.query()).find((b) => b.code === "0017")!;
    expect(after).toMatchObject({ authMethod: other, authEffectiveAt: effectiveAt });
    expect(await analyst.trpc.suspensions.authHistory.query({ bankCode: "0017" })).toMatchObject([{ authMethod: other, previousMethod: before.authMethod, effectiveAt }]);
    expect(await audits("bank.setAuthMethod", "0017")).toMatchObject([{ reason: "the bank's link page asks for no second factor", after: { authMethod: other } }]);

    const again = (m: string, at: Date) => errorCodeOf(manager.trpc.suspensions.setBankAuth.mutate({ bankCode: "0017", authMethod: m as "PIN", effectiveAt: at, reason: "recording a change" }));
    expect(await again(other, new Date())).toBe("AUTH_METHOD_UNCHANGED");
    expect(await again(before.authMethod, new Date(effectiveAt.getTime() - 1))).toBe("AUTH_CHANGE_BEFORE_LAST");
    expect(await again(before.authMethod, new Date(Date.now() + 3_600_000))).toBe("VALIDATION_FAILED");
    expect(await errorCodeOf(analyst.trpc.suspensions.setBankAuth.mutate({ bankCode: "0017", authMethod: "PIN_OTP", effectiveAt: new Date(), reason: "recording a change" }))).toBe("FORBIDDEN");
  });

  it("suspends every PIN-only bank at once: all or nothing; one audit record and one suspension.created per bank", async () => {
    const register = await manager.trpc.suspensions.register.query();
    const pinOnly = register.filter((b) => b.authMethod === "PIN" && b.suspendedScopes.length === 0).map((b) => b.code).slice(0, 4);
    expect(pinOnly.length).toBeGreaterThanOrEqual(2);
    const preview = await manager.trpc.suspensions.preview.query({ bankCodes: pinOnly, scopes: ["REGISTRATION", "LINK_CHANGE"] });
    expect(preview.banks.map((b: { bankCode: string }) => b.bankCode).sort()).toEqual([...pinOnly].sort());
    // One of them already suspended for a scope asked: nothing is suspended.
    await manager.trpc.suspensions.suspend.mutate({ bankCodes: [pinOnly[1]], scopes: ["LINK_CHANGE"], reason: "earlier suspension of one bank" });
    expect(await errorCodeOf(manager.trpc.suspensions.suspend.mutate({ bankCodes: pinOnly, scopes: ["REGISTRATION", "LINK_CHANGE"], reason: "Japan Post Bank style: every PIN-only partner" }))).toBe("SUSPENSION_CONFLICT");
    expect((await t.db.pool.query(`SELECT count(*)::int AS n FROM suspension WHERE bank_code = ANY($1) AND reason LIKE 'Japan Post%'`, [pinOnly])).rows[0].n).toBe(0);

    const banks = pinOnly.filter((c) => c !== pinOnly[1]);
    const done = await manager.trpc.suspensions.suspend.mutate({ bankCodes: banks, scopes: ["REGISTRATION", "LINK_CHANGE"], reason: "Japan Post Bank style: every PIN-only partner" });
    expect(done.suspensions).toHaveLength(banks.length);
    for (const s of done.suspensions) {
      expect(await audits("suspension.create", s.bankCode)).toHaveLength(1);
      expect(await events("suspension.created", s.id)).toHaveLength(1);
    }
  });
});

function dbUrl(): string {
  const o = (t.db.pool as unknown as { options: { connectionString?: string } }).options;
  if (!o.connectionString) throw new Error("the test database's pool has no connection string");
  return o.connectionString;
}
