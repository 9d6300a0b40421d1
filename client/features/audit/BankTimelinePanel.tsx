// A bank's incident timeline (registered as a bank-page panel in client/slots.ts): spikes detected
// at the bank, suspension actions, quarantine reviews of its links and compensation for its victims,
// from the audit log; exportable as Markdown for the incident report.
import { Alert, Badge, Button, Card, Group, Loader, Stack, Table, Text, Timeline, Title } from "@mantine/core";
import { IconAlertTriangle, IconFileDownload, IconLock, IconCash, IconShieldOff, IconActivity, IconPoint } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { useTRPC } from "../../trpc.ts";
import { errorMessage } from "../../lib/errors.ts";
import { JstTime, Yen } from "../../components/format.tsx";
import { timelineToMarkdown } from "../../../shared/audit/present.ts";
import type { TimelineKind } from "../../../shared/audit/schemas.ts";
import { useCan } from "../auth/useMe.ts";

const KIND: Record<TimelineKind, { color: string; icon: React.ReactNode; label: string }> = {
  SPIKE_STARTED: { color: "red", icon: <IconAlertTriangle size={12} />, label: "spike" },
  SPIKE_ENDED: { color: "gray", icon: <IconActivity size={12} />, label: "spike" },
  SUSPENSION: { color: "orange", icon: <IconShieldOff size={12} />, label: "suspension" },
  QUARANTINE: { color: "grape", icon: <IconLock size={12} />, label: "quarantine" },
  COMPENSATION: { color: "teal", icon: <IconCash size={12} />, label: "compensation" },
  OTHER: { color: "indigo", icon: <IconPoint size={12} />, label: "action" },
};

export function BankTimelinePanel({ bankCode }: { bankCode: string }) {
  const trpc = useTRPC();
  const allowed = useCan("audit.bankTimeline");
  const q = useQuery({ ...trpc.audit.bankTimeline.queryOptions({ bankCode }), enabled: allowed });
  if (!allowed) return null;

  const exportMarkdown = () => {
    if (!q.data) return;
    const md = timelineToMarkdown(q.data, new Date());
    const url = URL.createObjectURL(new Blob([md], { type: "text/markdown;charset=utf-8" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `incident-timeline-${bankCode}.md`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  return (
    <Card withBorder data-testid="bank-timeline">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={4}>Incident timeline</Title>
          <Button size="xs" variant="light" leftSection={<IconFileDownload size={14} />} onClick={exportMarkdown} disabled={!q.data}>
            Export as Markdown
          </Button>
        </Group>
        {q.isPending && <Loader size="sm" aria-label="Loading the timeline" />}
        {q.error && <Alert color="red">{errorMessage(q.error)}</Alert>}
        {q.data && q.data.entries.length === 0 && <Text size="sm" c="dimmed">No spikes or staff actions recorded for this bank yet.</Text>}
        {q.data && q.data.entries.length > 0 && (
          <Timeline bulletSize={22} lineWidth={2}>
            {q.data.entries.map((e, i) => (
              <Timeline.Item key={`${e.kind}-${e.auditId ?? i}-${String(e.at)}`} bullet={KIND[e.kind].icon} color={KIND[e.kind].color} title={<Text size="sm" fw={500}>{e.title}</Text>}>
                <Group gap="xs">
                  <Text size="xs" c="dimmed">
                    <JstTime at={e.at} />
                  </Text>
                  <Badge size="xs" variant="light" color={KIND[e.kind].color}>
                    {KIND[e.kind].label}
                  </Badge>
                  {e.actor && (
                    <Text size="xs" c="dimmed">
                      by {e.actor}
                    </Text>
                  )}
                  {e.auditId && (
                    <Text size="xs" component={Link} to={`/audit?event=${e.auditId}`} c="indigo">
                      record #{e.auditId}
                    </Text>
                  )}
                </Group>
                {e.detail && <Text size="sm">{e.detail}</Text>}
              </Timeline.Item>
            ))}
          </Timeline>
        )}
        {q.data?.truncated && <Text size="xs" c="dimmed">Older staff actions are in the audit log.</Text>}
        {q.data && q.data.compensation.length > 0 && (
          <Table withTableBorder>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Compensation</Table.Th>
                <Table.Th ta="right">Cases</Table.Th>
                <Table.Th ta="right">Total</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {q.data.compensation.map((c) => (
                <Table.Tr key={c.state}>
                  <Table.Td>{c.state}</Table.Td>
                  <Table.Td ta="right">{c.caseCount}</Table.Td>
                  <Table.Td ta="right">
                    <Yen value={c.totalYen} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Card>
  );
}
