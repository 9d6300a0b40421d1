// The accounts table: TanStack Table in server mode (the server filters, sorts and pages with a
// keyset). Everything that defines the view lives in the URL — filters, sort, page position, hidden
// columns and the selection — so a view can be shared and survives a reload.
import { Anchor, Button, Checkbox, Group, Menu, Stack, Text, Title, Tooltip } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { IconChevronLeft, IconChevronRight, IconColumns, IconDownload } from "@tabler/icons-react";
import { type RowSelectionState, type VisibilityState } from "@tanstack/react-table";
import { useMemo, useState } from "react";
import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { DEFAULT_FLAG_THRESHOLD } from "../../../shared/accounts/index.ts";
import { BULK_ACCOUNTS_MAX } from "../../../shared/accounts/schemas.ts";
import { DataTable, useDataTable } from "../../components/DataTable.tsx";
import { useUrlParams } from "../../components/url-params.ts";
import { useCan } from "../auth/useMe.ts";
import { useAccountColumns, useColumnLabel } from "./accounts-columns.tsx";
import { exportHref, readAccountsView, SORTABLE } from "./accounts-view.ts";
import { AccountsFilterBar } from "./AccountsFilterBar.tsx";
import { ACTION_COLORS, ReasonDialog, type AccountActionName } from "./parts.tsx";
import { useAccountCount, useAccountList } from "./queries.ts";
import { ReviewQueueStrip } from "./ReviewQueue.tsx";

export default function AccountsPage() {
  const { t } = useTranslation(["accounts", "common"]);
  const columnLabel = useColumnLabel();
  // Any change of the view's definition goes back to the first page (the keyset cursors go).
  const url = useUrlParams({ resets: ["after", "before"] });
  const { params, update } = url;
  const canAct = useCan("accounts.freeze");
  const [dialog, { open: openDialog, close: closeDialog }] = useDisclosure(false);
  const [action, setAction] = useState<AccountActionName>("freeze");

  // The time windows are relative to when the page was opened (stable while it stays open).
  const [openedAtMs] = useState(() => Math.floor(Date.now() / 60_000) * 60_000);
  const view = readAccountsView(params, openedAtMs);
  const { sort, dir, filters, selected } = view;
  const list = useAccountList(view.listInput);
  const count = useAccountCount(filters);

  const columnVisibility: VisibilityState = Object.fromEntries(view.hidden.map((c) => [c, false]));
  const rowSelection: RowSelectionState = Object.fromEntries(selected.map((id) => [id, true]));
  const setSelected = (ids: string[]) => update({ sel: ids.length ? ids.slice(0, BULK_ACCOUNTS_MAX).join(",") : null }, true);

  const columns = useAccountColumns();

  const table = useDataTable({
    data: list.data?.rows ?? [],
    columns,
    getRowId: (r) => r.id,
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
    if (!(SORTABLE as readonly string[]).includes(id)) return;
    if (sort === id) update({ dir: dir === "desc" ? "asc" : "desc" });
    else update({ sort: id, dir: "desc" });
  };

  // eslint-disable-next-line react-hooks/exhaustive-deps
  const csvHref = useMemo(() => exportHref(view), [params.toString()]);

  const startAction = (a: AccountActionName) => {
    setAction(a);
    openDialog();
  };

  const rows = list.data?.rows ?? [];

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
          <Button component="a" href={csvHref} variant="default" leftSection={<IconDownload size={16} />} download>
            {t("list.export")}
          </Button>
        </Group>
      </Group>

      <ReviewQueueStrip />

      <AccountsFilterBar url={url} filters={filters} />

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

      <DataTable
        table={table}
        testId="accounts-table"
        loading={list.isPending}
        loadingLabel={t("list.loading")}
        error={list.error}
        empty={view.anyFilter ? t("list.noMatch") : t("list.none")}
        sortable={SORTABLE}
        sort={{ id: sort, desc: dir === "desc" }}
        onSort={toggleSort}
        minWidth={1200}
        pin="id"
        rowHref={(r) => `/accounts/${encodeURIComponent(r.id)}`}
        striped
        highlightOnHover
        verticalSpacing={6}
        horizontalSpacing="xs"
      />
      <Group justify="space-between">
        <Text size="xs" c="dimmed">
          {rows.length > 0 ? t("list.onPage", { count: rows.length }) : ""}
          {list.isFetching && !list.isPending ? t("list.updating") : ""}
        </Text>
        <Group gap="xs">
          <Tooltip label={t("list.firstHint")} disabled={!view.paged}>
            <Button variant="default" size="xs" disabled={!view.paged} onClick={() => update({})}>
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
