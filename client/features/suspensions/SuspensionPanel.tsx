// A bank's suspension panel (registered for the bank page in client/slots.ts): the current state,
// policy violations (events the platform should not have let through), and the history. Suspend
// and Lift for managers; everyone else sees the state only.
import { useState } from "react";
import { Alert, Badge, Button, Card, Group, Loader, Stack, Table, Text, Title } from "@mantine/core";
import { IconAlertTriangle, IconShieldOff } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { useTRPC } from "../../trpc.ts";
import { errorMessage } from "../../lib/errors.ts";
import { Count, JstTime } from "../../components/format.tsx";
import { useCan } from "../auth/useMe.ts";
import { describeSuspension, scopeWords } from "../../../shared/suspensions/describe.ts";
import { SuspendDialog } from "./SuspendDialog.tsx";
import { LiftDialog } from "./LiftDialog.tsx";
import type { SuspensionListRow } from "./types.ts";

export const STATE_COLOR = { ACTIVE: "red", SCHEDULED: "orange", LIFTED: "gray" } as const;
export const STATE_LABEL = { ACTIVE: "In force", SCHEDULED: "Scheduled", LIFTED: "Lifted" } as const;

export function SuspensionPanel({ bankCode }: { bankCode: string }) {
  const trpc = useTRPC();
  const canSee = useCan("suspensions.forBank");
  const canSuspend = useCan("suspensions.suspend");
  const canLift = useCan("suspensions.lift");
  const q = useQuery({ ...trpc.suspensions.forBank.queryOptions({ bankCode }), enabled: canSee });
  const [suspendOpen, setSuspendOpen] = useState(false);
  const [lifting, setLifting] = useState<SuspensionListRow | null>(null);
  if (!canSee) return null;

  const data = q.data;
  const current = data?.current ?? [];
  const inForce = current.filter((s) => s.state === "ACTIVE");
  return (
    <Card withBorder data-testid="suspension-panel">
      <Stack gap="sm">
        <Group justify="space-between">
          <Group gap="xs">
            <IconShieldOff size={18} />
            <Title order={4}>Suspension</Title>
            {data && (
              <Badge color={inForce.length ? "red" : current.length ? "orange" : "green"} variant="light" data-testid="suspension-state">
                {inForce.length ? `Suspended: ${scopeWords(inForce.flatMap((s) => s.scopes))}` : current.length ? "Suspension scheduled" : "Not suspended"}
              </Badge>
            )}
          </Group>
          {canSuspend && (
            <Button size="xs" color="red" variant="light" onClick={() => setSuspendOpen(true)}>
              Suspend…
            </Button>
          )}
        </Group>
        {q.isPending && <Loader size="sm" aria-label="Loading the suspension state" />}
        {q.error && <Alert color="red">{errorMessage(q.error)}</Alert>}

        {current.map((s) => (
          <Alert key={s.id} color={STATE_COLOR[s.state]} variant="light" title={describeSuspension(s)}>
            <Stack gap={4}>
              <Text size="sm">
                Cutoff <JstTime at={s.cutoffAt} />: links registered before it keep working
                {s.quarantine ? "; links registered since are quarantined" : ""}. {s.quarantinedCount > 0 && <Link to={`/quarantine?suspension=${s.id}`}>{s.quarantinedCount} waiting for review</Link>}
              </Text>
              <Text size="sm" c="dimmed">
                By {s.createdBy ?? "unknown"} at <JstTime at={s.createdAt} />: “{s.reason}”
              </Text>
              {canLift && (
                <Group>
                  <Button size="xs" variant="default" onClick={() => setLifting(s)}>
                    {s.state === "SCHEDULED" ? "Cancel…" : "Lift…"}
                  </Button>
                </Group>
              )}
            </Stack>
          </Alert>
        ))}

        {data && data.quarantinedCount > 0 && (
          <Text size="sm">
            <Link to={`/quarantine?bank=${bankCode}`}>
              <Count value={data.quarantinedCount} /> quarantined links at this bank
            </Link>{" "}
            wait for an analyst&apos;s review.
          </Text>
        )}

        {data && data.violationCount > 0 && (
          <Alert color="orange" icon={<IconAlertTriangle size={16} />} title={`${data.violationCount} policy violation${data.violationCount === 1 ? "" : "s"}`} data-testid="policy-violations">
            <Text size="sm" mb={4}>
              The wallet platform registered or changed links here while the bank was suspended for it (it skipped the decision API or ignored its answer).
            </Text>
            <Table fz="xs">
              <Table.Tbody>
                {data.violations.slice(0, 5).map((v) => (
                  <Table.Tr key={v.id}>
                    <Table.Td>
                      <JstTime at={v.occurredAt} />
                    </Table.Td>
                    <Table.Td>{v.kind === "REGISTRATION_WHILE_SUSPENDED" ? "registration" : "link change"}</Table.Td>
                    <Table.Td>event {v.eventId}</Table.Td>
                    <Table.Td>link {String((v.detail as { linkId?: string })?.linkId ?? "—")}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Alert>
        )}

        {data && data.history.length > 0 && (
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              History
            </Text>
            <Table fz="xs" striped data-testid="suspension-history">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>State</Table.Th>
                  <Table.Th>Scopes</Table.Th>
                  <Table.Th>From</Table.Th>
                  <Table.Th>Cutoff</Table.Th>
                  <Table.Th>By / reason</Table.Th>
                  <Table.Th>Lifted</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.history.map((s) => (
                  <Table.Tr key={s.id}>
                    <Table.Td>
                      <Badge size="xs" color={STATE_COLOR[s.state]} variant="light" style={{ minWidth: "max-content" }}>
                        {STATE_LABEL[s.state]}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{scopeWords(s.scopes)}</Table.Td>
                    <Table.Td>
                      <JstTime at={s.startsAt} />
                    </Table.Td>
                    <Table.Td>
                      <JstTime at={s.cutoffAt} />
                      {s.quarantine ? " (quarantine)" : ""}
                    </Table.Td>
                    <Table.Td>
                      {s.createdBy}: {s.reason}
                    </Table.Td>
                    <Table.Td>
                      {s.liftedAt ? (
                        <>
                          <JstTime at={s.liftedAt} /> by {s.liftedBy}: {s.liftReason}
                        </>
                      ) : (
                        "—"
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Stack>
        )}
        {data && data.history.length === 0 && (
          <Text size="sm" c="dimmed">
            {data.bank.name} has never been suspended.
          </Text>
        )}
      </Stack>
      {canSuspend && <SuspendDialog bankCodes={[bankCode]} opened={suspendOpen} onClose={() => setSuspendOpen(false)} />}
      {canLift && <LiftDialog suspension={lifting} onClose={() => setLifting(null)} />}
    </Card>
  );
}
