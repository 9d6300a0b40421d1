// The console's one list table (as a design system's table): TanStack Table's header/body loop drawn
// with Mantine, with what every list needs written once: a spinner while the first answer comes, the
// error in words, a grey sentence instead of an empty table, sortable headers (the page keeps the
// sort, usually in the URL), rows that open a page, and on a narrow screen (390 px) a wide table that
// scrolls sideways with its name column (and a checkbox column before it) pinned.
import type { ReactNode } from "react";
import { Alert, Center, Group, Loader, Table, Text, UnstyledButton, type TableProps } from "@mantine/core";
import { IconArrowDown, IconArrowUp, IconArrowsSort } from "@tabler/icons-react";
import { flexRender, getCoreRowModel, useReactTable, type Header, type Row, type Table as TanStackTable, type TableOptions } from "@tanstack/react-table";
import { useNavigate } from "react-router";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../lib/errors.ts";
import "./DataTable.css";

/** useReactTable with the core row model (the console's tables sort, filter and page on the server). */
export function useDataTable<T>(options: Omit<TableOptions<T>, "getCoreRowModel">): TanStackTable<T> {
  return useReactTable<T>({ getCoreRowModel: getCoreRowModel(), ...options });
}

export interface TableSort {
  id: string;
  desc: boolean;
}

export type DataTableProps<T> = {
  table: TanStackTable<T>;
  testId: string;
  /** The first answer has not come: a spinner (with this label) instead of the table. */
  loading?: boolean;
  loadingLabel?: string;
  /** A failed query, shown in words above the table (which keeps what it had). */
  error?: unknown;
  /** Shown in grey instead of a table without rows; without it the header stays on its own. */
  empty?: ReactNode;
  /** Columns whose header sorts: the current sort, and what a click on a header asks for. */
  sortable?: readonly string[];
  sort?: TableSort;
  onSort?: (columnId: string) => void;
  /** The table's narrowest width before it scrolls sideways. */
  minWidth?: number;
  /** The column that stays in view while the table scrolls sideways (a "select" column before it stays too). */
  pin?: string;
  /** A click on a row (outside its links, buttons and checkboxes) opens this address. */
  rowHref?: (row: T) => string;
  onRowClick?: (row: T) => void;
  /** Attributes for a row's <tr> (data-* for tests and styles). */
  rowAttributes?: (row: T) => Record<`data-${string}`, string | undefined>;
  /** Cells keep to one line (badges are not cut); the table scrolls instead. */
  nowrap?: boolean;
} & Omit<TableProps, "children">;

/** Leading checkbox columns are this wide, so the pinned name column knows where it starts. */
const LEAD_WIDTH = 40;

function SortButton<T>({ header, sort, onSort }: { header: Header<T, unknown>; sort: TableSort | undefined; onSort: (id: string) => void }) {
  const { t } = useTranslation();
  const id = header.column.id;
  const label = typeof header.column.columnDef.header === "string" ? header.column.columnDef.header : id;
  const Icon = sort?.id !== id ? IconArrowsSort : sort.desc ? IconArrowDown : IconArrowUp;
  return (
    <UnstyledButton onClick={() => onSort(id)} aria-label={t("table.sortBy", { label })}>
      <Group gap={4} wrap="nowrap">
        <Text size="sm" fw={700}>
          {flexRender(header.column.columnDef.header, header.getContext())}
        </Text>
        <Icon size={14} opacity={sort?.id === id ? 1 : 0.4} />
      </Group>
    </UnstyledButton>
  );
}

/** A click that landed on something of its own (a link, a button, a checkbox) does not open the row. */
function ownClick(target: EventTarget, row: HTMLElement): boolean {
  const hit = (target as HTMLElement).closest?.("a, button, input, label, select, textarea, [role='checkbox'], [role='button']");
  return hit !== null && hit !== undefined && row.contains(hit);
}

export function DataTable<T>({ table, testId, loading, loadingLabel, error, empty, sortable, sort, onSort, minWidth = 0, pin, rowHref, onRowClick, rowAttributes, nowrap, className, ...tableProps }: DataTableProps<T>) {
  const navigate = useNavigate();
  const columns = table.getVisibleLeafColumns();
  const pinIndex = pin ? columns.findIndex((c) => c.id === pin) : -1;
  const pinClass = (index: number) => (index < pinIndex ? "fg-pin fg-pin-lead" : index === pinIndex ? "fg-pin fg-pin-edge" : undefined);
  const pinStyle = (index: number) => (index <= pinIndex ? { left: index * LEAD_WIDTH } : undefined);
  const open = rowHref ? (row: T) => navigate(rowHref(row)) : onRowClick;
  const rows = table.getRowModel().rows;

  const failed = error ? <Alert color="red">{errorMessage(error)}</Alert> : null;
  if (loading) {
    return (
      <>
        {failed}
        <Center p="xl">
          <Loader aria-label={loadingLabel} />
        </Center>
      </>
    );
  }
  if (rows.length === 0 && empty !== undefined) {
    return failed ?? <Alert color="gray" data-testid={`${testId}-empty`}>{empty}</Alert>;
  }
  const rowTr = (row: Row<T>) => (
    <Table.Tr
      key={row.id}
      className={open ? "fg-row-link" : undefined}
      data-selected={row.getIsSelected() || undefined}
      onClick={open ? (e) => !ownClick(e.target, e.currentTarget) && open(row.original) : undefined}
      {...rowAttributes?.(row.original)}
    >
      {row.getVisibleCells().map((cell, i) => (
        <Table.Td key={cell.id} className={pinClass(i)} style={pinStyle(i)}>
          {flexRender(cell.column.columnDef.cell, cell.getContext())}
        </Table.Td>
      ))}
    </Table.Tr>
  );
  return (
    <>
      {failed}
      <Table.ScrollContainer minWidth={minWidth} type="native">
        <Table data-testid={testId} className={["fg-table", nowrap ? "fg-nowrap" : "", className ?? ""].join(" ").trim()} {...tableProps}>
          <Table.Thead>
            {table.getHeaderGroups().map((group) => (
              <Table.Tr key={group.id}>
                {group.headers.map((h, i) => (
                  <Table.Th key={h.id} className={pinClass(i)} style={pinStyle(i)}>
                    {h.isPlaceholder ? null : onSort && sortable?.includes(h.column.id) ? <SortButton header={h} sort={sort} onSort={onSort} /> : flexRender(h.column.columnDef.header, h.getContext())}
                  </Table.Th>
                ))}
              </Table.Tr>
            ))}
          </Table.Thead>
          <Table.Tbody>{rows.map(rowTr)}</Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </>
  );
}
