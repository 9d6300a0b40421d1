// The audit log: every staff action, filtered on the server, newest first, a page at a time (keyset
// pagination), with a detail drawer that shows before/after as a diff, a CSV export of what the
// filters select, and the state of the tamper-evident hash chain. Filters and the open record live
// in the URL so a view can be shared.
import { useMemo, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { Alert, Anchor, Badge, Button, Center, Code, Drawer, Group, Loader, Select, Stack, Table, Text, TextInput, Title, Tooltip } from "@mantine/core";
import { DatePickerInput } from "@mantine/dates";
import { IconDownload, IconShieldCheck, IconShieldX } from "@tabler/icons-react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { createColumnHelper, flexRender, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import { useTRPC } from "../../trpc.ts";
import { errorMessage } from "../../lib/errors.ts";
import { JstTime } from "../../components/format.tsx";
import { diffBeforeAfter, targetHref } from "../../../shared/audit/present.ts";
import { AUDIT_ACTIONS, AUDIT_TARGET_TYPES } from "../../../shared/audit/actions.ts";
import { useAuditWords } from "./words.ts";
import type { AuditFilters, AuditRowView } from "../../../shared/audit/schemas.ts";

const PAGE_ROWS = 50;
const FILTER_KEYS = ["actor", "action", "targetType", "targetId", "q", "from", "to"] as const;

/** JST calendar days in the URL (from=2026-09-05&to=2026-09-07, both inclusive) to instants. */
function jstDayStart(day: string, plusDays = 0): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const d = new Date(`${day}T00:00:00+09:00`);
  return Number.isNaN(d.getTime()) ? undefined : new Date(d.getTime() + plusDays * 86_400_000);
}

function filtersFrom(params: URLSearchParams): AuditFilters {
  const f: AuditFilters = {};
  for (const k of ["actor", "action", "targetType", "targetId", "q"] as const) {
    const v = params.get(k)?.trim();
    if (v) f[k] = v;
  }
  const from = params.get("from");
  const to = params.get("to");
  if (from) f.from = jstDayStart(from);
  if (to) f.to = jstDayStart(to, 1);
  return f;
}

export function ChainStatus() {
  const { t } = useTranslation("audit");
  const trpc = useTRPC();
  const v = useQuery(trpc.audit.verify.queryOptions(undefined, { staleTime: 30_000 }));
  if (v.isPending) return <Badge color="gray" variant="light" leftSection={<Loader size={10} />}>{t("chain.checking")}</Badge>;
  if (v.error) return <Badge color="orange" variant="light">{t("chain.notChecked", { error: errorMessage(v.error) })}</Badge>;
  const d = v.data;
  if (d.status === "VERIFIED") {
    return (
      <Tooltip label={t("chain.verifiedTip", { value: d.verifiedCount })}>
        <Badge color="green" variant="light" size="lg" leftSection={<IconShieldCheck size={14} />} data-testid="chain-status">
          {t("chain.verified", { id: d.lastVerifiedId ?? 0 })}
        </Badge>
      </Tooltip>
    );
  }
  return (
    <Tooltip label={d.problem ?? ""} multiline w={360}>
      <Badge color="red" variant="filled" size="lg" leftSection={<IconShieldX size={14} />} data-testid="chain-status">
        {t("chain.broken", { id: d.brokenAtId, last: d.lastVerifiedId ?? 0 })}
      </Badge>
    </Tooltip>
  );
}

export function TargetLink({ targetType, targetId }: { targetType: string; targetId: string }) {
  const words = useAuditWords();
  const href = targetHref(targetType, targetId);
  const label = (
    <>
      <Text span c="dimmed" size="xs">
        {words.targetType(targetType)}
      </Text>{" "}
      {targetId.length > 24 ? `${targetId.slice(0, 8)}…` : targetId}
    </>
  );
  return href ? (
    <Anchor component={Link} to={href} size="sm" onClick={(e) => e.stopPropagation()}>
      {label}
    </Anchor>
  ) : (
    <Text size="sm">{label}</Text>
  );
}

