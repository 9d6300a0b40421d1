// Reconciliation (#18): per bank and in total, what the ledger says (balances derived from its
// entries) against what the cases say (sums by state and in flight). Any difference is shown loudly:
// a red banner, and the differing figures in red on their bank's row.
import { useTranslation } from "react-i18next";
import { Alert, Badge, Card, Loader, Stack, Table, Text, Title } from "@mantine/core";
import { IconAlertTriangle, IconCheck } from "@tabler/icons-react";
import { useReconciliation } from "./queries.ts";
import { errorMessage } from "../../lib/errors.ts";
import { Yen } from "../../components/format.tsx";
import { useBankName } from "../../components/bank-names.ts";

const FIGURES = ["lossYen", "payableYen", "inFlightYen", "paidYen"] as const;
type Figures = Record<(typeof FIGURES)[number], number>;

function Row({ name, ledger, cases, differenceYen, balanced, testId }: { name: string; ledger: Figures; cases: Figures; differenceYen: Figures; balanced: boolean; testId: string }) {
  const { t } = useTranslation("compensation");
  return (
    <Table.Tr data-testid={testId} bg={balanced ? undefined : "var(--mantine-color-red-light)"}>
      <Table.Td fw={500}>{name}</Table.Td>
      {FIGURES.map((f) => (
        <Table.Td key={f} ta="right">
          <Yen value={ledger[f]} />
          <Text size="xs" c="dimmed">
            {t("reconciliation.casesSay")} <Yen value={cases[f]} />
          </Text>
          {differenceYen[f] !== 0 && (
            <Text size="xs" c="red" fw={700} data-testid="difference">
              {t("reconciliation.difference")} <Yen value={differenceYen[f]} />
            </Text>
          )}
        </Table.Td>
      ))}
      <Table.Td>
        {balanced ? (
          <Badge color="green" leftSection={<IconCheck size={12} />}>
            {t("reconciliation.agrees")}
          </Badge>
        ) : (
          <Badge color="red" leftSection={<IconAlertTriangle size={12} />}>
            {t("reconciliation.differs")}
          </Badge>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

export default function ReconciliationPage() {
  const { t } = useTranslation("compensation");
  const bankName = useBankName();
  const rec = useReconciliation();
  return (
    <Stack>
      <div>
        <Title order={2}>{t("reconciliation.title")}</Title>
        <Text c="dimmed" size="sm">
          {t("reconciliation.subtitle")}
        </Text>
      </div>
      {rec.isPending && <Loader size="sm" aria-label={t("reconciliation.loading")} />}
      {rec.error && <Alert color="red">{errorMessage(rec.error)}</Alert>}
      {rec.data && (
        <>
          {rec.data.balanced ? (
            <Alert color="green" icon={<IconCheck />} data-testid="reconciliation-status">
              {t("reconciliation.allAgree")}
            </Alert>
          ) : (
            <Alert color="red" variant="filled" icon={<IconAlertTriangle />} title={t("reconciliation.alarmTitle")} data-testid="reconciliation-status">
              {t("reconciliation.alarmText", { banks: rec.data.banks.filter((b) => !b.balanced).map((b) => `${b.bankCode} ${bankName(b.bankCode, b.bankName)}`).join(", "), journals: rec.data.unbalancedJournals.length })}
            </Alert>
          )}
          <Card withBorder>
            <Table data-testid="reconciliation">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("reconciliation.col.bank")}</Table.Th>
                  <Table.Th ta="right">{t("reconciliation.col.lossYen")}</Table.Th>
                  <Table.Th ta="right">{t("reconciliation.col.payableYen")}</Table.Th>
                  <Table.Th ta="right">{t("reconciliation.col.inFlightYen")}</Table.Th>
                  <Table.Th ta="right">{t("reconciliation.col.paidYen")}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rec.data.banks.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={6}>
                      <Text c="dimmed">{t("reconciliation.empty")}</Text>
                    </Table.Td>
                  </Table.Tr>
                )}
                {rec.data.banks.map((b) => (
                  <Row key={b.bankCode} name={`${b.bankCode} ${bankName(b.bankCode, b.bankName)}`} ledger={b.ledger} cases={b.cases} differenceYen={b.differenceYen} balanced={b.balanced} testId={`reconciliation-${b.bankCode}`} />
                ))}
                <Row name={t("reconciliation.total")} ledger={rec.data.total.ledger} cases={rec.data.total.cases} differenceYen={rec.data.total.differenceYen} balanced={rec.data.total.balanced} testId="reconciliation-total" />
              </Table.Tbody>
            </Table>
          </Card>
        </>
      )}
    </Stack>
  );
}
