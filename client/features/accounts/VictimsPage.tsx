// Likely victims: the bank accounts flagged or confirmed-fraud wallets charged from, by bank, with
// what was taken and what compensation has paid back. Victims are bank accounts (most never had a
// wallet), shown masked; the per-bank CSV for the bank's outreach carries the full numbers.
import { Alert, Anchor, Badge, Button, Card, Center, Group, Loader, Select, Stack, Table, Text, Title, Tooltip } from "@mantine/core";
import { IconDownload } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { Link, useSearchParams } from "react-router";
import { ACCOUNTS_CSV_ROLES } from "../../../shared/accounts/access.ts";
import { VICTIMS_PER_BANK_MAX } from "../../../shared/accounts/schemas.ts";
import { formatCount } from "../../../shared/format.ts";
import { JstTime, Yen } from "../../components/format.tsx";
import { errorMessage } from "../../lib/errors.ts";
import { useTRPC } from "../../trpc.ts";
import { useCan, useMe } from "../auth/useMe.ts";

export default function VictimsPage() {
  const trpc = useTRPC();
  const [params, setParams] = useSearchParams();
  const bank = params.get("bank") ?? undefined;
  const q = useQuery(trpc.accounts.victims.queryOptions({ bank }));
  const banks = useQuery(trpc.accounts.banks.queryOptions());
  const role = useMe().data?.user?.role;
  const canCompensate = useCan("compensation.create");
  const canSeeWallets = useCan("accounts.list");
  const canExport = role !== undefined && (ACCOUNTS_CSV_ROLES.victims as readonly string[]).includes(role);
  const totalTaken = q.data?.banks.reduce((s, b) => s + b.takenYen, 0) ?? 0;
  const totalPaid = q.data?.banks.reduce((s, b) => s + b.paidBackYen, 0) ?? 0;
  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Likely victims</Title>
          <Text c="dimmed" size="sm">
            Bank accounts that wallets flagged (score {q.data?.threshold ?? 60}+) or confirmed as fraud linked and charged from. Accounts marked legitimate are left out.{" "}
            {canSeeWallets && (
              <Anchor component={Link} to={`/accounts${bank ? `?bank=${bank}&scoreMin=${q.data?.threshold ?? 60}` : ""}`} size="sm">The wallets behind them</Anchor>
            )}
          </Text>
        </div>
        <Select
          label="Bank"
          placeholder="All banks"
          data={(banks.data ?? []).map((b) => ({ value: b.code, label: `${b.code} ${b.name}` }))}
          value={bank ?? null}
          onChange={(v) => setParams(v ? { bank: v } : {})}
          searchable
          clearable
          w={260}
        />
      </Group>
      {q.isPending && (
        <Center p="xl">
          <Loader aria-label="Loading likely victims" />
        </Center>
      )}
      {q.error && <Alert color="red">{errorMessage(q.error)}</Alert>}
      {q.data && q.data.banks.length === 0 && <Alert color="gray">No flagged or confirmed-fraud wallet has charged from a bank account{bank ? " at this bank" : ""}.</Alert>}
      {q.data && q.data.banks.length > 0 && (
        <Text size="sm">
          {formatCount(q.data.banks.reduce((s, b) => s + b.victimCount, 0))} bank accounts at {q.data.banks.length} bank{q.data.banks.length === 1 ? "" : "s"}: <Yen value={totalTaken} /> taken, <Yen value={totalPaid} /> paid back.
        </Text>
      )}
      {q.data?.banks.map((b) => (
        <Card withBorder key={b.bankCode} data-testid={`victims-bank-${b.bankCode}`}>
          <Group justify="space-between" mb="xs">
            <div>
              <Title order={4}>
                {b.bankCode} {b.bankName}
              </Title>
              <Text size="sm" c="dimmed">
                {formatCount(b.victimCount)} bank accounts · <Yen value={b.takenYen} /> taken · <Yen value={b.paidBackYen} /> paid back · <Yen value={b.pendingYen} /> pending
              </Text>
            </div>
            {canExport && (
              <Tooltip label="For the bank's own outreach: includes branch and full account numbers. The download is recorded in the audit log." multiline w={280}>
                <Button component="a" href={`/exports/victims.csv?bank=${b.bankCode}`} download variant="default" leftSection={<IconDownload size={16} />}>
                  CSV for the bank
                </Button>
              </Tooltip>
            )}
          </Group>
          <Table striped verticalSpacing={3}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Branch</Table.Th>
                <Table.Th>Account</Table.Th>
                <Table.Th>Holder name</Table.Th>
                <Table.Th ta="right">Taken</Table.Th>
                <Table.Th>Charges</Table.Th>
                <Table.Th>First charge</Table.Th>
                <Table.Th ta="right">Paid back</Table.Th>
                <Table.Th ta="right">Pending</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {b.victims.map((v) => (
                <Table.Tr key={`${v.branchCode}-${v.maskedAccountNumber}-${v.chargeId}`}>
                  <Table.Td>{v.branchCode}</Table.Td>
                  <Table.Td ff="monospace">{v.maskedAccountNumber}</Table.Td>
                  <Table.Td>
                    <Text size="sm">{v.holderName ?? "—"}</Text>
                    {v.alsoLinkedByUnflaggedWallet && (
                      <Tooltip label="An unflagged wallet linked this bank account too, perhaps the holder's own.">
                        <Badge size="xs" variant="light" color="gray">also has a wallet?</Badge>
                      </Tooltip>
                    )}
                  </Table.Td>
                  <Table.Td ta="right"><Yen value={v.takenYen} /></Table.Td>
                  <Table.Td>{v.chargeCount} by {v.walletCount} wallet{v.walletCount === 1 ? "" : "s"}</Table.Td>
                  <Table.Td style={{ whiteSpace: "nowrap" }}><JstTime at={v.firstChargeAt} /></Table.Td>
                  <Table.Td ta="right"><Yen value={v.paidBackYen} /></Table.Td>
                  <Table.Td ta="right"><Yen value={v.pendingYen} /></Table.Td>
                  <Table.Td>
                    {v.paidBackYen >= v.takenYen ? (
                      <Badge color="green" variant="light" size="sm">paid back</Badge>
                    ) : canCompensate ? (
                      <Anchor component={Link} to={`/compensation/new?chargeId=${encodeURIComponent(v.chargeId)}`} size="sm">
                        Compensate
                      </Anchor>
                    ) : (
                      <Text size="sm" c="dimmed">not paid back</Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {b.victimCount > b.victims.length && (
            <Text size="xs" c="dimmed" mt="xs">
              Showing the {VICTIMS_PER_BANK_MAX} largest; the CSV has all {formatCount(b.victimCount)}.
            </Text>
          )}
        </Card>
      ))}
    </Stack>
  );
}
