// Goal: a MANAGER or ANALYST acknowledges a bank's spike alarm with a reason: it leaves the banner
// (and the overview's "spiking now"), stays on the bank page marked with who, when and why, and one
// audit record is written with it; other roles, a missing reason, an unknown alarm and a second
// acknowledgement are refused with words and change nothing. Detection's later upserts of the same
// alarm keep the acknowledgement.
// Method: a real server on its own database; two open alarms inserted with SQL (what detection
// writes); the procedures called over HTTP as signed-in staff; results read back with SQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import { errorCodeOf, signedInAs } from "./helpers/staff.ts";

let t: TestApp;
const ids: Record<string, string> = {};

const auditRows = async () =>
  (await t.db.pool.query<{ action: string; target_id: string; reason: string; actor_email: string }>(`SELECT action, target_id, reason, actor_email FROM audit_event WHERE action = 'spike.acknowledge' ORDER BY id`)).rows;

beforeAll(async () => {
  t = await startTestApp();
  const now = Date.now();
  for (const [bank, impact] of [["0125", 2_000_000], ["0149", 500_000]] as const) {
    const { rows } = await t.db.pool.query<{ id: string }>(
      `INSERT INTO bank_alarm (bank_code, evidence, started_at, confirmed_at, impact_yen_per_hour, last_seen_at)
       VALUES ($1, 'FRESH_LINKS_CHARGED', $2, $3, $4, $3) RETURNING id::text`,
      [bank, new Date(now - 40 * 60_000), new Date(now - 35 * 60_000), impact],
    );
    ids[bank] = rows[0].id;
  }
});

afterAll(async () => {
  await t?.close();
});

describe("acknowledging a spike", () => {
  it("is refused to support and admin, without a reason, and for an unknown alarm, changing nothing", async () => {
    for (const role of ["SUPPORT", "ADMIN"] as const) {
      const { trpc } = await signedInAs(t.baseUrl, role);
      expect(await errorCodeOf(trpc.volume.acknowledgeAlarm.mutate({ alarmId: ids["0125"], reason: "Known wallet campaign at this bank" }))).toBe("FORBIDDEN");
    }
    const { trpc } = await signedInAs(t.baseUrl, "ANALYST");
    expect(await errorCodeOf(trpc.volume.acknowledgeAlarm.mutate({ alarmId: ids["0125"], reason: "" }))).toBe("VALIDATION_FAILED");
    expect(await errorCodeOf(trpc.volume.acknowledgeAlarm.mutate({ alarmId: "not-an-id", reason: "Known wallet campaign at this bank" }))).toBe("VALIDATION_FAILED");
    expect(await errorCodeOf(trpc.volume.acknowledgeAlarm.mutate({ alarmId: "999999", reason: "Known wallet campaign at this bank" }))).toBe("NOT_FOUND");
    expect(await auditRows()).toEqual([]);
    expect((await trpc.volume.openSpikes.query()).map((b) => b.bankCode)).toEqual(["0125", "0149"]);
  });

  it("takes the spike off the banner and the overview, keeps it on the bank page marked, audited once", async () => {
    const manager = await signedInAs(t.baseUrl, "MANAGER");
    const analyst = await signedInAs(t.baseUrl, "ANALYST");
    const reason = "Wallet campaign at this bank, confirmed with marketing";
    const res = await manager.trpc.volume.acknowledgeAlarm.mutate({ alarmId: ids["0149"], reason });
    expect(res).toMatchObject({ alarmId: ids["0149"], bankCode: "0149", reason });

    expect((await analyst.trpc.volume.openSpikes.query()).map((b) => b.bankCode)).toEqual(["0125"]);
    const overview = await analyst.trpc.volume.overview.query({ range: "6h" });
    expect(overview.banks.find((b) => b.code === "0149")!.spikingNow).toBe(false);
    expect(overview.banks.find((b) => b.code === "0125")!.spikingNow).toBe(true);

    const page = await analyst.trpc.volume.bank.query({ bankCode: "0149", range: "6h" });
    expect(page.alarms).toHaveLength(1);
    expect(page.alarms[0]).toMatchObject({ id: ids["0149"], endedAt: null, acknowledged: { by: manager.user.name, reason } });
    expect(Math.abs(page.alarms[0].acknowledged!.at.getTime() - Date.now())).toBeLessThan(60_000);

    expect(await auditRows()).toEqual([{ action: "spike.acknowledge", target_id: "0149", reason, actor_email: manager.user.email }]);

    // A second acknowledgement (someone else, a moment later) is refused with who did it; nothing is written.
    expect(await errorCodeOf(analyst.trpc.volume.acknowledgeAlarm.mutate({ alarmId: ids["0149"], reason: "Also seen by the analyst on duty" }))).toBe("CONFLICT");
    expect(await auditRows()).toHaveLength(1);
  });

  it("stays acknowledged when detection updates the same alarm", async () => {
    // What advanceAlarms' upsert does when the alarm goes on (same bank and confirmed_at).
    await t.db.pool.query(
      `INSERT INTO bank_alarm (bank_code, evidence, started_at, confirmed_at, impact_yen_per_hour, last_seen_at)
       SELECT bank_code, evidence, started_at, confirmed_at, impact_yen_per_hour * 2, now() FROM bank_alarm WHERE id = $1
       ON CONFLICT (bank_code, confirmed_at) DO UPDATE SET impact_yen_per_hour = EXCLUDED.impact_yen_per_hour, last_seen_at = EXCLUDED.last_seen_at`,
      [ids["0149"]],
    );
    const { trpc } = await signedInAs(t.baseUrl, "ANALYST");
    expect((await trpc.volume.openSpikes.query()).map((b) => b.bankCode)).toEqual(["0125"]);
  });
});
