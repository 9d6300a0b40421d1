// Goal: spikes are detected from events posted through the wallet-platform API and stored with the
// right start; detection keeps up run by run, re-runs after late events, survives a restart without
// duplicating spikes, and writes the expected level and band the charts read.
// Method: a real server on its own database; a seasonal background of links (8 days at 0125 and
// 0149, Poisson counts with a daily rhythm) and bursts are posted with POST /api/v1/events; the
// detection service runs at chosen "now" instants; results are read back with SQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import { burst, postAll, seasonalBackground } from "./volume-fixtures.ts";
import { resetDetection, runDetection } from "../server/features/volume/detection.ts";

const MIN = 60_000;
// Monday 2020-09-07 00:00 JST
const WEEK_START = Date.UTC(2020, 8, 6, 15, 0);
const BACKGROUND_FROM = new Date(WEEK_START - 8 * 24 * 60 * MIN);
// Monday 14:00 JST: the burst begins at 14:07:30 (bucket 14:05).
const BURST_AT = new Date(WEEK_START + 14 * 60 * MIN + 7.5 * MIN);
const NOW = new Date(WEEK_START + 14 * 60 * MIN + 21 * MIN);

let t: TestApp;
let key: string;

interface SpikeRow {
  bank_code: string;
  metric: string;
  detector: string;
  started_at: Date;
  ended_at: Date | null;
  peak_value: number;
}
const spikes = async (bankCode?: string) =>
  (
    await t.db.pool.query<SpikeRow>(
      `SELECT bank_code, metric::text, detector, started_at, ended_at, peak_value FROM spike
        WHERE $1::text IS NULL OR bank_code = $1 ORDER BY started_at, bank_code, metric, detector`,
      [bankCode ?? null],
    )
  ).rows;

beforeAll(async () => {
  t = await startTestApp();
  key = await t.apiKey();
  const background = [
    ...seasonalBackground({ bankCode: "0125", from: BACKGROUND_FROM, to: NOW, level: 3, seed: 7 }),
    ...seasonalBackground({ bankCode: "0149", from: BACKGROUND_FROM, to: new Date(NOW.getTime() + 60 * MIN), level: 3, seed: 8 }),
  ];
  const res = await postAll(t.baseUrl, key, background);
  expect(res.rejected).toBe(0);
}, 180_000);

afterAll(async () => {
  await t?.close();
});

