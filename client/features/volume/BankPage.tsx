// One bank: its link and charge volume against its expected band with spike markers, its spikes,
// recent links and charges (masked account numbers), a link to its flagged accounts, then the
// panels other features register for bank pages (suspension with its policy violations, timeline…).
import { Alert, Anchor, Badge, Button, Card, Center, Group, Loader, SimpleGrid, Stack, Table, Text, Title, Tooltip } from "@mantine/core";
import { IconArrowLeft } from "@tabler/icons-react";
import { Suspense, useCallback, useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Link, useParams } from "react-router";
import { useTranslation } from "react-i18next";
import { parseStoredDetector, type VolumeMetric } from "../../../shared/volume/types.ts";
import { JstTime, Yen, useFormat } from "../../components/format.tsx";
import { useScopeWords } from "../../i18n/words.ts";
import { shellSlots } from "../../components/shell-slots.tsx";
import { errorMessage, isNotFound } from "../../lib/errors.ts";
import { useTRPC } from "../../trpc.ts";
import { AuthBadge, REFRESH_MS, RangeControl, VsExpected, useRangeParam } from "./parts.tsx";
import { DEFAULT_FLAG_THRESHOLD } from "../../../shared/accounts/rules.ts";
import { isBankCode } from "../../../shared/bank-code.ts";
import { useCan } from "../auth/useMe.ts";
import { SuspendDialog } from "../suspensions/SuspendDialog.tsx";
import { ChartLegend, LineChart, type ChartMarker } from "./overview/LineChart.tsx";
import { BankAlarms } from "./BankAlarms.tsx";
import { AccountLink } from "../../components/AccountLink.tsx";

const CHARTS: Array<{ metric: VolumeMetric; color: string }> = [
  { metric: "LINK_REGISTERED", color: "#e03131" },
  { metric: "CHARGE_COUNT", color: "#1971c2" },
  { metric: "CHARGE_YEN", color: "#2f9e44" },
  { metric: "LINK_CHANGED", color: "#9c36b5" },
];

