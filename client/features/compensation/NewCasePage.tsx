// New case: pick the victim (from a charge, from a wallet's victims, or by searching the bank
// account), tick the charges to pay back (unpaid ones come ticked), adjust amounts, give a reason.
// The form refuses an overpayment before submitting; the server checks again under a lock. One
// idempotency key per form, so a double click or a retry never creates two cases.
import { Link, useSearchParams } from "react-router";
import { Alert, Anchor, Button, Card, Group, Loader, Stack, Table, Text, Title } from "@mantine/core";
import { IconArrowLeft } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../lib/errors.ts";
import { Yen } from "../../components/format.tsx";
import { AccountLink } from "../../components/AccountLink.tsx";
import { CaseForm } from "./CaseForm.tsx";
import { VictimLine, VictimSearch } from "./parts.tsx";
import { useVictimForCharge, useVictimsOfAccount } from "./queries.ts";

export default function NewCasePage() {
  const { t } = useTranslation(["compensation", "common"]);
  const [params, setParams] = useSearchParams();
  const chargeId = params.get("chargeId");
  const accountId = params.get("accountId");
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t("newCase.title")}</Title>
        <Anchor component={Link} to="/compensation" size="sm">
          <Group gap={4}>
            <IconArrowLeft size={14} /> {t("newCase.back")}
          </Group>
        </Anchor>
      </Group>
      {chargeId ? (
        <VictimForm key={chargeId} chargeId={chargeId} onChangeVictim={() => setParams(accountId ? { accountId } : {})} />
      ) : accountId ? (
        <WalletVictims accountId={accountId} onPick={(ref) => setParams({ accountId, chargeId: ref })} />
      ) : (
        <>
          <Text c="dimmed" size="sm">
            {t("newCase.intro")}
          </Text>
          <VictimSearch />
        </>
      )}
    </Stack>
  );
}

/** "Compensate the victims of this wallet": the bank accounts it charged from. */
function WalletVictims({ accountId, onPick }: { accountId: string; onPick: (ref: string) => void }) {
  const { t } = useTranslation(["compensation", "common", "accounts"]);
  const q = useVictimsOfAccount(accountId);
  if (q.isPending) return <Loader aria-label={t("newCase.loadingWallet")} />;
  if (q.error) return <Alert color="red">{errorMessage(q.error)}</Alert>;
  const { wallet, victims } = q.data;
  return (
    <Card withBorder>
      <Text size="sm" mb="xs">
        {t("newCase.victimsOf")}{" "}
        <AccountLink accountId={wallet.id} />{" "}
        ({wallet.holderName}) {t("newCase.walletScore", { score: wallet.riskScore, label: wallet.reviewLabel ? (wallet.reviewLabel === "CONFIRMED_FRAUD" ? t("newCase.confirmedFraud") : t("newCase.markedLegitimate")) : "" })}
      </Text>
      {!wallet.fraudulent && (
        <Alert color="gray">{t("newCase.notFraud")}</Alert>
      )}
      {wallet.fraudulent && victims.length === 0 && <Alert color="gray">{t("newCase.noCharges")}</Alert>}
      {victims.length > 0 && (
        <Table data-testid="wallet-victims">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("newCase.col.victim")}</Table.Th>
              <Table.Th ta="right">{t("newCase.col.takenByWallet")}</Table.Th>
              <Table.Th ta="right">{t("newCase.col.owed")}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {victims.map((v) => (
              <Table.Tr key={v.ref}>
                <Table.Td>
                  <VictimLine {...v} />
                </Table.Td>
                <Table.Td ta="right">
                  <Yen value={v.takenYen} />
                </Table.Td>
                <Table.Td ta="right">
                  <Yen value={v.owedYen} />
                </Table.Td>
                <Table.Td>
                  <Button size="xs" variant="light" onClick={() => onPick(v.ref)} disabled={v.owedYen === 0}>
                    {v.owedYen === 0 ? t("newCase.nothingOwed") : t("newCase.choose")}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}

function VictimForm({ chargeId, onChangeVictim }: { chargeId: string; onChangeVictim: () => void }) {
  const { t } = useTranslation(["compensation", "common", "accounts"]);
  const q = useVictimForCharge(chargeId);
  if (q.isPending) return <Loader aria-label={t("newCase.loadingVictim")} />;
  if (q.error) return <Alert color="red">{errorMessage(q.error)}</Alert>;
  if (!q.data) {
    return (
      <Alert color="gray">
        {t("newCase.noFraudCharges")}{" "}
        <Anchor component="button" onClick={onChangeVictim}>
          {t("newCase.chooseAnother")}
        </Anchor>
      </Alert>
    );
  }
  return <CaseForm victim={q.data} onChangeVictim={onChangeVictim} />;
}
