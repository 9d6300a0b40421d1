// One wallet account's whole story on one screen: who it is, why it scored what it did (each
// reason with its evidence and contribution), every bank account it linked, its money in and out
// on one timeline, the accounts it shares a device, IP address or bank account with, and what staff
// did about it.
import { Alert, Anchor, Badge, Button, Card, Center, Group, Loader, Progress, SimpleGrid, Stack, Table, Text, Title, Tooltip } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { IconArrowLeft, IconCash } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useParams } from "react-router";
import { SCORE_MAX } from "../../../shared/accounts/index.ts";
import { formatYen } from "../../../shared/format.ts";
import { JstTime, Yen } from "../../components/format.tsx";
import { errorMessage, isNotFound } from "../../lib/errors.ts";
import { useTRPC } from "../../trpc.ts";
import { useCan } from "../auth/useMe.ts";
import { ruleLabel } from "../../../shared/accounts/labels.ts";
import { LabelBadge, ReasonDialog, ScoreBar, StatusBadge, type AccountActionName } from "./parts.tsx";

const NAME_CHECK: Record<string, { label: string; color: string }> = {
  SAME: { label: "same person", color: "green" },
  FAMILY: { label: "same surname", color: "yellow" },
  DIFFERENT: { label: "someone else", color: "red" },
};

function NameCheck({ check }: { check: { relation: string; similarity: number } }) {
  const c = NAME_CHECK[check.relation] ?? { label: check.relation, color: "gray" };
  return (
    <Tooltip label={`Similarity ${check.similarity} of 100 with the wallet holder's name, after normalising width, spaces and small kana`}>
      <Badge color={c.color} variant="light" size="sm" style={{ textTransform: "none" }}>
        {c.label} · {check.similarity}
      </Badge>
    </Tooltip>
  );
}

