// Money by bank: what fraudulent wallets took, what was paid back, what is pending and what is still
// owed. Used on the compensation queue and meant for the overview too (totals only, no names).
import { Alert, Card, Group, Loader, Table, Text, Title } from "@mantine/core";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useCompensationReport } from "./queries.ts";
import { errorMessage } from "../../lib/errors.ts";
import { Yen, useFormat } from "../../components/format.tsx";
import { useTranslation } from "react-i18next";
import { useStateLabel } from "./parts.tsx";
import { useBankName } from "../../components/bank-names.ts";

const CHART_BANKS_MAX = 8;

export function CompensationTotalsCard({ bankCode, title }: { bankCode?: string; title?: string }) {
  const { t } = useTranslation("compensation");
  const fmt = useFormat();
  const stateLabel = useStateLabel();
  const bankName = useBankName();
  const q = useCompensationReport(bankCode);
  return (
    <Card withBorder data-testid="compensation-totals">
      <Group justify="space-between" mb="xs">
        <Title order={4}>{title ?? t("totals.title")}</Title>
        {q.data && (
          <Text size="sm" c="dimmed">
            {t("totals.outstanding", { outstanding: q.data.total.outstandingYen, taken: q.data.total.takenYen })}
          </Text>
        )}
      </Group>
      {q.isPending && <Loader size="sm" aria-label={t("totals.loading")} />}
      {q.error && <Alert color="red">{errorMessage(q.error)}</Alert>}
      {q.data && q.data.banks.length === 0 && <Text c="dimmed">{t("totals.none")}</Text>}
      {q.data && q.data.banks.length > 0 && (
        <>
          <div style={{ width: "100%", height: 180 }}>
            <ResponsiveContainer>
              <BarChart data={q.data.banks.slice(0, CHART_BANKS_MAX)} layout="vertical" margin={{ left: 8, right: 16 }}>
                <CartesianGrid strokeDasharray="3 3" horizontal={false} />
                <XAxis type="number" tickFormatter={(v: number) => fmt.yen(v)} fontSize={11} />
                <YAxis type="category" dataKey="bankCode" width={48} fontSize={11} />
                <Tooltip formatter={(v) => fmt.yen(Number(v))} labelFormatter={(code) => bankName(String(code), q.data.banks.find((b) => b.bankCode === code)?.bankName)} />
                <Legend />
                <Bar dataKey="compensatedYen" name={t("totals.col.paid")} stackId="a" isAnimationActive={false} fill="var(--mantine-color-green-6)" />
                <Bar dataKey="pendingYen" name={t("totals.col.pending")} stackId="a" isAnimationActive={false} fill="var(--mantine-color-yellow-5)" />
                <Bar dataKey="outstandingYen" name={t("totals.col.owed")} stackId="a" isAnimationActive={false} fill="var(--mantine-color-red-5)" />
              </BarChart>
            </ResponsiveContainer>
          </div>
          <Table striped verticalSpacing={4} mt="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("totals.col.bank")}</Table.Th>
                <Table.Th ta="right">{t("totals.col.victims")}</Table.Th>
                <Table.Th ta="right">{t("totals.col.taken")}</Table.Th>
                <Table.Th ta="right">{t("totals.col.paid")}</Table.Th>
                <Table.Th ta="right">{t("totals.col.pending")}</Table.Th>
                <Table.Th ta="right">{t("totals.col.owed")}</Table.Th>
                <Table.Th>{t("totals.col.cases")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {q.data.banks.map((b) => (
                <Table.Tr key={b.bankCode} data-testid={`totals-${b.bankCode}`}>
                  <Table.Td>
                    {b.bankCode} {bankName(b.bankCode, b.bankName)}
                  </Table.Td>
                  <Table.Td ta="right">{fmt.count(b.victimCount)}</Table.Td>
                  <Table.Td ta="right">
                    <Yen value={b.takenYen} />
                  </Table.Td>
                  <Table.Td ta="right">
                    <Yen value={b.compensatedYen} />
                  </Table.Td>
                  <Table.Td ta="right">
                    <Yen value={b.pendingYen} />
                  </Table.Td>
                  <Table.Td ta="right" data-testid="outstanding">
                    <Yen value={b.outstandingYen} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" c="dimmed">
                      {(Object.keys(b.casesByState) as Array<keyof typeof b.casesByState>)
                        .filter((s) => b.casesByState[s].count > 0)
                        .map((s) => `${stateLabel(s).toLowerCase()} ${b.casesByState[s].count}`)
                        .join(" · ") || t("totals.noCases")}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      )}
    </Card>
  );
}
