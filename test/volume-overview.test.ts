// Goal: the overview and bank procedures answer what an analyst needs: the spiking bank first in the
// table and in the charts (top banks by deviation, the rest as "others"), a bucket size that keeps
// every series under 800 points, KPI totals, suspension status, spike markers; every staff role
// may read them and a signed-out caller may not; a custom range that is too long is refused with words.
// Method: a real server on its own database; steady 5- and 60-minute rollups for eight banks are
// inserted with SQL (what ingestion would have written), with a burst at 0125 in the last 20
// minutes; the detection service fills the expected levels and spikes; the procedures are called
// over HTTP as signed-in staff.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import { errorCodeOf, signedInAs, staffClient } from "./helpers/staff.ts";
import { resetDetection, runDetection } from "../server/features/volume/detection.ts";
import { volumeOverview, volumeOverviewKpis } from "../server/features/volume/overview.ts";
import { ROLES } from "../shared/auth/roles.ts";
import { CHART_POINTS_MAX } from "../shared/volume/schemas.ts";

const MIN = 60_000;
const BANKS = ["0001", "0005", "0009", "0010", "0125", "0149", "0152", "9900"];
let t: TestApp;
let nowBucket: Date;
let detectedAt: Date;

beforeAll(async () => {
  t = await startTestApp();
  nowBucket = new Date(Math.floor(Date.now() / (5 * MIN)) * 5 * MIN);
  const from = new Date(nowBucket.getTime() - 10 * 24 * 60 * MIN);
  // Steady traffic: each bank's level differs so the ranking by volume is not the ranking by deviation.
  await t.db.pool.query(
    `INSERT INTO volume_bucket (bank_code, metric, bucket_minutes, bucket_start, value)
     SELECT b.code, m.metric::"VolumeMetric", z.minutes, g.at,
            (b.level * (z.minutes / 5) * CASE WHEN m.metric = 'CHARGE_YEN' THEN 10000 ELSE 1 END)::bigint
       FROM unnest($1::text[], $2::int[]) AS b(code, level)
            CROSS JOIN unnest(ARRAY['LINK_REGISTERED', 'CHARGE_COUNT', 'CHARGE_YEN']) AS m(metric)
            CROSS JOIN unnest(ARRAY[5, 60]) AS z(minutes)
            CROSS JOIN LATERAL generate_series(date_bin(make_interval(mins => z.minutes), $3::timestamptz, TIMESTAMPTZ '2000-01-01'),
                                               $4::timestamptz, make_interval(mins => z.minutes)) AS g(at)`,
    [BANKS, BANKS.map((_, i) => 2 + i), from, nowBucket],
  );
  // The burst: 0125's last four 5-minute buckets at 60 links and 60 charges of ¥100,000 each (hour rows
  // follow): new links with near-limit charged yen, what the bank alarm raises.
  await t.db.pool.query(
    `UPDATE volume_bucket SET value = value + CASE WHEN metric = 'CHARGE_YEN' THEN 6000000 ELSE 60 END *
            CASE WHEN bucket_minutes = 60 THEN (SELECT count(*) FROM generate_series($2::timestamptz, $3::timestamptz, interval '5 minutes') s WHERE date_trunc('hour', s) = volume_bucket.bucket_start) ELSE 1 END
      WHERE bank_code = '0125' AND ((bucket_minutes = 5 AND bucket_start >= $2) OR (bucket_minutes = 60 AND bucket_start >= date_trunc('hour', $2::timestamptz)))
        AND bucket_start <= $1`,
    [nowBucket, new Date(nowBucket.getTime() - 15 * MIN), nowBucket],
  );
  await t.db.pool.query(
    `INSERT INTO suspension (id, bank_code, scopes, starts_at, cutoff_at, reason, created_by_id)
     SELECT gen_random_uuid(), '0152', ARRAY['REGISTRATION', 'LINK_CHANGE']::"SuspensionScope"[], now() - interval '2 hours', now() - interval '3 hours', 'test', id FROM staff_user LIMIT 1`,
  );
  detectedAt = new Date(nowBucket.getTime() + 4 * MIN);
  await runDetection(t.db, { now: detectedAt });
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe("volume.overview", () => {
  it("puts the spiking bank first in the table and in both charts, with the rest as others", async () => {
    const { trpc } = await signedInAs(t.baseUrl, "ANALYST");
    const o = await trpc.volume.overview.query({ range: "24h", topBanks: 3 });

    expect(o.banks[0].code).toBe("0125");
    expect(o.banks[0].spikingNow).toBe(true);
    // A 20-minute burst moves the 24-hour total by a few spreads; its buckets by far more.
    expect(o.banks[0].deviation.z).toBeGreaterThan(3);
    expect(o.banks[0].deviation.peakZ).toBeGreaterThan(10);
    expect(o.banks[1].deviation.peakZ ?? 0).toBeLessThan(3);
    expect(o.banks[0].deviation.ratio).toBeGreaterThan(1);
    expect(o.banks.slice(1).every((b) => !b.spikingNow)).toBe(true);
    expect(o.banks).toHaveLength((await t.db.pool.query("SELECT count(*)::int AS n FROM bank")).rows[0].n);

    expect(o.linkChart.series.map((s) => s.key)).toHaveLength(4);
    expect(o.linkChart.series[0].bankCode).toBe("0125");
    expect(o.linkChart.series.at(-1)?.key).toBe("others");
    expect(o.chargeChart.series[0].bankCode).toBe("0125");
    // Others + the top banks add up to every bank's volume in each bucket.
    const last = o.linkChart.points.find((p) => p.at === nowBucket.getTime())!;
    const total = o.linkChart.series.reduce((sum, s) => sum + (last[s.key] as number), 0);
    const expectedTotal = BANKS.reduce((sum, _, i) => sum + 2 + i, 0) + 60;
    expect(total).toBe(expectedTotal);

    // The selected bank defaults to the top of the table; its band is on the chart.
    expect(o.selectedBank?.code).toBe("0125");
    expect(o.linkChart.points.some((p) => Array.isArray(p.band))).toBe(true);
    expect(o.spikeMarkers.links.some((m) => m.bankCode === "0125" && m.open)).toBe(true);
    expect(o.kpis.banksSpikingNow).toBe(1);
    expect(o.kpis.spikingBanks.map((b) => b.code)).toEqual(["0125"]);
    expect(o.kpis.links.value).toBeGreaterThan(o.kpis.links.expected ?? Infinity);
  });

  it("draws every bank with an open spike first at every range, with one spike-began marker per bank", async () => {
    // A second, small open spike at 0149 (an hour ago, barely visible in a week's total) and two old,
    // closed ones at 0125: the week's "top banks by deviation" once dropped such a bank, and every
    // flap drew its own dotted line.
    const hourAgo = new Date(nowBucket.getTime() - 60 * MIN);
    const { rows } = await t.db.pool.query<{ id: string }>(
      `INSERT INTO spike (bank_code, metric, detector, started_at, peak_at, peak_value, peak_expected, severity, last_seen_at, ended_at)
       VALUES ('0149', 'CHARGE_COUNT', 'CUSUM', $1, $1, 9, 7, 4, $2, NULL),
              ('0125', 'CHARGE_COUNT', 'BURST', $3, $3, 9, 7, 4, $3, $4),
              ('0125', 'CHARGE_COUNT', 'BURST', $4, $4, 9, 7, 4, $4, $5)
       RETURNING id::text`,
      [hourAgo, detectedAt, new Date(nowBucket.getTime() - 5 * 60 * MIN), new Date(nowBucket.getTime() - 4 * 60 * MIN), new Date(nowBucket.getTime() - 3 * 60 * MIN)],
    );
    // "Spiking" is the bank alarm's word (what the banner lists): 0149's alarm is open too.
    await t.db.pool.query(
      `INSERT INTO bank_alarm (bank_code, evidence, started_at, confirmed_at, impact_yen_per_hour, last_seen_at)
       VALUES ('0149', 'FRESH_LINKS_CHARGED', $1, $2, 200000, $2)`,
      [hourAgo, new Date(hourAgo.getTime() + 5 * MIN)],
    );
    try {
      const { trpc } = await signedInAs(t.baseUrl, "ANALYST");
      for (const range of ["6h", "24h", "7d", "30d"] as const) {
        const o = await trpc.volume.overview.query({ range, topBanks: 3 });
        const spiking = o.chartBanks.filter((b) => b.spiking).map((b) => b.code);
        expect(spiking.sort(), range).toEqual(["0125", "0149"]);
        expect(o.chartBanks.slice(0, 2).every((b) => b.spiking), range).toBe(true);
        for (const chart of [o.linkChart, o.chargeChart]) {
          const first = chart.series.slice(0, 2);
          expect(first.every((s) => s.spiking), `${range} ${chart.metric}`).toBe(true);
          expect(first.map((s) => s.bankCode).sort(), `${range} ${chart.metric}`).toEqual(["0125", "0149"]);
          expect(chart.series.length, range).toBe(4);
        }
        for (const list of [o.spikeMarkers.links, o.spikeMarkers.charges]) {
          const codes = list.map((m) => m.bankCode);
          expect(new Set(codes).size, range).toBe(codes.length);
        }
        // 0125's marker is where its open spike began, not an earlier closed one.
        const m0125 = o.spikeMarkers.charges.find((m) => m.bankCode === "0125");
        if (m0125) expect(m0125.open, range).toBe(true);
        expect(o.spikeMarkers.charges.some((m) => m.bankCode === "0149" && m.open), range).toBe(true);
      }
    } finally {
      await t.db.pool.query("DELETE FROM spike WHERE id = ANY($1::bigint[])", [rows.map((r) => r.id)]);
      await t.db.pool.query("DELETE FROM bank_alarm WHERE bank_code = '0149'");
    }
  });

  it("counts the banks spiking now as it lists them, as the banner does: open unacknowledged alarms, not open per-series spikes", async () => {
    // 0010 has an open per-series spike and no alarm; 0005 an open spike and an acknowledged alarm;
    // 0149 an alarm and no spike. The KPI once counted open spikes (5) while the list showed alarms (3).
    const hourAgo = new Date(nowBucket.getTime() - 60 * MIN);
    const { rows } = await t.db.pool.query<{ id: string }>(
      `INSERT INTO spike (bank_code, metric, detector, started_at, peak_at, peak_value, peak_expected, severity, last_seen_at)
       VALUES ('0010', 'CHARGE_YEN', 'BURST', $1, $1, 9, 2, 5, $2), ('0005', 'LINK_REGISTERED', 'CUSUM', $1, $1, 9, 2, 5, $2)
       RETURNING id::text`,
      [hourAgo, detectedAt],
    );
    await t.db.pool.query(
      `INSERT INTO bank_alarm (bank_code, evidence, started_at, confirmed_at, impact_yen_per_hour, last_seen_at, acknowledged_at, acknowledged_by_id, acknowledge_reason)
       VALUES ('0149', 'FRESH_LINKS_CHARGED', $1, $2, 200000, $2, NULL, NULL, NULL),
              ('0005', 'STRONG_LINKS', $1, $2, 100000, $2, now(), (SELECT id FROM staff_user WHERE role = 'ANALYST' LIMIT 1), 'Wallet campaign, confirmed with marketing')`,
      [hourAgo, new Date(hourAgo.getTime() + 5 * MIN)],
    );
    try {
      const { trpc } = await signedInAs(t.baseUrl, "ANALYST");
      const banner = (await trpc.volume.openSpikes.query()).map((b) => b.bankCode).sort();
      expect(banner).toEqual(["0125", "0149"]);
      for (const range of ["6h", "24h", "7d"] as const) {
        const o = await trpc.volume.overview.query({ range, topBanks: 3 });
        expect(o.kpis.spikingBanks.map((b) => b.code).sort(), range).toEqual(banner);
        expect(o.kpis.banksSpikingNow, range).toBe(o.kpis.spikingBanks.length);
        expect(o.banks.filter((b) => b.spikingNow).map((b) => b.code).sort(), range).toEqual(banner);
      }
    } finally {
      await t.db.pool.query("DELETE FROM spike WHERE id = ANY($1::bigint[])", [rows.map((r) => r.id)]);
      await t.db.pool.query("DELETE FROM bank_alarm WHERE bank_code IN ('0149', '0005')");
    }
  });

  it("shows suspension status per bank and the suspension as a region", async () => {
    const { trpc } = await signedInAs(t.baseUrl, "MANAGER");
    const o = await trpc.volume.overview.query({ range: "6h" });
    const ogaki = o.banks.find((b) => b.code === "0152")!;
    expect(ogaki.suspension.state).toBe("ACTIVE");
    expect(ogaki.suspension.scopes.sort()).toEqual(["LINK_CHANGE", "REGISTRATION"]);
    expect(o.banks.find((b) => b.code === "0001")!.suspension.state).toBe("NONE");
    expect(o.kpis.activeSuspensions).toBe(1);
    expect(o.suspensionRegions.map((r) => r.bankCode)).toEqual(["0152"]);
    expect(o.suspensionRegions[0].ongoing).toBe(true);
  });

  it("chooses 5-minute buckets up to about 2.5 days and hourly ones beyond, never more than 800 points", async () => {
    const { trpc } = await signedInAs(t.baseUrl, "SUPPORT");
    for (const [range, minutes] of [["6h", 5], ["24h", 5], ["7d", 60], ["30d", 60]] as const) {
      const o = await trpc.volume.overview.query({ range, chargeMeasure: "yen" });
      expect(o.window.bucketMinutes, range).toBe(minutes);
      expect(o.linkChart.points.length, range).toBeLessThanOrEqual(CHART_POINTS_MAX);
      expect(o.chargeChart.metric).toBe("CHARGE_YEN");
    }
    const custom = await trpc.volume.overview.query({ range: "custom", from: new Date(Date.now() - 3 * 24 * 60 * MIN), to: new Date() });
    expect(custom.window.bucketMinutes).toBe(60);
  });

  it("refuses a custom range longer than 33 days, or without an end, with words", async () => {
    const { trpc } = await signedInAs(t.baseUrl, "ANALYST");
    const tooLong = trpc.volume.overview.query({ range: "custom", from: new Date(Date.now() - 40 * 24 * 60 * MIN), to: new Date() });
    await expect(tooLong).rejects.toThrow(/at most 33 days/);
    expect(await errorCodeOf(trpc.volume.overview.query({ range: "custom", from: new Date() }))).toBe("VALIDATION_FAILED");
  });

  it("lets every staff role read the overview, the bank page, open spikes and parameters; refuses a signed-out caller", async () => {
    for (const role of ROLES) {
      const { trpc } = await signedInAs(t.baseUrl, role);
      expect(await errorCodeOf(trpc.volume.overview.query({}))).toBeNull();
      expect(await errorCodeOf(trpc.volume.overviewKpis.query({}))).toBeNull();
      expect(await errorCodeOf(trpc.volume.bank.query({ bankCode: "0125" }))).toBeNull();
      expect(await errorCodeOf(trpc.volume.openSpikes.query())).toBeNull();
      expect(await errorCodeOf(trpc.volume.params.query())).toBeNull();
    }
    const anonymous = staffClient(t.baseUrl);
    expect(await errorCodeOf(anonymous.trpc.volume.overview.query({}))).toBe("UNAUTHENTICATED");
    expect(await errorCodeOf(anonymous.trpc.volume.overviewKpis.query({}))).toBe("UNAUTHENTICATED");
  });

  it("answers the KPI tiles alone exactly as the whole overview has them, asked one after the other or at once", async () => {
    for (const range of ["6h", "24h", "7d", "30d"] as const) {
      for (const chargeMeasure of ["count", "yen"] as const) {
        const input = { range, chargeMeasure };
        const whole = await volumeOverview(t.db, input, detectedAt);
        const tiles = await volumeOverviewKpis(t.db, input, detectedAt);
        expect(tiles.kpis, `${range} ${chargeMeasure}`).toEqual(whole.kpis);
        expect(tiles.window).toEqual(whole.window);
        // The burst at 0125 is in the tiles (an alarm is open there, as the banner says).
        expect(tiles.kpis.spikingBanks.map((b) => b.code)).toContain("0125");
      }
    }
    // Asked at once (as the console does when it opens the overview): one read of the window's totals, the same figures.
    const { trpc } = await signedInAs(t.baseUrl, "ANALYST");
    const [tiles, whole] = await Promise.all([trpc.volume.overviewKpis.query({ range: "24h" }), trpc.volume.overview.query({ range: "24h" })]);
    expect(tiles.kpis.links.value).toBe(whole.kpis.links.value);
    expect(tiles.kpis.charges.value).toBe(whole.kpis.charges.value);
    expect(tiles.kpis.banksSpikingNow).toBe(whole.kpis.banksSpikingNow);
  });
});

describe("the overview from the detector's memory", () => {
  async function compareSources() {
    const close = (a: number | null, b: number | null) => (a === null || b === null ? a === b : Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a)));
    for (const range of ["6h", "24h", "7d", "30d"] as const) {
      for (const chargeMeasure of ["count", "yen"] as const) {
        const input = { range, chargeMeasure };
        const mem = await volumeOverview(t.db, input, detectedAt, { source: "memory" });
        const sql = await volumeOverview(t.db, input, detectedAt, { source: "sql" });
        expect(mem.banks.map((b) => b.code), range).toEqual(sql.banks.map((b) => b.code));
        for (let i = 0; i < mem.banks.length; i++) {
          const [m, q] = [mem.banks[i], sql.banks[i]];
          for (const k of ["links", "charges", "chargedYen"] as const) {
            expect(m[k].value, `${range} ${m.code} ${k}`).toBe(q[k].value);
            expect(close(m[k].expected, q[k].expected), `${range} ${m.code} ${k} expected ${m[k].expected} vs ${q[k].expected}`).toBe(true);
          }
          expect(close(m.deviation.z, q.deviation.z), `${range} ${m.code} z`).toBe(true);
          expect(close(m.deviation.peakZ, q.deviation.peakZ), `${range} ${m.code} peak z`).toBe(true);
          expect(m.sparkLinks).toEqual(q.sparkLinks);
          expect(m.sparkCharges).toEqual(q.sparkCharges);
        }
        for (const chart of ["linkChart", "chargeChart"] as const) {
          expect(mem[chart].series).toEqual(sql[chart].series);
          expect(mem[chart].points.length).toBe(sql[chart].points.length);
          mem[chart].points.forEach((p, i) => {
            const q = sql[chart].points[i];
            for (const s of mem[chart].series) expect(p[s.key], `${range} ${chart} ${s.key} @${i}`).toBe(q[s.key]);
            expect(close((p.expected as number) ?? null, (q.expected as number) ?? null), `${range} ${chart} expected @${i}`).toBe(true);
          });
        }
        expect(mem.kpis).toEqual(sql.kpis);
        expect(mem.deniedSeries).toEqual(sql.deniedSeries);
      }
    }
  }

  it("answers exactly what the SQL over volume_bucket answers, for every range and measure", async () => {
    await compareSources();
  });

  it("still does after a restart (expected levels read back from the table)", async () => {
    resetDetection(t.db);
    await runDetection(t.db, { now: detectedAt });
    await compareSources();
  });
});

