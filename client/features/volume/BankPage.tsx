// One bank: its link and charge volume against its expected band with spike markers, its spikes,
// recent links and charges (masked account numbers), a link to its flagged accounts, then the
// panels other features register for bank pages (suspension with its policy violations, timeline…).
import { Alert, Anchor, Badge, Button, Card, Center, Group, Loader, SimpleGrid, Stack, Table, Text, Title, Tooltip } from "@mantine/core";
import { IconArrowLeft } from "@tabler/icons-react";
import { Suspense, useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Link, useParams } from "react-router";
import { useTranslation } from "react-i18next";
import { formatCount, formatJst, formatYen } from "../../../shared/format.ts";
import { METRIC_LABELS, type VolumeMetric } from "../../../shared/volume/types.ts";
import { JstTime, Yen } from "../../components/format.tsx";
import { shellSlots } from "../../components/shell-slots.tsx";
import { errorMessage, isNotFound } from "../../lib/errors.ts";
import { useTRPC } from "../../trpc.ts";
import { AuthBadge, REFRESH_MS, RangeControl, VsExpected, useRangeParam } from "./parts.tsx";
import { DEFAULT_FLAG_THRESHOLD } from "../../../shared/accounts/rules.ts";
import { scopeWords } from "../../../shared/suspensions/describe.ts";
import type { SuspensionScope } from "../../../shared/suspensions/schemas.ts";
import { useCan } from "../auth/useMe.ts";
import { SuspendDialog } from "../suspensions/SuspendDialog.tsx";
import { VolumeChart } from "./VolumeChart.tsx";
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
  const trpc = useTRPC();
  const [range, setRange] = useRangeParam("24h");
  const customIncomplete = range.range === "custom" && (!range.from || !range.to);
  const q = useQuery({
    ...trpc.volume.bank.queryOptions(
      { bankCode, range: range.range, from: range.from, to: range.to },
      { refetchInterval: REFRESH_MS, placeholderData: keepPreviousData },
    ),
    enabled: /^\d{4}$/.test(bankCode) && !customIncomplete,
  });
  const b = q.data;
  const canSuspend = useCan("suspensions.suspend");
  const canSeeAccounts = useCan("accounts.list");
  const [suspendOpen, setSuspendOpen] = useState(false);
  const { t } = useTranslation("alarms");
  // The bank's state comes from its alarm (what the banner lists); an acknowledged one is shown as such.
  const openAlarms = b?.alarms.filter((a) => a.endedAt === null) ?? [];
  const unacknowledged = openAlarms.filter((a) => !a.acknowledged);
  const shown = unacknowledged.length > 0 ? unacknowledged : openAlarms;
  const openSince = shown.length > 0 ? new Date(Math.min(...shown.map((a) => a.startedAt.getTime()))) : null;
  const openEvidence = [...new Set(shown.map((a) => a.evidence))];

  if (!/^\d{4}$/.test(bankCode)) return <Alert color="red">“{bankCode}” is not a bank code: bank codes have 4 digits.</Alert>;

  return (
    <Stack gap="md">
      <Anchor component={Link} to="/overview" size="sm">
        <Group gap={4}>
          <IconArrowLeft size={14} /> Overview
        </Group>
      </Anchor>
      {q.error && <Alert color="red" title={isNotFound(q.error) ? "Bank not found" : "This bank could not be loaded"} data-testid={isNotFound(q.error) ? "page-not-found" : undefined}>{errorMessage(q.error)}</Alert>}
      {q.isPending && !customIncomplete && (
        <Center p="xl">
          <Group gap="sm">
            <Loader size="sm" aria-label="Loading the bank" />
            <Text c="dimmed">Loading bank {bankCode}…</Text>
          </Group>
        </Center>
      )}
      {customIncomplete && <Alert color="gray">Choose a start and an end (JST) for the custom range.</Alert>}
      {b && (
        <>
          <Group justify="space-between" align="flex-start" wrap="nowrap" data-testid="bank-header">
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
                  <Tooltip label={openEvidence.map((e) => t(`evidence.${e}`)).join(", ")}>
                    <Badge color={unacknowledged.length > 0 ? "red" : "gray"} variant="filled" size="md" style={{ textTransform: "none" }} data-testid="bank-spiking-since">
                      {t(unacknowledged.length > 0 ? "spikingSince" : "acknowledgedSince", { at: openSince })}
                    </Badge>
                  </Tooltip>
                )}
                <BankSuspensionState status={b.suspension} />
                <AuthBadge method={b.bank.authMethod} />
                {b.learning && (
                  <Tooltip label="Not enough history yet for an expected level: no spikes are raised until there is.">
                    <Badge color="gray" variant="outline" size="sm" data-testid="baseline-learning">
                      baseline: learning
                    </Badge>
                  </Tooltip>
                )}
              </Group>
              {canSeeAccounts && (
                <Anchor component={Link} to={`/accounts?bank=${b.bank.code}&scoreMin=${DEFAULT_FLAG_THRESHOLD}`} size="sm" data-testid="bank-flagged-link">
                  Flagged accounts at this bank
                </Anchor>
              )}
            </Stack>
            <Stack gap={4} align="flex-end">
              {canSuspend && (
                <Button color="red" onClick={() => setSuspendOpen(true)} data-testid="bank-suspend">
                  Suspend…
                </Button>
              )}
              <RangeControl value={range} onChange={setRange} />
              <Text size="xs" c="dimmed">
                Updated {formatJst(b.generatedAt)} · {b.window.bucketMinutes}-minute buckets
              </Text>
            </Stack>
          </Group>
          {canSuspend && <SuspendDialog bankCodes={[b.bank.code]} opened={suspendOpen} onClose={() => setSuspendOpen(false)} />}

          <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
            {CHARTS.map(({ metric, color }) => {
              const s = b.series.find((x) => x.metric === metric)!;
              const yen = metric === "CHARGE_YEN";
              const markers = b.spikes
                .filter((x) => x.metric === metric && x.startedAt.getTime() >= b.window.from.getTime())
                .map((x) => ({ at: Math.floor(x.startedAt.getTime() / (b.window.bucketMinutes * 60_000)) * b.window.bucketMinutes * 60_000, label: x.endedAt ? "spike" : "spike (open)" }));
              return (
                <Card withBorder padding="sm" key={metric}>
                  <Group justify="space-between" mb={4}>
                    <Text fw={600} size="sm">
                      {METRIC_LABELS[metric]}
                    </Text>
                    <VsExpected value={s.total} expected={s.expectedTotal} yen={yen} />
                  </Group>
                  <VolumeChart
                    testId={`bank-chart-${metric}`}
                    ariaLabel={`${METRIC_LABELS[metric]} at ${b.bank.name} over time`}
                    height={220}
                    points={s.points.map((p) => ({ at: p.at, value: p.value, expected: p.expected, band: p.band }))}
                    lines={[{ key: "value", label: "Observed", color }]}
                    bandLabel="Normal band"
                    markers={dedupeMarkers(markers)}
                    regions={b.suspensionRegions.map((r) => ({ from: r.from, to: r.to, label: "suspended" }))}
                    bucketMinutes={b.window.bucketMinutes}
                    formatValue={(n) => (yen ? formatYen(Math.round(n)) : formatCount(Math.round(n)))}
                  />
                </Card>
              );
            })}
          </SimpleGrid>

          <BankAlarms bankName={b.bank.name} alarms={b.alarms} />

          <Card withBorder padding="sm">
            <Text fw={600} size="sm" mb="xs">
              Spikes in this range
            </Text>
            {b.spikes.length === 0 ? (
              <Text size="sm" c="dimmed">
                No spike was detected at this bank in this range.
              </Text>
            ) : (
              <Table.ScrollContainer minWidth={800}>
                <Table striped data-testid="bank-spikes">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Metric</Table.Th>
                      <Table.Th>Detector</Table.Th>
                      <Table.Th>Started</Table.Th>
                      <Table.Th>Peak</Table.Th>
                      <Table.Th>Severity</Table.Th>
                      <Table.Th>Ended</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {b.spikes.map((s) => (
                      <Table.Tr key={`${s.metric}:${s.detector}:${s.startedAt.getTime()}`}>
                        <Table.Td>{METRIC_LABELS[s.metric]}</Table.Td>
                        <Table.Td>{s.detectorLabel}</Table.Td>
                        <Table.Td>
                          <JstTime at={s.startedAt} />
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">
                            {s.metric === "CHARGE_YEN" ? formatYen(Math.round(s.peakValue)) : formatCount(s.peakValue)}{" "}
                            <Text span size="xs" c="dimmed">
                              vs {s.metric === "CHARGE_YEN" ? formatYen(Math.round(s.peakExpected)) : s.peakExpected.toFixed(1)} expected, <JstTime at={s.peakAt} />
                            </Text>
                          </Text>
                        </Table.Td>
                        <Table.Td>z {s.severity.toFixed(1)}</Table.Td>
                        <Table.Td>
                          {s.endedAt ? (
                            <JstTime at={s.endedAt} />
                          ) : (
                            <Badge color="red" size="sm">
                              open
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
                Recent links
              </Text>
              {b.recentLinks.length === 0 ? (
                <Text size="sm" c="dimmed">
                  No link has been registered at this bank.
                </Text>
              ) : (
                <Table striped fz="xs" data-testid="bank-recent-links">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Registered</Table.Th>
                      <Table.Th>Account</Table.Th>
                      <Table.Th>Bank account</Table.Th>
                      <Table.Th>Holder</Table.Th>
                      <Table.Th>Status</Table.Th>
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
                Recent charges
              </Text>
              {b.recentCharges.length === 0 ? (
                <Text size="sm" c="dimmed">
                  No charge has been drawn on this bank.
                </Text>
              ) : (
                <Table striped fz="xs" data-testid="bank-recent-charges">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Time</Table.Th>
                      <Table.Th>Account</Table.Th>
                      <Table.Th>Bank account</Table.Th>
                      <Table.Th style={{ textAlign: "right" }}>Amount</Table.Th>
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
                    Loading the {key} panel…
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

function dedupeMarkers<T extends { at: number }>(list: T[]): T[] {
  const seen = new Set<number>();
  return list.filter((m) => (seen.has(m.at) ? false : (seen.add(m.at), true)));
}

/** "Suspended since … : registrations and link changes", "Suspension scheduled for …", or "Not suspended". */
function BankSuspensionState({ status }: { status: { state: string; scopes: string[]; startsAt: Date | null } }) {
  if (status.state === "NONE" || !status.startsAt) {
    return (
      <Badge color="gray" variant="outline" size="md" style={{ textTransform: "none" }} data-testid="bank-suspension-state">
        Not suspended
      </Badge>
    );
  }
  const scopes = scopeWords(status.scopes as SuspensionScope[]);
  return (
    <Badge color={status.state === "ACTIVE" ? "orange" : "yellow"} variant="filled" size="md" style={{ textTransform: "none" }} data-testid="bank-suspension-state">
      {status.state === "ACTIVE" ? "Suspended since" : "Suspension scheduled for"} {formatJst(status.startsAt)}: {scopes}
    </Badge>
  );
}
