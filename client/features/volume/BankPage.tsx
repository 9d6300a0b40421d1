// One bank: its link and charge volume against its expected band with spike markers, its spikes,
// recent links and charges (masked account numbers), a link to its flagged accounts, then the
// panels other features register for bank pages (suspension with its policy violations, timeline…).
// The parts are in bank-sections.tsx and bank-tables.tsx; this page holds the query, the range and
// the suspend dialog.
import { Alert, Anchor, Center, Group, Loader, SimpleGrid, Stack, Text } from "@mantine/core";
import { IconArrowLeft } from "@tabler/icons-react";
import { useState } from "react";
import { Link, useParams } from "react-router";
import { useTranslation } from "react-i18next";
import { errorMessage, isNotFound } from "../../lib/errors.ts";
import { useRangeParam } from "./parts.tsx";
import { useFormat } from "../../components/format.tsx";
import { isBankCode } from "../../../shared/bank-code.ts";
import { useCan } from "../auth/useMe.ts";
import { SuspendDialog } from "../suspensions/SuspendDialog.tsx";
import { BankAlarms } from "./BankAlarms.tsx";
import { useBankVolume } from "./queries.ts";
import { BankCharts, BankHeader, BankPanels } from "./bank-sections.tsx";
import { BankSpikes, RecentCharges, RecentLinks } from "./bank-tables.tsx";

export default function BankPage() {
  const { bankCode = "" } = useParams();
  const { t } = useTranslation(["volume", "common"]);
  const [range, setRange] = useRangeParam("24h");
  const customIncomplete = range.range === "custom" && (!range.from || !range.to);
  const q = useBankVolume({ bankCode, range: range.range, from: range.from, to: range.to }, !customIncomplete);
  const b = q.data;
  const canSuspend = useCan("suspensions.suspend");
  const fmt = useFormat();
  const [suspendOpen, setSuspendOpen] = useState(false);

  if (!isBankCode(bankCode)) return <Alert color="red">{t("bank.notCode", { code: bankCode })}</Alert>;

  return (
    <Stack gap="md">
      <Anchor component={Link} to="/overview" size="sm">
        <Group gap={4}>
          <IconArrowLeft size={14} /> {t("bank.back")}
        </Group>
      </Anchor>
      {q.error && <Alert color="red" title={isNotFound(q.error) ? t("bank.notFound") : t("bank.loadFailed")} data-testid={isNotFound(q.error) ? "page-not-found" : undefined}>{errorMessage(q.error)}</Alert>}
      {q.isPending && !customIncomplete && (
        <Center p="xl">
          <Group gap="sm">
            <Loader size="sm" aria-label={t("bank.loadingAria")} />
            <Text c="dimmed">{t("bank.loading", { code: bankCode })}</Text>
          </Group>
        </Center>
      )}
      {customIncomplete && <Alert color="gray">{t("range.customIncomplete")}</Alert>}
      {b && (
        <>
          <BankHeader b={b} range={range} onRange={setRange} onSuspend={() => setSuspendOpen(true)} />
          {canSuspend && <SuspendDialog bankCodes={[b.bank.code]} opened={suspendOpen} onClose={() => setSuspendOpen(false)} />}
          <BankCharts b={b} />
          <BankAlarms bankName={fmt.bank(b.bank.name, b.bank.nameJa)} alarms={b.alarms} />
          <BankSpikes b={b} />
          <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
            <RecentLinks links={b.recentLinks} />
            <RecentCharges charges={b.recentCharges} />
          </SimpleGrid>
          <BankPanels bankCode={b.bank.code} />
        </>
      )}
    </Stack>
  );
}