describe("volume.bank and volume.openSpikes", () => {
  it("gives the bank's series with band, its spikes and the open-spike banner list", async () => {
    const { trpc } = await signedInAs(t.baseUrl, "ANALYST");
    const b = await trpc.volume.bank.query({ bankCode: "0125", range: "6h" });
    expect(b.bank.name).toBe("The 77 Bank");
    const links = b.series.find((s) => s.metric === "LINK_REGISTERED")!;
    expect(links.points.find((p) => p.at === nowBucket.getTime())?.value).toBeGreaterThanOrEqual(60);
    expect(links.points.filter((p) => p.band !== null).length).toBeGreaterThan(links.points.length - 2);
    expect(b.learning).toBe(false);
    expect(b.spikes.some((s) => s.metric === "LINK_REGISTERED" && s.endedAt === null)).toBe(true);
    expect(b.spikes[0].detectorLabel).toMatch(/Burst|Sustained/);

    const open = await trpc.volume.openSpikes.query();
    expect(open.map((o) => o.bankCode)).toEqual(["0125"]);
    expect(open[0].bankName).toBe("The 77 Bank");

    expect(await errorCodeOf(trpc.volume.bank.query({ bankCode: "1234" }))).toBe("NOT_FOUND");
  });

  it("describes the detector parameters for each metric and bucket size", async () => {
    const { trpc } = await signedInAs(t.baseUrl, "ANALYST");
    const params = await trpc.volume.params.query();
    expect(params).toHaveLength(10);
    const hourly = params.find((p) => p.metric === "LINK_REGISTERED" && p.bucketMinutes === 60)!;
    expect(hourly.params.find((p) => p.key === "burstZ")?.value).toBe(5);
  });
});
