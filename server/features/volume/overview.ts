// The overview: KPI tiles, the link and charge charts (top banks by deviation plus "others", the
// selected bank's band, spike markers, suspension regions), the denied-registration series and the
// per-bank table. Everything is read from volume_bucket (the rollups with the expected levels the
// detector stored), never from the raw events: two round trips of set-based SQL whatever the range.
//
// This file assembles it; the parts live beside it: overview-types.ts (the shapes), overview-sql.ts
// and overview-memory.ts (the two sources of window totals and chart rows), overview-charts.ts (which
// banks are drawn, the chart points and markers), suspension-status.ts and window.ts (shared with a
// bank's page).
import type { Database } from "../../db/client.ts";
import { DEFAULT_DETECTOR_PARAMS, type VolumeMetric } from "../../../shared/volume/index.ts";
import { OverviewInput, windowBuckets } from "../../../shared/volume/schemas.ts";
import type { z } from "zod";
import { buildCharts, chartBankOrder, chartBanksFor, compareBankRows, spikeMarkers } from "./overview-charts.ts";
import { memoryChartRows, memoryTotals, usableSnapshot } from "./overview-memory.ts";
import { sqlChartRows, sqlTotals, sqlWindowFacts, type SpikeRow } from "./overview-sql.ts";
import { SPARKLINE_POINTS, type Agg, type BankInfo, type BankRow, type ChartSelection, type Measured, type Overview, type SuspensionStatus, type WindowTotals } from "./overview-types.ts";
import { suspensionRegions, suspensionStatuses } from "./suspension-status.ts";
import { chargeMetricOf, windowOrThrow } from "./window.ts";
import { SingleFlight } from "../../lib/single-flight.ts";
import type { VolumeWindow } from "../../../shared/volume/schemas.ts";

export type { Overview } from "./overview-types.ts";

/** Spikes of these metrics make a bank "spiking now"; denied registrations follow our own suspensions. */
export const INCIDENT_METRICS: readonly VolumeMetric[] = ["LINK_REGISTERED", "LINK_CHANGED", "CHARGE_COUNT", "CHARGE_YEN"];

export interface OverviewOptions {
  /**
   * Where window totals come from: SQL (the default, what the console is served), the detector's
   * memory, or memory when it holds the window (auto). The console is served from SQL because the
   * memory exists only in the one instance running detection, as of its last run: with several
   * instances, it would make the overview answer differently depending on which one is asked (#15).
   */
  source?: "auto" | "memory" | "sql";
}

export async function volumeOverview(db: Database, rawInput: z.input<typeof OverviewInput>, now = new Date(), opts: OverviewOptions = {}): Promise<Overview> {
  const input = OverviewInput.parse(rawInput);
  const w = windowOrThrow(input, now);
  const chargeMetric = chargeMetricOf(input.chargeMeasure);
  const buckets = windowBuckets(w);
  const bucketMs = w.bucketMinutes * 60_000;
  const groupMs = Math.ceil(buckets.length / SPARKLINE_POINTS) * bucketMs;
  const source = opts.source ?? "sql";
  const snap = source === "sql" ? null : usableSnapshot(db, w, now);
  if (source === "memory" && !snap) throw new Error("the detector's memory does not hold this window");

  const [totals, facts] = snap ? await Promise.all([memoryTotals(snap, w, groupMs), sqlWindowFacts(db, w)]) : await windowReads(db, w, groupMs);
  const { agg } = totals;
  const bankNames = new Map(facts.banks.map((b) => [b.code, b.name]));
  const statuses = suspensionStatuses(facts.suspensions, now);
  const rows = bankRows(facts.banks, totals, facts.spikes, facts.alarmingBanks, statuses, chargeMetric);

  const order = chartBankOrder(rows);
  // A spiking bank stays on a chart even with no volume of that metric (its flat line is news too).
  const pick = (metric: VolumeMetric) => chartBanksFor(order, input.topBanks, (code) => (agg.get(`${code}:${metric}`)?.v ?? 0) > 0);
  const linkTop = pick("LINK_REGISTERED");
  const chargeTop = pick(chargeMetric);
  const drawn = new Set([...linkTop, ...chargeTop]);
  const ranked = order.filter((r) => drawn.has(r.code));
  const spikingCodes = new Set(rows.filter((r) => r.spikingNow).map((r) => r.code));
  const selected = input.bank && bankNames.has(input.bank) ? input.bank : (rows[0]?.code ?? null);

  const selection: ChartSelection = { chargeMetric, linkTop, chargeTop, selected };
  const chartRows = snap ? memoryChartRows(snap, w, selection) : await sqlChartRows(db, w, selection);
  const { linkChart, chargeChart, deniedSeries } = buildCharts(chartRows, buckets, selection, bankNames, spikingCodes);

  return {
    window: w,
    generatedAt: now,
    chargeMeasure: input.chargeMeasure,
    kpis: overviewKpis(rows, agg, statuses),
    selectedBank: selected ? { code: selected, name: bankNames.get(selected) ?? selected } : null,
    chartBanks: ranked.map((r) => ({ code: r.code, name: r.name, spiking: r.spikingNow })),
    linkChart,
    chargeChart,
    deniedSeries,
    spikeMarkers: spikeMarkers(facts.spikes, w, bankNames, { linkTop, chargeTop }),
    suspensionRegions: suspensionRegions(facts.suspensions, w, bankNames),
    banks: rows,
  };
}