describe("spike detection from posted events", () => {
  it("stores no spike for a plain seasonal background", async () => {
    const summary = await runDetection(t.db, { now: new Date(BURST_AT.getTime() - 10 * MIN) });
    expect(summary.firstRun).toBe(true);
    expect(summary.series).toBeGreaterThanOrEqual(4); // links and charges, two banks (and two lanes)
    expect(await spikes()).toEqual([]);
  });

  it("stores a burst of links as a spike starting at the burst's first bucket, open while it lasts", async () => {
    const res = await postAll(t.baseUrl, key, burst({ bankCode: "0125", at: BURST_AT, count: 40, spreadMs: 2 * MIN }));
    expect(res.accepted).toBe(80);
    await runDetection(t.db, { now: NOW });

    const found = (await spikes("0125")).filter((s) => s.metric === "LINK_REGISTERED");
    const fiveMinute = found.find((s) => s.detector === "BURST");
    expect(fiveMinute?.started_at.toISOString()).toBe(new Date(WEEK_START + 14 * 60 * MIN + 5 * MIN).toISOString());
    expect(fiveMinute?.ended_at).toBeNull();
    expect(fiveMinute?.peak_value).toBeGreaterThanOrEqual(40);
    const hourly = found.find((s) => s.detector === "BURST_1H");
    expect(hourly?.started_at.toISOString()).toBe(new Date(WEEK_START + 14 * 60 * MIN).toISOString());
    // The quiet bank stays quiet.
    expect(await spikes("0149")).toEqual([]);

    // The burst bucket carries its expected level, band and z for the charts.
    const { rows } = await t.db.pool.query(
      `SELECT value, expected, band_low, band_high, z_score, baseline_kind FROM volume_bucket
        WHERE bank_code = '0125' AND metric = 'LINK_REGISTERED' AND bucket_minutes = 5 AND bucket_start = $1`,
      [fiveMinute!.started_at],
    );
    expect(rows[0].value).toBeGreaterThanOrEqual(40);
    expect(rows[0].expected).toBeGreaterThan(0);
    expect(rows[0].expected).toBeLessThan(10);
    expect(rows[0].band_high).toBeGreaterThan(rows[0].expected);
    expect(rows[0].z_score).toBeGreaterThan(5);
    expect(rows[0].baseline_kind).toBe("DAILY"); // 8 days of history: not yet 3 weeks
  });

  it("fills the expected level of every evaluated bucket, including buckets without events", async () => {
    const { rows } = await t.db.pool.query(
      `SELECT count(*)::int AS n, count(expected)::int AS with_expected, count(*) FILTER (WHERE value = 0)::int AS zeros
         FROM volume_bucket WHERE bank_code = '0149' AND metric = 'LINK_REGISTERED' AND bucket_minutes = 5
          AND bucket_start >= $1 AND bucket_start <= $2`,
      [new Date(NOW.getTime() - 24 * 60 * MIN), NOW],
    );
    expect(rows[0].n).toBe(24 * 12); // 14:25 yesterday … 14:20 (the still-filling bucket)
    expect(rows[0].with_expected).toBe(rows[0].n);
    expect(rows[0].zeros).toBeGreaterThan(0); // night buckets without links got a row too
    const hourly = await t.db.pool.query(
      `SELECT count(*)::int AS n, count(expected)::int AS with_expected FROM volume_bucket
        WHERE bank_code = '0149' AND metric = 'LINK_REGISTERED' AND bucket_minutes = 60 AND bucket_start >= $1 AND bucket_start <= $2`,
      [new Date(NOW.getTime() - 24 * 60 * MIN), NOW],
    );
    expect(hourly.rows[0].with_expected).toBe(hourly.rows[0].n);
    expect(hourly.rows[0].n).toBe(24);
  });

  it("keeps up run by run: a burst at another bank a few minutes later is stored on the next run", async () => {
    const later = new Date(NOW.getTime() + 12 * MIN);
    await postAll(t.baseUrl, key, burst({ bankCode: "0149", at: new Date(later.getTime() - 1 * MIN), count: 30, spreadMs: 30_000 }));
    const summary = await runDetection(t.db, { now: later });
    expect(summary.firstRun).toBe(false);
    expect(summary.spikesOpened).toBeGreaterThanOrEqual(1);
    const found = (await spikes("0149")).filter((s) => s.metric === "LINK_REGISTERED" && s.detector === "BURST");
    expect(found.map((s) => s.started_at.toISOString())).toEqual([new Date(WEEK_START + 14 * 60 * MIN + 30 * MIN).toISOString()]);
  });

  it("re-runs after late events: a burst that arrives after its buckets were evaluated is still found", async () => {
    const evaluatedUntil = new Date(NOW.getTime() + 25 * MIN);
    await runDetection(t.db, { now: evaluatedUntil });
    // Events from 15 minutes ago arrive only now (e.g. the platform retried after an outage).
    const lateAt = new Date(evaluatedUntil.getTime() - 15 * MIN);
    await postAll(t.baseUrl, key, burst({ bankCode: "0149", at: lateAt, count: 30, spreadMs: 60_000, charges: 2, amountYen: 50_000 }));
    await runDetection(t.db, { now: new Date(evaluatedUntil.getTime() + 30_000) });
    const charges = (await spikes("0149")).filter((s) => s.metric === "CHARGE_COUNT" && s.detector === "BURST");
    expect(charges.map((s) => s.started_at.toISOString())).toContain(new Date(Math.floor(lateAt.getTime() / (5 * MIN)) * 5 * MIN).toISOString());
  });

  it("after a restart, continues from what is stored without duplicating spikes", async () => {
    const before = await spikes();
    resetDetection(t.db);
    const summary = await runDetection(t.db, { now: new Date(NOW.getTime() + 26 * MIN) });
    expect(summary.firstRun).toBe(true);
    const after = await spikes();
    expect(after.map((s) => [s.bank_code, s.metric, s.detector, s.started_at.toISOString()])).toEqual(
      before.map((s) => [s.bank_code, s.metric, s.detector, s.started_at.toISOString()]),
    );
    const { rows } = await t.db.pool.query("SELECT count(*)::int AS n FROM (SELECT 1 FROM spike GROUP BY bank_code, metric, detector, started_at HAVING count(*) > 1) d");
    expect(rows[0].n).toBe(0);
  });

  it("closes a spike once its bank is back to normal for the closing period", async () => {
    // Two hours later with no more bursts (0149's background continues): the 5-minute spikes close
    // after an hour back to normal, with the end at the close of the last anomalous bucket.
    await runDetection(t.db, { now: new Date(NOW.getTime() + 60 * MIN) });
    await runDetection(t.db, { now: new Date(NOW.getTime() + 150 * MIN) });
    const burst5 = (await spikes("0149")).filter((s) => s.detector === "BURST" && s.metric === "LINK_REGISTERED");
    expect(burst5.length).toBeGreaterThan(0);
    for (const s of burst5) {
      expect(s.ended_at).not.toBeNull();
      expect(s.ended_at!.getTime()).toBeGreaterThan(s.started_at.getTime());
    }
  });

  it("raises the bank alarm on suspect links in their own bucket, before any charge, with its reasons", async () => {
    // At The 77 Bank (PIN-only link page), two wallets opened minutes before link other people's
    // accounts; a third links its holder's own account (not suspect). No charge yet.
    const at = NOW.getTime() + 160 * MIN;
    const events = [
      { holder: "ヤマダ タロウ", linkHolder: "スズキ ハナコ" },
      { holder: "タナカ ジロウ", linkHolder: "サトウ ミドリ" },
      { holder: "イノウエ サキ", linkHolder: "ｲﾉｳｴ ｻｷ" },
    ].flatMap((w, k) => [
      { id: `sus-acc-ev-${k}`, type: "account.opened" as const, occurredAt: new Date(at - 4 * MIN).toISOString(), account: { id: `sus-acc-${k}`, holderName: w.holder, carrierCustomer: false, identityVerified: false } },
      {
        id: `sus-lnk-ev-${k}`,
        type: "link.registered" as const,
        occurredAt: new Date(at - 1 * MIN + k * 1000).toISOString(),
        link: { id: `sus-lnk-${k}`, accountId: `sus-acc-${k}`, bankCode: "0125", branchCode: "101", accountNumber: `765432${k}`, holderName: w.linkHolder, authMethod: "PIN" as const },
      },
    ]);
    expect((await postAll(t.baseUrl, key, events)).rejected).toBe(0);
    await runDetection(t.db, { now: new Date(at + 30_000) });
    const { rows } = await t.db.pool.query<{ evidence: string; started_at: Date; reasons: Array<{ measure: string; observed: number; expected: number }> }>(
      "SELECT evidence, started_at, reasons FROM bank_alarm WHERE bank_code = '0125' AND ended_at IS NULL",
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].evidence).toBe("SUSPECT_LINKS");
    expect(rows[0].started_at.getTime()).toBe(Math.floor((at - MIN) / (5 * MIN)) * 5 * MIN);
    const suspect = rows[0].reasons.find((r) => r.measure === "SUSPECT_LINKS");
    expect(suspect?.observed).toBe(2);
    expect(suspect!.expected).toBeLessThan(0.1);
  });

  it("counts a verified wallet's link of another person's account as suspect at its second charge within minutes, not at one", async () => {
    // Later at The 77 Bank (the alarm above has closed): two wallets with verified identity, opened
    // minutes before, link other people's accounts. The first draws ¥30,000 then ¥20,000 (too little
    // to be fresh and heavily charged); the second draws once (an honest newcomer's try).
    const at = NOW.getTime() + 400 * MIN;
    const wallets = [
      { holder: "キムラ ユウジ", linkHolder: "モリ アキコ", charges: [30_000, 20_000] },
      { holder: "ハヤシ マコト", linkHolder: "シミズ ケイコ", charges: [40_000] },
    ];
    const events = wallets.flatMap((w, k) => [
      { id: `ver-acc-ev-${k}`, type: "account.opened" as const, occurredAt: new Date(at - 20 * MIN).toISOString(), account: { id: `ver-acc-${k}`, holderName: w.holder, carrierCustomer: false, identityVerified: true } },
      {
        id: `ver-lnk-ev-${k}`,
        type: "link.registered" as const,
        occurredAt: new Date(at - 16 * MIN + k * 1000).toISOString(),
        link: { id: `ver-lnk-${k}`, accountId: `ver-acc-${k}`, bankCode: "0125", branchCode: "102", accountNumber: `865432${k}`, holderName: w.linkHolder, authMethod: "PIN" as const },
      },
      // the first charge 2 minutes after linking, the second 8 minutes after (in the bucket of `at − 8 min`)
      ...w.charges.map((amountYen, j) => ({
        id: `ver-chg-ev-${k}-${j}`,
        type: "charge.completed" as const,
        occurredAt: new Date(at - (14 - 6 * j) * MIN).toISOString(),
        charge: { id: `ver-chg-${k}-${j}`, linkId: `ver-lnk-${k}`, amountYen },
      })),
    ]);
    expect((await postAll(t.baseUrl, key, events)).rejected).toBe(0);
    await runDetection(t.db, { now: new Date(at + 30_000) });
    const { rows } = await t.db.pool.query<{ evidence: string; started_at: Date; reasons: Array<{ measure: string; observed: number }> }>(
      "SELECT evidence, started_at, reasons FROM bank_alarm WHERE bank_code = '0125' AND ended_at IS NULL",
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].evidence).toBe("SUSPECT_LINKS");
    expect(rows[0].started_at.getTime()).toBe(Math.floor((at - 8 * MIN) / (5 * MIN)) * 5 * MIN);
    expect(rows[0].reasons.find((r) => r.measure === "SUSPECT_LINKS")?.observed).toBe(1);
  });
});
