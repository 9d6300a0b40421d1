// Support's landing page: compensation cases by state with totals in yen, filters in the URL, a
// victim search by bank account, and the money totals by bank.
import { useMemo } from "react";
import { Link, useSearchParams } from "react-router";
import { Alert, Anchor, Badge, Button, Center, Group, Loader, Pagination, SegmentedControl, Stack, Switch, Table, Text, TextInput, Title } from "@mantine/core";
import { IconPlus } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { createColumnHelper, flexRender, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import { useTRPC } from "../../trpc.ts";
import { errorMessage } from "../../lib/errors.ts";
import { Count, JstTime, Yen } from "../../components/format.tsx";
import { useTranslation } from "react-i18next";
import { useCan } from "../auth/useMe.ts";
import { CaseState } from "../../../shared/compensation/schemas.ts";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../../../server/trpc/app-router.ts";
import { CompensationTotalsCard } from "./CompensationTotalsCard.tsx";
import { StateBadge, VictimLine, VictimSearch, useStateLabel } from "./parts.tsx";

type CaseRow = inferRouterOutputs<AppRouter>["compensation"]["list"]["cases"][number];
const PAGE_ROWS = 50;
const col = createColumnHelper<CaseRow>();

export default function CompensationQueuePage() {
  const { t } = useTranslation(["compensation", "common"]);
  const stateLabel = useStateLabel();
  const trpc = useTRPC();
  const [params, setParams] = useSearchParams();
  const stateParam = params.get("state");
  const state = CaseState.safeParse(stateParam).success ? (stateParam as CaseState) : stateParam === "all" ? null : "REQUESTED";
  const bankCode = /^\d{4}$/.test(params.get("bank") ?? "") ? params.get("bank")! : undefined;
  const mine = params.get("mine") === "1";
  const page = Math.max(1, Number(params.get("page")) || 1);
  const canCreate = useCan("compensation.create");
  const canSeeVictims = useCan("accounts.victims");

  const input = { states: state ? [state] : undefined, bankCode, mine: mine || undefined, limit: PAGE_ROWS, offset: (page - 1) * PAGE_ROWS };
  const q = useQuery(trpc.compensation.list.queryOptions(input));

  const update = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null || v === "") next.delete(k);
      else next.set(k, v);
    }
    if (!("page" in changes)) next.delete("page");
    setParams(next);
  };

  const columns = useMemo(
    () => [
      col.accessor("requestedAt", { header: t("queue.col.requested"), cell: (c) => <JstTime at={c.getValue()} /> }),
      col.display({ id: "victim", header: t("queue.col.victim"), cell: (c) => <VictimLine {...c.row.original} /> }),
      col.accessor("totalYen", {
        header: t("queue.col.amount"),
        cell: (c) => (
          <Group gap={6} wrap="nowrap">
            <Yen value={c.getValue()} />
            {c.row.original.needsManager && c.row.original.state === "REQUESTED" && (
              <Badge size="xs" color="orange" variant="light" style={{ flexShrink: 0, minWidth: "max-content" }}>
                {t("queue.needsManager")}
              </Badge>
            )}
          </Group>
        ),
      }),
      col.accessor("lineCount", { header: t("queue.col.charges"), cell: (c) => <Count value={c.getValue()} /> }),
      col.accessor("state", { header: t("queue.col.state"), cell: (c) => <StateBadge state={c.getValue()} /> }),
      col.accessor("requestedByEmail", { header: t("queue.col.requestedBy"), cell: (c) => <Text size="sm">{c.getValue()}</Text> }),
      col.display({
        id: "open",
        header: "",
        cell: (c) => (
          <Anchor component={Link} to={`/compensation/cases/${c.row.original.id}`} size="sm">
            {t("queue.open")}
          </Anchor>
        ),
      }),
    ],
    [t],
  );
  const table = useReactTable({ data: q.data?.cases ?? [], columns, getCoreRowModel: getCoreRowModel() });
  const totals = q.data?.stateTotals;
  const segment = (s: CaseState | "all") => {
    const total = s === "all" ? null : totals?.[s];
    return { value: s, label: s === "all" ? t("queue.all") : total ? t("queue.stateCount", { state: stateLabel(s), count: total.count }) : stateLabel(s) };
  };

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>{t("queue.title")}</Title>
          <Text c="dimmed" size="sm">
            {t("queue.subtitle", { threshold: q.data?.thresholdYen ?? 100_000 })}
            {canSeeVictims && (
              <>
                {" "}
                <Anchor component={Link} to="/accounts/victims" size="sm">
                  {t("queue.victims")}
                </Anchor>
              </>
            )}
          </Text>
        </div>
        {canCreate && (
          <Button component={Link} to="/compensation/new" leftSection={<IconPlus size={16} />}>
            {t("queue.newCase")}
          </Button>
        )}
      </Group>

      <Group align="flex-end" gap="md">
        <SegmentedControl
          value={state ?? "all"}
          onChange={(v) => update({ state: v === "REQUESTED" ? null : v })}
          data={[...CaseState.options.map(segment), segment("all")]}
          aria-label={t("queue.stateAria")}
        />
        <TextInput
          label={t("queue.bankCode")}
          placeholder={t("queue.allBanks")}
          defaultValue={bankCode ?? ""}
          w={120}
          maxLength={4}
          onChange={(e) => {
            const v = e.currentTarget.value.trim();
            if (v === "" || /^\d{4}$/.test(v)) update({ bank: v || null });
          }}
        />
        <Switch label={t("queue.mine")} checked={mine} onChange={(e) => update({ mine: e.currentTarget.checked ? "1" : null })} mb={8} />
      </Group>

      {q.isPending && (
        <Center p="xl">
          <Loader aria-label={t("queue.loading")} />
        </Center>
      )}
      {q.error && <Alert color="red">{errorMessage(q.error)}</Alert>}
      {q.data && (
        <Text size="sm" data-testid="queue-total">
          {t("queue.total", { count: q.data.total.count })} · <Yen value={q.data.total.totalYen} />
        </Text>
      )}
      {q.data && q.data.cases.length === 0 && (
        <Alert color="gray">{state ? t("queue.noneInState", { state: stateLabel(state).toLowerCase() }) : t("queue.none")}{bankCode ? t("queue.atBank", { code: bankCode }) : ""}{mine ? t("queue.yours") : ""}.</Alert>
      )}
      {q.data && q.data.cases.length > 0 && (
        <Table.ScrollContainer minWidth={900}>
        <Table striped highlightOnHover data-testid="case-table">
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
        </Table.ScrollContainer>
      )}
      {q.data && q.data.total.count > PAGE_ROWS && (
        <Pagination total={Math.ceil(q.data.total.count / PAGE_ROWS)} value={page} onChange={(p) => update({ page: p === 1 ? null : String(p) })} />
      )}

      {canCreate && <VictimSearch />}
      <CompensationTotalsCard />
    </Stack>
  );
}
