// Support's landing page: compensation cases by state with totals in yen, filters in the URL, a
// victim search by bank account, and the money totals by bank.
import { useMemo } from "react";
import { Link } from "react-router";
import { Anchor, Badge, Button, Group, Pagination, SegmentedControl, Stack, Switch, Text, TextInput, Title } from "@mantine/core";
import { IconBuildingBank, IconPlus } from "@tabler/icons-react";
import { createColumnHelper } from "@tanstack/react-table";
import { useCaseList, type CaseRow } from "./queries.ts";
import { DataTable, useDataTable } from "../../components/DataTable.tsx";
import { useUrlParams, useUrlText } from "../../components/url-params.ts";
import { Count, JstTime, Yen } from "../../components/format.tsx";
import { useTranslation } from "react-i18next";
import { useCan } from "../auth/useMe.ts";
import { CaseState } from "../../../shared/compensation/schemas.ts";
import { isBankCode } from "../../../shared/bank-code.ts";
import { CompensationTotalsCard } from "./CompensationTotalsCard.tsx";
import { StateBadge, VictimLine, VictimSearch, useStateLabel } from "./parts.tsx";

const PAGE_ROWS = 50;
const col = createColumnHelper<CaseRow>();

export default function CompensationQueuePage() {
  const { t } = useTranslation(["compensation", "common"]);
  const stateLabel = useStateLabel();
  const url = useUrlParams({ resets: ["page"] });
  const { params, update } = url;
  const stateParam = params.get("state");
  const state = CaseState.safeParse(stateParam).success ? (stateParam as CaseState) : stateParam === "all" ? null : "REQUESTED";
  const bankCode = isBankCode(params.get("bank")) ? params.get("bank")! : undefined;
  const mine = params.get("mine") === "1";
  const page = Math.max(1, Number(params.get("page")) || 1);
  const canCreate = useCan("compensation.create");
  // Support records reimbursements there, managers and admins read the banks' statements (#18).
  const canReimburse = useCan("settlement.recordReimbursement");
  const canReadStatements = useCan("settlement.statement");
  const canSettle = canReimburse || canReadStatements;
  const canSeeVictims = useCan("accounts.victims");

  const input = { states: state ? [state] : undefined, bankCode, mine: mine || undefined, limit: PAGE_ROWS, offset: (page - 1) * PAGE_ROWS };
  const q = useCaseList(input);

  // The bank code box: typing stays here, the address follows once it is empty or four digits.
  const bankBox = useUrlText(url, "bank", { accept: (v) => v === "" || isBankCode(v) });

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
  const table = useDataTable({ data: q.data?.cases ?? [], columns, getRowId: (r) => r.id });
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
        <Group gap="xs">
          {canSettle && (
            <Button component={Link} to="/compensation/settlement" variant="light" leftSection={<IconBuildingBank size={16} />}>
              {t("settlement.link")}
            </Button>
          )}
          {canCreate && (
            <Button component={Link} to="/compensation/new" leftSection={<IconPlus size={16} />}>
              {t("queue.newCase")}
            </Button>
          )}
        </Group>
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
          value={bankBox.text}
          w={120}
          maxLength={4}
          onChange={(e) => bankBox.setText(e.currentTarget.value)}
          onKeyDown={(e) => e.key === "Enter" && bankBox.flush()}
        />
        <Switch label={t("queue.mine")} checked={mine} onChange={(e) => update({ mine: e.currentTarget.checked ? "1" : null })} mb={8} />
      </Group>

      {q.data && (
        <Text size="sm" data-testid="queue-total">
          {t("queue.total", { count: q.data.total.count })} · <Yen value={q.data.total.totalYen} />
        </Text>
      )}
      <DataTable
        table={table}
        testId="case-table"
        loading={q.isPending}
        loadingLabel={t("queue.loading")}
        error={q.error}
        empty={<>{state ? t("queue.noneInState", { state: stateLabel(state).toLowerCase() }) : t("queue.none")}{bankCode ? t("queue.atBank", { code: bankCode }) : ""}{mine ? t("queue.yours") : ""}.</>}
        minWidth={900}
        pin="victim"
        rowHref={(c) => `/compensation/cases/${c.id}`}
        striped
        highlightOnHover
      />
      {q.data && q.data.total.count > PAGE_ROWS && (
        <Pagination total={Math.ceil(q.data.total.count / PAGE_ROWS)} value={page} onChange={(p) => update({ page: p === 1 ? null : String(p) })} />
      )}

      {canCreate && <VictimSearch />}
      <CompensationTotalsCard />
    </Stack>
  );
}
