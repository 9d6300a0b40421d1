// The webhooks page's endpoint list: add one (its secret shown once), enable or disable it with a reason.
import { useState } from "react";
import { Alert, Badge, Button, Code, CopyButton, Group, Loader, ScrollArea, Stack, Table, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../lib/errors.ts";
import { JstTime } from "../../components/format.tsx";
import { WEBHOOK_EVENT_TYPES } from "../../../shared/webhooks/catalogue.ts";
import { NewEndpointDialog, WithReason } from "./dialogs.tsx";
import { useEndpoints, useRefreshWebhooks, useSetEndpointEnabled } from "./queries.ts";

type Endpoint = { id: string; url: string; description: string; eventTypes: string[]; secretHint: string; enabled: boolean; createdAt: Date; delivered: number; pending: number; failed: number };

export function Endpoints() {
  const { t } = useTranslation("webhooks");
  const endpoints = useEndpoints();
  const [adding, setAdding] = useState(0);
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  const [toggling, setToggling] = useState<Endpoint | null>(null);
  const refresh = useRefreshWebhooks();
  const toggle = useSetEndpointEnabled((e) => {
    setToggling(null);
    notifications.show({ color: "green", message: t(e.enabled ? "enabledDone" : "disabledDone", { url: e.url }) });
  });
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
