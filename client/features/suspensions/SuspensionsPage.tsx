// /suspensions: every suspension (in force, scheduled, history), a bank's panel in a drawer, and for
// managers a multi-select of banks to suspend together (e.g. every PIN-only bank). Filters and the
// selection live in the URL so a view can be shared.
import { useMemo, useState } from "react";
import { Anchor, Badge, Button, Drawer, Group, MultiSelect, SegmentedControl, Stack, Text, Title } from "@mantine/core";
import { IconShieldOff } from "@tabler/icons-react";
import { createColumnHelper } from "@tanstack/react-table";
import { Link } from "react-router";
import { useSuspensionBanks, useSuspensionList } from "./queries.ts";
import { DataTable, useDataTable } from "../../components/DataTable.tsx";
import { useUrlParams } from "../../components/url-params.ts";
import { JstTime } from "../../components/format.tsx";
import { useCan } from "../auth/useMe.ts";
import { useTranslation } from "react-i18next";
import { useScopeWords } from "../../i18n/words.ts";
import { SuspendDialog } from "./SuspendDialog.tsx";
import { LiftDialog } from "./LiftDialog.tsx";
import { STATE_COLOR, SuspensionPanel } from "./SuspensionPanel.tsx";
import type { SuspensionListRow } from "./types.ts";
import { useBankName } from "../../components/bank-names.ts";
import { AttentionList, EndsText, SuspensionTimesDialog } from "./Ending.tsx";

type StateFilter = "all" | "ACTIVE" | "SCHEDULED" | "LIFTED";
const col = createColumnHelper<SuspensionListRow>();
const NoWrap = ({ children }: { children: React.ReactNode }) => <span style={{ whiteSpace: "nowrap" }}>{children}</span>;

