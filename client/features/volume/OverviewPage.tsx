// The overview: which bank is spiking, since when, how far above normal. KPI tiles, link and charge
// volume by bank (the banks with an open spike first and in colour, then the top banks by deviation
// muted) with the selected bank's expected band, spike markers and suspension periods, and a per-bank
// table. Range, measure, selected bank, table filter, sort and the banks ticked for a suspension live
// in the URL; the data refreshes every few seconds without resetting any of it.
//
// Kept calm and fast for a page that stays open through an incident: query data is structurally
// shared (an unchanged part is the same object after a refresh) and every part is memoised, so a
// refresh redraws only what changed; sparklines are static SVG; charts do not animate and load
// lazily after the figures; the filter box is local state and the address follows it after a pause.
import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from "react";
import { Alert, Anchor, Button, Card, Chip, Group, SegmentedControl, Select, Stack, Text, TextInput, Title } from "@mantine/core";
import { IconSearch } from "@tabler/icons-react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Link, useNavigate, useSearchParams } from "react-router";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../lib/errors.ts";
import { useTRPC } from "../../trpc.ts";
import { useCan } from "../auth/useMe.ts";
import { SuspendDialog } from "../suspensions/SuspendDialog.tsx";
import { EmergencyNotice } from "../approvals/EmergencyNotice.tsx";
import { REFRESH_MS, RangeControl, useRangeParam } from "./parts.tsx";
import { BankTable } from "./overview/BankTable.tsx";
import { nextSort, shareEqual, spikingColors, visibleBanks, type SortKey } from "./overview/chart-data.ts";
import { OverviewKpis, OverviewSkeleton, TableSkeleton } from "./overview/OverviewKpis.tsx";
import OverviewCharts from "./overview/OverviewCharts.tsx";
import { overviewInputFromParams } from "./overview/input.ts";
import { isBankCode } from "../../../shared/bank-code.ts";
import { useBankNames } from "../../components/format.tsx";


/** How long the filter box waits after the last key before the address follows it. */
const FILTER_URL_DELAY_MS = 300;

