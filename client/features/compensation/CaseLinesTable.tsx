// A case's charge lines: when, which wallet, what the charge took and what this case pays back; on
// the case page also what all cases have paid and hold for the charge and what is still owed.
import { Table, type TableProps } from "@mantine/core";
import { JstTime, Yen } from "../../components/format.tsx";
import { AccountLink } from "../../components/AccountLink.tsx";

interface CaseLine {
  chargeId: string;
  occurredAt: Date;
  walletId: string;
  chargeAmountYen: number;
  amountYen: number;
  paidYen?: number;
  pendingYen?: number;
  owedYen?: number;
}

export function CaseLinesTable({
  lines,
  heads,
  totals,
  ...tableProps
}: {
  lines: CaseLine[];
  heads: { when: string; wallet: string; taken: string; amount: string };
  /** The charge's figures over all cases (paid, pending, still owed), as extra columns. */
  totals?: { paid: string; pending: string; owed: string };
} & Omit<TableProps, "children">) {
  return (
    <Table {...tableProps}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{heads.when}</Table.Th>
          <Table.Th>{heads.wallet}</Table.Th>
          <Table.Th ta="right">{heads.taken}</Table.Th>
          <Table.Th ta="right">{heads.amount}</Table.Th>
          {totals && [totals.paid, totals.pending, totals.owed].map((h) => <Table.Th key={h} ta="right">{h}</Table.Th>)}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {lines.map((l) => (
          <Table.Tr key={l.chargeId}>
            <Table.Td>
              <JstTime at={l.occurredAt} />
            </Table.Td>
            <Table.Td>
              <AccountLink accountId={l.walletId} size="sm" />
            </Table.Td>
            <Table.Td ta="right">
              <Yen value={l.chargeAmountYen} />
            </Table.Td>
            <Table.Td ta="right" fw={totals ? 600 : undefined}>
              <Yen value={l.amountYen} />
            </Table.Td>
            {totals &&
              [l.paidYen, l.pendingYen, l.owedYen].map((v, i) => (
                <Table.Td key={i} ta="right">
                  <Yen value={v ?? 0} />
                </Table.Td>
              ))}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
