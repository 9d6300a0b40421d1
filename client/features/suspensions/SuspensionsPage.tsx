// /suspensions: every suspension (in force, scheduled, history), a bank's panel in a drawer, and for
// managers a multi-select of banks to suspend together (e.g. every PIN-only bank). Filters and the
// selection live in the URL so a view can be shared.
import { useMemo, useState } from "react";
import { Alert, Anchor, Badge, Button, Center, Drawer, Group, Loader, MultiSelect, SegmentedControl, Stack, Table, Text, Title } from "@mantine/core";
import { IconShieldOff } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { createColumnHelper, flexRender, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import { Link, useSearchParams } from "react-router";
import { useTRPC } from "../../trpc.ts";
import { errorMessage } from "../../lib/errors.ts";
import { JstTime } from "../../components/format.tsx";
import { useCan } from "../auth/useMe.ts";
import { scopeWords } from "../../../shared/suspensions/describe.ts";
import { SuspendDialog } from "./SuspendDialog.tsx";
import { LiftDialog } from "./LiftDialog.tsx";
import { STATE_COLOR, STATE_LABEL, SuspensionPanel } from "./SuspensionPanel.tsx";
import type { SuspensionListRow } from "./types.ts";

type StateFilter = "all" | "ACTIVE" | "SCHEDULED" | "LIFTED";
const col = createColumnHelper<SuspensionListRow>();
const NoWrap = ({ children }: { children: React.ReactNode }) => <span style={{ whiteSpace: "nowrap" }}>{children}</span>;

export default function SuspensionsPage() {
  const trpc = useTRPC();
  const [params, setParams] = useSearchParams();
  const canSuspend = useCan("suspensions.suspend");
  const canLift = useCan("suspensions.lift");
  const list = useQuery(trpc.suspensions.list.queryOptions());
  const banks = useQuery({ ...trpc.suspensions.banks.queryOptions(), enabled: canSuspend });
  const [dialogOpen, setDialogOpen] = useState(false);
  const [lifting, setLifting] = useState<SuspensionListRow | null>(null);

  const state = (params.get("state") ?? "all") as StateFilter;
  const selected = (params.get("select") ?? "").split(",").filter(Boolean);
  const bank = params.get("bank");
  const update = (changes: Record<string, string | null>) =>
    setParams((p) => {
      for (const [k, v] of Object.entries(changes)) {
        if (v) p.set(k, v);
        else p.delete(k);
      }
      return p;
    });

  const rows = useMemo(() => (list.data ?? []).filter((s) => state === "all" || s.state === state), [list.data, state]);
  const columns = useMemo(
    () => [
      col.accessor("bankName", {
        header: "Bank",
        cell: (c) => (
          <Anchor component="button" type="button" size="sm" style={{ whiteSpace: "nowrap" }} onClick={() => update({ bank: c.row.original.bankCode })}>
            {c.getValue()} ({c.row.original.bankCode})
          </Anchor>
        ),
      }),
      col.accessor("state", {
        header: "State",
        cell: (c) => (
          <Badge color={STATE_COLOR[c.getValue()]} variant="light" style={{ minWidth: "max-content" }}>
            {STATE_LABEL[c.getValue()]}
          </Badge>
        ),
      }),
      col.accessor("scopes", { header: "Suspends", cell: (c) => scopeWords(c.getValue()) }),
      col.accessor("startsAt", { header: "From", cell: (c) => <NoWrap><JstTime at={c.getValue()} /></NoWrap> }),
      col.accessor("cutoffAt", { header: "Cutoff", cell: (c) => <NoWrap><JstTime at={c.getValue()} /></NoWrap> }),
      col.accessor("quarantinedCount", {
        header: "Quarantined",
        cell: (c) =>
          c.row.original.quarantine ? (
            c.getValue() > 0 ? (
              <Link to={`/quarantine?suspension=${c.row.original.id}`}>{c.getValue()} to review</Link>
            ) : (
              "none waiting"
            )
          ) : (
            "off"
          ),
      }),
      col.accessor("reason", {
        header: "By / reason",
        cell: (c) => (
          <Text size="sm">
            {c.row.original.createdBy}: {c.getValue()}
          </Text>
        ),
      }),
      col.accessor("liftedAt", {
        header: "Lifted",
        cell: (c) =>
          c.getValue() ? (
            <Text size="sm">
              <JstTime at={c.getValue()} /> by {c.row.original.liftedBy}: {c.row.original.liftReason}
            </Text>
          ) : canLift ? (
            <Button size="compact-xs" variant="default" onClick={() => setLifting(c.row.original)}>
              {c.row.original.state === "SCHEDULED" ? "Cancel…" : "Lift…"}
            </Button>
          ) : (
            "—"
          ),
      }),
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [canLift],
  );
  const table = useReactTable({ data: rows, columns, getCoreRowModel: getCoreRowModel(), getRowId: (r) => r.id });

  const bankOptions = (banks.data ?? []).map((b) => ({
    value: b.code,
    label: `${b.name} (${b.code})${b.suspendedScopes.length ? " · suspended" : ""}`,
  }));
  const pinOnly = (banks.data ?? []).filter((b) => b.authMethod === "PIN" && !b.suspendedScopes.includes("REGISTRATION")).map((b) => b.code);
  const counts = { ACTIVE: 0, SCHEDULED: 0, LIFTED: 0 };
  for (const s of list.data ?? []) counts[s.state]++;

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Stack gap={2}>
          <Title order={2}>Suspensions</Title>
          <Text c="dimmed" size="sm">
            Banks whose link registrations, link changes or charges are refused to the wallet platform. History is kept forever.
          </Text>
        </Stack>
      </Group>

      {canSuspend && (
        <Group align="flex-end" data-testid="suspend-banks-bar">
          <MultiSelect
            label="Banks to suspend together"
            placeholder={selected.length ? undefined : "Pick banks"}
            data={bankOptions}
            value={selected}
            onChange={(v) => update({ select: v.join(",") || null })}
            searchable
            clearable
            w={520}
            maxDropdownHeight={320}
            nothingFoundMessage="No bank matches"
          />
          <Button variant="default" disabled={pinOnly.length === 0} onClick={() => update({ select: [...new Set([...selected, ...pinOnly])].join(",") })}>
            Add PIN-only banks ({pinOnly.length})
          </Button>
          <Button color="red" leftSection={<IconShieldOff size={16} />} disabled={selected.length === 0} onClick={() => setDialogOpen(true)}>
            Suspend banks…
          </Button>
        </Group>
      )}

      <SegmentedControl
        value={state}
        onChange={(v) => update({ state: v === "all" ? null : v })}
        data={[
          { value: "all", label: `All (${list.data?.length ?? 0})` },
          { value: "ACTIVE", label: `In force (${counts.ACTIVE})` },
          { value: "SCHEDULED", label: `Scheduled (${counts.SCHEDULED})` },
          { value: "LIFTED", label: `Lifted (${counts.LIFTED})` },
        ]}
        w="fit-content"
      />

      {list.isPending && (
        <Center p="xl">
          <Loader aria-label="Loading suspensions" />
        </Center>
      )}
      {list.error && <Alert color="red">{errorMessage(list.error)}</Alert>}
      {list.data && rows.length === 0 && (
        <Alert color="gray">{list.data.length === 0 ? "No bank has ever been suspended." : "No suspension matches this filter."}</Alert>
      )}
      {rows.length > 0 && (
        <Table striped highlightOnHover data-testid="suspensions-table" verticalSpacing="xs">
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
              <Table.Tr key={r.id}>
                {r.getVisibleCells().map((c) => (
                  <Table.Td key={c.id}>{flexRender(c.column.columnDef.cell, c.getContext())}</Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}

      <Drawer
        opened={bank !== null}
        onClose={() => update({ bank: null })}
        position="right"
        size="xl"
        title={bank ? `${list.data?.find((s) => s.bankCode === bank)?.bankName ?? "Bank"} (${bank})` : ""}
      >
        {bank && <SuspensionPanel bankCode={bank} />}
      </Drawer>
      {canSuspend && <SuspendDialog bankCodes={selected} opened={dialogOpen} onClose={() => setDialogOpen(false)} onSuspended={() => update({ select: null })} />}
      {canLift && <LiftDialog suspension={lifting} onClose={() => setLifting(null)} />}
    </Stack>
  );
}
