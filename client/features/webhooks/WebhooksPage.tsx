// Webhooks (#17, ADMIN): the platform's endpoints (add with a secret shown once, enable, disable)
// and the delivery log (state, attempts with the answers, replay). Every change asks a reason.
import { useState } from "react";
import { Alert, Badge, Button, Checkbox, Code, CopyButton, Group, Loader, Modal, ScrollArea, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useTRPC } from "../../trpc.ts";
import { errorMessage, fieldErrors } from "../../lib/errors.ts";
import { useMutationOnce } from "../../components/submit-once.ts";
import { JstTime } from "../../components/format.tsx";
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "../../../shared/webhooks/catalogue.ts";
import { DELIVERY_STATES, type DeliveryState } from "../../../shared/webhooks/schemas.ts";
import { REASON_LENGTH_MIN } from "../../../shared/limits.ts";

const LOG_REFRESH_MS = 5_000;
const STATE_COLOR: Record<DeliveryState, string> = { PENDING: "yellow", DELIVERED: "green", FAILED: "red" };

function useEventLabel() {
  const { t } = useTranslation("webhooks");
  return (type: WebhookEventType | string) => t(`events.${type}` as "events.suspension.created", { defaultValue: type });
}

/** A dialog whose confirm button sends `onConfirm(reason)`: every webhook change is audited with one. */
function WithReason(props: { opened: boolean; title: string; confirm: string; pending: boolean; error: unknown; onClose(): void; onConfirm(reason: string): void; ready?: boolean; children?: React.ReactNode }) {
  const { t } = useTranslation("webhooks");
  const [reason, setReason] = useState("");
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={props.title} size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          props.onConfirm(reason);
        }}
      >
        <Stack>
          {props.children}
          <TextInput label={t("reason")} description={t("reasonHint")} value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={fieldErrors(props.error).reason?.[0]} />
          {props.error ? <Alert color="red">{errorMessage(props.error)}</Alert> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={props.onClose}>{t("cancel")}</Button>
            <Button type="submit" loading={props.pending} disabled={reason.trim().length < REASON_LENGTH_MIN || props.ready === false}>{props.confirm}</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function NewEndpointDialog({ opened, onClose, onCreated }: { opened: boolean; onClose(): void; onCreated(r: { url: string; secret: string }): void }) {
  const { t } = useTranslation("webhooks");
  const label = useEventLabel();
  const trpc = useTRPC();
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [secret, setSecret] = useState("");
  const [events, setEvents] = useState<string[]>([...WEBHOOK_EVENT_TYPES]);
  const create = useMutationOnce(useMutation(trpc.webhooks.createEndpoint.mutationOptions({ onSuccess: (r) => onCreated({ url: r.url, secret: r.secret }) })));
  const errors = fieldErrors(create.error);
  return (
    <WithReason
      opened={opened}
      title={t("form.title")}
      confirm={t("form.create")}
      pending={create.isPending}
      error={create.error}
      onClose={onClose}
      ready={url.trim().length > 0 && events.length > 0}
      onConfirm={(reason) => create.mutate({ url: url.trim(), description, eventTypes: events as WebhookEventType[], secret: secret.trim() || undefined, reason })}
    >
      <TextInput label={t("form.url")} description={t("form.urlHint")} placeholder="https://platform.example/webhooks/floodgate" value={url} onChange={(e) => setUrl(e.currentTarget.value)} error={errors.url?.[0]} data-autofocus />
      <TextInput label={t("form.description")} value={description} onChange={(e) => setDescription(e.currentTarget.value)} error={errors.description?.[0]} />
      <Checkbox.Group label={t("form.events")} value={events} onChange={setEvents} error={errors.eventTypes?.[0]}>
        <Checkbox mt="xs" label={t("form.all")} checked={events.length === WEBHOOK_EVENT_TYPES.length} indeterminate={events.length > 0 && events.length < WEBHOOK_EVENT_TYPES.length} onChange={(e) => setEvents(e.currentTarget.checked ? [...WEBHOOK_EVENT_TYPES] : [])} />
        <SimpleGrid cols={{ base: 1, sm: 2 }} mt="xs" spacing={6}>
          {WEBHOOK_EVENT_TYPES.map((type) => <Checkbox key={type} value={type} label={`${label(type)} (${type})`} />)}
        </SimpleGrid>
      </Checkbox.Group>
      <TextInput label={t("form.secret")} description={t("form.secretHint")} value={secret} onChange={(e) => setSecret(e.currentTarget.value)} error={errors.secret?.[0]} autoComplete="off" />
    </WithReason>
  );
}

type Endpoint = { id: string; url: string; description: string; eventTypes: string[]; secretHint: string; enabled: boolean; createdAt: Date; delivered: number; pending: number; failed: number };

function Endpoints() {
  const { t } = useTranslation("webhooks");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const endpoints = useQuery({ ...trpc.webhooks.endpoints.queryOptions(), refetchInterval: LOG_REFRESH_MS });
  const [adding, setAdding] = useState(0);
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  const [toggling, setToggling] = useState<Endpoint | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.webhooks.pathKey() });
  const toggle = useMutationOnce(useMutation(trpc.webhooks.setEndpointEnabled.mutationOptions({
    onSuccess: (e) => {
      setToggling(null);
      notifications.show({ color: "green", message: t(e.enabled ? "enabledDone" : "disabledDone", { url: e.url }) });
      return refresh();
    },
  })));
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={3}>{t("endpoints")}</Title>
        <Button onClick={() => setAdding((n) => n + 1)}>{t("add")}</Button>
      </Group>
      {secret && (
        <Alert color="yellow" title={t("secretTitle", { url: secret.url })} withCloseButton onClose={() => setSecret(null)} data-testid="new-webhook-secret">
          <Stack gap="xs">
            <Group>
              <Code>{secret.secret}</Code>
              <CopyButton value={secret.secret}>{({ copied, copy }) => <Button size="compact-xs" onClick={copy}>{copied ? t("copied") : t("copy")}</Button>}</CopyButton>
            </Group>
            <Text size="sm">{t("secretText")}</Text>
          </Stack>
        </Alert>
      )}
      {endpoints.isPending && <Loader aria-label={t("loading")} />}
      {endpoints.error && <Alert color="red">{errorMessage(endpoints.error)}</Alert>}
      {endpoints.data?.length === 0 && <Alert color="gray">{t("none")}</Alert>}
      {endpoints.data && endpoints.data.length > 0 && (
        <ScrollArea type="auto">
          <Table striped fz="sm" miw={900} data-testid="webhook-endpoints">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("col.url")}</Table.Th>
                <Table.Th>{t("col.events")}</Table.Th>
                <Table.Th>{t("col.secret")}</Table.Th>
                <Table.Th>{t("col.state")}</Table.Th>
                <Table.Th>{t("col.counts")}</Table.Th>
                <Table.Th>{t("col.created")}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {endpoints.data.map((e) => (
                <Table.Tr key={e.id}>
                  <Table.Td>
                    <Text size="sm" fw={500} style={{ wordBreak: "break-all" }}>{e.url}</Text>
                    {e.description && <Text size="xs" c="dimmed">{e.description}</Text>}
                  </Table.Td>
                  <Table.Td>{e.eventTypes.length === WEBHOOK_EVENT_TYPES.length ? t("form.all") : e.eventTypes.join(", ")}</Table.Td>
                  <Table.Td><Code>{e.secretHint}</Code></Table.Td>
                  <Table.Td><Badge miw="max-content" color={e.enabled ? "green" : "gray"} variant="light">{e.enabled ? t("enabled") : t("disabled")}</Badge></Table.Td>
                  <Table.Td style={{ fontVariantNumeric: "tabular-nums" }}>{e.delivered} / {e.pending} / {e.failed}</Table.Td>
                  <Table.Td><JstTime at={e.createdAt} /></Table.Td>
                  <Table.Td>
                    <Button size="compact-xs" variant="subtle" color={e.enabled ? "red" : "blue"} onClick={() => { toggle.reset(); setToggling(e); }}>
                      {e.enabled ? t("disable") : t("enable")}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea>
      )}
      {adding > 0 && (
        <NewEndpointDialog
          key={adding}
          opened
          onClose={() => setAdding(0)}
          onCreated={(r) => {
            setAdding(0);
            setSecret(r);
            return refresh();
          }}
        />
      )}
      <WithReason
        key={toggling?.id ?? "none"}
        opened={toggling !== null}
        title={toggling ? t(toggling.enabled ? "disableTitle" : "enableTitle", { url: toggling.url }) : ""}
        confirm={toggling?.enabled ? t("disable") : t("enable")}
        pending={toggle.isPending}
        error={toggle.error}
        onClose={() => setToggling(null)}
        onConfirm={(reason) => toggling && toggle.mutate({ endpointId: toggling.id, enabled: !toggling.enabled, reason })}
      >
        {toggling?.enabled && <Text size="sm">{t("disableText")}</Text>}
      </WithReason>
    </Stack>
  );
}