export default function OverviewPage() {
  const { t } = useTranslation(["volume", "common"]);
  const trpc = useTRPC();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const [range, setRange] = useRangeParam("24h");
  const chargeMeasure = params.get("charge") === "yen" ? "yen" : "count";
  const urlFilter = params.get("q") ?? "";
  const sortParam = params.get("sort") ?? "";
  const selParam = params.get("sel") ?? "";
  // #17: "PIN-only banks" (the bank register's authMethod), kept in the address.
  const pinOnly = params.get("auth") === "PIN";
  const ticked = useMemo(() => new Set(selParam.split(",").filter(isBankCode)), [selParam]);
  const canSuspend = useCan("suspensions.suspend");
  const [suspendOpen, setSuspendOpen] = useState(false);

  // setParams changes identity with the address; the memoised table gets callbacks that do not.
  const setParamsRef = useRef(setParams);
  setParamsRef.current = setParams;
  const setParam = useCallback((changes: Record<string, string | null>) => {
    setParamsRef.current(
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
  }, []);

  // The filter box is local state (every key shows at once); the address follows after a pause, and
  // an address changed from outside (back, a link) sets the box.
  const [filter, setFilter] = useState(urlFilter);
  const written = useRef(urlFilter);
  useEffect(() => {
    if (urlFilter !== written.current) {
      written.current = urlFilter;
      setFilter(urlFilter);
    }
  }, [urlFilter]);
  useEffect(() => {
    if (filter === written.current) return;
    const t = setTimeout(() => {
      written.current = filter;
      setParam({ q: filter });
    }, FILTER_URL_DELAY_MS);
    return () => clearTimeout(t);
  }, [filter, setParam]);
  const tableFilter = useDeferredValue(filter);

  const input = useMemo(() => overviewInputFromParams(params), [params]);
  const customIncomplete = input === null;
  const q = useQuery({
    ...trpc.volume.overview.queryOptions(input ?? { range: "24h" }, {
      refetchInterval: REFRESH_MS,
      placeholderData: keepPreviousData,
      structuralSharing: (prev: unknown, next: unknown) => shareEqual(prev, next),
    }),
    enabled: !customIncomplete,
  });
  // The KPI tiles show an answer at once; the table and the charts (most of the work) follow in a
  // background render that React splits into short slices, so a refresh never holds the page. The
  // first render too (initial value null): the page often mounts with its figures already in the
  // cache (asked for beside the session check), and drawing the table and charts in that first
  // render held the KPI tiles back until all of it was done.
  // Until the whole overview is in, the tiles take the KPI-only answer asked for beside it (it needs
  // only the window's totals, so it comes first); once the overview is in it is not asked again.
  const kq = useQuery({ ...trpc.volume.overviewKpis.queryOptions(input ?? { range: "24h" }), enabled: !customIncomplete && q.data === undefined });
  const kpis = q.data?.kpis ?? kq.data?.kpis;
  const o = useDeferredValue<typeof q.data | null>(q.data, null);
  // Bank names in the reader's language (七十七銀行 in Japanese), by code.
  const names = useBankNames(q.data?.banks);

  const colors = useMemo(() => spikingColors(o?.chartBanks ?? []), [o?.chartBanks]);
  const banks = useMemo(
    () => visibleBanks((o?.banks ?? []).filter((b) => !pinOnly || b.authMethod === "PIN"), tableFilter, sortParam, chargeMeasure === "yen"),
    [o?.banks, tableFilter, sortParam, chargeMeasure, pinOnly],
  );
  const bankOptions = useMemo(() => (o?.banks ?? []).map((b) => ({ value: b.code, label: `${names.get(b.code) ?? b.name} (${b.code})` })), [o?.banks, names]);

  const tickedRef = useRef(ticked);
  tickedRef.current = ticked;
  const onTick = useCallback(
    (code: string, checked: boolean) => {
      const next = new Set(tickedRef.current);
      if (checked) next.add(code);
      else next.delete(code);
      setParam({ sel: [...next].join(",") });
    },
    [setParam],
  );
  const sortRef = useRef(sortParam);
  sortRef.current = sortParam;
  const onSort = useCallback((key: SortKey) => setParam({ sort: nextSort(sortRef.current, key) }), [setParam]);
  const onOpen = useCallback((code: string) => navigate(`/banks/${code}`), [navigate]);

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <Stack gap={2}>
          <Title order={2}>{t("overview.title")}</Title>
          <Text c="dimmed" size="sm">
            {t("overview.subtitle")}{" "}
            <Anchor component={Link} to="/volume/params" size="sm">
              {t("overview.howDetected")}
            </Anchor>
          </Text>
        </Stack>
        <Text size="xs" c="dimmed" data-testid="overview-updated">
          {q.data ? t("overview.updated", { at: q.data.generatedAt, seconds: REFRESH_MS / 1000 }) : ""}
          {q.isFetching && q.data ? t("overview.refreshing") : ""}
        </Text>
      </Group>

      <Group justify="space-between" align="flex-end">
        <RangeControl value={range} onChange={setRange} />
        <Group gap="sm" align="flex-end">
          <SegmentedControl
            aria-label={t("overview.chargeMeasure")}
            value={chargeMeasure}
            onChange={(v) => setParam({ charge: v === "yen" ? "yen" : null })}
            data={[
              { value: "count", label: t("overview.measureCount") },
              { value: "yen", label: t("overview.measureYen") },
            ]}
          />
          <Select
            label={t("overview.bandFor")}
            size="xs"
            w={260}
            searchable
            data={bankOptions}
            value={o?.selectedBank?.code ?? null}
            onChange={(v) => setParam({ bank: v })}
            nothingFoundMessage={t("overview.noBankMatches")}
          />
        </Group>
      </Group>

      <EmergencyNotice />
      {customIncomplete && <Alert color="gray">{t("range.customIncomplete")}</Alert>}
      {q.error && <Alert color="red" title={t("overview.loadFailed")}>{errorMessage(q.error)}</Alert>}
      {q.isPending && !kpis && !customIncomplete && !q.error && <OverviewSkeleton />}
      {kpis && <OverviewKpis kpis={kpis} names={names} />}
      {kpis && !o && <TableSkeleton charts />}

      {o && (
        <>
          <OverviewCharts
            linkChart={o.linkChart}
            chargeChart={o.chargeChart}
            deniedSeries={o.deniedSeries}
            spikeMarkers={o.spikeMarkers}
            suspensionRegions={o.suspensionRegions}
            chartBanks={o.chartBanks}
            selectedName={o.selectedBank ? (names.get(o.selectedBank.code) ?? o.selectedBank.name) : null}
            names={names}
            bucketMinutes={o.window.bucketMinutes}
            chargeMeasure={chargeMeasure}
          />

          <Card withBorder padding="sm">
            <Group justify="space-between" mb="xs">
              <Text fw={600} size="sm">
                {t("overview.banksTitle", { shown: banks.length, total: o.banks.length })}
              </Text>
              <Group gap="sm">
                <TextInput
                  size="xs"
                  w={240}
                  placeholder={t("overview.filterPlaceholder")}
                  aria-label={t("overview.filterLabel")}
                  leftSection={<IconSearch size={14} />}
                  value={filter}
                  onChange={(e) => setFilter(e.currentTarget.value)}
                />
                <Chip size="xs" checked={pinOnly} onChange={(on) => setParam({ auth: on ? "PIN" : null })} data-testid="overview-pin-only">
                  {t("overview.pinOnly")}
                </Chip>
                {canSuspend && pinOnly && (
                  <Button size="xs" variant="default" disabled={banks.length === 0} onClick={() => setParam({ sel: [...new Set([...ticked, ...banks.map((b) => b.code)])].join(",") })} data-testid="overview-tick-shown">
                    {t("overview.tickShown", { count: banks.length })}
                  </Button>
                )}
                {canSuspend && (
                  <Button size="xs" color="orange" disabled={ticked.size === 0} onClick={() => setSuspendOpen(true)}>
                    {t("overview.suspendSelected")}{ticked.size ? ` (${ticked.size})` : ""}
                  </Button>
                )}
              </Group>
            </Group>
            <BankTable banks={banks} ticked={ticked} canSuspend={canSuspend} yen={chargeMeasure === "yen"} colors={colors} sort={sortParam} onSort={onSort} onTick={onTick} onOpen={onOpen} />
            {banks.length === 0 && (
              <Text size="sm" c="dimmed" p="sm">
                {t("overview.noMatch", { filter: tableFilter })}
              </Text>
            )}
          </Card>
          {canSuspend && (
            <SuspendDialog
              bankCodes={[...ticked]}
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
