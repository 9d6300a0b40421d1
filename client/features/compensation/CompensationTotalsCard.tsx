// Money by bank: what fraudulent wallets took, what was paid back, what is pending and what is still
// owed. Used on the compensation queue and meant for the overview too (totals only, no names).
import { Alert, Card, Group, Loader, Table, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useTRPC } from "../../trpc.ts";
import { errorMessage } from "../../lib/errors.ts";
import { Yen } from "../../components/format.tsx";
import { formatCount, formatYen } from "../../../shared/format.ts";
import { useStateLabel } from "./parts.tsx";

const CHART_BANKS_MAX = 8;

export function CompensationTotalsCard({ bankCode, title = "Compensation by bank" }: { bankCode?: string; title?: string }) {
  const stateLabel = useStateLabel();
  const trpc = useTRPC();
  const q = useQuery(trpc.compensation.report.queryOptions(bankCode ? { bankCode } : undefined, { staleTime: 15_000 }));
  return (
    <Card withBorder data-testid="compensation-totals">
      <Group justify="space-between" mb="xs">
        <Title order={4}>{title}</Title>
        {q.data && (
          <Text size="sm" c="dimmed">
            Outstanding <Yen value={q.data.total.outstandingYen} /> of <Yen value={q.data.total.takenYen} /> taken
          </Text>
        )}
      </Group>
      {q.isPending && <Loader size="sm" aria-label="Loading compensation totals" />}
      {q.error && <Alert color="red">{errorMessage(q.error)}</Alert>}
      {q.data && q.data.banks.length === 0 && <Text c="dimmed">No charges by flagged or confirmed-fraud wallets yet: nothing to compensate.</Text>}
      {q.data && q.data.banks.length > 0 && (
        <>
          <div style={{ width: "100%", height: 180 }}>
            <ResponsiveContainer>
              <BarChart data={q.data.banks.slice(0, CHART_BANKS_MAX)} layout="vertical" margin={{ left: 8, right: 16 }}>
                <CartesianGrid strokeDasharray="3 3" horizontal={false} />
                <XAxis type="number" tickFormatter={(v: number) => formatYen(v)} fontSize={11} />
                <YAxis type="category" dataKey="bankCode" width={48} fontSize={11} />
                <Tooltip formatter={(v) => formatYen(Number(v))} labelFormatter={(code) => q.data.banks.find((b) => b.bankCode === code)?.bankName ?? String(code)} />
                <Legend />
                <Bar dataKey="compensatedYen" name="Paid back" stackId="a" isAnimationActive={false} fill="var(--mantine-color-green-6)" />
                <Bar dataKey="pendingYen" name="Pending" stackId="a" isAnimationActive={false} fill="var(--mantine-color-yellow-5)" />
                <Bar dataKey="outstandingYen" name="Still owed" stackId="a" isAnimationActive={false} fill="var(--mantine-color-red-5)" />
              </BarChart>
            </ResponsiveContainer>
          </div>
          <Table striped verticalSpacing={4} mt="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Bank</Table.Th>
                <Table.Th ta="right">Victims</Table.Th>
                <Table.Th ta="right">Taken</Table.Th>
                <Table.Th ta="right">Paid back</Table.Th>
                <Table.Th ta="right">Pending</Table.Th>
                <Table.Th ta="right">Still owed</Table.Th>
                <Table.Th>Cases</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {q.data.banks.map((b) => (
                <Table.Tr key={b.bankCode} data-testid={`totals-${b.bankCode}`}>
                  <Table.Td>
                    {b.bankCode} {b.bankName}
                  </Table.Td>
                  <Table.Td ta="right">{formatCount(b.victimCount)}</Table.Td>
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
                        .join(" · ") || "none"}
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
