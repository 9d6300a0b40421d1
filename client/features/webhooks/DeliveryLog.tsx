// The webhooks page's delivery log: each delivery's state and attempts (with the receiver's answers),
// filtered by state, and a replay with a reason.
import { useState } from "react";
import { Alert, Badge, Button, Code, Group, Loader, Modal, ScrollArea, Select, Stack, Table, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../lib/errors.ts";
import { JstTime } from "../../components/format.tsx";
import { DELIVERY_STATES, type DeliveryState } from "../../../shared/webhooks/schemas.ts";
import { WithReason, useEventLabel } from "./dialogs.tsx";
import { useAttempts, useDeliveries, useReplayDelivery } from "./queries.ts";

const STATE_COLOR: Record<DeliveryState, string> = { PENDING: "yellow", DELIVERED: "green", FAILED: "red" };

type Delivery = { id: string; endpointUrl: string; eventType: string; subjectId: string; occurredAt: Date; state: DeliveryState; attempts: number; nextAttemptAt: Date | null; lastStatus: number | null; lastError: string | null };

function Attempts({ delivery }: { delivery: Delivery }) {
  const { t } = useTranslation("webhooks");
  const attempts = useAttempts(delivery.id);
  if (attempts.isPending) return <Loader size="sm" />;
  if (attempts.error) return <Alert color="red">{errorMessage(attempts.error)}</Alert>;
  if (attempts.data.length === 0) return <Text c="dimmed">{t("attemptsEmpty")}</Text>;
  return (
    <Stack gap="sm" data-testid="webhook-attempts">
      {attempts.data.map((a) => (
        <Stack key={a.id} gap={2}>
          <Text size="sm">{t("attempt", { number: a.number, at: a.startedAt, outcome: a.statusCode ? `HTTP ${a.statusCode}${a.error && !a.error.startsWith("HTTP") ? ` (${a.error})` : ""}` : `${t("noAnswer")}: ${a.error ?? ""}`, ms: a.durationMs })}</Text>
          {a.responseExcerpt && <Code block>{a.responseExcerpt}</Code>}
        </Stack>
      ))}
    </Stack>
  );
}

export function DeliveryLog() {
  const { t } = useTranslation("webhooks");
  const label = useEventLabel();
  const [state, setState] = useState<DeliveryState | null>(null);
  const [open, setOpen] = useState<{ delivery: Delivery; replay: boolean } | null>(null);
  const log = useDeliveries({ state: state ?? undefined, limit: 100 });
  const replay = useReplayDelivery(() => {
    setOpen(null);
    notifications.show({ color: "green", message: t("replayDone") });
  });
  const names = open ? { event: label(open.delivery.eventType), url: open.delivery.endpointUrl } : { event: "", url: "" };
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={3}>{t("log")}</Title>
        <Select
          aria-label={t("stateFilter")}
          placeholder={t("anyState")}
          clearable
          data={DELIVERY_STATES.map((s) => ({ value: s, label: t(`state.${s}`) }))}
          value={state}
          onChange={(v) => setState(v as DeliveryState | null)}
          w={180}
        />
      </Group>
      {log.error && <Alert color="red">{errorMessage(log.error)}</Alert>}
      {log.data?.length === 0 && <Text c="dimmed">{t("logEmpty")}</Text>}
      {log.data && log.data.length > 0 && (
        <ScrollArea type="auto">
          <Table striped fz="sm" miw={1000} data-testid="webhook-deliveries">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("col.at")}</Table.Th>
                <Table.Th>{t("col.event")}</Table.Th>
                <Table.Th>{t("col.subject")}</Table.Th>
                <Table.Th>{t("col.endpoint")}</Table.Th>
                <Table.Th>{t("col.state")}</Table.Th>
                <Table.Th ta="right">{t("col.attempts")}</Table.Th>
                <Table.Th>{t("col.last")}</Table.Th>
                <Table.Th>{t("col.next")}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {log.data.map((d) => (
                <Table.Tr key={d.id} data-testid={`delivery-${d.eventType}`}>
                  <Table.Td><JstTime at={d.occurredAt} /></Table.Td>
                  <Table.Td>{label(d.eventType)}</Table.Td>
                  <Table.Td><Code>{d.subjectId}</Code></Table.Td>
                  <Table.Td style={{ wordBreak: "break-all" }}>{d.endpointUrl}</Table.Td>
                  <Table.Td><Badge miw="max-content" color={STATE_COLOR[d.state]} variant="light" data-testid="delivery-state">{t(`state.${d.state}`)}</Badge></Table.Td>
                  <Table.Td ta="right">{d.attempts}</Table.Td>
                  <Table.Td>{d.lastStatus ? `HTTP ${d.lastStatus}` : d.lastError ?? "—"}</Table.Td>
                  <Table.Td><JstTime at={d.nextAttemptAt} /></Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <Button size="compact-xs" variant="subtle" onClick={() => setOpen({ delivery: d, replay: false })}>{t("showAttempts")}</Button>
                      <Button size="compact-xs" variant="subtle" onClick={() => { replay.reset(); setOpen({ delivery: d, replay: true }); }}>{t("replay")}</Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea>
      )}
      <Modal opened={open !== null && !open.replay} onClose={() => setOpen(null)} title={t("attemptsTitle", names)} size="lg">
        {open && !open.replay && <Attempts delivery={open.delivery} />}
      </Modal>
      <WithReason
        key={open?.replay ? open.delivery.id : "none"}
        opened={open?.replay === true}
        title={t("replayTitle", names)}
        confirm={t("replay")}
        pending={replay.isPending}
        error={replay.error}
        onClose={() => setOpen(null)}
        onConfirm={(reason) => open && replay.mutate({ deliveryId: open.delivery.id, reason })}
      >
        <Text size="sm">{t("replayText")}</Text>
      </WithReason>
    </Stack>
  );
}
