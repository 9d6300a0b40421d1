// The overview's charts: which banks each chart draws one by one and in what order, the points of
// the link and charge charts (the rest as "others", the selected bank's band), the denied-
// registration series and the "spike began" markers.
import type { VolumeMetric } from "../../../shared/volume/index.ts";
import type { VolumeWindow } from "../../../shared/volume/schemas.ts";
import type { SpikeRow } from "./overview-sql.ts";
import type { BankRow, ChartData, ChartPoint, ChartRow, ChartSeries, SpikeMarker } from "./overview-types.ts";

const LINK_CHART_METRICS: readonly string[] = ["LINK_REGISTERED", "LINK_CHANGED"];
const OTHERS = "others";

/** Spiking banks first, then by deviation (largest first), then by code. */
export function compareBankRows(a: BankRow, b: BankRow): number {
  if (a.spikingNow !== b.spikingNow) return a.spikingNow ? -1 : 1;
  const za = a.deviation.z ?? -Infinity;
  const zb = b.deviation.z ?? -Infinity;
  if (za !== zb) return zb - za;
  return a.code.localeCompare(b.code);
}

/**
 * The order the charts draw banks in: every bank with an open spike (however small its window
 * deviation: at 7 d a spike of the last hour barely moves the week's total), by deviation, then the
 * others by deviation (learning banks last), then by code.
 */
export function chartBankOrder<R extends Pick<BankRow, "code" | "spikingNow" | "deviation">>(rows: R[]): R[] {
  const z = (r: R) => r.deviation.z ?? -Infinity;
  return [...rows].sort((a, b) => (a.spikingNow !== b.spikingNow ? (a.spikingNow ? -1 : 1) : z(b) - z(a) || a.code.localeCompare(b.code)));
}

/** One chart's banks: all spiking banks, then the next banks in `order` with volume, `topBanks` in all at least. */
export function chartBanksFor(order: Array<Pick<BankRow, "code" | "spikingNow">>, topBanks: number, hasVolume: (code: string) => boolean): string[] {
  const spiking = order.filter((r) => r.spikingNow).map((r) => r.code);
  const rest = order.filter((r) => !r.spikingNow && hasVolume(r.code)).map((r) => r.code);
  return [...spiking, ...rest.slice(0, Math.max(0, topBanks - spiking.length))];
}

/**
 * At most one "spike began" marker per bank, and only for banks the chart draws: where its open
 * spike began (the earliest open one), or else where its latest spike in the window began. Many
 * markers (a flapping spike, several metrics, small spikes at banks drawn as "others") hid the one
 * that matters.
 */
export function onePerBank(markers: SpikeMarker[], drawn: Set<string>): SpikeMarker[] {
  const best = new Map<string, SpikeMarker>();
  for (const m of markers) {
    if (!drawn.has(m.bankCode)) continue;
    const prev = best.get(m.bankCode);
    if (!prev) best.set(m.bankCode, m);
    else if (m.open !== prev.open) {
      if (m.open) best.set(m.bankCode, m);
    } else if (m.open ? m.at < prev.at : m.at > prev.at) best.set(m.bankCode, m);
  }
  return [...best.values()].sort((a, b) => a.at - b.at || a.bankCode.localeCompare(b.bankCode));
}

function emptyChart(metric: VolumeMetric, top: string[], names: Map<string, string>, buckets: number[], spiking: Set<string>): ChartData {
  const series: ChartSeries[] = top.map((code) => ({ key: `b${code}`, bankCode: code, label: `${names.get(code) ?? code} (${code})`, spiking: spiking.has(code) }));
  series.push({ key: OTHERS, bankCode: null, label: "All other banks", spiking: false });
  return { metric, series, points: buckets.map((at) => ({ at }) as ChartPoint) };
}

/** The link and charge charts and the denied-registration series over the window's buckets, from the chart rows. */
export function buildCharts(
  chartRows: readonly ChartRow[],
  buckets: number[],
  sel: { chargeMetric: VolumeMetric; linkTop: string[]; chargeTop: string[] },
  bankNames: Map<string, string>,
  spikingCodes: Set<string>,
): { linkChart: ChartData; chargeChart: ChartData; deniedSeries: Array<{ at: number; value: number }> } {
  const linkChart = emptyChart("LINK_REGISTERED", sel.linkTop, bankNames, buckets, spikingCodes);
  const chargeChart = emptyChart(sel.chargeMetric, sel.chargeTop, bankNames, buckets, spikingCodes);
  const denied = new Map<number, number>();
  const indexOf = new Map(buckets.map((t, i) => [t, i]));
  for (const r of chartRows) {
    const at = r.at;
    if (r.metric === "REGISTRATION_DENIED") {
      denied.set(at, (denied.get(at) ?? 0) + r.v);
      continue;
    }
    const target = r.metric === "LINK_REGISTERED" ? linkChart : chargeChart;
    const i = indexOf.get(at);
    if (i === undefined) continue;
    const p = target.points[i];
    const key = r.grp === "" ? OTHERS : `b${r.grp}`;
    p[key] = ((p[key] as number | null) ?? 0) + r.v;
    if (r.e !== null) {
      p.expected = r.e;
      p.band = [r.lo ?? 0, r.hi ?? r.e];
    }
  }
  for (const c of [linkChart, chargeChart]) {
    // Buckets without rows are zeros; keep "others" only when it has anything.
    for (const p of c.points) for (const s of c.series) p[s.key] ??= 0;
    if (!c.points.some((p) => (p[OTHERS] as number) > 0)) {
      c.series = c.series.filter((s) => s.key !== OTHERS);
      for (const p of c.points) delete p[OTHERS];
    }
  }
  return { linkChart, chargeChart, deniedSeries: buckets.map((at) => ({ at, value: denied.get(at) ?? 0 })) };
}

/** Where the spikes that began in the window are marked on each chart (see onePerBank). */
export function spikeMarkers(
  spikes: readonly SpikeRow[],
  w: VolumeWindow,
  bankNames: Map<string, string>,
  drawn: { linkTop: string[]; chargeTop: string[] },
): { links: SpikeMarker[]; charges: SpikeMarker[] } {
  const bucketMs = w.bucketMinutes * 60_000;
  const marker = (s: SpikeRow): SpikeMarker => ({
    bankCode: s.bank_code,
    bankName: bankNames.get(s.bank_code) ?? s.bank_code,
    metric: s.metric,
    detector: s.detector,
    startedAt: s.started_at,
    at: Math.max(w.from.getTime(), Math.floor(s.started_at.getTime() / bucketMs) * bucketMs),
    open: !s.ended_at,
  });
  const inWindow = spikes.filter((s) => s.started_at.getTime() >= w.from.getTime());
  return {
    links: onePerBank(inWindow.filter((s) => LINK_CHART_METRICS.includes(s.metric)).map(marker), new Set(drawn.linkTop)),
    charges: onePerBank(inWindow.filter((s) => s.metric === "CHARGE_COUNT" || s.metric === "CHARGE_YEN").map(marker), new Set(drawn.chargeTop)),
  };
}