// The window's reads, shared by the KPI tiles' answer and the whole overview's (the console asks for
// both at once when it opens the overview): one run of the totals for both. Only while in flight
// (server/lib/single-flight.ts): nothing is kept, so no instance answers from older data than another.
type WindowReads = [WindowTotals, Awaited<ReturnType<typeof sqlWindowFacts>>];
const windowFlights = new WeakMap<Database, SingleFlight<WindowReads>>();
function windowReads(db: Database, w: VolumeWindow, groupMs: number): Promise<WindowReads> {
  let flights = windowFlights.get(db);
  if (!flights) windowFlights.set(db, (flights = new SingleFlight()));
  // The reads cover whole buckets: two windows ending within the same bucket read the same rows.
  const lastBucket = Math.floor(w.to.getTime() / (w.bucketMinutes * 60_000));
  return flights.run(`${w.bucketMinutes}:${w.from.getTime()}:${lastBucket}:${groupMs}`, () => Promise.all([sqlTotals(db, w, groupMs), sqlWindowFacts(db, w)]));
}

/** The overview's KPI tiles alone: what the console shows first, before the charts and the table. */
export interface OverviewKpisAnswer {
  window: VolumeWindow;
  generatedAt: Date;
  chargeMeasure: Overview["chargeMeasure"];
  kpis: Overview["kpis"];
}

/**
 * The KPI tiles of volumeOverview for the same input, without the charts and the table: the window's
 * totals and facts only (one round trip, ~1 KB), so the tiles hold figures while the rest is built.
 */
export async function volumeOverviewKpis(db: Database, rawInput: z.input<typeof OverviewInput>, now = new Date()): Promise<OverviewKpisAnswer> {
  const input = OverviewInput.parse(rawInput);
  const w = windowOrThrow(input, now);
  const groupMs = Math.ceil(windowBuckets(w).length / SPARKLINE_POINTS) * w.bucketMinutes * 60_000;
  const [totals, facts] = await windowReads(db, w, groupMs);
  const statuses = suspensionStatuses(facts.suspensions, now);
  const rows = bankRows(facts.banks, totals, facts.spikes, facts.alarmingBanks, statuses, chargeMetricOf(input.chargeMeasure));
  return { window: w, generatedAt: now, chargeMeasure: input.chargeMeasure, kpis: overviewKpis(rows, totals.agg, statuses) };
}

