// The overview's KPI tiles. Memoised: a refresh that changes no total draws nothing here.
import { memo } from "react";
import { Box, Paper, SimpleGrid, Skeleton, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useFormat } from "../../../components/format.tsx";
import { percentAbove } from "../parts.tsx";
import type { Overview } from "./types.ts";

function Kpi({ label, children, hint, testId }: { label: string; children: React.ReactNode; hint?: React.ReactNode; testId?: string }) {
  return (
    <Paper withBorder p="sm" radius="md" data-testid={testId}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Box mt={4}>{children}</Box>
      {hint && (
        <Text size="xs" c="dimmed" mt={2}>
          {hint}
        </Text>
      )}
    </Paper>
  );
}

function KpiValue({ value, expected, yen = false }: { value: number; expected: number | null; yen?: boolean }) {
  const { t } = useTranslation(["volume", "common"]);
  const fmt = useFormat();
  const f = (n: number) => (yen ? fmt.yen(Math.round(n)) : fmt.count(Math.round(n)));
  const pct = percentAbove(value, expected, t("vs.new"), fmt.lang);
  const high = expected !== null && value > expected * 1.25;
  return (
    <>
      {/* Shrinks on a phone so ¥ amounts stay inside their tile. */}
      <Text fz="clamp(16px, 4.6vw, 22px)" fw={700} c={high ? "red.7" : undefined} style={{ fontVariantNumeric: "tabular-nums" }}>
        {f(value)}
      </Text>
      <Text size="xs" c="dimmed">
        {expected === null ? t("kpi.learning") : `${t("kpi.expected", { value: f(expected) })}${pct ? ` (${pct})` : ""}`}
      </Text>
    </>
  );
}

export const OverviewKpis = memo(function OverviewKpis({ kpis, names }: { kpis: Overview["kpis"]; names?: ReadonlyMap<string, string> }) {
  const { t } = useTranslation(["volume", "common"]);
  return (
    <SimpleGrid cols={{ base: 2, md: 5 }} spacing="sm">
      <Kpi label={t("kpi.links")} testId="kpi-links">
        <KpiValue value={kpis.links.value} expected={kpis.links.expected} />
      </Kpi>
      <Kpi label={t("kpi.charges")} testId="kpi-charges">
        <KpiValue value={kpis.charges.value} expected={kpis.charges.expected} />
      </Kpi>
      <Kpi label={t("kpi.charged")} testId="kpi-yen">
        <KpiValue value={kpis.chargedYen.value} expected={kpis.chargedYen.expected} yen />
      </Kpi>
      <Kpi label={t("kpi.spiking")} testId="kpi-spiking" hint={kpis.spikingBanks.length ? kpis.spikingBanks.map((b) => `${names?.get(b.code) ?? b.name} (${b.code})`).join(", ") : t("kpi.noOpenSpike")}>
        <Text fz={22} fw={700} c={kpis.banksSpikingNow > 0 ? "red.7" : undefined}>
          {kpis.banksSpikingNow}
        </Text>
      </Kpi>
      <Kpi label={t("kpi.suspensions")} testId="kpi-suspensions" hint={t("kpi.suspensionsHint", { scheduled: kpis.scheduledSuspensions, denied: kpis.deniedRegistrations })}>
        <Text fz={22} fw={700}>
          {kpis.activeSuspensions}
        </Text>
      </Kpi>
    </SimpleGrid>
  );
});

/** Placeholders of the same size while the first answer is on its way (not a blank spinner). */
export function OverviewSkeleton() {
  const { t } = useTranslation(["volume", "common"]);
  return (
    <Box aria-busy="true" aria-label={t("overview.loading")} data-testid="overview-skeleton">
      <SimpleGrid cols={{ base: 2, md: 5 }} spacing="sm">
        {[0, 1, 2, 3, 4].map((i) => (
          <Skeleton key={i} h={86} radius="md" />
        ))}
      </SimpleGrid>
      <TableSkeleton charts />
    </Box>
  );
}

/** The charts' and the table's placeholders (the KPI tiles are drawn first). */
export function TableSkeleton({ charts = false }: { charts?: boolean }) {
  return (
    <Box aria-hidden="true">
      {charts && (
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md" mt="md">
          <Skeleton h={330} radius="md" />
          <Skeleton h={330} radius="md" />
        </SimpleGrid>
      )}
      <Skeleton h={40} mt="md" radius="md" />
      {[0, 1, 2, 3, 4, 5].map((i) => (
        <Skeleton key={i} h={34} mt={6} radius="sm" />
      ))}
    </Box>
  );
}
