// Managers' approval queue: requested cases at or above the threshold, oldest first, each with the
// evidence against the wallets behind it (scorer's reasons, link to the account page) and approve or
// reject with a reason. A manager's own requests are shown but cannot be decided by them.
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { Alert, Anchor, Card, Center, Group, Loader, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useApprovalQueue } from "./queries.ts";
import { errorMessage } from "../../lib/errors.ts";
import { Yen } from "../../components/format.tsx";
import { EvidencePanel } from "./EvidencePanel.tsx";
import { CaseDecisions } from "./CaseDecisions.tsx";
import { VictimLine } from "./parts.tsx";
import { CaseLinesTable } from "./CaseLinesTable.tsx";
import { useBankName } from "../../components/bank-names.ts";
import { useRuleWords } from "./eligibility-parts.tsx";

export default function ApprovalQueuePage() {
  const { t } = useTranslation("compensation");
  const ruleWords = useRuleWords();
  const bankName = useBankName();
  const q = useApprovalQueue();

  return (
    <Stack>
      <div>
        <Title order={2}>{t("approvalQueue.title")}</Title>
        <Text c="dimmed" size="sm">
          {t("approvalQueue.subtitle", { threshold: q.data?.thresholdYen ?? 100_000 })}
        </Text>
      </div>
      {q.isPending && (
        <Center p="xl">
          <Loader aria-label={t("approvalQueue.loading")} />
        </Center>
      )}
      {q.error && <Alert color="red">{errorMessage(q.error)}</Alert>}
      {q.data && q.data.cases.length === 0 && <Alert color="gray">{t("approvalQueue.empty")}</Alert>}
      {q.data?.cases.map((c) => (
        <Card withBorder key={c.id} data-testid="approval-case">
          <Group justify="space-between" align="flex-start" mb="sm">
            <div>
              <Group gap="xs">
                <Title order={3}>
                  <Yen value={c.totalYen} />
                </Title>
                <Anchor component={Link} to={`/compensation/cases/${c.id}`} size="sm">
                  {t("approvalQueue.openCase")}
                </Anchor>
              </Group>
              <VictimLine {...c} />
              {c.victimTotalYen !== c.totalYen && (
                <Text size="sm" data-testid="victim-total">
                  {t("approvalQueue.victimTotal", { total: c.victimTotalYen })}
                </Text>
              )}
              <Text size="sm" c="dimmed">
                {t("casePage.requestedBy", { who: c.requestedByEmail, at: c.requestedAt, reason: c.reason })}
              </Text>
              {(c.claimMissing || c.blocked.length > 0) && (
                <Text size="sm" c="red.7" data-testid="approval-blocked">
                  {c.claimMissing ? t("approvalQueue.blockedNoClaim") : t("approvalQueue.blockedRule", { id: c.blocked[0].chargeId, rule: ruleWords.blockName(c.blocked[0].block) })}
                </Text>
              )}
            </div>
            <CaseDecisions
              caseId={c.id}
              allowed={{ approve: c.canDecide, reject: c.canReject }}
              whyNotApprove={c.whyNotApprove}
              payTo={t("approvalQueue.payTo", { total: c.totalYen, holder: c.holderName, bank: bankName(c.bankCode, c.bankName), account: c.accountNumberMasked, who: c.requestedByEmail })}
            />
          </Group>
          <SimpleGrid cols={{ base: 1, lg: 2 }}>
            <div>
              <Text size="sm" fw={500} mb={4}>
                {t("approvalQueue.charges")}
              </Text>
              <CaseLinesTable
                lines={c.lines}
                heads={{ when: t("approvalQueue.col.when"), wallet: t("approvalQueue.col.wallet"), taken: t("approvalQueue.col.taken"), amount: t("approvalQueue.col.paidHere") }}
                verticalSpacing={2}
              />
            </div>
            <div>
              <Text size="sm" fw={500} mb={4}>
                {t("approvalQueue.evidence")}
              </Text>
              <EvidencePanel wallets={c.wallets} />
            </div>
          </SimpleGrid>
        </Card>
      ))}
    </Stack>
  );
}
