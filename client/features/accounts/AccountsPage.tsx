// The accounts table: TanStack Table in server mode (the server filters, sorts and pages with a
// keyset). Everything that defines the view lives in the URL — filters, sort, page position, hidden
// columns and the selection — so a view can be shared and survives a reload.
import { ActionIcon, Alert, Anchor, Box, Button, Checkbox, Group, Loader, Menu, NumberInput, Paper, Select, Stack, Table, Text, TextInput, Title, Tooltip, UnstyledButton } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { IconArrowDown, IconArrowUp, IconArrowsSort, IconChevronLeft, IconChevronRight, IconColumns, IconDownload, IconSearch, IconX } from "@tabler/icons-react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { flexRender, getCoreRowModel, useReactTable, type ColumnDef, type RowSelectionState, type VisibilityState } from "@tanstack/react-table";
import { useMemo, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { DEFAULT_FLAG_THRESHOLD, SCORING_RULES } from "../../../shared/accounts/index.ts";
import { ACCOUNTS_PAGE_SIZE, BULK_ACCOUNTS_MAX, type AccountFilters, type AccountRow, type AccountSort } from "../../../shared/accounts/schemas.ts";
import { useTranslation } from "react-i18next";
import { useRuleLabel } from "../../i18n/words.ts";
import { JstTime } from "../../components/format.tsx";
import { errorMessage } from "../../lib/errors.ts";
import { useTRPC } from "../../trpc.ts";
import { useCan } from "../auth/useMe.ts";
import { ACTION_COLORS, LabelBadge, ReasonChips, ReasonDialog, ScoreBar, StatusBadge, type AccountActionName } from "./parts.tsx";

const WINDOWS = {
  "6h": { hours: 6 },
  "24h": { hours: 24 },
  "7d": { hours: 24 * 7 },
  "30d": { hours: 24 * 30 },
} as const satisfies Record<string, { hours: number }>;
const SORTABLE = new Set<string>(["score", "openedAt", "flaggedAt"]);
type ColumnId = "id" | "holderName" | "score" | "reasons" | "status" | "reviewLabel" | "openedAt" | "flaggedAt" | "firstLinkBank";

function since(preset: string | null, nowMs: number): Date | undefined {
  const w = preset && preset in WINDOWS ? WINDOWS[preset as keyof typeof WINDOWS] : undefined;
  return w ? new Date(nowMs - w.hours * 3_600_000) : undefined;
}

function numberParam(v: string | null): number | undefined {
  if (v === null || v === "") return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

export default function AccountsPage() {
  const { t } = useTranslation(["accounts", "common"]);
  const ruleLabel = useRuleLabel();
  const columnLabel = (id: string) => (id === "select" ? "" : t(`list.col.${id as ColumnId}`));
  const windowOptions = (Object.keys(WINDOWS) as (keyof typeof WINDOWS)[]).map((value) => ({ value, label: t(`list.windows.${value}`) }));
  const trpc = useTRPC();
  const [params, setParams] = useSearchParams();
  const canAct = useCan("accounts.freeze");
  const [searchDraft, setSearchDraft] = useState(params.get("q") ?? "");
  const [dialog, { open: openDialog, close: closeDialog }] = useDisclosure(false);
  const [action, setAction] = useState<AccountActionName>("freeze");

  /** Sets URL parameters; any change of the view's definition goes back to the first page. */
  const update = (changes: Record<string, string | null>, keepPage = false) => {
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(changes)) {
          if (v === null || v === "") next.delete(k);
          else next.set(k, v);
        }
        if (!keepPage) {
          next.delete("after");
          next.delete("before");
        }
        return next;
      },
      { replace: false },
    );
  };

  // The time windows are relative to when the page was opened (stable while it stays open).
  const [openedAtMs] = useState(() => Math.floor(Date.now() / 60_000) * 60_000);
  const sort = (params.get("sort") as AccountSort | null) ?? "score";
  const dir = params.get("dir") === "asc" ? "asc" : "desc";
  const filters: AccountFilters = {
    bank: params.get("bank") ?? undefined,
    scoreMin: numberParam(params.get("scoreMin")),
    scoreMax: numberParam(params.get("scoreMax")),
    reason: (params.get("reason") ?? undefined) as AccountFilters["reason"],
    status: (params.get("status") ?? undefined) as AccountFilters["status"],
    label: (params.get("label") ?? undefined) as AccountFilters["label"],
    openedFrom: since(params.get("opened"), openedAtMs),
    linkedFrom: since(params.get("linked"), openedAtMs),
    q: params.get("q") ?? undefined,
  };
  const after = params.get("after");
  const before = params.get("before");
  const listInput = {
    ...filters,
    sort,
    dir: dir as "asc" | "desc",
    limit: ACCOUNTS_PAGE_SIZE,
    cursor: before ?? after ?? undefined,
    direction: (before ? "prev" : "next") as "prev" | "next",
  };
  const list = useQuery({ ...trpc.accounts.list.queryOptions(listInput), placeholderData: keepPreviousData });
  const count = useQuery(trpc.accounts.count.queryOptions(filters));
  const banks = useQuery(trpc.accounts.banks.queryOptions());

  const hidden = new Set((params.get("hide") ?? "").split(",").filter(Boolean));
  const columnVisibility: VisibilityState = Object.fromEntries([...hidden].map((c) => [c, false]));
  const selected = (params.get("sel") ?? "").split(",").filter(Boolean);
  const rowSelection: RowSelectionState = Object.fromEntries(selected.map((id) => [id, true]));
  const setSelected = (ids: string[]) => update({ sel: ids.length ? ids.slice(0, BULK_ACCOUNTS_MAX).join(",") : null }, true);

  const columns = useMemo<ColumnDef<AccountRow>[]>(
    () => [
      {
        id: "select",
        enableHiding: false,
        header: ({ table }) => (
          <Checkbox
            aria-label={t("list.selectPage")}
            checked={table.getIsAllPageRowsSelected()}
            indeterminate={table.getIsSomePageRowsSelected()}
            onChange={table.getToggleAllPageRowsSelectedHandler()}
          />
        ),
        cell: ({ row }) => <Checkbox aria-label={t("list.selectAccount", { id: row.original.id })} checked={row.getIsSelected()} onChange={row.getToggleSelectedHandler()} />,
      },
      {
        id: "id",
        header: columnLabel("id"),
        cell: ({ row }) => (
          <Anchor component={Link} to={`/accounts/${encodeURIComponent(row.original.id)}`} size="sm" ff="monospace" style={{ whiteSpace: "nowrap" }}>
            {row.original.id}
          </Anchor>
        ),
      },
      { id: "holderName", header: columnLabel("holderName"), cell: ({ row }) => <Text size="sm" style={{ whiteSpace: "nowrap" }}>{row.original.holderName}</Text> },
      { id: "score", header: columnLabel("score"), cell: ({ row }) => <ScoreBar score={row.original.score} /> },
      { id: "reasons", header: columnLabel("reasons"), cell: ({ row }) => <Box miw={330} maw={400}><ReasonChips reasons={row.original.reasons} max={4} /></Box> },
      { id: "status", header: columnLabel("status"), cell: ({ row }) => <StatusBadge status={row.original.status} /> },
      { id: "reviewLabel", header: columnLabel("reviewLabel"), cell: ({ row }) => <LabelBadge label={row.original.reviewLabel} /> },
      { id: "openedAt", header: columnLabel("openedAt"), cell: ({ row }) => <Text size="sm" style={{ whiteSpace: "nowrap" }}><JstTime at={row.original.openedAt} /></Text> },
      {
        id: "flaggedAt",
        header: columnLabel("flaggedAt"),
        cell: ({ row }) => (row.original.flaggedAt ? <Text size="sm" style={{ whiteSpace: "nowrap" }}><JstTime at={row.original.flaggedAt} /></Text> : <Text size="xs" c="dimmed">—</Text>),
      },
      {
        id: "firstLinkBank",
        header: columnLabel("firstLinkBank"),
        cell: ({ row }) =>
          row.original.firstLinkBankCode ? (
            <Text size="sm">
              {row.original.firstLinkBankCode} <Text span c="dimmed" size="xs">{row.original.firstLinkBankName}</Text>
            </Text>
          ) : (
            <Text size="xs" c="dimmed">{t("list.noLink")}</Text>
          ),
      },
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [t],
  );

  const table = useReactTable({
    data: list.data?.rows ?? [],
    columns,
    getRowId: (r) => r.id,
    getCoreRowModel: getCoreRowModel(),
    manualPagination: true,
    manualSorting: true,
    manualFiltering: true,
    enableRowSelection: true,
    state: { columnVisibility, rowSelection, sorting: [{ id: sort, desc: dir === "desc" }] },
    onColumnVisibilityChange: (updater) => {
      const next = typeof updater === "function" ? updater(columnVisibility) : updater;
      update({ hide: Object.entries(next).filter(([, v]) => v === false).map(([k]) => k).join(",") || null }, true);
    },
    onRowSelectionChange: (updater) => {
      const next = typeof updater === "function" ? updater(rowSelection) : updater;
      setSelected(Object.entries(next).filter(([, v]) => v).map(([k]) => k));
    },
  });

  const toggleSort = (id: string) => {
    if (!SORTABLE.has(id)) return;
    if (sort === id) update({ dir: dir === "desc" ? "asc" : "desc" });
    else update({ sort: id, dir: "desc" });
  };

  const exportHref = useMemo(() => {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...filters, sort, dir })) {
      if (v === undefined || v === null || v === "") continue;
      qs.set(k, v instanceof Date ? v.toISOString() : String(v));
    }
    return `/exports/accounts.csv?${qs}`;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [params.toString()]);

  const startAction = (a: AccountActionName) => {
    setAction(a);
    openDialog();
  };

  const rows = list.data?.rows ?? [];
  const bankOptions = (banks.data ?? []).map((b) => ({ value: b.code, label: `${b.code} ${b.name}` }));
  const anyFilter = ["bank", "scoreMin", "scoreMax", "reason", "status", "label", "opened", "linked", "q"].some((k) => params.get(k));

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>{t("list.title")}</Title>
          <Text c="dimmed" size="sm">
            {t("list.subtitle", { threshold: DEFAULT_FLAG_THRESHOLD })}{" "}
            <Anchor component={Link} to="/accounts/rules" size="sm">{t("list.howScores")}</Anchor> ·{" "}
            <Anchor component={Link} to={`/accounts/victims${filters.bank ? `?bank=${filters.bank}` : ""}`} size="sm">{t("list.victims")}</Anchor>
          </Text>
        </div>
        <Group gap="xs">
          <Menu closeOnItemClick={false} position="bottom-end">
            <Menu.Target>
              <Button variant="default" leftSection={<IconColumns size={16} />}>{t("list.columns")}</Button>
            </Menu.Target>
            <Menu.Dropdown>
              {table.getAllLeafColumns().filter((c) => c.getCanHide()).map((c) => (
                <Menu.Item key={c.id}>
                  <Checkbox label={columnLabel(c.id)} checked={c.getIsVisible()} onChange={c.getToggleVisibilityHandler()} />
                </Menu.Item>
              ))}
            </Menu.Dropdown>
          </Menu>
          <Button component="a" href={exportHref} variant="default" leftSection={<IconDownload size={16} />} download>
            {t("list.export")}
          </Button>
        </Group>
      </Group>

      <Paper withBorder p="sm">
        <Group gap="sm" align="flex-end">
          <form
            onSubmit={(e) => {
              e.preventDefault();
              update({ q: searchDraft.trim() || null });
            }}
          >
            <TextInput
              label={t("list.search")}
              placeholder={t("list.searchPlaceholder")}
              value={searchDraft}
              onChange={(e) => setSearchDraft(e.currentTarget.value)}
              leftSection={<IconSearch size={14} />}
              w={300}
              rightSection={
                searchDraft ? (
                  <ActionIcon variant="subtle" aria-label={t("list.clearSearch")} onClick={() => { setSearchDraft(""); update({ q: null }); }}>
                    <IconX size={14} />
                  </ActionIcon>
                ) : null
              }
            />
          </form>
          <Select label={t("list.bank")} placeholder={t("list.anyBank")} data={bankOptions} value={filters.bank ?? null} onChange={(v) => update({ bank: v })} searchable clearable w={230} />
          <NumberInput label={t("list.scoreFrom")} value={filters.scoreMin ?? ""} onChange={(v) => update({ scoreMin: v === "" ? null : String(v) })} min={0} max={100} w={100} />
          <NumberInput label={t("list.scoreTo")} value={filters.scoreMax ?? ""} onChange={(v) => update({ scoreMax: v === "" ? null : String(v) })} min={0} max={100} w={80} />
          <Select label={t("list.reason")} placeholder={t("list.anyReason")} data={SCORING_RULES.map((r) => ({ value: r.code, label: ruleLabel(r.code) }))} value={filters.reason ?? null} onChange={(v) => update({ reason: v })} clearable w={250} />
          <Select label={t("list.status")} placeholder={t("list.any")} data={[{ value: "ACTIVE", label: t("status.ACTIVE") }, { value: "FROZEN", label: t("status.FROZEN") }]} value={filters.status ?? null} onChange={(v) => update({ status: v })} clearable w={110} />
          <Select label={t("list.label")} placeholder={t("list.any")} data={[{ value: "CONFIRMED_FRAUD", label: t("label.CONFIRMED_FRAUD") }, { value: "LEGITIMATE", label: t("label.LEGITIMATE") }, { value: "NONE", label: t("label.NONE") }]} value={filters.label ?? null} onChange={(v) => update({ label: v })} clearable w={150} />
          <Select label={t("list.opened")} placeholder={t("list.anyTime")} data={windowOptions} value={params.get("opened")} onChange={(v) => update({ opened: v })} clearable w={140} />
          <Select label={t("list.linked")} placeholder={t("list.anyTime")} data={windowOptions} value={params.get("linked")} onChange={(v) => update({ linked: v })} clearable w={140} />
          {anyFilter && (
            <Button variant="subtle" onClick={() => { setSearchDraft(""); setParams(new URLSearchParams()); }}>
              {t("list.clearFilters")}
            </Button>
          )}
        </Group>
      </Paper>

      <Group justify="space-between">
        <Text size="sm" c="dimmed" data-testid="accounts-count">
          {count.data ? (count.data.capped ? t("list.moreThan", { count: count.data.count }) : t("list.match", { count: count.data.count })) : count.isPending ? t("list.counting") : ""}
          {sort === "flaggedAt" ? t("list.flaggedOnly") : ""}
        </Text>
        {selected.length > 0 && (
          <Group gap="xs" data-testid="bulk-actions">
            <Text size="sm">{t("list.selected", { count: selected.length })}</Text>
            {canAct &&
              (["freeze", "unfreeze", "markConfirmedFraud", "markLegitimate"] as const).map((a) => (
                <Button key={a} size="xs" variant="light" color={ACTION_COLORS[a]} onClick={() => startAction(a)}>
                  {t(`action.${a}.button`)}
                </Button>
              ))}
            <Button size="xs" variant="subtle" onClick={() => setSelected([])}>
              {t("list.clearSelection")}
            </Button>
          </Group>
        )}
      </Group>

      {list.error && <Alert color="red">{errorMessage(list.error)}</Alert>}
      <Box style={{ overflowX: "auto" }}>
        <Table striped highlightOnHover verticalSpacing={6} horizontalSpacing="xs" data-testid="accounts-table" miw={1200}>
          <Table.Thead>
            {table.getHeaderGroups().map((hg) => (
              <Table.Tr key={hg.id}>
                {hg.headers.map((h) => (
                  <Table.Th key={h.id} style={{ whiteSpace: "nowrap" }}>
                    {SORTABLE.has(h.column.id) ? (
                      <UnstyledButton onClick={() => toggleSort(h.column.id)} aria-label={t("list.sortBy", { label: columnLabel(h.column.id) })}>
                        <Group gap={4} wrap="nowrap">
                          <Text size="sm" fw={700}>{flexRender(h.column.columnDef.header, h.getContext())}</Text>
                          {sort === h.column.id ? dir === "desc" ? <IconArrowDown size={14} /> : <IconArrowUp size={14} /> : <IconArrowsSort size={14} opacity={0.4} />}
                        </Group>
                      </UnstyledButton>
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
              <Table.Tr key={row.id} bg={row.getIsSelected() ? "var(--mantine-color-indigo-light)" : undefined}>
                {row.getVisibleCells().map((cell) => (
                  <Table.Td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Box>
      {list.isPending && (
        <Group justify="center" p="md">
          <Loader size="sm" aria-label={t("list.loading")} />
          <Text size="sm" c="dimmed">{t("list.loadingText")}</Text>
        </Group>
      )}
      {list.data && rows.length === 0 && (
        <Alert color="gray">{anyFilter ? t("list.noMatch") : t("list.none")}</Alert>
      )}
      <Group justify="space-between">
        <Text size="xs" c="dimmed">
          {rows.length > 0 ? t("list.onPage", { count: rows.length }) : ""}
          {list.isFetching && !list.isPending ? t("list.updating") : ""}
        </Text>
        <Group gap="xs">
          <Tooltip label={t("list.firstHint")} disabled={!after && !before}>
            <Button variant="default" size="xs" disabled={!after && !before} onClick={() => update({})}>
              {t("list.first")}
            </Button>
          </Tooltip>
          <Button variant="default" size="xs" leftSection={<IconChevronLeft size={14} />} disabled={!list.data?.prevCursor} onClick={() => update({ before: list.data!.prevCursor, after: null }, true)}>
            {t("list.previous")}
          </Button>
          <Button variant="default" size="xs" rightSection={<IconChevronRight size={14} />} disabled={!list.data?.nextCursor} onClick={() => update({ after: list.data!.nextCursor, before: null }, true)}>
            {t("list.next")}
          </Button>
        </Group>
      </Group>
      <ReasonDialog action={action} accountIds={selected} opened={dialog} onClose={closeDialog} onDone={() => setSelected([])} />
    </Stack>
  );
}
