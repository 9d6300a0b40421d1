// The audit log: every staff action, filtered on the server, newest first, a page at a time (keyset
// pagination), with a detail drawer that shows before/after as a diff, a CSV export of what the
// filters select, and the state of the tamper-evident hash chain. Filters and the open record live
// in the URL so a view can be shared.
import { useMemo, useState } from "react";
import { Alert, Button, Drawer, Group, Stack, Text, Title } from "@mantine/core";
import { IconDownload } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../lib/errors.ts";
import { saveTextFile } from "../../lib/download.ts";
import { DataTable, useDataTable } from "../../components/DataTable.tsx";
import { useUrlParams } from "../../components/url-params.ts";
import { AuditDetail } from "./AuditDetail.tsx";
import { AuditFilterBar, filtersFrom } from "./AuditFilterBar.tsx";
import { ChainStatus } from "./ChainStatus.tsx";
import { useAuditColumns } from "./columns.tsx";
import { useAuditExport, useAuditList } from "./queries.ts";

const PAGE_ROWS = 50;

export function AuditPage() {
  const { t } = useTranslation("audit");
  const columns = useAuditColumns();
  const fetchCsv = useAuditExport();
  const { params, update } = useUrlParams();
  const filters = useMemo(() => filtersFrom(params), [params]);
  const cursor = Number(params.get("cursor")) || undefined;
  const openId = Number(params.get("event")) || null;
  // Keyset pages only know the way to older records; remember the way back in this view.
  const [newerCursors, setNewerCursors] = useState<(number | undefined)[]>([]);
  const [exporting, setExporting] = useState<string | null>(null);
  const q = useAuditList({ ...filters, cursor, limit: PAGE_ROWS });
  const rows = q.data?.rows ?? [];
  const table = useDataTable({ data: rows, columns, getRowId: (r) => String(r.id) });

  const exportCsv = async () => {
    setExporting(null);
    try {
      const file = await fetchCsv(filters);
      saveTextFile(file.fileName, file.csv);
      if (file.truncated) setExporting(t("exportTruncated", { value: file.rowCount }));
    } catch (err) {
      setExporting(errorMessage(err));
    }
  };

  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={2}>{t("title")}</Title>
          <Text c="dimmed" size="sm">
            {t("intro")}
          </Text>
        </div>
        <Group>
          <ChainStatus />
          <Button variant="light" leftSection={<IconDownload size={16} />} onClick={exportCsv}>
            {t("export")}
          </Button>
        </Group>
      </Group>
      {exporting && <Alert color="orange">{exporting}</Alert>}
      <AuditFilterBar
        key={params.toString()}
        params={params}
        onApply={(draft) => {
          setNewerCursors([]);
          update({ ...draft, cursor: null });
        }}
      />
      <DataTable
        table={table}
        testId="audit-table"
        loading={q.isPending}
        loadingLabel={t("loading")}
        error={q.error}
        empty={Object.keys(filters).length ? t("noMatch") : t("none")}
        onRowClick={(r) => update({ event: String(r.id) })}
        rowAttributes={(r) => ({ "data-action": r.action })}
        striped
        highlightOnHover
      />
      <Group justify="space-between">
        <Group>
          <Button
            variant="default"
            disabled={!cursor}
            onClick={() => {
              const prev = newerCursors[newerCursors.length - 1];
              setNewerCursors((s) => s.slice(0, -1));
              update({ cursor: prev ? String(prev) : null });
            }}
          >
            {t("newer")}
          </Button>
          <Button
            variant="default"
            disabled={!q.data?.nextCursor}
            onClick={() => {
              setNewerCursors((s) => [...s, cursor]);
              update({ cursor: String(q.data!.nextCursor) });
            }}
          >
            {t("older")}
          </Button>
        </Group>
        {rows.length > 0 && (
          <Text size="sm" c="dimmed">
            {t("range", { first: rows[0].id, last: rows[rows.length - 1].id })}
          </Text>
        )}
      </Group>
      <Drawer opened={openId !== null} onClose={() => update({ event: null })} position="right" size="lg" title={openId ? t("recordTitle", { id: openId }) : ""}>
        {openId !== null && <AuditDetail id={openId} fromPage={rows.find((r) => r.id === openId)} />}
      </Drawer>
    </Stack>
  );
}

export default AuditPage;
