// The bank page's parts (BankPage.tsx holds the query and the layout): the header with the bank's
// state and actions, the four charts, and the panels other features register for bank pages
// (client/slots.ts). Its tables (spikes, recent links and charges) are in bank-tables.tsx.
import { Anchor, Badge, Button, Card, Group, Loader, SimpleGrid, Stack, Text, Title, Tooltip } from "@mantine/core";
import { Suspense, useCallback } from "react";
import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import type { VolumeMetric } from "../../../shared/volume/types.ts";
import { DEFAULT_FLAG_THRESHOLD } from "../../../shared/accounts/rules.ts";
import { useFormat } from "../../components/format.tsx";
import { shellSlots } from "../../components/shell-slots.tsx";
import { useScopeWords } from "../../i18n/words.ts";
import { useCan } from "../auth/useMe.ts";
import { AuthBadge, RangeControl, VsExpected, type RangeState } from "./parts.tsx";
import { ChartLegend, LineChart, type ChartMarker } from "./overview/LineChart.tsx";
import type { BankVolumeView } from "./queries.ts";

const CHARTS: Array<{ metric: VolumeMetric; color: string }> = [
  { metric: "LINK_REGISTERED", color: "#e03131" },
  { metric: "CHARGE_COUNT", color: "#1971c2" },
  { metric: "CHARGE_YEN", color: "#2f9e44" },
  { metric: "LINK_CHANGED", color: "#9c36b5" },
];

/** Name, alarm and suspension state, baseline learning, the flagged-accounts link; suspend and the range on the right. */
export function BankHeader({ b, range, onRange, onSuspend }: { b: BankVolumeView; range: RangeState; onRange: (r: RangeState) => void; onSuspend: () => void }) {
  const { t } = useTranslation(["volume", "common"]);
  const { t: ta } = useTranslation("alarms");
  const canSuspend = useCan("suspensions.suspend");
  const canSeeAccounts = useCan("accounts.list");
  const fmt = useFormat();
  // The bank's state comes from its alarm (what the banner lists); an acknowledged one is shown as such.
  const openAlarms = b.alarms.filter((a) => a.endedAt === null);
  const unacknowledged = openAlarms.filter((a) => !a.acknowledged);
  const shown = unacknowledged.length > 0 ? unacknowledged : openAlarms;
  const openSince = shown.length > 0 ? new Date(Math.min(...shown.map((a) => a.startedAt.getTime()))) : null;
  const openEvidence = [...new Set(shown.map((a) => a.evidence))];
  return (
    <Group justify="space-between" align="flex-start" wrap="wrap" data-testid="bank-header">
      <Stack gap={4}>
        <Group gap="xs" align="baseline">
          <Title order={2} data-testid="bank-title">
            {fmt.bank(b.bank.name, b.bank.nameJa)}{" "}
            <Text span c="dimmed" fz="lg">
              {b.bank.code}
            </Text>
          </Title>
          {/* The other language's name beside it. */}
          {b.bank.nameJa && (
            <Text size="sm" c="dimmed">
              {fmt.lang === "ja" ? b.bank.name : b.bank.nameJa}
            </Text>
          )}
        </Group>
        <Group gap="xs">
          {openSince && (
            <Tooltip label={openEvidence.map((e) => ta(`evidence.${e}`)).join(", ")}>
              <Badge color={unacknowledged.length > 0 ? "red" : "gray"} variant="filled" size="md" style={{ textTransform: "none" }} data-testid="bank-spiking-since">
                {ta(unacknowledged.length > 0 ? "spikingSince" : "acknowledgedSince", { at: openSince })}
              </Badge>
            </Tooltip>
          )}
          <BankSuspensionState status={b.suspension} />
          <AuthBadge method={b.bank.authMethod} />
          {b.learning && (
            <Tooltip label={t("bank.learningHint")}>
              <Badge color="gray" variant="outline" size="sm" data-testid="baseline-learning">
                {t("bank.learning")}
              </Badge>
            </Tooltip>
          )}
        </Group>
        {canSeeAccounts && (
          <Anchor component={Link} to={`/accounts?bank=${b.bank.code}&scoreMin=${DEFAULT_FLAG_THRESHOLD}`} size="sm" data-testid="bank-flagged-link">
            {t("bank.flaggedLink")}
          </Anchor>
        )}
      </Stack>
      <Stack gap={4} align="flex-end">
        {canSuspend && (
          <Button color="red" onClick={onSuspend} data-testid="bank-suspend">
            {t("bank.suspend")}
          </Button>
        )}
        <RangeControl value={range} onChange={onRange} />
        <Text size="xs" c="dimmed">
          {t("bank.updated", { at: b.generatedAt, minutes: b.window.bucketMinutes })}
        </Text>
      </Stack>
    </Group>
  );
}

