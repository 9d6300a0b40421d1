// One case: the victim, the charges it pays back with what each has paid, pending and left, the
// evidence against the wallets, the decisions so far, and the actions the signed-in person may take.
import { useTranslation } from "react-i18next";
import { useState } from "react";
import { Link, useParams } from "react-router";
import { Alert, Anchor, Button, Card, Center, Group, Loader, SimpleGrid, Stack, Table, Text, Timeline, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconArrowLeft } from "@tabler/icons-react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../trpc.ts";
import { errorMessage } from "../../lib/errors.ts";
import { JstTime, Yen } from "../../components/format.tsx";
import { useCan } from "../auth/useMe.ts";
import { EvidencePanel } from "./EvidencePanel.tsx";
import { ReasonDialog, StateBadge, useInvalidateCompensation, VictimLine } from "./parts.tsx";
import { AccountLink } from "../../components/AccountLink.tsx";
import { useMutationOnce } from "../../components/submit-once.ts";

type Decision = "approve" | "reject" | "cancel";
/** Each decision's colour; its words are in the compensation catalog (casePage.decision.*). */
const DECISION_COLORS: Record<Decision, string> = { approve: "green", reject: "red", cancel: "gray" };
const ACTION_VERBS = ["create", "approve", "reject", "cancel", "pay"] as const;

export function useDecision(onDone?: () => void) {
  const { t } = useTranslation("compensation");
  const trpc = useTRPC();
  const invalidate = useInvalidateCompensation();
  const opts = (d: Decision) => ({
    onSuccess: async () => {
      notifications.show({ color: "green", message: t(`casePage.decision.${d}.done`) });
      await invalidate();
      onDone?.();
    },
  });
  const approve = useMutationOnce(useMutation(trpc.compensation.approve.mutationOptions(opts("approve"))));
  const reject = useMutationOnce(useMutation(trpc.compensation.reject.mutationOptions(opts("reject"))));
  const cancel = useMutationOnce(useMutation(trpc.compensation.cancel.mutationOptions(opts("cancel"))));
  return { approve, reject, cancel };
}

