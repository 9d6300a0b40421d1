// Goal (#17 "monitoring proposes, a person decides"): an open spike over its bank's threshold (lower
// at a PIN-only bank) makes ONE proposed suspension per bank incident, however often and however
// concurrently the proposals job runs; a manager confirms it (edited) — the bank is suspended through
// the suspend service in the same transaction — or dismisses it, both with a reason and audited; an
// analyst sees it but cannot decide; a bank already suspended in those scopes is said to be, and
// confirming it again duplicates nothing; the bank timeline shows spike → proposal → decision with
// the minutes between.
// Method: a real server on its own database; spikes inserted with SQL as detection writes them; the
// job's run called directly (as the jobs leader does); procedures over HTTP as signed-in staff;
// results read back with SQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import { errorCodeOf, signedInAs } from "./helpers/staff.ts";
import { proposeFromOpenSpikes } from "../server/features/proposals/create.ts";

let t: TestApp;
const REASON = "Phishing wave at this bank: stop new registrations";

async function openSpike(bankCode: string, severity: number, minutesAgo: number, metric = "LINK_REGISTERED") {
  const started = new Date(Date.now() - minutesAgo * 60_000);
  await t.db.pool.query(
    `INSERT INTO spike (bank_code, metric, detector, started_at, peak_at, peak_value, peak_expected, severity, last_seen_at)
     VALUES ($1, $2, 'BURST', $3, $3, 40, 3, $4, now())`,
    [bankCode, metric, started, severity],
  );
  return started;
}
const proposalsOf = async (bankCode: string) =>
  (await t.db.pool.query<{ id: string; status: string; scopes: string; cutoff_at: Date; incident_ended_at: Date | null }>(
    `SELECT id::text, status, scopes::text, cutoff_at, incident_ended_at FROM action_proposal WHERE bank_code = $1 ORDER BY created_at`,
    [bankCode],
  )).rows;
