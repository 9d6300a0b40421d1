// One case: the victim, the charges it pays back with what each has paid, pending and left, the
// evidence against the wallets, the decisions so far, and the actions the signed-in person may take.
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
const DECISION_WORDS: Record<Decision, { title: string; button: string; color: string; done: string }> = {
  approve: { title: "Approve this case", button: "Approve", color: "green", done: "Case approved." },
  reject: { title: "Reject this case", button: "Reject", color: "red", done: "Case rejected." },
  cancel: { title: "Cancel this case", button: "Cancel case", color: "gray", done: "Case cancelled." },
};
const ACTION_WORDS: Record<string, string> = {
  "compensation.create": "requested",
  "compensation.approve": "approved",
  "compensation.reject": "rejected",
  "compensation.cancel": "cancelled",
  "compensation.pay": "paid in a payout batch",
};

export function useDecision(onDone?: () => void) {
  const trpc = useTRPC();
  const invalidate = useInvalidateCompensation();
  const opts = (d: Decision) => ({
    onSuccess: async () => {
      notifications.show({ color: "green", message: DECISION_WORDS[d].done });
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
        <Loader aria-label="Loading the case" />
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
          <IconArrowLeft size={14} /> Compensation queue
        </Group>
      </Anchor>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <div style={{ flex: 1, minWidth: 0 }}>
          <Group gap="sm">
            <Title order={2}>
              Case <Yen value={c.totalYen} />
            </Title>
            <StateBadge state={c.state} />
          </Group>
          <VictimLine {...c} />
          <Text size="sm" c="dimmed">
            Requested by {c.requestedByEmail} on <JstTime at={c.requestedAt} />: “{c.reason}”
          </Text>
        </div>
        {canDecide && (
          <Stack gap={4} align="flex-end" style={{ flexShrink: 0 }} maw={320}>
            <Group gap="xs">
              {c.actions.approve && (
                <Button color="green" onClick={() => setOpen("approve")}>
                  Approve
                </Button>
              )}
              {c.actions.reject && (
                <Button color="red" variant="light" onClick={() => setOpen("reject")}>
                  Reject
                </Button>
              )}
              {c.actions.cancel && (
                <Button variant="default" onClick={() => setOpen("cancel")}>
                  Cancel case
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
          Paid in payout batch {c.payoutBatch.fileName} on <JstTime at={c.payoutBatch.createdAt} />.
        </Alert>
      )}
      {(c.state === "REJECTED" || c.state === "CANCELLED") && (
        <Alert color="gray">
          {c.state === "REJECTED" ? "Rejected" : "Cancelled"} by {c.decidedByEmail} on <JstTime at={c.decidedAt} />: “{c.decisionReason}”. Its amounts are free to pay in another case.
        </Alert>
      )}

      <Card withBorder>
        <Title order={4} mb="xs">
          Charges paid back in this case
        </Title>
        <Table striped data-testid="case-lines">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Charge</Table.Th>
              <Table.Th>Wallet</Table.Th>
              <Table.Th ta="right">Taken</Table.Th>
              <Table.Th ta="right">This case</Table.Th>
              <Table.Th ta="right">Paid (all cases)</Table.Th>
              <Table.Th ta="right">Pending (all cases)</Table.Th>
              <Table.Th ta="right">Still owed</Table.Th>
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
            The victim
          </Title>
          {c.victim ? (
            <>
              <Text size="sm" data-testid="victim-summary">
                <Yen value={c.victim.takenYen} /> taken by fraudulent wallets in {c.victim.chargeCount} charge{c.victim.chargeCount === 1 ? "" : "s"} · <Yen value={c.victim.paidYen} /> paid back · <Yen value={c.victim.pendingYen} /> pending ·{" "}
                <Text span fw={600} data-testid="victim-owed">
                  <Yen value={c.victim.owedYen} /> still owed
                </Text>
              </Text>
              {c.victim.owedYen > 0 && canCreate && (
                <Anchor component={Link} to={`/compensation/new?chargeId=${encodeURIComponent(c.victim.ref)}`} size="sm">
                  Start another case for what is still owed
                </Anchor>
              )}
              <Text size="sm" mt="sm" fw={500}>
                All cases for this victim
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
            <Text c="dimmed">No charges by flagged or confirmed-fraud wallets remain for this account (a wallet may have been cleared since).</Text>
          )}
        </Card>
        <Card withBorder>
          <Title order={4} mb="xs">
            History
          </Title>
          <Timeline bulletSize={14} lineWidth={2}>
            {c.history.map((h) => (
              <Timeline.Item key={h.id} title={`${ACTION_WORDS[h.action] ?? h.action} by ${h.actorEmail}`}>
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
          Evidence: the wallets behind these charges
        </Title>
        <EvidencePanel wallets={c.wallets} />
      </Card>

      {open && current && (
        <ReasonDialog
          opened
          title={DECISION_WORDS[open].title}
          description={
            <Text size="sm">
              <Yen value={c.totalYen} /> to {c.holderName} ({c.bankName}, {c.accountNumberMasked}).
            </Text>
          }
          confirmLabel={DECISION_WORDS[open].button}
          confirmColor={DECISION_WORDS[open].color}
          pending={current.isPending}
          error={current.error}
          onConfirm={(reason) => current.mutate({ caseId: c.id, reason })}
          onClose={() => setOpen(null)}
        />
      )}
    </Stack>
  );
}