export default function CasePage() {
  const { t } = useTranslation(["compensation", "common"]);
  const actionWords = (a: string) => {
    const verb = a.replace(/^compensation\./, "");
    return (ACTION_VERBS as readonly string[]).includes(verb) ? t(`casePage.action.${verb as (typeof ACTION_VERBS)[number]}`) : a;
  };
  const { caseId = "" } = useParams();
  const trpc = useTRPC();
  const q = useQuery(trpc.compensation.get.queryOptions({ caseId }));
  const [open, setOpen] = useState<Decision | null>(null);
  const mutations = useDecision(() => setOpen(null));
  const canDecide = useCan("compensation.approve");
  const canCreate = useCan("compensation.create");

  if (q.isPending) {
    return (
      <Center p="xl">
        <Loader aria-label={t("casePage.loading")} />
      </Center>
    );
  }
  if (q.error) return <Alert color="red">{errorMessage(q.error)}</Alert>;
  const c = q.data;
  const current = open ? mutations[open] : null;

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
          <Stack gap={4} align="flex-end" style={{ flexShrink: 0 }} maw={320}>
            <Group gap="xs">
              {c.actions.approve && (
                <Button color="green" onClick={() => setOpen("approve")}>
                  {t("casePage.decision.approve.button")}
                </Button>
              )}
              {c.actions.reject && (
                <Button color="red" variant="light" onClick={() => setOpen("reject")}>
                  {t("casePage.decision.reject.button")}
                </Button>
              )}
              {c.actions.cancel && (
                <Button variant="default" onClick={() => setOpen("cancel")}>
                  {t("casePage.decision.cancel.button")}
                </Button>
              )}
            </Group>
            {c.actions.whyNotApprove && (
              <Text size="sm" c="orange.8" ta="right" data-testid="why-not-approve">
                {c.actions.whyNotApprove}
              </Text>
            )}
          </Stack>
        )}
      </Group>

      {c.state === "PAID" && c.payoutBatch && (
        <Alert color="green">
          {t("casePage.paidIn", { file: c.payoutBatch.fileName, at: c.payoutBatch.createdAt })}
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
        <Table striped data-testid="case-lines">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("casePage.col.charge")}</Table.Th>
              <Table.Th>{t("casePage.col.wallet")}</Table.Th>
              <Table.Th ta="right">{t("casePage.col.taken")}</Table.Th>
              <Table.Th ta="right">{t("casePage.col.thisCase")}</Table.Th>
              <Table.Th ta="right">{t("casePage.col.paidAll")}</Table.Th>
              <Table.Th ta="right">{t("casePage.col.pendingAll")}</Table.Th>
              <Table.Th ta="right">{t("casePage.col.owed")}</Table.Th>
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
                <Table.Td ta="right" fw={600}>
                  <Yen value={l.amountYen} />
                </Table.Td>
                <Table.Td ta="right">
                  <Yen value={l.paidYen} />
                </Table.Td>
                <Table.Td ta="right">
                  <Yen value={l.pendingYen} />
                </Table.Td>
                <Table.Td ta="right">
                  <Yen value={l.owedYen} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>

      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Card withBorder>
          <Title order={4} mb="xs">
            {t("casePage.victimTitle")}
          </Title>
          {c.victim ? (
            <>
              <Text size="sm" data-testid="victim-summary">
                {t("casePage.victimSummary", { taken: c.victim.takenYen, count: c.victim.chargeCount, paid: c.victim.paidYen, pending: c.victim.pendingYen })}{" "}
                <Text span fw={600} data-testid="victim-owed">
                  {t("casePage.stillOwed", { owed: c.victim.owedYen })}
                </Text>
              </Text>
              {c.victim.owedYen > 0 && canCreate && (
                <Anchor component={Link} to={`/compensation/new?chargeId=${encodeURIComponent(c.victim.ref)}`} size="sm">
                  {t("casePage.startAnother")}
                </Anchor>
              )}
              <Text size="sm" mt="sm" fw={500}>
                {t("casePage.allCases")}
              </Text>
              {c.victim.cases.map((vc) => (
                <Group key={vc.id} gap="xs">
                  <Anchor component={Link} to={`/compensation/cases/${vc.id}`} size="sm">
                    <Yen value={vc.totalYen} />
                  </Anchor>
                  <StateBadge state={vc.state} />
                  <Text size="xs" c="dimmed">
                    <JstTime at={vc.requestedAt} />
                  </Text>
                </Group>
              ))}
            </>
          ) : (
            <Text c="dimmed">{t("casePage.noneRemain")}</Text>
          )}
        </Card>
        <Card withBorder>
          <Title order={4} mb="xs">
            {t("casePage.history")}
          </Title>
          <Timeline bulletSize={14} lineWidth={2}>
            {c.history.map((h) => (
              <Timeline.Item key={h.id} title={t("casePage.by", { action: actionWords(h.action), who: h.actorEmail })}>
                <Text size="xs" c="dimmed">
                  <JstTime at={h.at} />
                </Text>
                {h.reason && <Text size="sm">“{h.reason}”</Text>}
              </Timeline.Item>
            ))}
          </Timeline>
        </Card>
      </SimpleGrid>

      <Card withBorder>
        <Title order={4} mb="xs">
          {t("casePage.evidence")}
        </Title>
        <EvidencePanel wallets={c.wallets} />
      </Card>

      {open && current && (
        <ReasonDialog
          opened
          title={t(`casePage.decision.${open}.title`)}
          description={
            <Text size="sm">
              {t("casePage.payTo", { total: c.totalYen, holder: c.holderName, bank: c.bankName, account: c.accountNumberMasked })}
            </Text>
          }
          confirmLabel={t(`casePage.decision.${open}.button`)}
          confirmColor={DECISION_COLORS[open]}
          pending={current.isPending}
          error={current.error}
          onConfirm={(reason) => current.mutate({ caseId: c.id, reason })}
          onClose={() => setOpen(null)}
        />
      )}
    </Stack>
  );
}
