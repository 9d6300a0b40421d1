import { Alert, Center, Loader, Stack, Table, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../trpc.ts";
import { errorMessage } from "../../lib/errors.ts";
import { JstTime } from "../../components/format.tsx";

export function AuditPage() {
  const trpc = useTRPC();
  const q = useQuery(trpc.audit.list.queryOptions({ limit: 100 }));
  return (
    <Stack>
      <Title order={2}>Audit log</Title>
      <Text c="dimmed" size="sm">
        Every staff action, newest first: who did what, to what, and why.
      </Text>
      {q.isPending && (
        <Center p="xl">
          <Loader aria-label="Loading the audit log" />
        </Center>
      )}
      {q.error && <Alert color="red">{errorMessage(q.error)}</Alert>}
      {q.data && q.data.length === 0 && <Alert color="gray">No staff actions have been recorded yet.</Alert>}
      {q.data && q.data.length > 0 && (
        <Table striped highlightOnHover data-testid="audit-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Time</Table.Th>
              <Table.Th>Actor</Table.Th>
              <Table.Th>Action</Table.Th>
              <Table.Th>Target</Table.Th>
              <Table.Th>Reason</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {q.data.map((row) => (
              <Table.Tr key={row.id}>
                <Table.Td>
                  <JstTime at={row.at} />
                </Table.Td>
                <Table.Td>
                  {row.actorEmail}
                  {row.actorRole ? ` (${row.actorRole})` : ""}
                </Table.Td>
                <Table.Td>{row.action}</Table.Td>
                <Table.Td>
                  {row.targetType} {row.targetId}
                </Table.Td>
                <Table.Td>{row.reason ?? "—"}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