export default function BankPage() {
  const { bankCode = "" } = useParams();
  const { t } = useTranslation(["volume", "common"]);
  const fmt = useFormat();
  const formatYen = useCallback((n: number) => fmt.yen(Math.round(n)), [fmt]);
  const formatCount = useCallback((n: number) => fmt.count(Math.round(n)), [fmt]);
  const metricLabel = (m: VolumeMetric) => t(`common:metrics.${m}`);
  const detectorWords = (stored: string) => {
    const d = parseStoredDetector(stored);
    const what = d.kind === "BURST" || d.kind === "CUSUM" ? t(`bank.detector.${d.kind}`) : d.kind;
    return t(d.bucketMinutes === 60 ? "bank.detector.hourly" : "bank.detector.fiveMinute", { what });
  };
  const trpc = useTRPC();
  const [range, setRange] = useRangeParam("24h");
  const customIncomplete = range.range === "custom" && (!range.from || !range.to);
  const q = useQuery({
    ...trpc.volume.bank.queryOptions(
      { bankCode, range: range.range, from: range.from, to: range.to },
      { refetchInterval: REFRESH_MS, placeholderData: keepPreviousData },
    ),
    enabled: isBankCode(bankCode) && !customIncomplete,
  });
  const b = q.data;
  const canSuspend = useCan("suspensions.suspend");
  const canSeeAccounts = useCan("accounts.list");
  const [suspendOpen, setSuspendOpen] = useState(false);
  const { t: ta } = useTranslation("alarms");
  // The bank's state comes from its alarm (what the banner lists); an acknowledged one is shown as such.
  const openAlarms = b?.alarms.filter((a) => a.endedAt === null) ?? [];
  const unacknowledged = openAlarms.filter((a) => !a.acknowledged);
  const shown = unacknowledged.length > 0 ? unacknowledged : openAlarms;
  const openSince = shown.length > 0 ? new Date(Math.min(...shown.map((a) => a.startedAt.getTime()))) : null;
  const openEvidence = [...new Set(shown.map((a) => a.evidence))];

  if (!isBankCode(bankCode)) return <Alert color="red">{t("bank.notCode", { code: bankCode })}</Alert>;

  return (
    <Stack gap="md">
      <Anchor component={Link} to="/overview" size="sm">
        <Group gap={4}>
          <IconArrowLeft size={14} /> {t("bank.back")}
        </Group>
      </Anchor>
      {q.error && <Alert color="red" title={isNotFound(q.error) ? t("bank.notFound") : t("bank.loadFailed")} data-testid={isNotFound(q.error) ? "page-not-found" : undefined}>{errorMessage(q.error)}</Alert>}
      {q.isPending && !customIncomplete && (
        <Center p="xl">
          <Group gap="sm">
            <Loader size="sm" aria-label={t("bank.loadingAria")} />
            <Text c="dimmed">{t("bank.loading", { code: bankCode })}</Text>
          </Group>
        </Center>
      )}
      {customIncomplete && <Alert color="gray">{t("range.customIncomplete")}</Alert>}
      {b && (
        <>
          <Group justify="space-between" align="flex-start" wrap="wrap" data-testid="bank-header">
            <Stack gap={4}>
              <Group gap="xs" align="baseline">
                <Title order={2}>
                  {b.bank.name}{" "}
                  <Text span c="dimmed" fz="lg">
                    {b.bank.code}
                  </Text>
                </Title>
                {b.bank.nameKana && (
                  <Text size="sm" c="dimmed">
                    {b.bank.nameKana}
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
                <Button color="red" onClick={() => setSuspendOpen(true)} data-testid="bank-suspend">
                  {t("bank.suspend")}
                </Button>
              )}
              <RangeControl value={range} onChange={setRange} />
              <Text size="xs" c="dimmed">
                {t("bank.updated", { at: b.generatedAt, minutes: b.window.bucketMinutes })}
              </Text>
            </Stack>
          </Group>
          {canSuspend && <SuspendDialog bankCodes={[b.bank.code]} opened={suspendOpen} onClose={() => setSuspendOpen(false)} />}

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
                    ariaLabel={t("bank.chartAria", { metric: metricLabel(metric), name: b.bank.name })}
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

          <BankAlarms bankName={b.bank.name} alarms={b.alarms} />

          <Card withBorder padding="sm">
            <Text fw={600} size="sm" mb="xs">
              {t("bank.spikesTitle")}
            </Text>
            {b.spikes.length === 0 ? (
              <Text size="sm" c="dimmed">
                {t("bank.noSpikes")}
              </Text>
            ) : (
              <Table.ScrollContainer minWidth={800}>
                <Table striped data-testid="bank-spikes">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t("bank.col.metric")}</Table.Th>
                      <Table.Th>{t("bank.col.detector")}</Table.Th>
                      <Table.Th>{t("bank.col.started")}</Table.Th>
                      <Table.Th>{t("bank.col.peak")}</Table.Th>
                      <Table.Th>{t("bank.col.severity")}</Table.Th>
                      <Table.Th>{t("bank.col.ended")}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {b.spikes.map((s) => (
                      <Table.Tr key={`${s.metric}:${s.detector}:${s.startedAt.getTime()}`}>
                        <Table.Td>{metricLabel(s.metric)}</Table.Td>
                        <Table.Td>{detectorWords(s.detector)}</Table.Td>
                        <Table.Td>
                          <JstTime at={s.startedAt} />
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">
                            {s.metric === "CHARGE_YEN" ? fmt.yen(Math.round(s.peakValue)) : fmt.count(s.peakValue)}{" "}
                            <Text span size="xs" c="dimmed">
                              {t("bank.peakVs", { expected: s.metric === "CHARGE_YEN" ? fmt.yen(Math.round(s.peakExpected)) : s.peakExpected.toFixed(1) })} <JstTime at={s.peakAt} />
                            </Text>
                          </Text>
                        </Table.Td>
                        <Table.Td>z {s.severity.toFixed(1)}</Table.Td>
                        <Table.Td>
                          {s.endedAt ? (
                            <JstTime at={s.endedAt} />
                          ) : (
                            <Badge color="red" size="sm">
                              {t("bank.open")}
                            </Badge>
                          )}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
          </Card>

          <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
            <Card withBorder padding="sm">
              <Text fw={600} size="sm" mb="xs">
                {t("bank.recentLinks")}
              </Text>
              {b.recentLinks.length === 0 ? (
                <Text size="sm" c="dimmed">
                  {t("bank.noLinks")}
                </Text>
              ) : (
                <Table striped fz="xs" data-testid="bank-recent-links">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t("bank.col.registered")}</Table.Th>
                      <Table.Th>{t("bank.col.account")}</Table.Th>
                      <Table.Th>{t("bank.col.bankAccount")}</Table.Th>
                      <Table.Th>{t("bank.col.holder")}</Table.Th>
                      <Table.Th>{t("bank.col.status")}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {b.recentLinks.map((l) => (
                      <Table.Tr key={l.id}>
                        <Table.Td style={{ whiteSpace: "nowrap" }}>
                          <JstTime at={l.registeredAt} />
                        </Table.Td>
                        <Table.Td>
                          <AccountLink accountId={l.accountId} size="xs" />
                        </Table.Td>
                        <Table.Td style={{ fontFamily: "monospace" }}>
                          {l.branchCode}-{l.accountNumberMasked}
                        </Table.Td>
                        <Table.Td>{l.holderName}</Table.Td>
                        <Table.Td>{l.status}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              )}
            </Card>
            <Card withBorder padding="sm">
              <Text fw={600} size="sm" mb="xs">
                {t("bank.recentCharges")}
              </Text>
              {b.recentCharges.length === 0 ? (
                <Text size="sm" c="dimmed">
                  {t("bank.noCharges")}
                </Text>
              ) : (
                <Table striped fz="xs" data-testid="bank-recent-charges">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t("bank.col.time")}</Table.Th>
                      <Table.Th>{t("bank.col.account")}</Table.Th>
                      <Table.Th>{t("bank.col.bankAccount")}</Table.Th>
                      <Table.Th style={{ textAlign: "right" }}>{t("bank.col.amount")}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {b.recentCharges.map((c) => (
                      <Table.Tr key={c.id}>
                        <Table.Td style={{ whiteSpace: "nowrap" }}>
                          <JstTime at={c.occurredAt} />
                        </Table.Td>
                        <Table.Td>
                          <AccountLink accountId={c.accountId} size="xs" />
                        </Table.Td>
                        <Table.Td style={{ fontFamily: "monospace" }}>
                          {c.branchCode}-{c.accountNumberMasked}
                        </Table.Td>
                        <Table.Td style={{ textAlign: "right" }}>
                          <Yen value={c.amountYen} />
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              )}
            </Card>
          </SimpleGrid>

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
              <Component bankCode={b.bank.code} />
            </Suspense>
          ))}
        </>
      )}
    </Stack>
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
