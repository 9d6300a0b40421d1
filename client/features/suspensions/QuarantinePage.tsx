// /quarantine: links registered inside a suspension's quarantine window, with their accounts'
// scores and the reasons behind them; analysts and managers release or revoke them, one at a time
// or many with one reason. Bank, suspension and page live in the URL.
import { useMemo, useState } from "react";
import { Alert, Badge, Button, Center, Checkbox, Group, List, Loader, Modal, Pagination, Select, Stack, Table, Text, Textarea, Title, Tooltip } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconLockOpen, IconLockX } from "@tabler/icons-react";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { createColumnHelper, flexRender, getCoreRowModel, useReactTable, type RowSelectionState } from "@tanstack/react-table";
import { useSearchParams } from "react-router";
import { useTRPC } from "../../trpc.ts";
import { errorMessage } from "../../lib/errors.ts";
import { JstTime, useFormat } from "../../components/format.tsx";
import { useTranslation } from "react-i18next";
import { useRuleLabel } from "../../i18n/words.ts";
import { useCan } from "../auth/useMe.ts";
import { REASON_LENGTH_MIN } from "../../../shared/limits.ts";
import type { QuarantineRow } from "./types.ts";
import { useSubmitOnce } from "../../components/submit-once.ts";

const PAGE_SIZE = 100;
const col = createColumnHelper<QuarantineRow>();

type Action = { kind: "release" | "revoke"; linkIds: string[] };

function scoreColor(score: number) {
  return score >= 80 ? "red" : score >= 60 ? "orange" : score >= 30 ? "yellow" : "gray";
}