export default function SuspensionsPage() {
  const { t } = useTranslation(["suspensions", "common"]);
  const scopeWords = useScopeWords();
  const { params, update } = useUrlParams();
  const canSuspend = useCan("suspensions.suspend");
  const canLift = useCan("suspensions.lift");
  const list = useSuspensionList();
  const banks = useSuspensionBanks(canSuspend);
  const bankName = useBankName();
  const [dialogOpen, setDialogOpen] = useState(false);
  const [lifting, setLifting] = useState<SuspensionListRow | null>(null);
  const canSetTimes = useCan("suspensions.setTimes");
  const [timing, setTiming] = useState<SuspensionListRow | null>(null);

  const state = (params.get("state") ?? "all") as StateFilter;
  const selected = (params.get("select") ?? "").split(",").filter(Boolean);
  const bank = params.get("bank");

  const rows = useMemo(() => (list.data ?? []).filter((s) => state === "all" || s.state === state), [list.data, state]);
  const columns = useMemo(
    () => [
      col.accessor("bankName", {
        header: t("list.col.bank"),
        cell: (c) => (
          <Anchor component="button" type="button" size="sm" style={{ whiteSpace: "nowrap" }} onClick={() => update({ bank: c.row.original.bankCode })}>
            {bankName(c.row.original.bankCode, c.getValue())} ({c.row.original.bankCode})
          </Anchor>
        ),
      }),
      col.accessor("state", {
        header: t("list.col.state"),
        cell: (c) => (
          <Badge color={STATE_COLOR[c.getValue()]} variant="light" style={{ minWidth: "max-content" }}>
            {t(`state.${c.getValue()}`)}
          </Badge>
        ),
      }),
      col.accessor("scopes", { header: t("list.col.suspends"), cell: (c) => scopeWords(c.getValue()) }),
      col.accessor("startsAt", { header: t("list.col.from"), cell: (c) => <NoWrap><JstTime at={c.getValue()} /></NoWrap> }),
      col.accessor("cutoffAt", { header: t("list.col.cutoff"), cell: (c) => <NoWrap><JstTime at={c.getValue()} /></NoWrap> }),
      col.accessor("quarantinedCount", {
        header: t("list.col.quarantined"),
        cell: (c) =>
          c.row.original.quarantine ? (
            c.getValue() > 0 ? (
              <Link to={`/quarantine?suspension=${c.row.original.id}`}>{t("list.toReview", { count: c.getValue() })}</Link>
            ) : (
              t("list.noneWaiting")
            )
          ) : (
            t("list.off")
          ),
      }),
      col.accessor("endsAt", {
        header: t("ending.colEnds"),
        cell: (c) => (
          <Group gap={6} wrap="nowrap">
            <EndsText s={c.row.original} />
            {canSetTimes && !c.row.original.liftedAt && (
              <Button size="compact-xs" variant="subtle" onClick={() => setTiming(c.row.original)}>
                {t("ending.edit")}
              </Button>
            )}
          </Group>
        ),
      }),
      col.accessor("reason", {
        header: t("list.col.byReason"),
        cell: (c) => (
          <Text size="sm">
            {c.row.original.createdBy}: {c.getValue()}
          </Text>
        ),
      }),
      col.accessor("liftedAt", {
        header: t("list.col.lifted"),
        cell: (c) =>
          c.getValue() ? (
            <Text size="sm">
              <JstTime at={c.getValue()} /> {t("list.liftedBy", { who: c.row.original.liftedBy, reason: c.row.original.liftReason })}
            </Text>
          ) : canLift ? (
            <Button size="compact-xs" variant="default" onClick={() => setLifting(c.row.original)}>
              {c.row.original.state === "SCHEDULED" ? t("panel.cancelScheduled") : t("panel.lift")}
            </Button>
          ) : (
            "—"
          ),
      }),
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [canLift, canSetTimes, t, bankName],
  );
  const table = useDataTable({ data: rows, columns, getRowId: (r) => r.id });

  const bankOptions = (banks.data ?? []).map((b) => ({
    value: b.code,
    label: `${bankName(b.code, b.name)} (${b.code})${b.suspendedScopes.length ? t("list.suspendedTag") : ""}`,
  }));
  const pinOnly = (banks.data ?? []).filter((b) => b.authMethod === "PIN" && !b.suspendedScopes.includes("REGISTRATION")).map((b) => b.code);
  const counts = { ACTIVE: 0, SCHEDULED: 0, LIFTED: 0 };
  for (const s of list.data ?? []) counts[s.state]++;

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Stack gap={2}>
          <Title order={2}>{t("list.title")}</Title>
          <Text c="dimmed" size="sm">
            {t("list.subtitle")}
          </Text>
        </Stack>
      </Group>

      <AttentionList />

      {canSuspend && (
        <Group align="flex-end" data-testid="suspend-banks-bar">
          <MultiSelect
            label={t("list.together")}
            placeholder={selected.length ? undefined : t("list.pick")}
            data={bankOptions}
            value={selected}
            onChange={(v) => update({ select: v.join(",") || null })}
            searchable
            clearable
            w={520}
            maw="100%"
            maxDropdownHeight={320}
            nothingFoundMessage={t("list.noBankMatches")}
          />
          <Button variant="default" disabled={pinOnly.length === 0} onClick={() => update({ select: [...new Set([...selected, ...pinOnly])].join(",") })}>
            {t("list.addPinOnly", { count: pinOnly.length })}
          </Button>
          <Button color="red" leftSection={<IconShieldOff size={16} />} disabled={selected.length === 0} onClick={() => setDialogOpen(true)}>
            {t("list.suspendBanks")}
          </Button>
        </Group>
      )}

      <SegmentedControl
        value={state}
        onChange={(v) => update({ state: v === "all" ? null : v })}
        data={[
          { value: "all", label: t("list.all", { count: list.data?.length ?? 0 }) },
          { value: "ACTIVE", label: t("list.inForce", { count: counts.ACTIVE }) },
          { value: "SCHEDULED", label: t("list.scheduled", { count: counts.SCHEDULED }) },
          { value: "LIFTED", label: t("list.lifted", { count: counts.LIFTED }) },
        ]}
        w="fit-content"
      />

      <DataTable
        table={table}
        testId="suspensions-table"
        loading={list.isPending}
        loadingLabel={t("list.loading")}
        error={list.error}
        empty={list.data?.length === 0 ? t("list.never") : t("list.noMatch")}
        minWidth={900}
        pin="bankName"
        striped
        highlightOnHover
        verticalSpacing="xs"
      />

      <Drawer
        opened={bank !== null}
        onClose={() => update({ bank: null })}
        position="right"
        size="xl"
        title={bank ? `${bankName(bank, list.data?.find((s) => s.bankCode === bank)?.bankName ?? t("list.bank"))} (${bank})` : ""}
      >
        {bank && <SuspensionPanel bankCode={bank} />}
      </Drawer>
      {canSuspend && <SuspendDialog bankCodes={selected} opened={dialogOpen} onClose={() => setDialogOpen(false)} onSuspended={() => update({ select: null })} />}
      {canLift && <LiftDialog suspension={lifting} onClose={() => setLifting(null)} />}
      {canSetTimes && <SuspensionTimesDialog suspension={timing} onClose={() => setTiming(null)} />}
    </Stack>
  );
}
