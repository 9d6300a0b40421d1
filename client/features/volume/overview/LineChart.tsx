// The volume charts (the overview's and the bank page's) as plain SVG: one path per line, the
// selected bank's expected band, suspension periods, "spike began" markers (at most one per bank),
// and a hover readout. Labels are placed from their estimated widths (chart-data.ts textWidth) so
// they never overlap each other or run off the chart, in Japanese too: the markers' in rows from the
// top, the periods' from the bottom. No chart library: recharts measured text in the DOM, ran its
// own store and drew the charts in several synchronous passes, most of the overview's main-thread
// time. Here a redraw is a few string joins, nothing is measured but the box's width (a
// ResizeObserver), and nothing animates. Hovering draws only the small overlay, never the lines again.
import { memo, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Group, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { formatTick } from "../parts.tsx";
import { placeMarkers, placeRegionLabels, shadedRegions, textWidth, xTicks, yTicks, type PlacedLabel } from "./chart-data.ts";

export interface LineSeries {
  key: string;
  label: string;
  color: string;
  width?: number;
  dashed?: boolean;
}

export interface ChartMarker {
  at: number;
  label: string;
  color: string;
  /** One marker per key (a bank): the first. */
  key: string;
}

export interface ChartRegion {
  from: number;
  to: number;
  label: string;
}

export type ChartPoint = { at: number } & Record<string, unknown>;

export interface LineChartProps {
  points: readonly ChartPoint[];
  lines: readonly LineSeries[];
  /** Points carry `band: [low, high]` and `expected`: draw them, named with these labels. */
  bandLabel?: string;
  expectedLabel?: string;
  markers?: readonly ChartMarker[];
  regions?: readonly ChartRegion[];
  bucketMinutes: number;
  formatValue: (n: number) => string;
  height?: number;
  testId?: string;
  ariaLabel: string;
}

const MARGIN = { top: 8, right: 16, bottom: 22, left: 8 };
const FONT = 11;
const LABEL_FONT = 10;
function num(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

/** The box's width, read once and on resize (no measuring on redraws). */
function useWidth(): [(el: HTMLDivElement | null) => void, number] {
  const [width, setWidth] = useState(0);
  const observer = useRef<ResizeObserver | null>(null);
  const ref = useCallback((el: HTMLDivElement | null) => {
    observer.current?.disconnect();
    observer.current = null;
    if (!el) return;
    setWidth(Math.round(el.getBoundingClientRect().width));
    observer.current = new ResizeObserver((entries) => setWidth(Math.round(entries[0].contentRect.width)));
    observer.current.observe(el);
  }, []);
  useEffect(() => () => observer.current?.disconnect(), []);
  return [ref, width];
}

interface Geometry {
  width: number;
  height: number;
  /** The plot's top edge: below the lane of the periods' labels when there are any. */
  top: number;
  left: number;
  plotW: number;
  plotH: number;
  t0: number;
  t1: number;
  yMax: number;
  x: (at: number) => number;
  y: (v: number) => number;
}

/** A shaded period in plot coordinates, with its label's place in the lane above the plot (null: no room). */
interface ShownRegion {
  x1: number;
  x2: number;
  label: PlacedLabel | null;
}

/** One row of the lane above the plot that holds the periods' labels (they sat on the lines before). */
const REGION_ROW = 12;

function geometry(
  points: readonly ChartPoint[],
  lines: readonly LineSeries[],
  band: boolean,
  width: number,
  height: number,
  formatValue: (n: number) => string,
  regions: readonly ChartRegion[] | undefined,
  bucketMinutes: number,
): Geometry & { ticks: number[]; regions: ShownRegion[] } {
  let max = 0;
  for (const p of points) {
    for (const l of lines) {
      const v = num(p[l.key]);
      if (v !== null && v > max) max = v;
    }
    if (band) {
      const b = p.band as [number, number] | null | undefined;
      if (b && b[1] > max) max = b[1];
    }
  }
  const ticks = yTicks(max);
  const yMax = ticks[ticks.length - 1];
  // The axis is as wide as its longest label (estimated from the characters: no DOM measuring).
  const labelW = Math.max(...ticks.map((v) => textWidth(formatValue(v), FONT))) + 8;
  const left = MARGIN.left + Math.max(32, labelW);
  const plotW = Math.max(10, width - left - MARGIN.right);
  const t0 = points[0].at;
  const t1 = points[points.length - 1].at;
  const span = Math.max(1, t1 - t0);
  const x = (at: number) => left + ((at - t0) / span) * plotW;
  const right = left + plotW;
  // The periods (suspensions) shaded in the plot, their labels in a lane above it, as many rows as they need.
  const shaded = shadedRegions(regions ?? [], t0, t1, bucketMinutes * 60_000, x, left, right).map((r) => ({ x1: r.x1, x2: r.x2, text: r.region.label }));
  const labels = placeRegionLabels(shaded, left, right, LABEL_FONT);
  const rows = labels.reduce((n, l) => (l ? Math.max(n, l.row + 1) : n), 0);
  const top = MARGIN.top + (rows > 0 ? rows * REGION_ROW + 2 : 0);
  const plotH = Math.max(10, height - top - MARGIN.bottom);
  return {
    width,
    height,
    top,
    regions: shaded.map((r, i) => ({ x1: r.x1, x2: r.x2, label: labels[i] })),
    left,
    plotW,
    plotH,
    t0,
    t1,
    yMax,
    ticks,
    x,
    y: (v) => top + plotH - (v / yMax) * plotH,
  };
}

/** An SVG path through the points with a value (gaps where there is none). */
function linePath(points: readonly ChartPoint[], value: (p: ChartPoint) => number | null, g: Geometry): string {
  let d = "";
  let pen = false;
  for (const p of points) {
    const v = value(p);
    if (v === null) {
      pen = false;
      continue;
    }
    d += `${pen ? "L" : "M"}${g.x(p.at).toFixed(1)} ${g.y(v).toFixed(1)}`;
    pen = true;
  }
  return d;
}

/** The band as closed areas, one per run of points that have it. */
function bandPath(points: readonly ChartPoint[], g: Geometry): string {
  let d = "";
  let run: Array<[number, number, number]> = [];
  const flush = () => {
    if (run.length > 1) {
      d += run.map(([at, , hi], i) => `${i ? "L" : "M"}${g.x(at).toFixed(1)} ${g.y(hi).toFixed(1)}`).join("");
      d += [...run].reverse().map(([at, lo]) => `L${g.x(at).toFixed(1)} ${g.y(lo).toFixed(1)}`).join("") + "Z";
    }
    run = [];
  };
  for (const p of points) {
    const b = p.band as [number, number] | null | undefined;
    if (b && Number.isFinite(b[0]) && Number.isFinite(b[1])) run.push([p.at, b[0], b[1]]);
    else flush();
  }
  flush();
  return d;
}

const Plot = memo(function Plot({ points, lines, band, markers, bucketMinutes, formatValue, g }: Omit<LineChartProps, "ariaLabel" | "testId" | "height" | "regions"> & { band: boolean; g: Geometry & { ticks: number[]; regions: ShownRegion[] } }) {
  const span = g.t1 - g.t0;
  const xt = xTicks(g.t0, g.t1, g.plotW);
  const bottom = g.top + g.plotH;
  // Marker labels in rows; a label as wide as the widest is kept clear of its neighbours and of the edges.
  const markerText = (m: ChartMarker) => `▲ ${m.label}`;
  const labelPx = Math.max(0, ...(markers ?? []).map((m) => textWidth(markerText(m), LABEL_FONT, true))) + 6;
  const placed = placeMarkers(
    (markers ?? []).filter((m) => m.at >= g.t0 && m.at <= g.t1).map((m) => ({ ...m, bankCode: m.key })),
    g.t0,
    g.t1,
    labelPx / g.plotW,
  );
  return (
    <svg width={g.width} height={g.height} style={{ display: "block", overflow: "hidden" }} aria-hidden="true">
      <g stroke="#e9ecef" strokeDasharray="3 3">
        {g.ticks.map((v) => (
          <line key={`y${v}`} x1={g.left} x2={g.left + g.plotW} y1={g.y(v)} y2={g.y(v)} />
        ))}
        {xt.map((t) => (
          <line key={`x${t}`} x1={g.x(t)} x2={g.x(t)} y1={g.top} y2={bottom} />
        ))}
      </g>
      <g fontSize={FONT} fill="#666">
        {g.ticks.map((v) => (
          <text key={`yl${v}`} x={g.left - 6} y={g.y(v) + 4} textAnchor="end">
            {formatValue(v)}
          </text>
        ))}
        {xt.map((t) => {
          const x = g.x(t);
          // Never cut at either edge.
          const anchor = x - g.left < 24 ? "start" : g.left + g.plotW - x < 24 ? "end" : "middle";
          return (
            <text key={`xl${t}`} x={x} y={bottom + 15} textAnchor={anchor}>
              {formatTick(t, bucketMinutes, span)}
            </text>
          );
        })}
      </g>
      <line x1={g.left} x2={g.left + g.plotW} y1={bottom} y2={bottom} stroke="#868e96" />
      {g.regions.map((r, i) => (
        <rect key={`r${i}`} data-testid="chart-region" x={r.x1} y={g.top} width={r.x2 - r.x1} height={g.plotH} fill="#fd7e14" fillOpacity={0.08} stroke="#fd7e14" strokeOpacity={0.3} />
      ))}
      {band && <path d={bandPath(points, g)} fill="#74c0fc" fillOpacity={0.12} stroke="#74c0fc" strokeOpacity={0.5} strokeWidth={0.5} />}
      {band && <path d={linePath(points, (p) => num(p.expected), g)} fill="none" stroke="#4dabf7" strokeDasharray="4 3" strokeWidth={1} />}
      {lines.map((l) => (
        <path
          key={l.key}
          d={linePath(points, (p) => num(p[l.key]), g)}
          fill="none"
          stroke={l.color}
          strokeWidth={l.width ?? 1.6}
          strokeDasharray={l.dashed ? "5 4" : undefined}
          strokeLinejoin="round"
        />
      ))}
      {placed.map((m) => {
        const x = g.x(m.at);
        return (
          <g key={`m${m.key}`} data-testid="spike-marker">
            <line x1={x} x2={x} y1={g.top} y2={bottom} stroke={m.color} strokeOpacity={0.7} strokeDasharray="2 3" />
            {m.labelled && (
              <text
                x={x + (m.side === "right" ? 3 : -3)}
                y={g.top + 11 + m.row * 12}
                fontSize={LABEL_FONT}
                fontWeight={600}
                fill={m.color}
                textAnchor={m.side === "right" ? "start" : "end"}
                stroke="#fff"
                strokeWidth={3}
                paintOrder="stroke"
              >
                {markerText(m)}
              </text>
            )}
          </g>
        );
      })}
      {/* The periods' labels in their lane above the plot, each starting over its period (or as near as the edge allows). */}
      {g.regions.map((r, i) =>
        r.label ? (
          <text key={`rl${i}`} x={r.label.x} y={MARGIN.top + 9 + r.label.row * REGION_ROW} fontSize={LABEL_FONT} fill="#d9480f" data-testid="region-label">
            {r.label.text}
          </text>
        ) : null,
      )}
    </svg>
  );
});

/** The bucket under the pointer: a cursor line and the bucket's values (drawn only while hovering). */
function Readout({ point, lines, bandLabel, expectedLabel, bucketMinutes, formatValue, g }: { point: ChartPoint; lines: readonly LineSeries[]; bandLabel?: string; expectedLabel?: string; bucketMinutes: number; formatValue: (n: number) => string; g: Geometry }) {
  const { t } = useTranslation("volume");
  const x = g.x(point.at);
  const band = point.band as [number, number] | null | undefined;
  const expected = num(point.expected);
  const rows = [...lines].reverse().filter((l) => num(point[l.key]) !== null);
  const onRight = x > g.left + g.plotW / 2;
  return (
    <>
      <div style={{ position: "absolute", left: x, top: g.top, height: g.plotH, borderLeft: "1px solid #adb5bd", pointerEvents: "none" }} />
      <div
        data-testid="chart-readout"
        style={{
          position: "absolute",
          top: g.top,
          left: onRight ? undefined : x + 10,
          right: onRight ? g.width - x + 10 : undefined,
          background: "white",
          border: "1px solid #dee2e6",
          borderRadius: 4,
          padding: "4px 8px",
          fontSize: 12,
          pointerEvents: "none",
          whiteSpace: "nowrap",
          boxShadow: "0 1px 3px rgba(0,0,0,.1)",
          zIndex: 1,
        }}
      >
        <div style={{ fontWeight: 600, marginBottom: 2 }}>{t("charts.bucket", { at: point.at, minutes: bucketMinutes })}</div>
        {rows.map((l) => (
          <div key={l.key} style={{ color: l.color === "#adb5bd" || l.color === "#ced4da" ? "#495057" : l.color }}>
            {l.label}: {formatValue(num(point[l.key]) ?? 0)}
          </div>
        ))}
        {bandLabel && band && (
          <div style={{ color: "#1c7ed6" }}>
            {bandLabel}: {formatValue(band[0])} – {formatValue(band[1])}
          </div>
        )}
        {expectedLabel && expected !== null && (
          <div style={{ color: "#1c7ed6" }}>
            {expectedLabel}: {formatValue(expected)}
          </div>
        )}
      </div>
    </>
  );
}

export const LineChart = memo(function LineChart({ points, lines, bandLabel, expectedLabel, markers, regions, bucketMinutes, formatValue, height = 280, testId, ariaLabel }: LineChartProps) {
  const { t } = useTranslation("volume");
  const [ref, width] = useWidth();
  const [hover, setHover] = useState<number | null>(null);
  const band = Boolean(bandLabel);
  const g = useMemo(
    () => (points.length > 0 && width > 0 ? geometry(points, lines, band, width, height, formatValue, regions, bucketMinutes) : null),
    [points, lines, band, width, height, formatValue, regions, bucketMinutes],
  );
  const onMove = (e: React.MouseEvent<HTMLDivElement>) => {
    if (!g || points.length === 0) return;
    const mx = e.clientX - e.currentTarget.getBoundingClientRect().left;
    const frac = (mx - g.left) / g.plotW;
    if (frac < -0.02 || frac > 1.02) return setHover(null);
    setHover(Math.min(points.length - 1, Math.max(0, Math.round(frac * (points.length - 1)))));
  };
  if (points.length === 0) {
    return (
      <Text c="dimmed" size="sm">
        {t("charts.noBuckets")}
      </Text>
    );
  }
  return (
    <div ref={ref} data-testid={testId} role="img" aria-label={ariaLabel} style={{ position: "relative", height }} onMouseMove={onMove} onMouseLeave={() => setHover(null)}>
      {g && <Plot points={points} lines={lines} band={band} markers={markers} bucketMinutes={bucketMinutes} formatValue={formatValue} g={g} />}
      {g && hover !== null && points[hover] && (
        <Readout point={points[hover]} lines={lines} bandLabel={bandLabel} expectedLabel={expectedLabel} bucketMinutes={bucketMinutes} formatValue={formatValue} g={g} />
      )}
    </div>
  );
});

export interface LegendEntry {
  label: string;
  color: string;
  dashed?: boolean;
  /** A shaded band rather than a line. */
  band?: boolean;
  /** A thin line (muted banks). */
  thin?: boolean;
}

/** The legend under a chart: a short sample of each line (or band) and its name. */
export function ChartLegend({ entries }: { entries: readonly LegendEntry[] }) {
  return (
    <Group gap="md" mt={4} style={{ rowGap: 2 }} data-testid="chart-legend">
      {entries.map((e) => (
        <Group key={e.label} gap={4} wrap="nowrap">
          <svg width={18} height={8} aria-hidden="true">
            {e.band ? (
              <rect x={0} y={0} width={18} height={8} fill={e.color} fillOpacity={0.25} stroke={e.color} strokeOpacity={0.6} strokeWidth={0.5} />
            ) : (
              <line x1={0} y1={4} x2={18} y2={4} stroke={e.color} strokeWidth={e.thin ? 1.5 : 3} strokeDasharray={e.dashed ? "4 3" : undefined} />
            )}
          </svg>
          <Text size="xs">{e.label}</Text>
        </Group>
      ))}
    </Group>
  );
}