/** The table's rows, in its order (compareBankRows): each bank's window totals, deviation, spikes, suspension and sparklines. */
function bankRows(
  banks: readonly BankInfo[],
  { agg, spark }: WindowTotals,
  spikes: readonly SpikeRow[],
  alarmingBanks: Set<string>,
  statuses: Map<string, SuspensionStatus>,
  chargeMetric: VolumeMetric,
): BankRow[] {
  const openByBank = new Map<string, Set<VolumeMetric>>();
  const windowSpikes = new Map<string, number>();
  for (const s of spikes) {
    if (!INCIDENT_METRICS.includes(s.metric)) continue;
    windowSpikes.set(s.bank_code, (windowSpikes.get(s.bank_code) ?? 0) + 1);
    if (!s.ended_at) {
      if (!openByBank.has(s.bank_code)) openByBank.set(s.bank_code, new Set());
      openByBank.get(s.bank_code)!.add(s.metric);
    }
  }

  const rows: BankRow[] = banks.map((b) => {
    let best: BankRow["deviation"] = { z: null, ratio: null, metric: null, peakZ: null };
    let peakZ: number | null = null;
    for (const metric of ["LINK_REGISTERED", "CHARGE_COUNT", "CHARGE_YEN"] as const) {
      const a = agg.get(`${b.code}:${metric}`);
      const z = windowZ(a);
      if (z !== null && (best.z === null || z > best.z)) best = { z, ratio: a!.e! > 0 ? a!.ve / a!.e! : null, metric, peakZ: null };
      if (a?.zmax != null && (peakZ === null || a.zmax > peakZ)) peakZ = a.zmax;
    }
    best.peakZ = peakZ;
    const open = openByBank.get(b.code);
    return {
      code: b.code,
      name: b.name,
      nameJa: b.name_ja,
      authMethod: b.auth_method,
      links: measured(agg.get(`${b.code}:LINK_REGISTERED`)),
      charges: measured(agg.get(`${b.code}:CHARGE_COUNT`)),
      chargedYen: measured(agg.get(`${b.code}:CHARGE_YEN`)),
      deviation: best,
      spikingNow: alarmingBanks.has(b.code),
      openSpikeMetrics: open ? [...open] : [],
      spikesInWindow: windowSpikes.get(b.code) ?? 0,
      suspension: statuses.get(b.code) ?? { state: "NONE", scopes: [], startsAt: null },
      sparkLinks: spark.get(`${b.code}:LINK_REGISTERED`) ?? new Array(SPARKLINE_POINTS).fill(0),
      sparkCharges: spark.get(`${b.code}:${chargeMetric}`) ?? new Array(SPARKLINE_POINTS).fill(0),
    };
  });
  rows.sort(compareBankRows);
  return rows;
}

/** The tiles: totals over every bank, the banks alarming now, and the suspensions in force or scheduled. */
function overviewKpis(rows: readonly BankRow[], agg: Map<string, Agg>, statuses: Map<string, SuspensionStatus>): Overview["kpis"] {
  // "Spiking now" is one definition everywhere: an open, unacknowledged alarm (what the banner lists),
  // not an open per-series spike; the count is the list's length.
  const spikingBanks = rows.filter((r) => r.spikingNow).map((r) => ({ code: r.code, name: r.name }));
  return {
    links: sumMeasured(rows.map((r) => r.links)),
    charges: sumMeasured(rows.map((r) => r.charges)),
    chargedYen: sumMeasured(rows.map((r) => r.chargedYen)),
    deniedRegistrations: [...agg.entries()].filter(([k]) => k.endsWith(":REGISTRATION_DENIED")).reduce((sum, [, a]) => sum + a.v, 0),
    banksSpikingNow: spikingBanks.length,
    spikingBanks,
    activeSuspensions: [...statuses.values()].filter((s) => s.state === "ACTIVE").length,
    scheduledSuspensions: [...statuses.values()].filter((s) => s.state === "SCHEDULED").length,
  };
}

/** z of a window sum: (observed − expected) / spread of the sum; null while learning. */
function windowZ(a: Agg | undefined): number | null {
  if (!a || a.e === null || a.s2 <= 0) return null;
  const spread = Math.sqrt(a.s2) / DEFAULT_DETECTOR_PARAMS.bandZ;
  return (a.ve - a.e) / spread;
}

function measured(a: Agg | undefined): Measured {
  return { value: a?.v ?? 0, expected: a?.e ?? null };
}

function sumMeasured(list: Measured[]): Measured {
  let value = 0;
  let expected: number | null = null;
  for (const m of list) {
    value += m.value;
    if (m.expected !== null) expected = (expected ?? 0) + m.expected;
  }
  return { value, expected };
}
