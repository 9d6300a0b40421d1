// One case: the victim, the charges it pays back with what each has paid, pending and left, the
// evidence against the wallets, the decisions so far, and the actions the signed-in person may take.
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { Alert, Anchor, Card, Center, Group, Loader, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { IconArrowLeft } from "@tabler/icons-react";
import { errorMessage } from "../../lib/errors.ts";
import { CaseLinesTable } from "./CaseLinesTable.tsx";
import { useCan } from "../auth/useMe.ts";
import { CaseDecisions } from "./CaseDecisions.tsx";
import { CaseHistoryCard, VictimCard } from "./CaseCards.tsx";
import { EvidencePanel } from "./EvidencePanel.tsx";
import { StateBadge, VictimLine } from "./parts.tsx";
import { useCase } from "./queries.ts";
import { useBankName } from "../../components/bank-names.ts";
import { ClaimCard, ContactLogCard, EligibilityCard } from "./eligibility-parts.tsx";

export default function CasePage() {
  const { t } = useTranslation(["compensation", "common"]);
  const bankName = useBankName();
  const { caseId = "" } = useParams();
  const q = useCase(caseId);
  const canDecide = useCan("compensation.approve");

  if (q.isPending) {
    return (
      <Center p="xl">
        <Loader aria-label={t("casePage.loading")} />
      </Center>
    );
  }
  if (q.error) return <Alert color="red">{errorMessage(q.error)}</Alert>;
  const c = q.data;

  return (
    <Stack>
      <Anchor component={Link} to="/compensation" size="sm">
        <Group gap={4}>
          <IconArrowLeft size={14} /> {t("casePage.back")}
        </Group>
      </Anchor>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <div style={{ flex: 1, minWidth: 0 }}>
          <Group gap="sm">
            <Title order={2}>
              {t("casePage.title", { total: c.totalYen })}
            </Title>
            <StateBadge state={c.state} />
          </Group>
          <VictimLine {...c} />
          <Text size="sm" c="dimmed">
            {t("casePage.requestedBy", { who: c.requestedByEmail, at: c.requestedAt, reason: c.reason })}
          </Text>
        </div>
        {canDecide && (
          <CaseDecisions
            caseId={c.id}
            allowed={c.actions}
            whyNotApprove={c.actions.whyNotApprove}
            payTo={t("casePage.payTo", { total: c.totalYen, holder: c.holderName, bank: bankName(c.bankCode, c.bankName), account: c.accountNumberMasked })}
          />
        )}
      </Group>

      {c.state === "PAID" && c.payoutBatch && (
        <Alert color="green">
          {t("casePage.paidIn", { file: c.payoutBatch.fileName, at: c.paidAt ?? c.payoutBatch.createdAt })}
        </Alert>
      )}
      {c.state === "APPROVED" && c.payoutBatch && (
        <Alert color="blue" data-testid="case-in-flight">
          {t("casePage.inFlight", { file: c.payoutBatch.fileName, at: c.payoutBatch.createdAt })}
        </Alert>
      )}
      {c.state === "APPROVED" && !c.payoutBatch && c.payoutFailure && (
        <Alert color="red" data-testid="case-payout-failed">
          {c.lastFailedLine
            ? t("casePage.payoutFailedLine", {
                reason: t(`payouts.failure.${c.lastFailedLine.failureCode}`, { defaultValue: c.lastFailedLine.failureCode ?? "" }),
                file: c.lastFailedLine.fileName,
                line: c.lastFailedLine.lineNo,
                at: c.lastFailedLine.at,
              })
            : t("casePage.payoutFailed", { reason: c.payoutFailure })}
        </Alert>
      )}
      {(c.state === "REJECTED" || c.state === "CANCELLED") && (
        <Alert color="gray">
          {t(c.state === "REJECTED" ? "casePage.rejectedBy" : "casePage.cancelledBy", { who: c.decidedByEmail, at: c.decidedAt, reason: c.decisionReason })}
        </Alert>
      )}

      <Card withBorder>
        <Title order={4} mb="xs">
          {t("casePage.linesTitle")}
        </Title>
        <CaseLinesTable
          lines={c.lines}
          heads={{ when: t("casePage.col.charge"), wallet: t("casePage.col.wallet"), taken: t("casePage.col.taken"), amount: t("casePage.col.thisCase") }}
          totals={{ paid: t("casePage.col.paidAll"), pending: t("casePage.col.pendingAll"), owed: t("casePage.col.owed") }}
          striped
          data-testid="case-lines"
        />
      </Card>

      <EligibilityCard c={c} />

      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <ClaimCard c={c} />
        <ContactLogCard c={c} />
      </SimpleGrid>

      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <VictimCard victim={c.victim} />
        <CaseHistoryCard history={c.history} />
      </SimpleGrid>

      <Card withBorder>
        <Title order={4} mb="xs">
          {t("casePage.evidence")}
        </Title>
        <EvidencePanel wallets={c.wallets} />
      </Card>

    </Stack>
  );
}
