// Administration, API keys tab: the wallet platform's keys for /api/v1 (Authorization: Bearer), a
// new key's secret shown once, and revoking a key.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Alert, Badge, Button, Code, CopyButton, Group, Stack, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { createColumnHelper, type ColumnDef } from "@tanstack/react-table";
import { fieldErrors } from "../../lib/errors.ts";
import { JstTime } from "../../components/format.tsx";
import { DataTable, useDataTable } from "../../components/DataTable.tsx";
import { ReasonModal } from "./ReasonModal.tsx";
import { useApiKeys, useCreateApiKey, useRefreshAdmin, useRevokeApiKey } from "./queries.ts";

type KeyRow = { id: string; name: string; prefix: string; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null };

export function ApiKeysTab() {
  const { t } = useTranslation("admin");
  const keys = useApiKeys();
  const refresh = useRefreshAdmin();
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState("");
  const [revoking, setRevoking] = useState<KeyRow | null>(null);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const create = useCreateApiKey((k) => {
    setCreating(false);
    setName("");
    setSecret({ name: k.name, secret: k.secret });
    return refresh();
  });
  const revoke = useRevokeApiKey((k) => {
    setRevoking(null);
    notifications.show({ color: "green", message: t("keys.revokedDone", { name: k.name }) });
    return refresh();
  });
  const col = createColumnHelper<KeyRow>();
  const columns = [
    col.accessor("name", { header: t("keys.col.name"), cell: (c) => <Text size="sm" fw={500}>{c.getValue()}</Text> }),
    col.accessor("prefix", { header: t("keys.col.prefix"), cell: (c) => <Code>{c.getValue()}…</Code> }),
    col.accessor("createdAt", { header: t("keys.col.created"), cell: (c) => <JstTime at={c.getValue()} /> }),
    col.accessor("lastUsedAt", { header: t("keys.col.lastUsed"), cell: (c) => (c.getValue() ? <JstTime at={c.getValue()} /> : <Text size="sm" c="dimmed">{t("keys.never")}</Text>) }),
    col.accessor("revokedAt", {
      header: t("keys.col.status"),
      cell: (c) => (c.getValue() ? <Badge miw="max-content" color="gray">{t("keys.revoked")} <JstTime at={c.getValue()} /></Badge> : <Badge miw="max-content" color="green" variant="light">{t("keys.active")}</Badge>),
    }),
    col.display({
      id: "actions",
      header: "",
      cell: (c) =>
        c.row.original.revokedAt ? null : (
          <Button size="compact-xs" color="red" variant="subtle" onClick={() => { revoke.reset(); setRevoking(c.row.original); }} aria-label={t("keys.revokeAria", { name: c.row.original.name })}>
            {t("keys.revoke")}
          </Button>
        ),
    }),
  ] as ColumnDef<KeyRow, any>[];
  const table = useDataTable({ data: keys.data ?? [], columns });
  const activeCount = keys.data?.filter((k) => !k.revokedAt).length ?? 0;
  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {t("keys.introBefore")} <Code>Authorization: Bearer &lt;key&gt;</Code>
          {t("keys.introAfter", { count: activeCount })}
        </Text>
        <Button onClick={() => { create.reset(); setCreating(true); }}>{t("keys.create")}</Button>
      </Group>
      {secret && (
        <Alert color="yellow" title={t("keys.secretTitle", { name: secret.name })} withCloseButton onClose={() => setSecret(null)} data-testid="new-api-key">
          <Stack gap="xs">
            <Group>
              <Code>{secret.secret}</Code>
              <CopyButton value={secret.secret}>{({ copied, copy }) => <Button size="compact-xs" onClick={copy}>{copied ? t("keys.copied") : t("keys.copy")}</Button>}</CopyButton>
            </Group>
            <Text size="sm">{t("keys.secretText")}</Text>
          </Stack>
        </Alert>
      )}
      <DataTable table={table} testId="api-key-table" pin="name" loading={keys.isPending} loadingLabel={t("keys.loading")} error={keys.error} empty={t("keys.none")} striped nowrap />
      <ReasonModal opened={creating} title={t("keys.createTitle")} confirmLabel={t("keys.createButton")} onClose={() => setCreating(false)} pending={create.isPending} error={create.error} onConfirm={(reason) => create.mutate({ name, reason })} canConfirm={name.trim().length > 0}>
        <TextInput label={t("keys.name")} placeholder={t("keys.namePlaceholder")} value={name} onChange={(e) => setName(e.currentTarget.value)} error={fieldErrors(create.error).name?.[0]} />
      </ReasonModal>
      <ReasonModal
        key={revoking?.id ?? "none"}
        opened={revoking !== null}
        title={t("keys.revokeTitle", { name: revoking?.name ?? "" })}
        confirmLabel={t("keys.revoke")}
        onClose={() => setRevoking(null)}
        pending={revoke.isPending}
        error={revoke.error}
        onConfirm={(reason) => revoking && revoke.mutate({ keyId: revoking.id, reason })}
      >
        <Text size="sm">{t("keys.revokeText")}</Text>
      </ReasonModal>
    </Stack>
  );
}
