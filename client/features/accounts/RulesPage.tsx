// The scoring rules as the server applies them: served as data (accounts.rules), so this page and
// the scores can never disagree.
import { Alert, Anchor, Badge, Card, Center, Code, Group, Loader, Stack, Table, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { errorMessage } from "../../lib/errors.ts";
import { useTRPC } from "../../trpc.ts";
import { ruleLabel } from "../../../shared/accounts/labels.ts";

export default function RulesPage() {
  const trpc = useTRPC();
  const q = useQuery(trpc.accounts.rules.queryOptions());
  return (
    <Stack>
      <Anchor component={Link} to="/accounts" size="sm">Accounts</Anchor>
      <Title order={2}>How risk scores are made</Title>
      {q.isPending && (
        <Center p="xl">
          <Loader aria-label="Loading the rules" />
        </Center>
      )}
      {q.error && <Alert color="red">{errorMessage(q.error)}</Alert>}
      {q.data && (
        <>
          <Text size="sm">
            Each rule that fires adds its points; the score is their sum, capped at {q.data.scoreMax}. An account is <b>flagged</b> at{" "}
            <Badge color="red" variant="filled">{q.data.threshold}</Badge> or more. No rule reaches the threshold alone. Charges and spends of the last{" "}
            {q.data.factsWindowDays} days count. Accounts are rescored as their events arrive; a manager can rescore all of them.
          </Text>
          <Card withBorder p={0}>
            <Table striped verticalSpacing="xs" data-testid="rules-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Rule</Table.Th>
                  <Table.Th>What it means</Table.Th>
                  <Table.Th ta="right">Points</Table.Th>
                  <Table.Th>Parameters</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {q.data.rules.map((r) => (
                  <Table.Tr key={r.code}>
                    <Table.Td>
                      <Text fw={600} size="sm">{ruleLabel(r.code)}</Text>
                      <Text size="xs" c="dimmed">{r.title}</Text>
                      <Code>{r.code}</Code>
                    </Table.Td>
                    <Table.Td maw={520}><Text size="sm">{r.description}</Text></Table.Td>
                    <Table.Td ta="right"><Text fw={700}>{r.points}</Text></Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {Object.entries(r.params).map(([k, v]) => (
                          <Badge key={k} variant="outline" color="gray" size="sm" style={{ textTransform: "none" }}>
                            {k} = {v.toLocaleString("en-US")}
                          </Badge>
                        ))}
                        {Object.keys(r.params).length === 0 && <Text size="xs" c="dimmed">—</Text>}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Card>
        </>
      )}
    </Stack>
  );
}
