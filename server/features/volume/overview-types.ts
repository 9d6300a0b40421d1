// The overview's shapes: what the console is served (Overview and its parts) and the window totals
// and chart rows both sources (SQL in overview-sql.ts, the detector's memory in overview-memory.ts)
// hand to the assembly in overview.ts.
import type { VolumeMetric } from "../../../shared/volume/index.ts";
import type { ChargeMeasure, VolumeWindow } from "../../../shared/volume/schemas.ts";
import type { AuthMethod } from "../../../shared/events/schemas.ts";

/** Points per sparkline in the table. */
export const SPARKLINE_POINTS = 24;
/** Metrics whose window totals the overview reads (per bank and sparkline group). */
export const TOTAL_METRICS: readonly VolumeMetric[] = ["LINK_REGISTERED", "CHARGE_COUNT", "CHARGE_YEN", "REGISTRATION_DENIED"];

export type { AuthMethod };

export interface Measured {
  value: number;
  /** Sum of the expected levels over the window; null while the bank's baseline is still learning. */
  expected: number | null;
}

export interface SuspensionStatus {
  state: "ACTIVE" | "SCHEDULED" | "NONE";
  scopes: string[];
  /** Start of the earliest active or scheduled suspension. */
  startsAt: Date | null;
}

export interface BankRow {
  code: string;
  name: string;
  nameJa: string | null;
  authMethod: AuthMethod;
  links: Measured;
  charges: Measured;
  chargedYen: Measured;
  /**
   * The largest window z of links, charges and charged yen (how far the window's total is from its
   * expected total, in spreads of that total), its metric and observed/expected ratio, and the
   * highest single-bucket z in the window over the three (a short burst in a long window).
   */
  deviation: { z: number | null; ratio: number | null; metric: VolumeMetric | null; peakZ: number | null };
  spikingNow: boolean;
  openSpikeMetrics: VolumeMetric[];
  spikesInWindow: number;
  suspension: SuspensionStatus;
  sparkLinks: number[];
  sparkCharges: number[];
}

export interface ChartSeries {
  /** Key in each point: "b0125" for a bank, "others" for the rest. */
  key: string;
  bankCode: string | null;
  label: string;
  /** The bank has an open spike: the client draws it first and in colour, the rest muted. */
  spiking: boolean;
}

export interface ChartPoint {
  /** Bucket start, epoch ms. */
  at: number;
  /** Values by series key; plus `expected` and `band` ([low, high]) of the selected bank. */
  [key: string]: number | [number, number] | null;
}

export interface ChartData {
  metric: VolumeMetric;
  series: ChartSeries[];
  points: ChartPoint[];
}

export interface SpikeMarker {
  bankCode: string;
  bankName: string;
  metric: VolumeMetric;
  detector: string;
  startedAt: Date;
  /** Start of the chart bucket the spike began in (where the marker goes). */
  at: number;
  open: boolean;
}

export interface SuspensionRegion {
  bankCode: string;
  bankName: string;
  scopes: string[];
  from: number;
  to: number;
  ongoing: boolean;
}

export interface Overview {
  window: VolumeWindow;
  generatedAt: Date;
  chargeMeasure: ChargeMeasure;
  kpis: {
    links: Measured;
    charges: Measured;
    chargedYen: Measured;
    deniedRegistrations: number;
    banksSpikingNow: number;
    spikingBanks: Array<{ code: string; name: string }>;
    activeSuspensions: number;
    scheduledSuspensions: number;
  };
  selectedBank: { code: string; name: string } | null;
  /**
   * The banks the charts draw one by one, in drawing order: every bank with an open spike first
   * (by deviation), then the largest deviations, at least `topBanks` in all. The same for both
   * charts, so one bank keeps one colour.
   */
  chartBanks: Array<{ code: string; name: string; spiking: boolean }>;
  linkChart: ChartData;
  chargeChart: ChartData;
  deniedSeries: Array<{ at: number; value: number }>;
  spikeMarkers: { links: SpikeMarker[]; charges: SpikeMarker[] };
  suspensionRegions: SuspensionRegion[];
  banks: BankRow[];
}

/** One bank and metric's totals over the window (see BANK_TOTALS in overview-sql.ts for the columns). */
export interface Agg {
  v: number;
  e: number | null;
  ve: number;
  s2: number;
  zmax: number | null;
}

/** A bank row as read from the database. */
export interface BankInfo {
  code: string;
  name: string;
  name_ja: string | null;
  auth_method: AuthMethod;
}

export interface WindowTotals {
  /** `${bankCode}:${metric}` → window totals. */
  agg: Map<string, Agg>;
  /** `${bankCode}:${metric}` → SPARKLINE_POINTS group sums. */
  spark: Map<string, number[]>;
}

export interface ChartRow {
  metric: VolumeMetric;
  at: number;
  /** A top bank's code, or "" for the rest. */
  grp: string;
  v: number;
  e: number | null;
  lo: number | null;
  hi: number | null;
}

/** The banks each chart draws one by one, the charge metric and the bank whose band is drawn. */
export interface ChartSelection {
  chargeMetric: VolumeMetric;
  linkTop: string[];
  chargeTop: string[];
  selected: string | null;
}