const audits = async (bankCode: string) =>
  (await t.db.pool.query<{ action: string; actor_email: string; reason: string | null }>(
    `SELECT action, actor_email, reason FROM audit_event WHERE target_id = $1 AND action LIKE 'proposal.%' ORDER BY id`,
    [bankCode],
  )).rows;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe("proposed actions", () => {
  it("an open spike over the threshold proposes once per incident, across reruns and concurrent runs; the PIN-only threshold is lower", async () => {
    // 0125 is PIN-only (threshold 5), 0149 asks for online banking (threshold 8): z 6 proposes at the first only.
    const spikeStart = await openSpike("0125", 6, 20);
    await openSpike("0149", 6, 20);
    const runs = await Promise.all([proposeFromOpenSpikes(t.db), proposeFromOpenSpikes(t.db), proposeFromOpenSpikes(t.db)]);
    expect(runs.flatMap((r) => r.created)).toHaveLength(1);
    await proposeFromOpenSpikes(t.db);
    // a second spike in the same incident proposes nothing more
    await openSpike("0125", 12, 5, "CHARGE_YEN");
    await proposeFromOpenSpikes(t.db);
    const rows = await proposalsOf("0125");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "PENDING", scopes: "{REGISTRATION,LINK_CHANGE}", incident_ended_at: null });
    // no alarm at the bank yet: the cutoff is the spike's start
    expect(rows[0].cutoff_at.getTime()).toBe(spikeStart.getTime());
    expect(await proposalsOf("0149")).toEqual([]);
    expect(await audits("0125")).toEqual([{ action: "proposal.create", actor_email: "monitoring", reason: expect.stringContaining("z 6.0") }]);

    // the database refuses a second open proposal for the bank whatever the code does
    const dup = t.db.pool.query(
      `INSERT INTO action_proposal (bank_code, incident_started_at, trigger_metric, trigger_severity, trigger_started_at, auth_method, threshold, scopes, cutoff_at, cutoff_basis, preview)
       SELECT bank_code, incident_started_at, trigger_metric, trigger_severity, trigger_started_at, auth_method, threshold, scopes, cutoff_at, cutoff_basis, preview FROM action_proposal WHERE bank_code = '0125'`,
    );
    await expect(dup).rejects.toThrow(/action_proposal_one_open_incident/);

    // everyone sees it, with the preview figures of the time it was made
    const analyst = await signedInAs(t.baseUrl, "ANALYST");
    const open = await analyst.trpc.proposals.open.query();
    expect(open.map((p) => p.bankCode)).toEqual(["0125"]);
    expect(open[0]).toMatchObject({ scopes: ["REGISTRATION", "LINK_CHANGE"], cutoffBasis: "SPIKE", coveredScopes: [], authMethod: "PIN", threshold: 5 });
    expect(open[0].preview.totals).toMatchObject({ totalLinks: expect.any(Number), expectedRefusedPerHour: expect.any(Number) });
  });

  it("an analyst, support and admin cannot decide; bad inputs are refused; nothing changes", async () => {
    const [p] = await proposalsOf("0125");
    for (const role of ["ANALYST", "SUPPORT", "ADMIN"] as const) {
      const { trpc } = await signedInAs(t.baseUrl, role);
      expect(await errorCodeOf(trpc.proposals.confirm.mutate({ proposalId: p.id, scopes: ["REGISTRATION"], cutoffAt: p.cutoff_at, reason: REASON }))).toBe("FORBIDDEN");
      expect(await errorCodeOf(trpc.proposals.dismiss.mutate({ proposalId: p.id, reason: REASON }))).toBe("FORBIDDEN");
    }
    const manager = await signedInAs(t.baseUrl, "MANAGER");
    expect(await errorCodeOf(manager.trpc.proposals.dismiss.mutate({ proposalId: p.id, reason: "" }))).toBe("VALIDATION_FAILED");
    expect(await errorCodeOf(manager.trpc.proposals.confirm.mutate({ proposalId: p.id, scopes: [], cutoffAt: p.cutoff_at, reason: REASON }))).toBe("VALIDATION_FAILED");
    expect(await errorCodeOf(manager.trpc.proposals.confirm.mutate({ proposalId: p.id, scopes: ["REGISTRATION"], cutoffAt: new Date(Date.now() + 3_600_000), reason: REASON }))).toBe("VALIDATION_FAILED");
    expect(await errorCodeOf(manager.trpc.proposals.dismiss.mutate({ proposalId: "00000000-0000-4000-8000-000000000000", reason: REASON }))).toBe("NOT_FOUND");
    expect((await proposalsOf("0125"))[0].status).toBe("PENDING");
    expect((await t.db.pool.query(`SELECT count(*)::int AS n FROM suspension WHERE bank_code = '0125'`)).rows[0].n).toBe(0);
  });

  it("a manager confirms it edited: the bank is suspended through the suspend service, both audited in one transaction; a second decision is refused", async () => {
    const [p] = await proposalsOf("0125");
    const manager = await signedInAs(t.baseUrl, "MANAGER");
    const cutoffAt = new Date(p.cutoff_at.getTime() - 10 * 60_000); // the manager reaches back ten more minutes
    const res = await manager.trpc.proposals.confirm.mutate({ proposalId: p.id, scopes: ["REGISTRATION"], cutoffAt, reason: REASON });
    expect(res).toMatchObject({ status: "CONFIRMED", edited: true });
    const s = (await t.db.pool.query(`SELECT id::text, scopes::text, cutoff_at, quarantine, reason FROM suspension WHERE bank_code = '0125'`)).rows;
    expect(s).toEqual([{ id: res.suspensions[0].id, scopes: "{REGISTRATION}", cutoff_at: cutoffAt, quarantine: true, reason: REASON }]);
    const [after] = await proposalsOf("0125");
    expect(after.status).toBe("CONFIRMED");
    expect((await audits("0125")).map((a) => a.action)).toEqual(["proposal.create", "proposal.confirm"]);
    expect((await t.db.pool.query(`SELECT count(*)::int AS n FROM audit_event WHERE target_id = '0125' AND action = 'suspension.create'`)).rows[0].n).toBe(1);

    const other = await signedInAs(t.baseUrl, "MANAGER");
    expect(await errorCodeOf(other.trpc.proposals.dismiss.mutate({ proposalId: p.id, reason: "Not needed any more, the bank fixed it" }))).toBe("CONFLICT");
    expect(await errorCodeOf(other.trpc.proposals.confirm.mutate({ proposalId: p.id, scopes: ["REGISTRATION"], cutoffAt, reason: REASON }))).toBe("CONFLICT");

    // the bank timeline: spike began → proposed → confirmed, with the minutes between
    const timeline = await manager.trpc.audit.bankTimeline.query({ bankCode: "0125" });
    const steps = timeline.entries.filter((e) => e.kind === "PROPOSAL").reverse();
    expect(steps.map((e) => e.action)).toEqual(["proposal.create", "proposal.confirm"]);
    expect(steps[0].proposal).toMatchObject({ minutesFromSpike: expect.any(Number), minutesFromProposal: null });
    expect(steps[0].proposal!.minutesFromSpike).toBeGreaterThanOrEqual(20);
    expect(steps[1].proposal).toMatchObject({ minutesFromProposal: 0, status: "CONFIRMED" });
    expect(steps[1].detail).toMatch(/^Phishing wave at this bank: stop new registrations; 0 min after the proposal, 2\d min after the spike began/);
  });

  it("the incident ends when its spikes end; a new spike then proposes again, and a dismissal is audited", async () => {
    await t.db.pool.query(`UPDATE spike SET ended_at = now() WHERE bank_code = '0125'`);
    const run = await proposeFromOpenSpikes(t.db);
    expect(run.closed).toBe(1);
    await openSpike("0125", 7, 2);
    await proposeFromOpenSpikes(t.db);
    const rows = await proposalsOf("0125");
    expect(rows.map((r) => r.status)).toEqual(["CONFIRMED", "PENDING"]);
    // already suspended for registrations (the first confirmation): the view says so
    const manager = await signedInAs(t.baseUrl, "MANAGER");
    const [view] = (await manager.trpc.proposals.forBank.query({ bankCode: "0125" })).filter((p) => p.status === "PENDING");
    expect(view.coveredScopes).toEqual(["REGISTRATION"]);
    // confirming the covered scope again is refused in words; nothing is duplicated
    expect(await errorCodeOf(manager.trpc.proposals.confirm.mutate({ proposalId: rows[1].id, scopes: ["REGISTRATION"], cutoffAt: rows[1].cutoff_at, reason: REASON }))).toBe("SUSPENSION_CONFLICT");
    expect((await t.db.pool.query(`SELECT count(*)::int AS n FROM suspension WHERE bank_code = '0125'`)).rows[0].n).toBe(1);
    expect((await proposalsOf("0125"))[1].status).toBe("PENDING");

    await manager.trpc.proposals.dismiss.mutate({ proposalId: rows[1].id, reason: "Registrations are already suspended; link changes look normal" });
    expect((await proposalsOf("0125")).map((r) => r.status)).toEqual(["CONFIRMED", "DISMISSED"]);
    expect((await audits("0125")).map((a) => a.action)).toEqual(["proposal.create", "proposal.confirm", "proposal.create", "proposal.dismiss"]);
    expect(await manager.trpc.proposals.open.query()).toEqual([]);
  });

  it("at a bank with a second factor, a spike far over the threshold proposes link changes too; the cutoff follows the bank's alarm", async () => {
    const alarmStart = new Date(Date.now() - 45 * 60_000);
    await t.db.pool.query(
      `INSERT INTO bank_alarm (bank_code, evidence, started_at, confirmed_at, impact_yen_per_hour, last_seen_at) VALUES ('0130', 'FRESH_LINKS_CHARGED', $1, $1, 100000, now())`,
      [alarmStart],
    );
    await openSpike("0130", 17, 30);
    await proposeFromOpenSpikes(t.db);
    const [p] = await proposalsOf("0130");
    expect(p).toMatchObject({ scopes: "{REGISTRATION,LINK_CHANGE}" });
    expect(p.cutoff_at.getTime()).toBe(alarmStart.getTime());
  });
});
