// Likely victims: the bank accounts flagged or confirmed-fraud wallets charged from, by bank, with
// what was taken and what compensation has paid back. Victims are bank accounts (most never had a
// wallet), shown masked; the per-bank CSV for the bank's outreach carries the full numbers.
import { Alert, Anchor, Badge, Button, Card, Center, Group, Loader, Select, Stack, Table, Text, Title, Tooltip } from "@mantine/core";
import { IconDownload } from "@tabler/icons-react";
import { Link } from "react-router";
import { ACCOUNTS_CSV_ROLES } from "../../../shared/accounts/access.ts";
import { VICTIMS_PER_BANK_MAX } from "../../../shared/accounts/schemas.ts";
import { useTranslation } from "react-i18next";
import { JstTime, Yen } from "../../components/format.tsx";
import { errorMessage } from "../../lib/errors.ts";
import { useAccountBanks, useVictims } from "./queries.ts";
import { useUrlParams } from "../../components/url-params.ts";
import { useCan, useMe } from "../auth/useMe.ts";
import { useBankName } from "../../components/bank-names.ts";

export default function VictimsPage() {
  const { t } = useTranslation("accounts");
  const { params, update } = useUrlParams();
  const bank = params.get("bank") ?? undefined;
  const q = useVictims(bank);
  const banks = useAccountBanks();
  const bankName = useBankName();
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
          <Title order={2}>{t("victims.title")}</Title>
          <Text c="dimmed" size="sm">
            {t("victims.subtitle", { threshold: q.data?.threshold ?? 60 })}{" "}
            {canSeeWallets && (
              <Anchor component={Link} to={`/accounts${bank ? `?bank=${bank}&scoreMin=${q.data?.threshold ?? 60}` : ""}`} size="sm">{t("victims.wallets")}</Anchor>
            )}
          </Text>
        </div>
        <Select
          label={t("victims.bank")}
          placeholder={t("victims.allBanks")}
          data={(banks.data ?? []).map((b) => ({ value: b.code, label: `${b.code} ${bankName(b.code, b.name)}` }))}
          value={bank ?? null}
          onChange={(v) => update({ bank: v })}
          searchable
          clearable
          w={260}
        />
      </Group>
      {q.isPending && (
        <Center p="xl">
          <Loader aria-label={t("victims.loading")} />
        </Center>
      )}
      {q.error && <Alert color="red">{errorMessage(q.error)}</Alert>}
      {q.data && q.data.banks.length === 0 && <Alert color="gray">{bank ? t("victims.noneAtBank") : t("victims.none")}</Alert>}
      {q.data && q.data.banks.length > 0 && (
        <Text size="sm">
          {t("victims.total", { accounts: q.data.banks.reduce((s, b) => s + b.victimCount, 0), count: q.data.banks.length, taken: totalTaken, paid: totalPaid })}
        </Text>
      )}
      {q.data?.banks.map((b) => (
        <Card withBorder key={b.bankCode} data-testid={`victims-bank-${b.bankCode}`}>
          <Group justify="space-between" mb="xs">
            <div>
              <Title order={4}>
                {b.bankCode} {bankName(b.bankCode, b.bankName)}
              </Title>
              <Text size="sm" c="dimmed">
                {t("victims.bankSummary", { accounts: b.victimCount, taken: b.takenYen, paid: b.paidBackYen, pending: b.pendingYen, reimbursed: b.reimbursedYen, owed: b.owedYen })}
              </Text>
            </div>
            {canExport && (
              <Tooltip label={t("victims.csvHint")} multiline w={280}>
                <Button component="a" href={`/exports/victims.csv?bank=${b.bankCode}`} download variant="default" leftSection={<IconDownload size={16} />}>
                  {t("victims.csv")}
                </Button>
              </Tooltip>
            )}
          </Group>
          <Table.ScrollContainer minWidth={1100}>
          <Table striped verticalSpacing={3}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("victims.col.branch")}</Table.Th>
                <Table.Th>{t("victims.col.account")}</Table.Th>
                <Table.Th>{t("victims.col.holder")}</Table.Th>
                <Table.Th ta="right">{t("victims.col.taken")}</Table.Th>
                <Table.Th>{t("victims.col.charges")}</Table.Th>
                <Table.Th>{t("victims.col.firstCharge")}</Table.Th>
                <Table.Th ta="right">{t("victims.col.paid")}</Table.Th>
                <Table.Th ta="right">{t("victims.col.pending")}</Table.Th>
                <Table.Th ta="right">{t("victims.col.reimbursed")}</Table.Th>
                <Table.Th ta="right">{t("victims.col.owed")}</Table.Th>
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
                      <Tooltip label={t("victims.ownWalletHint")}>
                        <Badge size="xs" variant="light" color="gray">{t("victims.ownWallet")}</Badge>
                      </Tooltip>
                    )}
                  </Table.Td>
                  <Table.Td ta="right"><Yen value={v.takenYen} /></Table.Td>
                  <Table.Td>{t("victims.chargesBy", { charges: v.chargeCount, count: v.walletCount })}</Table.Td>
                  <Table.Td style={{ whiteSpace: "nowrap" }}><JstTime at={v.firstChargeAt} /></Table.Td>
                  <Table.Td ta="right"><Yen value={v.paidBackYen} /></Table.Td>
                  <Table.Td ta="right"><Yen value={v.pendingYen} /></Table.Td>
                  <Table.Td ta="right"><Yen value={v.reimbursedYen} /></Table.Td>
                  <Table.Td ta="right" data-testid="victim-owed"><Yen value={v.owedYen} /></Table.Td>
                  <Table.Td>
                    {v.paidBackYen >= v.takenYen ? (
                      <Badge color="green" variant="light" size="sm">{t("victims.paidBack")}</Badge>
                    ) : canCompensate ? (
                      <Anchor component={Link} to={`/compensation/new?chargeId=${encodeURIComponent(v.chargeId)}`} size="sm">
                        {t("victims.compensate")}
                      </Anchor>
                    ) : (
                      <Text size="sm" c="dimmed">{t("victims.notPaid")}</Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          </Table.ScrollContainer>
          {b.victimCount > b.victims.length && (
            <Text size="xs" c="dimmed" mt="xs">
              {t("victims.showing", { max: VICTIMS_PER_BANK_MAX, all: b.victimCount })}
            </Text>
          )}
        </Card>
      ))}
    </Stack>
  );
}
