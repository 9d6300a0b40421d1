// The accounts table's columns: a checkbox, the account (a link), holder, score, reasons, status,
// review label, opened, flagged and first linked bank. Every column but the checkbox can be hidden.
import { useMemo } from "react";
import { Anchor, Box, Checkbox, Text } from "@mantine/core";
import type { ColumnDef } from "@tanstack/react-table";
import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import type { AccountRow } from "../../../shared/accounts/schemas.ts";
import { JstTime } from "../../components/format.tsx";
import { LabelBadge, ReasonChips, ScoreBar, StatusBadge } from "./parts.tsx";
import { useBankName } from "../../components/bank-names.ts";

type ColumnId = "id" | "holderName" | "score" | "reasons" | "status" | "reviewLabel" | "openedAt" | "flaggedAt" | "firstLinkBank";

/** A column's name in the reader's language (the checkbox column has none). */
export function useColumnLabel() {
  const { t } = useTranslation("accounts");
  return (id: string) => (id === "select" ? "" : t(`list.col.${id as ColumnId}`));
}

export function useAccountColumns() {
  const { t } = useTranslation(["accounts", "common"]);
  const columnLabel = useColumnLabel();
  const bankName = useBankName();
  return useMemo<ColumnDef<AccountRow>[]>(
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
              {row.original.firstLinkBankCode} <Text span c="dimmed" size="xs">{bankName(row.original.firstLinkBankCode, row.original.firstLinkBankName)}</Text>
            </Text>
          ) : (
            <Text size="xs" c="dimmed">{t("list.noLink")}</Text>
          ),
      },
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [t, bankName],
  );
}
