// A time-series chart of volume (recharts): one line per series, the selected bank's expected band
// as a shaded area, a marker where each spike began, and shaded suspension periods.
import { Box, Text } from "@mantine/core";
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceArea,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { useTranslation } from "react-i18next";
import { formatTick } from "./parts.tsx";

export const SERIES_COLORS = ["#e03131", "#1971c2", "#f08c00", "#2f9e44", "#9c36b5", "#0c8599", "#c2255c", "#5c940d", "#1864ab", "#e8590c"];
export const OTHERS_COLOR = "#868e96";

export interface ChartLine {
  key: string;
  label: string;
  color?: string;
  dashed?: boolean;
  width?: number;
}

export interface ChartMarker {
  at: number;
  label: string;
  color?: string;
  /** Placed by the caller (overview/chart-data.ts placeMarkers): label row and side, and whether it has a label. */
  row?: number;
  side?: "right" | "left";
  labelled?: boolean;
}

export interface ChartRegion {
  from: number;
  to: number;
  label: string;
}

export interface VolumeChartProps {
  points: Array<Record<string, unknown> & { at: number }>;
  lines: ChartLine[];
  /** Points carry `band: [low, high]` (and `expected`): draw them, labelled with this. */
  bandLabel?: string;
  markers?: ChartMarker[];
  regions?: ChartRegion[];
  /** Name of the dashed expected line in the legend. */
  expectedLabel?: string;
  bucketMinutes: number;
  formatValue: (n: number) => string;
  height?: number;
  testId?: string;
  ariaLabel: string;
  /** recharts' legend under the chart (the overview draws its own). */
  legend?: boolean;
}

export function VolumeChart({ points, lines, bandLabel, expectedLabel, markers = [], regions = [], bucketMinutes, formatValue, height = 280, testId, ariaLabel, legend = true }: VolumeChartProps) {
  const { t } = useTranslation("volume");
  const span = points.length > 1 ? points[points.length - 1].at - points[0].at : 0;
  const placed = markers.some((m) => m.row !== undefined);
  const shown = placed ? markers : thinMarkers(markers, span / 60);
  // Labels only while they can be read; the tooltip and the spikes table have the rest.
  const labelled = shown.length <= 8;
  if (points.length === 0) {
    return (
      <Text c="dimmed" size="sm">
        {t("charts.noBuckets")}
      </Text>
    );
  }
  return (
    <Box h={height} data-testid={testId} role="img" aria-label={ariaLabel}>
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={points} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e9ecef" />
          <XAxis
            dataKey="at"
            type="number"
            scale="time"
            domain={["dataMin", "dataMax"]}
            tickFormatter={(v: number) => formatTick(v, bucketMinutes, span)}
            minTickGap={40}
            fontSize={11}
          />
          <YAxis tickFormatter={(v: number) => formatValue(v)} width={Math.max(40, formatValue(1_000_000).length * 7)} fontSize={11} allowDecimals={false} />
          <Tooltip
            labelFormatter={(v) => t("charts.bucket", { at: Number(v), minutes: bucketMinutes })}
            formatter={(value, name) => {
              if (Array.isArray(value)) return [`${formatValue(Number(value[0]))} – ${formatValue(Number(value[1]))}`, name];
              return [formatValue(Number(value)), name];
            }}
          />
          {legend && <Legend wrapperStyle={{ fontSize: 12 }} />}
          {regions.map((r, i) => (
            <ReferenceArea key={`r${i}`} x1={r.from} x2={r.to} fill="#fd7e14" fillOpacity={0.08} stroke="#fd7e14" strokeOpacity={0.3} ifOverflow="hidden" label={{ value: r.label, position: "insideTopLeft", fontSize: 10, fill: "#d9480f" }} />
          ))}
          {bandLabel && (
            <Area dataKey="band" name={bandLabel} stroke="#74c0fc" strokeOpacity={0.5} strokeWidth={0.5} fill="#74c0fc" fillOpacity={0.12} isAnimationActive={false} connectNulls legendType="square" />
          )}
          {bandLabel && <Line dataKey="expected" name={expectedLabel ?? t("charts.expected")} stroke="#4dabf7" strokeDasharray="4 3" dot={false} strokeWidth={1} isAnimationActive={false} connectNulls />}
          {lines.map((l, i) => (
            <Line
              key={l.key}
              dataKey={l.key}
              name={l.label}
              stroke={l.color ?? SERIES_COLORS[i % SERIES_COLORS.length]}
              strokeDasharray={l.dashed ? "5 4" : undefined}
              dot={false}
              strokeWidth={l.width ?? 1.6}
              isAnimationActive={false}
            />
          ))}
          {shown.map((m, i) => (
            <ReferenceLine
              key={`m${i}`}
              x={m.at}
              stroke={m.color ?? "#c92a2a"}
              strokeOpacity={0.7}
              strokeDasharray="2 3"
              ifOverflow="hidden"
              label={
                placed
                  ? m.labelled
                    ? <MarkerLabel text={`▲ ${m.label}`} row={m.row ?? 0} side={m.side ?? "right"} color={m.color ?? "#c92a2a"} />
                    : undefined
                  : labelled
                    ? { value: `▲ ${m.label}`, position: "insideBottomLeft", fontSize: 10, fill: m.color ?? "#c92a2a" }
                    : undefined
              }
            />
          ))}
        </ComposedChart>
      </ResponsiveContainer>
    </Box>
  );
}

/** A marker's label in its row, beside the line on the given side (recharts passes the line's viewBox). */
function MarkerLabel({ text, row, side, color, viewBox }: { text: string; row: number; side: "right" | "left"; color: string; viewBox?: { x?: number; y?: number } }) {
  const x = (viewBox?.x ?? 0) + (side === "right" ? 3 : -3);
  const y = (viewBox?.y ?? 0) + 11 + row * 12;
  return (
    <text x={x} y={y} fontSize={10} fontWeight={600} fill={color} textAnchor={side === "right" ? "start" : "end"} stroke="#fff" strokeWidth={3} paintOrder="stroke">
      {text}
    </text>
  );
}

/** One marker per label within `minGapMs` (a spike that flaps, or both bucket sizes, mark once). */
function thinMarkers(markers: ChartMarker[], minGapMs: number): ChartMarker[] {
  const last = new Map<string, number>();
  return [...markers]
    .sort((a, b) => a.at - b.at)
    .filter((m) => {
      const prev = last.get(m.label);
      if (prev !== undefined && m.at - prev < minGapMs) return false;
      last.set(m.label, m.at);
      return true;
    });
}