type Delivery = { id: string; endpointUrl: string; eventType: string; subjectId: string; occurredAt: Date; state: DeliveryState; attempts: number; nextAttemptAt: Date | null; lastStatus: number | null; lastError: string | null };

function Attempts({ delivery }: { delivery: Delivery }) {
  const { t } = useTranslation("webhooks");
  const trpc = useTRPC();
  const attempts = useQuery({ ...trpc.webhooks.attempts.queryOptions({ deliveryId: delivery.id }), refetchInterval: LOG_REFRESH_MS });
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

function DeliveryLog() {
  const { t } = useTranslation("webhooks");
  const label = useEventLabel();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [state, setState] = useState<DeliveryState | null>(null);
  const [open, setOpen] = useState<{ delivery: Delivery; replay: boolean } | null>(null);
  const log = useQuery({ ...trpc.webhooks.deliveries.queryOptions({ state: state ?? undefined, limit: 100 }), refetchInterval: LOG_REFRESH_MS });
  const replay = useMutationOnce(useMutation(trpc.webhooks.replay.mutationOptions({
    onSuccess: () => {
      setOpen(null);
      notifications.show({ color: "green", message: t("replayDone") });
      return queryClient.invalidateQueries({ queryKey: trpc.webhooks.pathKey() });
    },
  })));
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

export default function WebhooksPage() {
  const { t } = useTranslation("webhooks");
  return (
    <Stack gap="xl">
      <Stack gap="xs">
        <Title order={2}>{t("title")}</Title>
        <Text size="sm" c="dimmed" maw={900}>{t("intro")}</Text>
      </Stack>
      <Endpoints />
      <DeliveryLog />
    </Stack>
  );
}
