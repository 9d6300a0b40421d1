// The overview: which bank is spiking, since when, how far above normal. KPI tiles, link and charge
// volume by bank (top banks by deviation plus the rest) with the selected bank's expected band,
// spike markers and suspension periods, and a per-bank table. Range, measure, selected bank, table
// filter, sort and the banks ticked for a suspension live in the URL; the data refreshes every few
// seconds without resetting any of it.
import { useMemo, useState } from "react";
import { Alert, Anchor, Badge, Box, Button, Card, Center, Checkbox, Group, Loader, Paper, SegmentedControl, Select, SimpleGrid, Stack, Table, Text, TextInput, Title, Tooltip, UnstyledButton } from "@mantine/core";
import { IconArrowDown, IconArrowUp, IconArrowsSort, IconSearch } from "@tabler/icons-react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { flexRender, getCoreRowModel, getFilteredRowModel, getSortedRowModel, useReactTable, type ColumnDef, type SortingState } from "@tanstack/react-table";
import { Link, useNavigate, useSearchParams } from "react-router";
import { formatCount, formatJst, formatYen } from "../../../shared/format.ts";
import { METRIC_LABELS } from "../../../shared/volume/types.ts";
import type { AppRouter } from "../../../server/trpc/app-router.ts";
import type { inferRouterOutputs } from "@trpc/server";
import { errorMessage } from "../../lib/errors.ts";
import { useTRPC } from "../../trpc.ts";
import { useCan } from "../auth/useMe.ts";
import { SuspendDialog } from "../suspensions/SuspendDialog.tsx";
import { AuthBadge, REFRESH_MS, RangeControl, SuspensionBadge, VsExpected, percentAbove, useRangeParam } from "./parts.tsx";
import { OTHERS_COLOR, SERIES_COLORS, Sparkline, VolumeChart, type ChartLine } from "./VolumeChart.tsx";

type Overview = inferRouterOutputs<AppRouter>["volume"]["overview"];
type BankRow = Overview["banks"][number];
type ChartData = Overview["linkChart"];

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
  const f = (n: number) => (yen ? formatYen(Math.round(n)) : formatCount(Math.round(n)));
  const pct = percentAbove(value, expected);
  const high = expected !== null && value > expected * 1.25;
  return (
    <>
      <Text fz={22} fw={700} c={high ? "red.7" : undefined} style={{ fontVariantNumeric: "tabular-nums" }}>
        {f(value)}
      </Text>
      <Text size="xs" c="dimmed">
        {expected === null ? "baseline learning" : `expected ${f(expected)}${pct ? ` (${pct})` : ""}`}
      </Text>
    </>
  );
}

/** Lines for a chart: the top banks in colour, the rest in grey. */
function chartLines(c: ChartData, colorOf: (code: string) => string): ChartLine[] {
  return c.series.map((s) => ({ key: s.key, label: s.label, color: s.bankCode ? colorOf(s.bankCode) : OTHERS_COLOR, dashed: !s.bankCode }));
}

function SortHeader({ label, sorted, onClick }: { label: string; sorted: false | "asc" | "desc"; onClick?: (e: unknown) => void }) {
  const Icon = sorted === "asc" ? IconArrowUp : sorted === "desc" ? IconArrowDown : IconArrowsSort;
  return (
    <UnstyledButton onClick={onClick} aria-label={`Sort by ${label}`}>
      <Group gap={4} wrap="nowrap">
        <Text size="sm" fw={600}>
          {label}
        </Text>
        <Icon size={14} opacity={sorted ? 1 : 0.4} />
      </Group>
    </UnstyledButton>
  );
}