export default function QuarantinePage() {
  const { t } = useTranslation(["suspensions", "common"]);
  const ruleLabel = useRuleLabel();
  const fmt = useFormat();
  const trpc = useTRPC();
  const [params, setParams] = useSearchParams();
  const canReview = useCan("suspensions.releaseLinks");
  const bankCode = params.get("bank") ?? undefined;
  const suspensionId = params.get("suspension") ?? undefined;
  const page = Math.max(1, Number(params.get("page") ?? "1") || 1);
  const q = useQuery({
    ...trpc.suspensions.quarantineList.queryOptions({ bankCode, suspensionId, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }),
    placeholderData: keepPreviousData,
  });
  const [selection, setSelection] = useState<RowSelectionState>({});
  const [action, setAction] = useState<Action | null>(null);
  const update = (changes: Record<string, string | null>) => {
    setSelection({});
    setParams((p) => {
      for (const [k, v] of Object.entries(changes)) {
        if (v) p.set(k, v);
        else p.delete(k);
      }
      return p;
    });
  };

  const columns = useMemo(
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
              {c.getValue()} ({c.row.original.bankCode}) {c.row.original.branchCode}-{c.row.original.accountNumberMasked}
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
                  <Button size="compact-xs" variant="light" color="green" onClick={() => setAction({ kind: "release", linkIds: [row.original.linkId] })}>
                    {t("quarantine.release")}
                  </Button>
                  <Button size="compact-xs" variant="light" color="red" onClick={() => setAction({ kind: "revoke", linkIds: [row.original.linkId] })}>
                    {t("quarantine.revoke")}
                  </Button>
                </Group>
              ),
            }),
          ]
        : []),
    ],
    [canReview, t, ruleLabel],
  );

  const table = useReactTable({
    data: q.data?.rows ?? [],
    columns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (r) => r.linkId,
    state: { rowSelection: selection },
    onRowSelectionChange: setSelection,
    enableRowSelection: canReview,
  });
  const selectedIds = Object.keys(selection).filter((k) => selection[k]);
  const total = q.data?.total ?? 0;
  const bankOptions = (q.data?.byBank ?? []).map((b) => ({ value: b.bankCode, label: `${b.bankName} (${b.bankCode}): ${fmt.count(b.count)}` }));
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
        <Select label={t("quarantine.bank")} placeholder={t("quarantine.allBanks")} data={bankOptions} value={bankCode ?? null} onChange={(v) => update({ bank: v, page: null })} clearable w={360} maw="100%" />
        {suspensionId && (
          <Button variant="subtle" size="xs" onClick={() => update({ suspension: null, page: null })}>
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

      {q.isPending && (
        <Center p="xl">
          <Loader aria-label={t("quarantine.loading")} />
        </Center>
      )}
      {q.error && <Alert color="red">{errorMessage(q.error)}</Alert>}
      {q.data && total === 0 && <Alert color="gray">{bankCode || suspensionId ? t("quarantine.emptyFiltered") : t("quarantine.empty")}</Alert>}
      {q.data && total > 0 && (
        <>
          <Text size="sm" c="dimmed">
            {t("quarantine.total", { count: total })}
            {total > PAGE_SIZE ? t("quarantine.shown", { from: (page - 1) * PAGE_SIZE + 1, to: Math.min(total, page * PAGE_SIZE) }) : ""}
          </Text>
          <Table.ScrollContainer minWidth={1000}>
          <Table striped highlightOnHover verticalSpacing="xs" data-testid="quarantine-table">
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
              {table.getRowModel().rows.map((r) => (
                <Table.Tr key={r.id} bg={r.getIsSelected() ? "var(--mantine-color-indigo-0)" : undefined}>
                  {r.getVisibleCells().map((c) => (
                    <Table.Td key={c.id}>{flexRender(c.column.columnDef.cell, c.getContext())}</Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          </Table.ScrollContainer>
          {total > PAGE_SIZE && <Pagination value={page} onChange={(p) => update({ page: p === 1 ? null : String(p) })} total={Math.ceil(total / PAGE_SIZE)} />}
        </>
      )}
      <ReviewDialog action={action} onClose={() => setAction(null)} onDone={() => setSelection({})} />
    </Stack>
  );
}

function ReviewDialog({ action, onClose, onDone }: { action: Action | null; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation("suspensions");
  return (
    <Modal opened={action !== null} onClose={onClose} title={action?.kind === "revoke" ? t("quarantine.revokeTitle") : t("quarantine.releaseTitle")}>
      {action && <ReviewForm action={action} onClose={onClose} onDone={onDone} />}
    </Modal>
  );
}

function ReviewForm({ action, onClose, onDone }: { action: Action; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation(["suspensions", "common"]);
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState("");
  const options = {
    onSuccess: async (r: { count: number }) => {
      const done = t("quarantine.links", { count: r.count });
      notifications.show({ color: "green", message: action.kind === "revoke" ? t("quarantine.revoked", { what: done }) : t("quarantine.released", { what: done }) });
      onDone();
      await queryClient.invalidateQueries({ queryKey: trpc.suspensions.pathKey() });
      onClose();
    },
  };
  const release = useMutation(trpc.suspensions.releaseLinks.mutationOptions(options));
  const revoke = useMutation(trpc.suspensions.revokeLinks.mutationOptions(options));
  const releaseOnce = useSubmitOnce(release);
  const revokeOnce = useSubmitOnce(revoke);
  const m = action.kind === "revoke" ? revoke : release;
  const once = action.kind === "revoke" ? revokeOnce : releaseOnce;
  const n = action.linkIds.length;
  const what = t("quarantine.links", { count: n });
  return (
    <Stack>
      <Text size="sm">
        {action.kind === "revoke" ? t("quarantine.revokeText", { count: n, what }) : t("quarantine.releaseText", { count: n, what })}
      </Text>
      <Textarea label={t("quarantine.reason")} value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={2} />
      {!once.busy && m.error && <Alert color="red">{errorMessage(m.error)}</Alert>}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          {t("common:cancel")}
        </Button>
        <Button
          color={action.kind === "revoke" ? "red" : "green"}
          disabled={reason.trim().length < REASON_LENGTH_MIN || once.busy}
          loading={once.busy}
          onClick={() => once.submit({ linkIds: action.linkIds, reason })}
          data-testid="confirm-review"
        >
          {action.kind === "revoke" ? t("quarantine.revokeButton", { what }) : t("quarantine.releaseButton", { what })}
        </Button>
      </Group>
    </Stack>
  );
}
