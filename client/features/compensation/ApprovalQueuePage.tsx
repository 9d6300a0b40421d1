// Managers' approval queue: requested cases at or above the threshold, oldest first, each with the
// evidence against the wallets behind it (scorer's reasons, link to the account page) and approve or
// reject with a reason. A manager's own requests are shown but cannot be decided by them.
import { useTranslation } from "react-i18next";
import { useState } from "react";
import { Link } from "react-router";
import { Alert, Anchor, Button, Card, Center, Group, Loader, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../trpc.ts";
import { errorMessage } from "../../lib/errors.ts";
import { JstTime, Yen } from "../../components/format.tsx";
import { EvidencePanel } from "./EvidencePanel.tsx";
import { useDecision } from "./CasePage.tsx";
import { ReasonDialog, VictimLine } from "./parts.tsx";
import { AccountLink } from "../../components/AccountLink.tsx";

export default function ApprovalQueuePage() {
  const { t } = useTranslation("compensation");
  const trpc = useTRPC();
  const q = useQuery(trpc.compensation.approvalQueue.queryOptions());
  const [open, setOpen] = useState<{ caseId: string; decision: "approve" | "reject" } | null>(null);
  const mutations = useDecision(() => setOpen(null));
  const current = open ? mutations[open.decision] : null;
  const openCase = q.data?.cases.find((c) => c.id === open?.caseId);

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
            </div>
            <Stack gap={4} align="flex-end" maw={320}>
              {(c.canDecide || c.canReject) && (
                <Group gap="xs">
                  {c.canDecide && (
                    <Button color="green" onClick={() => setOpen({ caseId: c.id, decision: "approve" })}>
                      {t("casePage.decision.approve.button")}
                    </Button>
                  )}
                  {c.canReject && (
                    <Button color="red" variant="light" onClick={() => setOpen({ caseId: c.id, decision: "reject" })}>
                      {t("casePage.decision.reject.button")}
                    </Button>
                  )}
                </Group>
              )}
              {c.whyNotApprove && (
                <Text size="sm" c="orange.8" ta="right" data-testid="why-not-approve">
                  {c.whyNotApprove}
                </Text>
              )}
            </Stack>
          </Group>
          <SimpleGrid cols={{ base: 1, lg: 2 }}>
            <div>
              <Text size="sm" fw={500} mb={4}>
                {t("approvalQueue.charges")}
              </Text>
              <Table verticalSpacing={2}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t("approvalQueue.col.when")}</Table.Th>
                    <Table.Th>{t("approvalQueue.col.wallet")}</Table.Th>
                    <Table.Th ta="right">{t("approvalQueue.col.taken")}</Table.Th>
                    <Table.Th ta="right">{t("approvalQueue.col.paidHere")}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {c.lines.map((l) => (
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
                      <Table.Td ta="right">
                        <Yen value={l.amountYen} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
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
      {open && current && openCase && (
        <ReasonDialog
          opened
          title={t(`casePage.decision.${open.decision}.title`)}
          description={
            <Text size="sm">
              {t("approvalQueue.payTo", { total: openCase.totalYen, holder: openCase.holderName, bank: openCase.bankName, account: openCase.accountNumberMasked, who: openCase.requestedByEmail })}
            </Text>
          }
          confirmLabel={t(`casePage.decision.${open.decision}.button`)}
          confirmColor={open.decision === "approve" ? "green" : "red"}
          pending={current.isPending}
          error={current.error}
          onConfirm={(reason) => current.mutate({ caseId: open.caseId, reason })}
          onClose={() => setOpen(null)}
        />
      )}
    </Stack>
  );
}