function DiffView({ before, after }: { before: unknown; after: unknown }) {
  const { t } = useTranslation("audit");
  const lines = diffBeforeAfter(before, after);
  if (lines.length === 0) return <Text size="sm" c="dimmed">{t("detail.noDiff")}</Text>;
  const color = { changed: "yellow.1", added: "green.1", removed: "red.1", same: undefined } as const;
  return (
    <Table withTableBorder data-testid="audit-diff">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t("detail.field")}</Table.Th>
          <Table.Th>{t("detail.before")}</Table.Th>
          <Table.Th>{t("detail.after")}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {lines.map((l) => (
          <Table.Tr key={l.path} bg={color[l.change]}>
            <Table.Td>
              <Code>{l.path}</Code>
            </Table.Td>
            <Table.Td style={{ wordBreak: "break-all" }}>{l.before ?? <Text span c="dimmed">—</Text>}</Table.Td>
            <Table.Td style={{ wordBreak: "break-all" }}>{l.after ?? <Text span c="dimmed">—</Text>}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function AuditDetail({ id, fromPage }: { id: number; fromPage: AuditRowView | undefined }) {
  const { t } = useTranslation("audit");
  const words = useAuditWords();
  const trpc = useTRPC();
  // A shared link may point at a record outside the current page: fetch it on its own.
  const single = useQuery({ ...trpc.audit.list.queryOptions({ cursor: id + 1, limit: 1 }), enabled: !fromPage });
  const row = fromPage ?? single.data?.rows.find((r) => r.id === id);
  if (!row) {
    if (single.isPending) return <Loader aria-label={t("detail.loading")} />;
    if (single.error) return <Alert color="red">{errorMessage(single.error)}</Alert>;
    return <Alert color="gray">{t("detail.missing", { id })}</Alert>;
  }
  return (
    <Stack gap="sm" data-testid="audit-detail">
      <Group gap="xs">
        <Badge variant="light" tt="none">
          {words.action(row.action)}
        </Badge>
        <Code>{row.action}</Code>
        <JstTime at={row.at} />
      </Group>
      <Text size="sm">
        <b>{t("detail.by")}</b> {row.actorEmail}
        {row.actorRole ? ` (${words.role(row.actorRole)})` : ""}
        {row.ipAddress ? ` ${t("detail.from", { ip: row.ipAddress })}` : ""}
      </Text>
      <Group gap={4}>
        <Text size="sm" fw={700}>
          {t("detail.target")}
        </Text>
        <TargetLink targetType={row.targetType} targetId={row.targetId} />
      </Group>
      <Text size="sm">
        <b>{t("detail.reason")}</b> {row.reason ?? "—"}
      </Text>
      <DiffView before={row.before} after={row.after} />
      <Text size="xs" c="dimmed">
        {t("detail.request", { id: row.requestId ?? "—" })} · {t("detail.hash")} <Code>{row.hash?.slice(0, 16)}…</Code>
      </Text>
    </Stack>
  );
}

const col = createColumnHelper<AuditRowView>();
const REFUSALS = new Set(["access.denied", "auth.signInFailed", "auth.secondFactorFailed"]);

function useColumns() {
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

function FilterBar({ params, onApply }: { params: URLSearchParams; onApply: (next: Record<string, string>) => void }) {
  const { t } = useTranslation("audit");
  const words = useAuditWords();
  const [draft, setDraft] = useState<Record<string, string>>(() => Object.fromEntries(FILTER_KEYS.map((k) => [k, params.get(k) ?? ""])));
  const set = (k: string) => (v: string) => setDraft((d) => ({ ...d, [k]: v }));
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        onApply(draft);
      }}
    >
      <Group align="flex-end" gap="sm" wrap="wrap">
        <TextInput label={t("filter.actor")} placeholder={t("filter.actorPlaceholder")} value={draft.actor} onChange={(e) => set("actor")(e.currentTarget.value)} w={180} />
        <Select
          label={t("filter.action")}
          placeholder={t("filter.actionPlaceholder")}
          // Every action by its label; a prefix from a shared link ("suspension.") stays selectable as typed.
          data={[
            ...(draft.action && !(AUDIT_ACTIONS as readonly string[]).includes(draft.action) ? [{ value: draft.action, label: draft.action }] : []),
            ...AUDIT_ACTIONS.map((a) => ({ value: a, label: words.action(a) })),
          ]}
          value={draft.action || null}
          onChange={(v) => set("action")(v ?? "")}
          searchable
          clearable
          w={240}
        />
        <Select
          label={t("filter.targetType")}
          placeholder={t("filter.any")}
          data={AUDIT_TARGET_TYPES.map((v) => ({ value: v, label: words.targetType(v) }))}
          value={draft.targetType || null}
          onChange={(v) => set("targetType")(v ?? "")}
          clearable
          w={150}
        />
        <TextInput label={t("filter.targetId")} value={draft.targetId} onChange={(e) => set("targetId")(e.currentTarget.value)} w={150} />
        <DatePickerInput
          type="range"
          label={t("filter.days")}
          placeholder={t("filter.anyTime")}
          value={[draft.from || null, draft.to || null]}
          onChange={([from, to]) => setDraft((d) => ({ ...d, from: from ? String(from).slice(0, 10) : "", to: to ? String(to).slice(0, 10) : "" }))}
          clearable
          allowSingleDateInRange
          w={230}
        />
        <TextInput label={t("filter.reason")} value={draft.q} onChange={(e) => set("q")(e.currentTarget.value)} w={180} />
        <Button type="submit">{t("filter.apply")}</Button>
        <Button
          variant="subtle"
          onClick={() => {
            const empty = Object.fromEntries(FILTER_KEYS.map((k) => [k, ""]));
            setDraft(empty);
            onApply(empty);
          }}
        >
          {t("filter.clear")}
        </Button>
      </Group>
    </form>
  );
}

function downloadText(fileName: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function AuditPage() {
  const { t } = useTranslation("audit");
  const columns = useColumns();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => filtersFrom(params), [params]);
  const cursor = Number(params.get("cursor")) || undefined;
  const openId = Number(params.get("event")) || null;
  // Keyset pages only know the way to older records; remember the way back in this view.
  const [newerCursors, setNewerCursors] = useState<(number | undefined)[]>([]);
  const [exporting, setExporting] = useState<string | null>(null);
  const q = useQuery(trpc.audit.list.queryOptions({ ...filters, cursor, limit: PAGE_ROWS }));
  const rows = q.data?.rows ?? [];
  const table = useReactTable({ data: rows, columns, getCoreRowModel: getCoreRowModel(), getRowId: (r) => String(r.id) });

  const update = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next);
  };

  const exportCsv = async () => {
    setExporting(null);
    try {
      const file = await queryClient.fetchQuery(trpc.audit.exportCsv.queryOptions(filters, { staleTime: 0 }));
      downloadText(file.fileName, file.csv, "text/csv;charset=utf-8");
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
      <FilterBar
        key={params.toString()}
        params={params}
        onApply={(draft) => {
          setNewerCursors([]);
          update({ ...draft, cursor: null });
        }}
      />
      {q.isPending && (
        <Center p="xl">
          <Loader aria-label={t("loading")} />
        </Center>
      )}
      {q.error && <Alert color="red">{errorMessage(q.error)}</Alert>}
      {q.data && (
        <Table striped highlightOnHover data-testid="audit-table">
          <Table.Thead>
            {table.getHeaderGroups().map((hg) => (
              <Table.Tr key={hg.id}>
                {hg.headers.map((h) => (
                  <Table.Th key={h.id}>{flexRender(h.column.columnDef.header, h.getContext())}</Table.Th>
                ))}
              </Table.Tr>
            ))}
          </Table.Thead>
          <Table.Tbody>
            {rows.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={columns.length}>
                  <Text c="dimmed" ta="center" py="md">
                    {Object.keys(filters).length ? t("noMatch") : t("none")}
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
            {table.getRowModel().rows.map((r) => (
              <Table.Tr key={r.id} style={{ cursor: "pointer" }} onClick={() => update({ event: r.id })} data-action={r.original.action}>
                {r.getVisibleCells().map((c) => (
                  <Table.Td key={c.id}>{flexRender(c.column.columnDef.cell, c.getContext())}</Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
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
