// /quarantine: links registered inside a suspension's quarantine window, with their accounts'
// scores and the reasons behind them; analysts and managers release or revoke them, one at a time
// or many with one reason. Bank, suspension and page live in the URL.
import { useState } from "react";
import { Button, Group, Pagination, Select, Stack, Text, Title } from "@mantine/core";
import { IconLockOpen, IconLockX } from "@tabler/icons-react";
import { type RowSelectionState } from "@tanstack/react-table";
import { useTranslation } from "react-i18next";
import { DataTable, useDataTable } from "../../components/DataTable.tsx";
import { useUrlParams } from "../../components/url-params.ts";
import { useFormat } from "../../components/format.tsx";
import { useCan } from "../auth/useMe.ts";
import { useQuarantineColumns } from "./quarantine-columns.tsx";
import { ReviewDialog, type ReviewAction } from "./QuarantineReviewDialog.tsx";
import { useQuarantineList } from "./queries.ts";
import { useBankName } from "../../components/bank-names.ts";

const PAGE_SIZE = 100;

export default function QuarantinePage() {
  const { t } = useTranslation(["suspensions", "common"]);
  const fmt = useFormat();
  const bankName = useBankName();
  const url = useUrlParams({ resets: ["page"] });
  const params = url.params;
  const canReview = useCan("suspensions.releaseLinks");
  const bankCode = params.get("bank") ?? undefined;
  const suspensionId = params.get("suspension") ?? undefined;
  const page = Math.max(1, Number(params.get("page") ?? "1") || 1);
  const q = useQuarantineList({ bankCode, suspensionId, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
  const [selection, setSelection] = useState<RowSelectionState>({});
  const [action, setAction] = useState<ReviewAction | null>(null);
  const update = (changes: Record<string, string | null>) => {
    setSelection({});
    url.update(changes);
  };

  const columns = useQuarantineColumns(canReview, (kind, linkId) => setAction({ kind, linkIds: [linkId] }));

  const table = useDataTable({
    data: q.data?.rows ?? [],
    columns,
    getRowId: (r) => r.linkId,
    state: { rowSelection: selection },
    onRowSelectionChange: setSelection,
    enableRowSelection: canReview,
  });
  const selectedIds = Object.keys(selection).filter((k) => selection[k]);
  const total = q.data?.total ?? 0;
  const bankOptions = (q.data?.byBank ?? []).map((b) => ({ value: b.bankCode, label: `${bankName(b.bankCode, b.bankName)} (${b.bankCode}): ${fmt.count(b.count)}` }));
  if (bankCode && !bankOptions.some((o) => o.value === bankCode)) bankOptions.push({ value: bankCode, label: t("quarantine.none", { code: bankCode }) });

  return (
    <Stack>
      <Stack gap={2}>
        <Title order={2}>{t("quarantine.title")}</Title>
        <Text c="dimmed" size="sm">
          {t("quarantine.subtitle")}
        </Text>
      </Stack>
      <Group align="flex-end">
        <Select label={t("quarantine.bank")} placeholder={t("quarantine.allBanks")} data={bankOptions} value={bankCode ?? null} onChange={(v) => update({ bank: v })} clearable w={360} maw="100%" />
        {suspensionId && (
          <Button variant="subtle" size="xs" onClick={() => update({ suspension: null })}>
            {t("quarantine.oneSuspension")}
          </Button>
        )}
        {canReview && (
          <Group gap="xs" ml="auto" data-testid="bulk-actions">
            <Text size="sm">{selectedIds.length ? t("quarantine.selected", { count: selectedIds.length }) : t("quarantine.selectHint")}</Text>
            <Button leftSection={<IconLockOpen size={16} />} color="green" variant="light" disabled={!selectedIds.length} onClick={() => setAction({ kind: "release", linkIds: selectedIds })}>
              {t("quarantine.releaseSelected")}
            </Button>
            <Button leftSection={<IconLockX size={16} />} color="red" variant="light" disabled={!selectedIds.length} onClick={() => setAction({ kind: "revoke", linkIds: selectedIds })}>
              {t("quarantine.revokeSelected")}
            </Button>
          </Group>
        )}
      </Group>

      {q.data && total > 0 && (
        <Text size="sm" c="dimmed">
          {t("quarantine.total", { count: total })}
          {total > PAGE_SIZE ? t("quarantine.shown", { from: (page - 1) * PAGE_SIZE + 1, to: Math.min(total, page * PAGE_SIZE) }) : ""}
        </Text>
      )}
      <DataTable
        table={table}
        testId="quarantine-table"
        loading={q.isPending}
        loadingLabel={t("quarantine.loading")}
        error={q.error}
        empty={bankCode || suspensionId ? t("quarantine.emptyFiltered") : t("quarantine.empty")}
        minWidth={1000}
        pin="riskScore"
        striped
        highlightOnHover
        verticalSpacing="xs"
      />
      {total > PAGE_SIZE && <Pagination value={page} onChange={(p) => update({ page: p === 1 ? null : String(p) })} total={Math.ceil(total / PAGE_SIZE)} />}
      <ReviewDialog action={action} onClose={() => setAction(null)} onDone={() => setSelection({})} />
    </Stack>
  );
}
