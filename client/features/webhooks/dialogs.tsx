// The webhooks page's dialogs: every change is audited with a reason (WithReason), and a new
// endpoint is added with its URL, event types and (optionally) its own secret.
import { useState } from "react";
import { Alert, Button, Checkbox, Group, Modal, SimpleGrid, Stack, TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { errorMessage, fieldErrors } from "../../lib/errors.ts";
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "../../../shared/webhooks/catalogue.ts";
import { REASON_LENGTH_MIN } from "../../../shared/limits.ts";
import { useCreateEndpoint } from "./queries.ts";

export function useEventLabel() {
  const { t } = useTranslation("webhooks");
  return (type: WebhookEventType | string) => t(`events.${type}` as "events.suspension.created", { defaultValue: type });
}

export /** A dialog whose confirm button sends `onConfirm(reason)`: every webhook change is audited with one. */
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

export function NewEndpointDialog({ opened, onClose, onCreated }: { opened: boolean; onClose(): void; onCreated(r: { url: string; secret: string }): void }) {
  const { t } = useTranslation("webhooks");
  const label = useEventLabel();
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [secret, setSecret] = useState("");
  const [events, setEvents] = useState<string[]>([...WEBHOOK_EVENT_TYPES]);
  const create = useCreateEndpoint((r) => onCreated({ url: r.url, secret: r.secret }));
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
