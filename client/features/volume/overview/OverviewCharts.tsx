// The overview's charts: new links and charges by bank, and registrations denied. The banks with an
// open spike are drawn on top, thick and in colour, and lead the legend; the other banks drawn one
// by one are muted grey, "all other banks" a dashed line. One "spike began" marker per bank, labels
// in rows so they never overlap, on the inner side near the right edge so they are never cut
// (LineChart places them from their widths).
// Plain SVG (LineChart.tsx), no chart library: a redraw costs a few milliseconds.
import { memo, useCallback, useMemo } from "react";
import { Card, SimpleGrid, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useFormat } from "../../../components/format.tsx";
import { ChartLegend, LineChart, type ChartMarker, type ChartRegion } from "./LineChart.tsx";
import { chartLines, legendEntries, MUTED_COLOR, spikingColors } from "./chart-data.ts";
import type { ChartData, Overview } from "./types.ts";

type Marker = Overview["spikeMarkers"]["links"][number];

interface BankChartProps {
  title: string;
  note: string;
  testId: string;
  ariaLabel: string;
  chart: ChartData;
  markers: Marker[];
  colors: Map<string, string>;
  regions: ChartRegion[];
  selectedName: string | null;
  names: ReadonlyMap<string, string>;
  bucketMinutes: number;
  yen: boolean;
}

const BankChart = memo(function BankChart({ title, note, testId, ariaLabel, chart, markers, colors, regions, selectedName, names, bucketMinutes, yen }: BankChartProps) {
  const { t } = useTranslation(["volume", "common"]);
  const fmt = useFormat();
  // The server names the lines in English: the summed line says so in the reader's language, a bank's
  // line has the bank's name in it.
  const lines = useMemo(
    () => chartLines(chart.series.map((s) => (!s.bankCode ? { ...s, label: t("charts.others") } : names.has(s.bankCode) ? { ...s, label: `${names.get(s.bankCode)} (${s.bankCode})` } : s)), colors),
    [chart.series, colors, names, t],
  );
  const legend = useMemo(() => legendEntries(lines, (count) => t("charts.moreBanks", { count })).map((e) => ({ ...e, thin: e.color === MUTED_COLOR })), [lines, t]);
  const placed = useMemo<ChartMarker[]>(() => markers.map((m) => ({ at: m.at, label: m.bankCode, color: colors.get(m.bankCode) ?? "#868e96", key: m.bankCode })), [markers, colors]);
  const format = useCallback((n: number) => (yen ? fmt.yen(Math.round(n)) : fmt.count(Math.round(n))), [yen, fmt]);
  return (
    <Card withBorder padding="sm">
      <Text fw={600} size="sm" mb={4}>
        {title}
        <Text span size="xs" c="dimmed">
          {" "}
          · {note}
        </Text>
      </Text>
      <LineChart
        testId={testId}
        ariaLabel={ariaLabel}
        points={chart.points}
        lines={lines}
        bandLabel={selectedName ? t("charts.normalBandOf", { name: selectedName }) : undefined}
        expectedLabel={selectedName ? t("charts.expectedOf", { name: selectedName }) : undefined}
        markers={placed}
        regions={regions}
        bucketMinutes={bucketMinutes}
        formatValue={format}
      />
      <ChartLegend entries={legend} />
    </Card>
  );
});

const DeniedChart = memo(function DeniedChart({ series, bucketMinutes }: { series: Overview["deniedSeries"]; bucketMinutes: number }) {
  const { t } = useTranslation(["volume", "common"]);
  const fmt = useFormat();
  const format = useCallback((n: number) => fmt.count(Math.round(n)), [fmt]);
  const lines = useMemo(() => [{ key: "value", label: t("charts.deniedLine"), color: "#d9480f" }], [t]);
  return (
    <Card withBorder padding="sm">
      <Text fw={600} size="sm" mb={4}>
        {t("charts.denied")}
      </Text>
      {series.some((p) => p.value > 0) ? (
        <LineChart testId="denied-chart" ariaLabel={t("charts.deniedAria")} height={140} points={series} lines={lines} bucketMinutes={bucketMinutes} formatValue={format} />
      ) : (
        <Text size="sm" c="dimmed">
          {t("charts.noDenied")}
        </Text>
      )}
    </Card>
  );
});

export interface OverviewChartsProps {
  linkChart: ChartData;
  chargeChart: ChartData;
  deniedSeries: Overview["deniedSeries"];
  spikeMarkers: Overview["spikeMarkers"];
  suspensionRegions: Overview["suspensionRegions"];
  chartBanks: Overview["chartBanks"];
  selectedName: string | null;
  /** Bank names in the reader's language, by code (the series labels the server wrote are English). */
  names: ReadonlyMap<string, string>;
  bucketMinutes: number;
  chargeMeasure: "count" | "yen";
}

export default function OverviewCharts(p: OverviewChartsProps) {
  const colors = useMemo(() => spikingColors(p.chartBanks), [p.chartBanks]);
  const { t } = useTranslation(["volume", "common"]);
  const regions = useMemo(() => p.suspensionRegions.map((r) => ({ from: r.from, to: r.to, label: t("charts.suspendedRegion", { name: p.names.get(r.bankCode) ?? r.bankName }) })), [p.suspensionRegions, p.names, t]);
  const note = t("charts.note", { minutes: p.bucketMinutes });
  return (
    <>
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <BankChart
          title={t("charts.links")}
          note={note}
          testId="links-chart"
          ariaLabel={t("charts.linksAria")}
          chart={p.linkChart}
          markers={p.spikeMarkers.links}
          colors={colors}
          regions={regions}
          selectedName={p.selectedName}
          names={p.names}
          bucketMinutes={p.bucketMinutes}
          yen={false}
        />
        <BankChart
          title={p.chargeMeasure === "yen" ? t("charts.chargedYen") : t("charts.charges")}
          note={note}
          testId="charges-chart"
          ariaLabel={t("charts.chargesAria")}
          chart={p.chargeChart}
          markers={p.spikeMarkers.charges}
          colors={colors}
          regions={regions}
          selectedName={p.selectedName}
          names={p.names}
          bucketMinutes={p.bucketMinutes}
          yen={p.chargeMeasure === "yen"}
        />
      </SimpleGrid>
      <DeniedChart series={p.deniedSeries} bucketMinutes={p.bucketMinutes} />
    </>
  );
}

