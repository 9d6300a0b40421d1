// A sparkline as one static SVG polyline: no chart library, no measuring, no animation. The table
// shows two per bank; as recharts charts they were most of the overview's redraw work.
import { memo } from "react";
import { sparkPoints } from "./chart-data.ts";

const W = 68;
const H = 26;

export const Sparkline = memo(function Sparkline({ values, color = "#1971c2", label }: { values: readonly number[]; color?: string; label: string }) {
  return (
    <svg width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} style={{ display: "block", flex: "none" }}>
      <polyline points={sparkPoints(values, W, H)} fill="none" stroke={color} strokeWidth={1.4} strokeLinejoin="round" />
    </svg>
  );
});
