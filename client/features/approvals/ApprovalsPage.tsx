// Four eyes (#12): changes that weaken protection waiting for a second person (pending requests and
// emergencies not yet reviewed), with approve / reject / review for whoever may, and the reason in
// words for whoever may not; then the last decided ones.
import { useState } from "react";
import { Alert, Badge, Button, Card, Center, Group, Loader, Stack, Table, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../lib/errors.ts";
import { ReasonDialog } from "../compensation/parts.tsx";
import { useChangeWords } from "./words.ts";
import { useChangeRequests, useDecideChange } from "./queries.ts";

type Action = "approve" | "reject" | "review";
const STATUS_COLOR = { PENDING: "blue", APPROVED: "green", REJECTED: "gray", EMERGENCY_APPLIED: "red", REVIEWED: "orange", SUPERSEDED: "gray" } as const;

export default function ApprovalsPage() {
  const { t } = useTranslation("approvals");
  const q = useChangeRequests();
  const words = useChangeWords();
  const [open, setOpen] = useState<{ id: string; summary: string; action: Action } | null>(null);
  const doneWords = { approve: t("approved"), reject: t("rejected"), review: t("reviewed") };
  const mutations = useDecideChange((action) => {
    notifications.show({ color: "green", message: doneWords[action] });
    setOpen(null);
  });

  if (q.isPending) {
    return (
      <Center p="xl">
        <Loader aria-label={t("title")} />
      </Center>
    );
  }
  if (q.error) return <Alert color="red">{errorMessage(q.error)}</Alert>;
  const current = open ? mutations[open.action] : null;

  return (
    <Stack>
      <Title order={2}>{t("title")}</Title>
      <Text size="sm" c="dimmed" maw={900}>
        {t("intro")}
      </Text>

      <Title order={3}>{t("open")}</Title>
      {q.data.open.length === 0 && <Text c="dimmed">{t("noneOpen")}</Text>}
      {q.data.open.map((r) => (
        <Card withBorder key={r.id} data-testid="change-request">
          {/* Side by side when there is room; on a phone the actions and the why-not go below. */}
          <Group justify="space-between" align="flex-start" wrap="wrap">
            <Stack gap={4} style={{ flex: "1 1 320px", minWidth: 0 }}>
              <Group gap="xs">
                <Text fw={600}>{words.summary(r)}</Text>
                <Badge color={STATUS_COLOR[r.status]}>{t(`status.${r.status}`)}</Badge>
              </Group>
              <Text size="sm" c="dimmed">
                {t(r.emergency ? "appliedBy" : "requestedBy", { email: r.requestedByEmail, at: r.requestedAt, reason: r.reason })}
              </Text>
            </Stack>
            <Stack gap={4} align="flex-end" maw={320} style={{ flex: "0 1 auto" }}>
              {r.canDecide && (
                <Group gap="xs">
                  <Button color="green" onClick={() => setOpen({ id: r.id, summary: words.summary(r), action: "approve" })}>
                    {t("approve")}
                  </Button>
                  <Button color="red" variant="light" onClick={() => setOpen({ id: r.id, summary: words.summary(r), action: "reject" })}>
                    {t("reject")}
                  </Button>
                </Group>
              )}
              {r.canReview && <Button onClick={() => setOpen({ id: r.id, summary: words.summary(r), action: "review" })}>{t("review")}</Button>}
              {r.whyNot && (
                <Text size="sm" c="orange.8" ta="right" data-testid="why-not">
                  {words.whyNot(r)}
                </Text>
              )}
            </Stack>
          </Group>
        </Card>
      ))}

      <Title order={3}>{t("closed")}</Title>
      {q.data.closed.length === 0 ? (
        <Text c="dimmed">{t("noneClosed")}</Text>
      ) : (
        <Table striped data-testid="closed-requests">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("columns.change")}</Table.Th>
              <Table.Th>{t("columns.status")}</Table.Th>
              <Table.Th>{t("columns.asked")}</Table.Th>
              <Table.Th>{t("columns.decided")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {q.data.closed.map((r) => (
              <Table.Tr key={r.id}>
                <Table.Td>{words.summary(r)}</Table.Td>
                <Table.Td>
                  <Badge color={STATUS_COLOR[r.status]} variant="light">
                    {t(`status.${r.status}`)}
                  </Badge>
                </Table.Td>
                <Table.Td>{t("decidedBy", { email: r.requestedByEmail, at: r.requestedAt, reason: r.reason })}</Table.Td>
                <Table.Td>
                  {r.reviewedByEmail
                    ? t("decidedBy", { email: r.reviewedByEmail, at: r.reviewedAt, reason: r.reviewReason })
                    : r.decidedByEmail
                      ? t("decidedBy", { email: r.decidedByEmail, at: r.decidedAt, reason: r.decisionReason })
                      : r.status === "SUPERSEDED"
                        ? t("superseded", { at: r.decidedAt, reason: r.decisionReason })
                        : "—"}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}

      {open && current && (
        <ReasonDialog
          opened
          title={t(`${open.action}Title`, { summary: open.summary })}
          description={open.action === "reject" ? undefined : <Text size="sm">{t(open.action === "approve" ? "approveText" : "reviewText")}</Text>}
          confirmLabel={t(open.action)}
          confirmColor={open.action === "reject" ? "red" : "green"}
          pending={current.isPending}
          error={current.error}
          onConfirm={(reason) => current.mutate({ requestId: open.id, reason })}
          onClose={() => setOpen(null)}
        />
      )}
    </Stack>
  );
}