export default function OverviewPage() {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const [range, setRange] = useRangeParam("24h");
  const chargeMeasure = params.get("charge") === "yen" ? "yen" : "count";
  const selectedParam = params.get("bank") ?? undefined;
  const filter = params.get("q") ?? "";
  const sortParam = params.get("sort") ?? "";
  const ticked = useMemo(() => (params.get("sel") ?? "").split(",").filter((c) => /^\d{4}$/.test(c)), [params]);
  const canSuspend = useCan("suspensions.suspend");
  const [suspendOpen, setSuspendOpen] = useState(false);

  const setParam = (changes: Record<string, string | null>) =>
    setParams(
      (prev) => {
        const p = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(changes)) {
          if (v === null || v === "") p.delete(k);
          else p.set(k, v);
        }
        return p;
      },
      { replace: true },
    );

  const customIncomplete = range.range === "custom" && (!range.from || !range.to);
  const q = useQuery({
    ...trpc.volume.overview.queryOptions(
      { range: range.range, from: range.from, to: range.to, chargeMeasure, bank: selectedParam },
      { refetchInterval: REFRESH_MS, placeholderData: keepPreviousData },
    ),
    enabled: !customIncomplete,
  });
  const o = q.data;

  // One colour per bank, the same in both charts and the table's sparklines.
  const colorOf = useMemo(() => {
    const order = new Map<string, string>();
    for (const s of [...(o?.linkChart.series ?? []), ...(o?.chargeChart.series ?? [])]) {
      if (s.bankCode && !order.has(s.bankCode)) order.set(s.bankCode, SERIES_COLORS[order.size % SERIES_COLORS.length]);
    }
    return (code: string) => order.get(code) ?? "#1971c2";
  }, [o]);

  const sorting: SortingState = sortParam ? [{ id: sortParam.replace(/^-/, ""), desc: sortParam.startsWith("-") }] : [];
  const columns = useMemo<ColumnDef<BankRow>[]>(
    () => [
      {
        id: "select",
        header: () => null,
        cell: ({ row }) => (
          <Checkbox
            aria-label={`Select ${row.original.name}`}
            checked={ticked.includes(row.original.code)}
            onClick={(e) => e.stopPropagation()}
            onChange={(e) => {
              const next = e.currentTarget.checked ? [...ticked, row.original.code] : ticked.filter((c) => c !== row.original.code);
              setParam({ sel: next.join(",") });
            }}
          />
        ),
        enableSorting: false,
      },
      {
        id: "bank",
        header: "Bank",
        accessorFn: (r) => `${r.name} ${r.code} ${r.nameKana ?? ""}`,
        sortingFn: (a, b) => a.original.code.localeCompare(b.original.code),
        cell: ({ row }) => (
          <Stack gap={0} miw={170}>
            <Anchor component={Link} to={`/banks/${row.original.code}`} size="sm" fw={600} onClick={(e) => e.stopPropagation()}>
              {row.original.name}
            </Anchor>
            <Text size="xs" c="dimmed">
              {row.original.code}
              {row.original.nameKana ? ` · ${row.original.nameKana}` : ""}
            </Text>
          </Stack>
        ),
      },
      {
        id: "auth",
        header: "Link auth",
        accessorFn: (r) => r.authMethod,
        cell: ({ row }) => (
          <Box miw={118}>
            <AuthBadge method={row.original.authMethod} />
          </Box>
        ),
      },
      {
        id: "links",
        header: "New links",
        accessorFn: (r) => r.links.value,
        cell: ({ row }) => (
          <Group gap="xs" wrap="nowrap">
            <Sparkline values={row.original.sparkLinks} color={colorOf(row.original.code)} label={`New links at ${row.original.name} over the range`} />
            <VsExpected value={row.original.links.value} expected={row.original.links.expected} />
          </Group>
        ),
      },
      {
        id: "charges",
        header: chargeMeasure === "yen" ? "Charged" : "Charges",
        accessorFn: (r) => (chargeMeasure === "yen" ? r.chargedYen.value : r.charges.value),
        cell: ({ row }) => {
          const m = chargeMeasure === "yen" ? row.original.chargedYen : row.original.charges;
          return (
            <Group gap="xs" wrap="nowrap">
              <Sparkline values={row.original.sparkCharges} color={colorOf(row.original.code)} label={`Charges at ${row.original.name} over the range`} />
              <VsExpected value={m.value} expected={m.expected} yen={chargeMeasure === "yen"} />
            </Group>
          );
        },
      },
      {
        id: "deviation",
        header: "Deviation",
        accessorFn: (r) => r.deviation.z ?? -Infinity,
        cell: ({ row }) => {
          const d = row.original.deviation;
          if (d.z === null) return <Text size="sm" c="dimmed">learning</Text>;
          return (
            <Tooltip
              multiline
              w={280}
              label={`${d.metric ? METRIC_LABELS[d.metric] : ""}: the range's total is ${d.z.toFixed(1)} spreads from its expected total${d.ratio !== null ? ` (${d.ratio.toFixed(2)}× expected)` : ""}; the highest single bucket was ${d.peakZ !== null ? d.peakZ.toFixed(1) : "—"} spreads above.`}
            >
              <Text size="sm" fw={d.z >= 5 ? 700 : 400} c={d.z >= 5 ? "red.7" : undefined} style={{ fontVariantNumeric: "tabular-nums", whiteSpace: "nowrap" }}>
                z {d.z.toFixed(1)}
                {d.ratio !== null && (
                  <Text span size="xs" c="dimmed">
                    {" "}
                    · {d.ratio.toFixed(1)}×
                  </Text>
                )}
              </Text>
            </Tooltip>
          );
        },
      },
      {
        id: "status",
        header: "Spikes",
        accessorFn: (r) => (r.spikingNow ? 1000 : 0) + r.spikesInWindow,
        cell: ({ row }) =>
          row.original.spikingNow ? (
            <Tooltip label={`Open: ${row.original.openSpikeMetrics.map((m) => METRIC_LABELS[m]).join(", ")}`}>
              <Box miw={104}>
                <Badge color="red" variant="filled" size="sm" data-testid="spiking-now">
                  Spiking now
                </Badge>
              </Box>
            </Tooltip>
          ) : row.original.spikesInWindow > 0 ? (
            <Badge color="orange" variant="light" size="sm">
              {row.original.spikesInWindow} in range
            </Badge>
          ) : (
            <Text size="sm" c="dimmed">
              —
            </Text>
          ),
      },
      {
        id: "suspension",
        header: "Suspension",
        accessorFn: (r) => (r.suspension.state === "ACTIVE" ? 2 : r.suspension.state === "SCHEDULED" ? 1 : 0),
        cell: ({ row }) => (
          <Box miw={130}>
            <SuspensionBadge status={row.original.suspension} />
          </Box>
        ),
      },
    ],
    // setParam is recreated each render but only writes the URL.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [ticked, chargeMeasure, colorOf],
  );
  // Ticking banks is only for suspending them.
  const visibleColumns = useMemo(() => (canSuspend ? columns : columns.filter((c) => c.id !== "select")), [columns, canSuspend]);

  const table = useReactTable({
    data: o?.banks ?? [],
    columns: visibleColumns,
    state: { sorting, globalFilter: filter },
    onSortingChange: (updater) => {
      const next = typeof updater === "function" ? updater(sorting) : updater;
      setParam({ sort: next[0] ? `${next[0].desc ? "-" : ""}${next[0].id}` : null });
    },
    globalFilterFn: (row, _id, value: string) => {
      const v = value.trim().toLowerCase();
      if (!v) return true;
      const r = row.original;
      return r.code.includes(v) || r.name.toLowerCase().includes(v) || (r.nameKana ?? "").includes(value.trim());
    },
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
    getRowId: (r) => r.code,
  });

  const bankOptions = (o?.banks ?? []).map((b) => ({ value: b.code, label: `${b.name} (${b.code})` }));
  const regions = (o?.suspensionRegions ?? []).map((r) => ({ from: r.from, to: r.to, label: `${r.bankName} suspended` }));
  const chargeFormat = (n: number) => (chargeMeasure === "yen" ? formatYen(Math.round(n)) : formatCount(Math.round(n)));

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <Stack gap={2}>
          <Title order={2}>Overview</Title>
          <Text c="dimmed" size="sm">
            Link and charge volume by bank against each bank's normal level.{" "}
            <Anchor component={Link} to="/volume/params" size="sm">
              How spikes are detected
            </Anchor>
          </Text>
        </Stack>
        <Text size="xs" c="dimmed" data-testid="overview-updated">
          {o ? `Updated ${formatJst(o.generatedAt)} · refreshes every ${REFRESH_MS / 1000} s` : ""}
          {q.isFetching && o ? " · refreshing…" : ""}
        </Text>
      </Group>

      <Group justify="space-between" align="flex-end">
        <RangeControl value={range} onChange={setRange} />
        <Group gap="sm" align="flex-end">
          <SegmentedControl
            aria-label="Charge measure"
            value={chargeMeasure}
            onChange={(v) => setParam({ charge: v === "yen" ? "yen" : null })}
            data={[
              { value: "count", label: "Charges (count)" },
              { value: "yen", label: "Charged (yen)" },
            ]}
          />
          <Select
            label="Expected band for"
            size="xs"
            w={260}
            searchable
            data={bankOptions}
            value={o?.selectedBank?.code ?? null}
            onChange={(v) => setParam({ bank: v })}
            nothingFoundMessage="No bank matches"
          />
        </Group>
      </Group>

      {customIncomplete && <Alert color="gray">Choose a start and an end (JST) for the custom range.</Alert>}
      {q.error && <Alert color="red" title="The overview could not be loaded">{errorMessage(q.error)}</Alert>}
      {q.isPending && !customIncomplete && (
        <Center p="xl">
          <Group gap="sm">
            <Loader size="sm" aria-label="Loading the overview" />
            <Text c="dimmed">Loading volume by bank…</Text>
          </Group>
        </Center>
      )}

      {o && (
        <>
          <SimpleGrid cols={{ base: 2, md: 5 }} spacing="sm">
            <Kpi label="New links" testId="kpi-links">
              <KpiValue value={o.kpis.links.value} expected={o.kpis.links.expected} />
            </Kpi>
            <Kpi label="Charges" testId="kpi-charges">
              <KpiValue value={o.kpis.charges.value} expected={o.kpis.charges.expected} />
            </Kpi>
            <Kpi label="Charged" testId="kpi-yen">
              <KpiValue value={o.kpis.chargedYen.value} expected={o.kpis.chargedYen.expected} yen />
            </Kpi>
            <Kpi
              label="Banks spiking now"
              testId="kpi-spiking"
              hint={o.kpis.spikingBanks.length ? o.kpis.spikingBanks.map((b) => `${b.name} (${b.code})`).join(", ") : "No open spike"}
            >
              <Text fz={22} fw={700} c={o.kpis.banksSpikingNow > 0 ? "red.7" : undefined}>
                {o.kpis.banksSpikingNow}
              </Text>
            </Kpi>
            <Kpi label="Suspensions in force" testId="kpi-suspensions" hint={`${o.kpis.scheduledSuspensions} scheduled · ${formatCount(o.kpis.deniedRegistrations)} registrations denied in range`}>
              <Text fz={22} fw={700}>
                {o.kpis.activeSuspensions}
              </Text>
            </Kpi>
          </SimpleGrid>

          <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
            <Card withBorder padding="sm">
              <Text fw={600} size="sm" mb={4}>
                New links by bank
                <Text span size="xs" c="dimmed">
                  {" "}
                  · {o.window.bucketMinutes}-minute buckets, top banks by deviation; dotted lines mark where spikes began
                </Text>
              </Text>
              <VolumeChart
                testId="links-chart"
                ariaLabel="New links by bank over time"
                points={o.linkChart.points as never}
                lines={chartLines(o.linkChart, colorOf)}
                bandLabel={o.selectedBank ? `Normal band: ${o.selectedBank.name}` : undefined}
                expectedLabel={o.selectedBank ? `Expected: ${o.selectedBank.name}` : undefined}
                markers={o.spikeMarkers.links.map((m) => ({ at: m.at, label: m.bankCode, color: colorOf(m.bankCode) }))}
                regions={regions}
                bucketMinutes={o.window.bucketMinutes}
                formatValue={(n) => formatCount(Math.round(n))}
              />
            </Card>
            <Card withBorder padding="sm">
              <Text fw={600} size="sm" mb={4}>
                {chargeMeasure === "yen" ? "Charged yen by bank" : "Charges by bank"}
                <Text span size="xs" c="dimmed">
                  {" "}
                  · {o.window.bucketMinutes}-minute buckets, top banks by deviation
                </Text>
              </Text>
              <VolumeChart
                testId="charges-chart"
                ariaLabel="Charges by bank over time"
                points={o.chargeChart.points as never}
                lines={chartLines(o.chargeChart, colorOf)}
                bandLabel={o.selectedBank ? `Normal band: ${o.selectedBank.name}` : undefined}
                expectedLabel={o.selectedBank ? `Expected: ${o.selectedBank.name}` : undefined}
                markers={o.spikeMarkers.charges.map((m) => ({ at: m.at, label: m.bankCode, color: colorOf(m.bankCode) }))}
                regions={regions}
                bucketMinutes={o.window.bucketMinutes}
                formatValue={chargeFormat}
              />
            </Card>
          </SimpleGrid>

          <Card withBorder padding="sm">
            <Text fw={600} size="sm" mb={4}>
              Registrations denied by suspensions (all banks)
            </Text>
            {o.deniedSeries.some((p) => p.value > 0) ? (
              <VolumeChart
                testId="denied-chart"
                ariaLabel="Registrations denied over time"
                height={140}
                points={o.deniedSeries}
                lines={[{ key: "value", label: "Denied registrations", color: "#d9480f" }]}
                bucketMinutes={o.window.bucketMinutes}
                formatValue={(n) => formatCount(Math.round(n))}
              />
            ) : (
              <Text size="sm" c="dimmed">
                No registration was denied in this range.
              </Text>
            )}
          </Card>

          <Card withBorder padding="sm">
            <Group justify="space-between" mb="xs">
              <Text fw={600} size="sm">
                Banks ({table.getFilteredRowModel().rows.length} of {o.banks.length}) — click a bank to open its page
              </Text>
              <Group gap="sm">
                <TextInput
                  size="xs"
                  w={240}
                  placeholder="Filter by name, code or kana"
                  aria-label="Filter banks"
                  leftSection={<IconSearch size={14} />}
                  value={filter}
                  onChange={(e) => setParam({ q: e.currentTarget.value })}
                />
                {canSuspend && (
                  <Button size="xs" color="orange" disabled={ticked.length === 0} onClick={() => setSuspendOpen(true)}>
                    Suspend selected banks…{ticked.length ? ` (${ticked.length})` : ""}
                  </Button>
                )}
              </Group>
            </Group>
            <Table.ScrollContainer minWidth={1080}>
              <Table highlightOnHover verticalSpacing={6} data-testid="volume-bank-table">
                <Table.Thead>
                  {table.getHeaderGroups().map((hg) => (
                    <Table.Tr key={hg.id}>
                      {hg.headers.map((h) => (
                        <Table.Th key={h.id}>
                          {h.column.getCanSort() && h.column.id !== "select" ? (
                            <SortHeader label={String(h.column.columnDef.header)} sorted={h.column.getIsSorted()} onClick={h.column.getToggleSortingHandler()} />
                          ) : (
                            flexRender(h.column.columnDef.header, h.getContext())
                          )}
                        </Table.Th>
                      ))}
                    </Table.Tr>
                  ))}
                </Table.Thead>
                <Table.Tbody>
                  {table.getRowModel().rows.map((row) => (
                    <Table.Tr
                      key={row.id}
                      data-testid={`bank-row-${row.original.code}`}
                      style={{ cursor: "pointer" }}
                      bg={row.original.spikingNow ? "red.0" : undefined}
                      onClick={() => navigate(`/banks/${row.original.code}`)}
                    >
                      {row.getVisibleCells().map((cell) => (
                        <Table.Td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</Table.Td>
                      ))}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {table.getFilteredRowModel().rows.length === 0 && (
              <Text size="sm" c="dimmed" p="sm">
                No bank matches “{filter}”.
              </Text>
            )}
          </Card>
          {canSuspend && (
            <SuspendDialog
              bankCodes={ticked}
              opened={suspendOpen}
              onClose={() => setSuspendOpen(false)}
              onSuspended={() => {
                setSuspendOpen(false);
                setParam({ sel: null });
              }}
            />
          )}
        </>
      )}
    </Stack>
  );
}