/** Links, charges, charged yen and link changes against the expected band, with the spike and suspension marks. */
export function BankCharts({ b }: { b: BankVolumeView }) {
  const { t } = useTranslation(["volume", "common"]);
  const fmt = useFormat();
  const formatYen = useCallback((n: number) => fmt.yen(Math.round(n)), [fmt]);
  const formatCount = useCallback((n: number) => fmt.count(Math.round(n)), [fmt]);
  const metricLabel = (m: VolumeMetric) => t(`common:metrics.${m}`);
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
      {CHARTS.map(({ metric, color }) => {
        const s = b.series.find((x) => x.metric === metric)!;
        const yen = metric === "CHARGE_YEN";
        const markers = spikeMarker(b.spikes, metric, b.window, color, (open) => (open ? t("charts.spikeOpen") : t("charts.spike")));
        return (
          <Card withBorder padding="sm" key={metric}>
            <Group justify="space-between" mb={4}>
              <Text fw={600} size="sm">
                {metricLabel(metric)}
              </Text>
              <VsExpected value={s.total} expected={s.expectedTotal} yen={yen} />
            </Group>
            <LineChart
              testId={`bank-chart-${metric}`}
              ariaLabel={t("bank.chartAria", { metric: metricLabel(metric), name: fmt.bank(b.bank.name, b.bank.nameJa) })}
              height={220}
              points={s.points.map((p) => ({ at: p.at, value: p.value, expected: p.expected, band: p.band }))}
              lines={[{ key: "value", label: t("charts.observed"), color }]}
              bandLabel={t("charts.normalBand")}
              expectedLabel={t("charts.expected")}
              markers={markers}
              regions={b.suspensionRegions.map((r) => ({ from: r.from, to: r.to, label: t("charts.suspended") }))}
              bucketMinutes={b.window.bucketMinutes}
              formatValue={yen ? formatYen : formatCount}
            />
            <ChartLegend entries={[{ label: t("charts.observed"), color }, { label: t("charts.normalBand"), color: "#74c0fc", band: true }, { label: t("charts.expected"), color: "#4dabf7", dashed: true }]} />
          </Card>
        );
      })}
    </SimpleGrid>
  );
}

/** The panels other features register for bank pages, each loaded lazily: the rest of the page does not wait for them. */
export function BankPanels({ bankCode }: { bankCode: string }) {
  const { t } = useTranslation("volume");
  return (
    <>
      {shellSlots.bankPanels.map(({ key, Component }) => (
        // Panels are loaded lazily (client/slots.ts): the rest of the page does not wait for them.
        <Suspense
          key={key}
          fallback={
            <Group gap="sm" p="sm">
              <Loader size="xs" />
              <Text size="sm" c="dimmed">
                {t("bank.loadingPanel", { key })}
              </Text>
            </Group>
          }
        >
          <Component bankCode={bankCode} />
        </Suspense>
      ))}
    </>
  );
}

/**
 * One "spike began" marker per chart (as on the overview): where the metric's open spike began (the
 * earliest open one), else where its latest spike in the range began.
 */
function spikeMarker(
  spikes: ReadonlyArray<{ metric: VolumeMetric; startedAt: Date; endedAt: Date | null }>,
  metric: VolumeMetric,
  w: { from: Date; bucketMinutes: number },
  color: string,
  label: (open: boolean) => string,
): ChartMarker[] {
  const list = spikes.filter((x) => x.metric === metric && x.startedAt.getTime() >= w.from.getTime());
  const open = list.filter((x) => x.endedAt === null);
  const pick = open.length > 0 ? open.reduce((a, x) => (x.startedAt < a.startedAt ? x : a)) : list.reduce<(typeof list)[number] | null>((a, x) => (a === null || x.startedAt > a.startedAt ? x : a), null);
  if (!pick) return [];
  const bucketMs = w.bucketMinutes * 60_000;
  return [{ at: Math.floor(pick.startedAt.getTime() / bucketMs) * bucketMs, label: label(pick.endedAt === null), color, key: metric }];
}

/** "Suspended since … : registrations and link changes", "Suspension scheduled for …", or "Not suspended". */
function BankSuspensionState({ status }: { status: { state: string; scopes: string[]; startsAt: Date | null } }) {
  const { t } = useTranslation("volume");
  const scopeWords = useScopeWords();
  if (status.state === "NONE" || !status.startsAt) {
    return (
      <Badge color="gray" variant="outline" size="md" style={{ textTransform: "none" }} data-testid="bank-suspension-state">
        {t("bank.notSuspended")}
      </Badge>
    );
  }
  const scopes = scopeWords(status.scopes);
  return (
    <Badge color={status.state === "ACTIVE" ? "orange" : "yellow"} variant="filled" size="md" style={{ textTransform: "none" }} data-testid="bank-suspension-state">
      {t(status.state === "ACTIVE" ? "bank.suspendedSince" : "bank.scheduledFor", { at: status.startsAt, scopes })}
    </Badge>
  );
}
