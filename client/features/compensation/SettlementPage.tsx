// Bank settlement (#18): per bank, chosen in the address (?bank=0125), the statement of what the bank
// owes us (its shares of compensation we paid, less what it paid), what we owe it (our shares of
// what it reimbursed its customers itself), the net, what it paid, and every entry behind the
// figures; its cost-sharing agreements; and the recordings, each gated as the server gates it
// (shared/settlement/access.ts): a reimbursement of a victim's charge (support, managers), an
// agreement (admins, managers), a bank's payment of its share (managers), and our payment to the
// bank of what we owe it (managers).
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { Alert, Button, Card, Group, Loader, SimpleGrid, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { IconBuildingBank, IconCash, IconLock, IconReceiptRefund, IconScale, IconSearch, IconUsersGroup } from "@tabler/icons-react";
import { useUrlParams } from "../../components/url-params.ts";
import { errorMessage } from "../../lib/errors.ts";
import { JstTime, Yen } from "../../components/format.tsx";
import { useBankName } from "../../components/bank-names.ts";
import { useCan } from "../auth/useMe.ts";
import { useBankStatement, type BankStatement } from "./settlement-queries.ts";
import { BankPaymentDialog, CostShareDialog, PayBankDialog, ReimbursementDialog } from "./SettlementDialogs.tsx";

const BANK_CODE = /^\d{4}$/;
const KIND_KEY = { "cost.shared": "costShared", "bank.reimbursed": "bankReimbursed", "bank.paid": "bankPaid", "bank.payout": "bankPayout" } as const;

function Figure({ label, value, testId, color }: { label: string; value: number; testId: string; color?: string }) {
  return (
    <Card withBorder padding="sm" data-testid={testId}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="xl" fw={700} c={color}>
        <Yen value={value} />
      </Text>
    </Card>
  );
}

function Statement({ s }: { s: BankStatement }) {
  const { t } = useTranslation("compensation");
  return (
    <Stack>
      <SimpleGrid cols={{ base: 2, md: 5 }}>
        <Figure label={t("settlement.owesUs")} value={s.owesUsYen} testId="statement-owes-us" />
        <Figure label={t("settlement.weOwe")} value={s.weOweYen} testId="statement-we-owe" />
        <Figure label={s.netYen >= 0 ? t("settlement.netOwesUs") : t("settlement.netWeOwe")} value={Math.abs(s.netYen)} testId="statement-net" color={s.netYen === 0 ? undefined : s.netYen > 0 ? "blue" : "orange"} />
        <Figure label={t("settlement.received")} value={s.receivedYen} testId="statement-received" />
        <Figure label={t("settlement.paidToBank")} value={s.paidToBankYen} testId="statement-paid-to-bank" />
      </SimpleGrid>

      <Card withBorder>
        <Title order={4} mb="xs">
          {t("settlement.agreements")}
        </Title>
        {s.agreements.length === 0 ? (
          <Text c="dimmed" data-testid="agreements-empty">
            {t("settlement.noAgreement")}
          </Text>
        ) : (
          <Table data-testid="agreements">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("settlement.col.effectiveFrom")}</Table.Th>
                <Table.Th ta="right">{t("settlement.col.bankShare")}</Table.Th>
                <Table.Th ta="right">{t("settlement.col.operatorShare")}</Table.Th>
                <Table.Th>{t("settlement.col.reason")}</Table.Th>
                <Table.Th>{t("settlement.col.setAt")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {s.agreements.map((a) => (
                <Table.Tr key={a.id}>
                  <Table.Td>{a.effectiveFrom}</Table.Td>
                  <Table.Td ta="right">{a.bankShareBp / 100}%</Table.Td>
                  <Table.Td ta="right">{(10_000 - a.bankShareBp) / 100}%</Table.Td>
                  <Table.Td>{a.reason}</Table.Td>
                  <Table.Td>
                    <JstTime at={a.setAt} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Card>

      <Card withBorder>
        <Title order={4} mb="xs">
          {t("settlement.entries")}
        </Title>
        {s.items.length === 0 ? (
          <Text c="dimmed" data-testid="statement-empty">
            {t("settlement.noEntries")}
          </Text>
        ) : (
          <Table striped data-testid="statement-items">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("settlement.col.at")}</Table.Th>
                <Table.Th>{t("settlement.col.kind")}</Table.Th>
                <Table.Th>{t("settlement.col.about")}</Table.Th>
                <Table.Th>{t("settlement.col.reference")}</Table.Th>
                <Table.Th ta="right">{t("settlement.col.owesUs")}</Table.Th>
                <Table.Th ta="right">{t("settlement.col.weOwe")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {s.items.map((i, n) => (
                <Table.Tr key={n}>
                  <Table.Td>
                    <JstTime at={i.at} />
                  </Table.Td>
                  <Table.Td>{t(`settlement.kind.${KIND_KEY[i.kind]}`)}</Table.Td>
                  <Table.Td>
                    {i.caseId && <Link to={`/compensation/cases/${i.caseId}`}>{t("settlement.caseRef", { id: i.caseId.slice(0, 8) })}</Link>}
                    {i.chargeId && t("settlement.chargeRef", { id: i.chargeId })}
                  </Table.Td>
                  <Table.Td>{i.reference ?? "—"}</Table.Td>
                  <Table.Td ta="right">{i.owesUsYen !== 0 ? <Yen value={i.owesUsYen} /> : "—"}</Table.Td>
                  <Table.Td ta="right">{i.weOweYen !== 0 ? <Yen value={i.weOweYen} /> : "—"}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Card>
    </Stack>
  );
}

export default function SettlementPage() {
  const { t } = useTranslation("compensation");
  const { t: tc } = useTranslation();
  const bankName = useBankName();
  const { params, update } = useUrlParams();
  const bankParam = params.get("bank") ?? "";
  const bankCode = BANK_CODE.test(bankParam) ? bankParam : null;
  const [typed, setTyped] = useState(bankParam);
  const canRead = useCan("settlement.statement");
  const canReimburse = useCan("settlement.recordReimbursement");
  const canAgree = useCan("settlement.setCostShare");
  const canRecordPayment = useCan("settlement.recordBankPayment");
  const canPayBank = useCan("settlement.payBank");
  const statement = useBankStatement(bankCode, canRead);
  const [dialog, setDialog] = useState<"reimbursement" | "agreement" | "payment" | "payBank" | null>(null);

  if (!canRead && !canReimburse && !canAgree) {
    return (
      <Alert color="gray" icon={<IconLock size={16} />} data-testid="page-forbidden">
        {tc("gate.forbidden")}
      </Alert>
    );
  }

  return (
    <Stack>
      <div>
        <Group justify="space-between">
          <Title order={2}>{t("settlement.title")}</Title>
          <Button component={Link} to="/compensation/reconciliation" variant="light" leftSection={<IconScale size={16} />}>
            {t("payouts.reconciliation")}
          </Button>
        </Group>
        <Text c="dimmed" size="sm">
          {t("settlement.subtitle")}
        </Text>
      </div>

      <Card withBorder>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            update({ bank: typed.trim() });
          }}
        >
          <Group align="flex-end">
            <TextInput
              label={t("settlement.bankCode")}
              description={t("settlement.bankCodeHint")}
              value={typed}
              onChange={(e) => setTyped(e.currentTarget.value)}
              error={typed.trim() !== "" && !BANK_CODE.test(typed.trim()) ? t("settlement.badBankCode") : null}
              maxLength={4}
              w={200}
              data-testid="settlement-bank"
            />
            <Button type="submit" leftSection={<IconSearch size={16} />} disabled={!BANK_CODE.test(typed.trim())} data-testid="settlement-show">
              {t("settlement.show")}
            </Button>
            {canReimburse && (
              <Button variant="light" leftSection={<IconReceiptRefund size={16} />} onClick={() => setDialog("reimbursement")} data-testid="open-reimbursement">
                {t("settlement.reimburse")}
              </Button>
            )}
            {bankCode && canAgree && (
              <Button variant="light" leftSection={<IconUsersGroup size={16} />} onClick={() => setDialog("agreement")} data-testid="open-agreement">
                {t("settlement.setAgreement")}
              </Button>
            )}
            {bankCode && canRecordPayment && statement.data && (
              <Button variant="light" leftSection={<IconCash size={16} />} onClick={() => setDialog("payment")} data-testid="open-payment">
                {t("settlement.recordPayment")}
              </Button>
            )}
            {bankCode && canPayBank && statement.data && (
              <Button variant="light" leftSection={<IconBuildingBank size={16} />} onClick={() => setDialog("payBank")} data-testid="open-pay-bank">
                {t("settlement.payBank")}
              </Button>
            )}
          </Group>
        </form>
      </Card>

      {!canRead && <Text c="dimmed">{t("settlement.statementForManagers")}</Text>}
      {canRead && !bankCode && (
        <Text c="dimmed" data-testid="settlement-no-bank">
          {bankParam ? t("settlement.badBankCode") : t("settlement.chooseBank")}
        </Text>
      )}
      {canRead && bankCode && (
        <>
          {statement.isPending && <Loader size="sm" aria-label={t("settlement.loading")} />}
          {statement.error && (
            <Alert color="red" data-testid="settlement-error">
              {errorMessage(statement.error)}
            </Alert>
          )}
          {statement.data && (
            <>
              <Title order={3} data-testid="settlement-bank-name">
                {t("settlement.statementOf", { bank: `${statement.data.bankCode} ${bankName(statement.data.bankCode, statement.data.bankName)}` })}
              </Title>
              <Statement s={statement.data} />
            </>
          )}
        </>
      )}

      {dialog === "reimbursement" && <ReimbursementDialog bankCode={bankCode} onClose={() => setDialog(null)} />}
      {dialog === "agreement" && bankCode && <CostShareDialog bankCode={bankCode} onClose={() => setDialog(null)} />}
      {dialog === "payment" && bankCode && statement.data && <BankPaymentDialog bankCode={bankCode} owesUsYen={statement.data.owesUsYen} onClose={() => setDialog(null)} />}
      {dialog === "payBank" && bankCode && statement.data && <PayBankDialog bankCode={bankCode} weOweYen={statement.data.weOweYen} onClose={() => setDialog(null)} />}
    </Stack>
  );
}