export default function AccountPage() {
  const { accountId = "" } = useParams();
  const trpc = useTRPC();
  const q = useQuery(trpc.accounts.get.queryOptions({ accountId }));
  const canAct = useCan("accounts.freeze");
  const canCompensate = useCan("compensation.create");
  const [dialog, { open, close }] = useDisclosure(false);
  const [action, setAction] = useState<AccountActionName>("freeze");
  const start = (a: AccountActionName) => {
    setAction(a);
    open();
  };

  if (q.isPending) {
    return (
      <Center p="xl">
        <Loader aria-label="Loading the account" />
      </Center>
    );
  }
  if (q.error) {
    return (
      <Stack>
        <Anchor component={Link} to="/accounts" size="sm"><IconArrowLeft size={12} /> Accounts</Anchor>
        <Alert color="red" title={isNotFound(q.error) ? "Account not found" : "This account cannot be shown"} data-testid={isNotFound(q.error) ? "page-not-found" : undefined}>{errorMessage(q.error)}</Alert>
      </Stack>
    );
  }
  const d = q.data;
  const a = d.account;
  return (
    <Stack>
      <Anchor component={Link} to="/accounts" size="sm">
        <IconArrowLeft size={12} /> Accounts
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <div>
          <Group gap="sm">
            <Title order={2} ff="monospace">{a.id}</Title>
            <StatusBadge status={a.status} />
            <LabelBadge label={a.reviewLabel} />
            {a.flagged && <Badge color="red" variant="outline">Flagged</Badge>}
          </Group>
          <Text size="lg">{a.holderName}</Text>
        </div>
        <Group gap="xs">
          {canAct && (
            <>
              {a.status === "ACTIVE" ? (
                <Button color="blue" onClick={() => start("freeze")}>Freeze</Button>
              ) : (
                <Button variant="default" onClick={() => start("unfreeze")}>Unfreeze</Button>
              )}
              {a.reviewLabel !== "CONFIRMED_FRAUD" && <Button variant="light" color="red" onClick={() => start("markConfirmedFraud")}>Mark confirmed fraud</Button>}
              {a.reviewLabel !== "LEGITIMATE" && <Button variant="light" color="green" onClick={() => start("markLegitimate")}>Mark legitimate</Button>}
            </>
          )}
          {canCompensate && (
            <Button component={Link} to={`/compensation/new?accountId=${encodeURIComponent(a.id)}`} variant="default" leftSection={<IconCash size={16} />}>
              Compensate the victims of this wallet
            </Button>
          )}
        </Group>
      </Group>

      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder>
          <Group justify="space-between" mb="xs">
            <Title order={4}>Why it scored {a.score}</Title>
            <ScoreBar score={a.score} width={140} />
          </Group>
          <Text size="xs" c="dimmed" mb="xs">
            Flagged at {d.threshold} or more. {a.flaggedAt ? <>First flagged <JstTime at={a.flaggedAt} />.</> : "Never flagged."} {a.scoredAt ? <>Scored <JstTime at={a.scoredAt} />.</> : null}
          </Text>
          {d.reasons.length === 0 ? (
            <Text size="sm" c="dimmed">No rule fired for this account.</Text>
          ) : (
            <Table data-testid="account-reasons" verticalSpacing={4}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Reason</Table.Th>
                  <Table.Th>Evidence</Table.Th>
                  <Table.Th ta="right">Points</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {d.reasons.map((r) => (
                  <Table.Tr key={r.code}>
                    <Table.Td>
                      <Text size="sm" fw={500}>{ruleLabel(r.code)}</Text>
                      <Progress value={(100 * r.points) / SCORE_MAX} size="xs" color={r.points >= 15 ? "red" : "orange"} mt={4} w={120} />
                    </Table.Td>
                    <Table.Td><Text size="sm">{r.evidence}</Text></Table.Td>
                    <Table.Td ta="right"><Text size="sm" fw={600}>+{r.points}</Text></Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Card>
        <Card withBorder>
          <Title order={4} mb="xs">Profile</Title>
          <Table variant="vertical" layout="fixed" verticalSpacing={4}>
            <Table.Tbody>
              <Table.Tr><Table.Th w={170}>Opened</Table.Th><Table.Td><JstTime at={a.openedAt} /></Table.Td></Table.Tr>
              <Table.Tr><Table.Th>Carrier customer</Table.Th><Table.Td>{a.carrierCustomer ? "yes" : "no"}</Table.Td></Table.Tr>
              <Table.Tr><Table.Th>Identity verified</Table.Th><Table.Td>{a.identityVerified ? "yes" : "no"}</Table.Td></Table.Tr>
              <Table.Tr><Table.Th>Charged in total</Table.Th><Table.Td><Yen value={d.totals.chargedYen} /> in {d.totals.charges} charges</Table.Td></Table.Tr>
              <Table.Tr><Table.Th>Spent or sent out</Table.Th><Table.Td><Yen value={d.totals.spentYen} /> in {d.totals.spends} spends</Table.Td></Table.Tr>
              <Table.Tr><Table.Th>Device / IP known</Table.Th><Table.Td>{a.hasDevice ? "device" : "no device"} · {a.hasIpAddress ? "IP address" : "no IP address"}</Table.Td></Table.Tr>
            </Table.Tbody>
          </Table>
        </Card>
      </SimpleGrid>

      <Card withBorder>
        <Title order={4} mb="xs">Linked bank accounts</Title>
        {d.links.length === 0 ? (
          <Text size="sm" c="dimmed">This wallet has not linked a bank account.</Text>
        ) : (
          <Table verticalSpacing={4} data-testid="account-links">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Bank</Table.Th>
                <Table.Th>Branch</Table.Th>
                <Table.Th>Account</Table.Th>
                <Table.Th>Holder name</Table.Th>
                <Table.Th>Link page asked for</Table.Th>
                <Table.Th>Linked</Table.Th>
                <Table.Th>Status</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {d.links.flatMap((l) =>
                l.history.map((v, i) => (
                  <Table.Tr key={`${l.id}-${i}`} c={i < l.history.length - 1 ? "dimmed" : undefined}>
                    <Table.Td>{v.bankCode} <Text span size="xs" c="dimmed">{v.bankName}</Text></Table.Td>
                    <Table.Td>{i === l.history.length - 1 ? l.branchCode : ""}</Table.Td>
                    <Table.Td ff="monospace">{v.maskedAccountNumber}</Table.Td>
                    <Table.Td>
                      <Group gap={6}>
                        <Text size="sm">{v.holderName}</Text>
                        <NameCheck check={v.nameCheck} />
                      </Group>
                    </Table.Td>
                    <Table.Td>{v.authMethod === "PIN" ? <Badge color="orange" variant="light" size="sm">PIN only</Badge> : v.authMethod}</Table.Td>
                    <Table.Td><JstTime at={v.validFrom} />{i > 0 ? <Text span size="xs" c="dimmed"> (changed)</Text> : null}</Table.Td>
                    <Table.Td>{i === l.history.length - 1 ? <Text size="sm">{l.status.toLowerCase()}</Text> : <Text size="xs">replaced <JstTime at={v.validTo} /></Text>}</Table.Td>
                  </Table.Tr>
                )),
              )}
            </Table.Tbody>
          </Table>
        )}
      </Card>

      <Card withBorder>
        <Title order={4} mb="xs">Timeline</Title>
        {d.timelineTruncated && <Text size="xs" c="dimmed" mb="xs">Showing the most recent charges and spends only.</Text>}
        <Table verticalSpacing={3} data-testid="account-timeline">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Time (JST)</Table.Th>
              <Table.Th>What</Table.Th>
              <Table.Th>Details</Table.Th>
              <Table.Th ta="right">Amount</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {d.timeline.map((e, i) => (
              <Table.Tr key={i}>
                <Table.Td style={{ whiteSpace: "nowrap" }}><JstTime at={e.at} /></Table.Td>
                <Table.Td>
                  {e.kind === "opened" && <Badge variant="light" color="gray" size="sm">opened</Badge>}
                  {e.kind === "link" && <Badge variant="light" color="indigo" size="sm">{e.change ? "link changed" : "linked"}</Badge>}
                  {e.kind === "charge" && <Badge variant="light" color="teal" size="sm">charge</Badge>}
                  {e.kind === "spend" && <Badge variant="light" color={e.channel === "transfer" ? "red" : "orange"} size="sm">{e.channel}</Badge>}
                </Table.Td>
                <Table.Td>
                  <Text size="sm">
                    {e.kind === "opened" && "wallet opened"}
                    {e.kind === "link" && `${e.bankCode} ${e.bankName ?? ""} ${e.maskedAccountNumber} · ${e.holderName}`}
                    {e.kind === "charge" && `from ${e.bankCode} ${e.maskedAccountNumber}`}
                    {e.kind === "spend" && (e.counterparty ?? (e.channel === "transfer" ? "recipient not given" : "shop not given"))}
                  </Text>
                </Table.Td>
                <Table.Td ta="right">
                  {e.kind === "charge" && <Text size="sm" c="teal.8">+{formatYen(e.amountYen)}</Text>}
                  {e.kind === "spend" && <Text size="sm" c="red.8">−{formatYen(e.amountYen)}</Text>}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>

      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder>
          <Title order={4} mb="xs">Related accounts</Title>
          {d.related.length === 0 ? (
            <Text size="sm" c="dimmed">No other wallet shares this one's device, IP address or bank accounts.</Text>
          ) : (
            <Table verticalSpacing={3} data-testid="account-related">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Account</Table.Th>
                  <Table.Th>Shares</Table.Th>
                  <Table.Th>Score</Table.Th>
                  <Table.Th>Status</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {d.related.map((r) => (
                  <Table.Tr key={r.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/accounts/${encodeURIComponent(r.id)}`} size="sm" ff="monospace">{r.id}</Anchor>
                      <Text size="xs" c="dimmed">{r.holderName}</Text>
                    </Table.Td>
                    <Table.Td><Text size="sm">{r.via.join(", ")}</Text></Table.Td>
                    <Table.Td><ScoreBar score={r.score} width={60} /></Table.Td>
                    <Table.Td><StatusBadge status={r.status} /> {r.reviewLabel && <LabelBadge label={r.reviewLabel} />}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Card>
        <Card withBorder>
          <Title order={4} mb="xs">Staff actions</Title>
          {d.actions.length === 0 ? (
            <Text size="sm" c="dimmed">Nobody has acted on this account yet.</Text>
          ) : (
            <Table verticalSpacing={3} data-testid="account-actions">
              <Table.Tbody>
                {d.actions.map((x) => (
                  <Table.Tr key={x.id}>
                    <Table.Td style={{ whiteSpace: "nowrap" }}><JstTime at={x.at} /></Table.Td>
                    <Table.Td><Text size="sm">{x.action.replace("account.", "")}</Text><Text size="xs" c="dimmed">{x.actorEmail}</Text></Table.Td>
                    <Table.Td><Text size="sm">{x.reason ?? "—"}</Text></Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Card>
      </SimpleGrid>
      <ReasonDialog action={action} accountIds={[a.id]} opened={dialog} onClose={close} />
    </Stack>
  );
}
