// The audit table's columns: record number, time, who (with role), action (refusals in red, the code
// on hover), target (a link where it has a page) and reason.
import { useMemo } from "react";
import { Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { createColumnHelper } from "@tanstack/react-table";
import { JstTime } from "../../components/format.tsx";
import type { AuditRowView } from "../../../shared/audit/schemas.ts";
import { useAuditWords } from "./words.ts";
import { TargetLink } from "./AuditDetail.tsx";

const col = createColumnHelper<AuditRowView>();
const REFUSALS = new Set(["access.denied", "auth.signInFailed", "auth.secondFactorFailed"]);

export function useAuditColumns() {
  const { t } = useTranslation("audit");
  const words = useAuditWords();
  return useMemo(
    () => [
      col.accessor("id", { header: "#", cell: (c) => <Text size="xs" c="dimmed">{c.getValue()}</Text> }),
      col.accessor("at", { header: t("col.time"), cell: (c) => <Text span size="sm" style={{ whiteSpace: "nowrap" }}><JstTime at={c.getValue()} /></Text> }),
      col.accessor("actorEmail", {
        header: t("col.actor"),
        cell: (c) => <>{c.getValue()}{c.row.original.actorRole ? <Text span size="xs" c="dimmed" style={{ whiteSpace: "nowrap" }}> {words.role(c.row.original.actorRole)}</Text> : null}</>,
      }),
      col.accessor("action", {
        header: t("col.action"),
        // The label in the reader's language; the code (what the filter and the CSV use) on hover.
        cell: (c) => (
          <Text size="sm" fw={500} c={REFUSALS.has(c.getValue()) ? "red.7" : "indigo.7"} title={c.getValue()}>
            {words.action(c.getValue())}
          </Text>
        ),
      }),
      col.display({ id: "target", header: t("col.target"), cell: (c) => <TargetLink targetType={c.row.original.targetType} targetId={c.row.original.targetId} /> }),
      col.accessor("reason", { header: t("col.reason"), cell: (c) => <Text size="sm" lineClamp={2}>{c.getValue() ?? "—"}</Text> }),
    ],
    [t, words],
  );
}
