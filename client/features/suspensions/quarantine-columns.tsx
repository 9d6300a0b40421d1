// The quarantine table's columns: a checkbox for reviewers, the account's score (with fraud and
// frozen marks) and its reasons, the wallet, the linked bank account, when it was linked, and for
// reviewers release/revoke buttons.
import { useMemo } from "react";
import { Badge, Button, Checkbox, Group, List, Stack, Text, Tooltip } from "@mantine/core";
import { createColumnHelper } from "@tanstack/react-table";
import { useTranslation } from "react-i18next";
import { JstTime } from "../../components/format.tsx";
import { useRuleLabel } from "../../i18n/words.ts";
import type { QuarantineRow } from "./types.ts";
import { useBankName } from "../../components/bank-names.ts";

const col = createColumnHelper<QuarantineRow>();

function scoreColor(score: number) {
  return score >= 80 ? "red" : score >= 60 ? "orange" : score >= 30 ? "yellow" : "gray";
}

export function useQuarantineColumns(canReview: boolean, onReview: (kind: "release" | "revoke", linkId: string) => void) {
  const { t } = useTranslation(["suspensions", "common"]);
  const ruleLabel = useRuleLabel();
  const bankName = useBankName();
  return useMemo(
    () => [
      ...(canReview
        ? [
            col.display({
              id: "select",
              header: ({ table }) => (
                <Checkbox
                  aria-label={t("quarantine.selectAll")}
                  checked={table.getIsAllRowsSelected()}
                  indeterminate={table.getIsSomeRowsSelected()}
                  onChange={table.getToggleAllRowsSelectedHandler()}
                />
              ),
              cell: ({ row }) => <Checkbox aria-label={t("quarantine.selectLink", { id: row.original.linkId })} checked={row.getIsSelected()} onChange={row.getToggleSelectedHandler()} />,
            }),
          ]
        : []),
      col.accessor("riskScore", {
        header: t("quarantine.col.score"),
        cell: (c) => (
          <Group gap={4} wrap="nowrap" miw={110}>
            <Badge color={scoreColor(c.getValue())} variant="filled" style={{ minWidth: "max-content" }}>
              {c.getValue()}
            </Badge>
            {c.row.original.reviewLabel === "CONFIRMED_FRAUD" && (
              <Badge color="red" variant="outline" size="xs" style={{ minWidth: "max-content" }}>
                {t("quarantine.fraud")}
              </Badge>
            )}
            {c.row.original.accountStatus === "FROZEN" && (
              <Badge color="gray" size="xs" style={{ minWidth: "max-content" }}>
                {t("quarantine.frozen")}
              </Badge>
            )}
          </Group>
        ),
      }),
      col.accessor("riskReasons", {
        header: t("quarantine.col.why"),
        cell: (c) =>
          c.getValue().length === 0 ? (
            <Text size="xs" c="dimmed">
              {t("quarantine.noSignals")}
            </Text>
          ) : (
            <List size="xs" spacing={0}>
              {c.getValue().map((r) => (
                <List.Item key={r.code}>
                  <b>+{r.points}</b> {ruleLabel(r.code)}: {r.evidence}
                </List.Item>
              ))}
            </List>
          ),
      }),
      col.accessor("accountId", {
        header: t("quarantine.col.wallet"),
        cell: (c) => (
          <Stack gap={0}>
            <Text size="sm">{c.row.original.accountHolderName}</Text>
            <Text size="xs" c="dimmed">
              {c.getValue()}
            </Text>
          </Stack>
        ),
      }),
      col.accessor("bankName", {
        header: t("quarantine.col.linkedAccount"),
        cell: (c) => (
          <Stack gap={0}>
            <Text size="sm">
              {bankName(c.row.original.bankCode, c.getValue())} ({c.row.original.bankCode}) {c.row.original.branchCode}-{c.row.original.accountNumberMasked}
            </Text>
            <Text size="xs" c="dimmed">
              {c.row.original.holderName}
            </Text>
          </Stack>
        ),
      }),
      col.accessor("registeredAt", {
        header: t("quarantine.col.linked"),
        cell: (c) => (
          <Tooltip label={c.row.original.statusReason ?? ""} disabled={!c.row.original.statusReason}>
            <Stack gap={0}>
              <Text size="sm">
                <JstTime at={c.row.original.changedAt ?? c.getValue()} />
              </Text>
              {c.row.original.changedAt && (
                <Text size="xs" c="dimmed">
                  {t("quarantine.changed", { at: c.getValue() })}
                </Text>
              )}
            </Stack>
          </Tooltip>
        ),
      }),
      ...(canReview
        ? [
            col.display({
              id: "actions",
              header: "",
              cell: ({ row }) => (
                <Group gap={4} wrap="nowrap">
                  <Button size="compact-xs" variant="light" color="green" onClick={() => onReview("release", row.original.linkId)}>
                    {t("quarantine.release")}
                  </Button>
                  <Button size="compact-xs" variant="light" color="red" onClick={() => onReview("revoke", row.original.linkId)}>
                    {t("quarantine.revoke")}
                  </Button>
                </Group>
              ),
            }),
          ]
        : []),
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [canReview, t, ruleLabel, bankName],
  );
}
