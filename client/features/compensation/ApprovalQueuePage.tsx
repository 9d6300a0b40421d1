// Managers' approval queue: requested cases at or above the threshold, oldest first, each with the
// evidence against the wallets behind it (scorer's reasons, link to the account page) and approve or
// reject with a reason. A manager's own requests are shown but cannot be decided by them.
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
  const trpc = useTRPC();
  const q = useQuery(trpc.compensation.approvalQueue.queryOptions());
  const [open, setOpen] = useState<{ caseId: string; decision: "approve" | "reject" } | null>(null);
  const mutations = useDecision(() => setOpen(null));
  const current = open ? mutations[open.decision] : null;
  const openCase = q.data?.cases.find((c) => c.id === open?.caseId);

  return (
    <Stack>
      <div>
        <Title order={2}>Approvals</Title>
        <Text c="dimmed" size="sm">
          Cases of <Yen value={q.data?.thresholdYen ?? 100_000} /> or more wait here for a manager other than the one who requested them. Read the evidence, then approve or reject with a reason.
        </Text>
      </div>
      {q.isPending && (
        <Center p="xl">
          <Loader aria-label="Loading the approval queue" />
        </Center>
      )}
      {q.error && <Alert color="red">{errorMessage(q.error)}</Alert>}
      {q.data && q.data.cases.length === 0 && <Alert color="gray">No large cases are waiting for approval.</Alert>}
      {q.data?.cases.map((c) => (
        <Card withBorder key={c.id} data-testid="approval-case">
          <Group justify="space-between" align="flex-start" mb="sm">
            <div>
              <Group gap="xs">
                <Title order={3}>
                  <Yen value={c.totalYen} />
                </Title>
                <Anchor component={Link} to={`/compensation/cases/${c.id}`} size="sm">
                  Open case
                </Anchor>
              </Group>
              <VictimLine {...c} />
              {c.victimTotalYen !== c.totalYen && (
                <Text size="sm" data-testid="victim-total">
                  With this case the victim's account receives <Yen value={c.victimTotalYen} /> across its cases.
                </Text>
              )}
              <Text size="sm" c="dimmed">
                Requested by {c.requestedByEmail} on <JstTime at={c.requestedAt} />: “{c.reason}”
              </Text>
            </div>
            <Stack gap={4} align="flex-end" maw={320}>
              {(c.canDecide || c.canReject) && (
                <Group gap="xs">
                  {c.canDecide && (
                    <Button color="green" onClick={() => setOpen({ caseId: c.id, decision: "approve" })}>
                      Approve
                    </Button>
                  )}
                  {c.canReject && (
                    <Button color="red" variant="light" onClick={() => setOpen({ caseId: c.id, decision: "reject" })}>
                      Reject
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
                Charges
              </Text>
              <Table verticalSpacing={2}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>When</Table.Th>
                    <Table.Th>Wallet</Table.Th>
                    <Table.Th ta="right">Taken</Table.Th>
                    <Table.Th ta="right">Paid back here</Table.Th>
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
                Evidence
              </Text>
              <EvidencePanel wallets={c.wallets} />
            </div>
          </SimpleGrid>
        </Card>
      ))}
      {open && current && openCase && (
        <ReasonDialog
          opened
          title={open.decision === "approve" ? "Approve this case" : "Reject this case"}
          description={
            <Text size="sm">
              <Yen value={openCase.totalYen} /> to {openCase.holderName} ({openCase.bankName}, {openCase.accountNumberMasked}), requested by {openCase.requestedByEmail}.
            </Text>
          }
          confirmLabel={open.decision === "approve" ? "Approve" : "Reject"}
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
