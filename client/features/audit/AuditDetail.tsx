// One audit record in the drawer: who did what to which target, why, from where, and the change as
// a before/after diff; and the target as a link to its page where it has one.
import { Link } from "react-router";
import { Alert, Anchor, Badge, Code, Group, Loader, Stack, Table, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../lib/errors.ts";
import { JstTime } from "../../components/format.tsx";
import { diffBeforeAfter, targetHref } from "../../../shared/audit/present.ts";
import type { AuditRowView } from "../../../shared/audit/schemas.ts";
import { useAuditWords } from "./words.ts";
import { useAuditRecord } from "./queries.ts";

export function TargetLink({ targetType, targetId }: { targetType: string; targetId: string }) {
  const words = useAuditWords();
  const href = targetHref(targetType, targetId);
  const label = (
    <>
      <Text span c="dimmed" size="xs">
        {words.targetType(targetType)}
      </Text>{" "}
      {targetId.length > 24 ? `${targetId.slice(0, 8)}…` : targetId}
    </>
  );
  return href ? (
    <Anchor component={Link} to={href} size="sm" onClick={(e) => e.stopPropagation()}>
      {label}
    </Anchor>
  ) : (
    <Text size="sm">{label}</Text>
  );
}

function DiffView({ before, after }: { before: unknown; after: unknown }) {
  const { t } = useTranslation("audit");
  const lines = diffBeforeAfter(before, after);
  if (lines.length === 0) return <Text size="sm" c="dimmed">{t("detail.noDiff")}</Text>;
  const color = { changed: "yellow.1", added: "green.1", removed: "red.1", same: undefined } as const;
  return (
    <Table withTableBorder data-testid="audit-diff">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t("detail.field")}</Table.Th>
          <Table.Th>{t("detail.before")}</Table.Th>
          <Table.Th>{t("detail.after")}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {lines.map((l) => (
          <Table.Tr key={l.path} bg={color[l.change]}>
            <Table.Td>
              <Code>{l.path}</Code>
            </Table.Td>
            <Table.Td style={{ wordBreak: "break-all" }}>{l.before ?? <Text span c="dimmed">—</Text>}</Table.Td>
            <Table.Td style={{ wordBreak: "break-all" }}>{l.after ?? <Text span c="dimmed">—</Text>}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export function AuditDetail({ id, fromPage }: { id: number; fromPage: AuditRowView | undefined }) {
  const { t } = useTranslation("audit");
  const words = useAuditWords();
  // A shared link may point at a record outside the current page: fetch it on its own.
  const single = useAuditRecord(id, !fromPage);
  const row = fromPage ?? single.data?.rows.find((r) => r.id === id);
  if (!row) {
    if (single.isPending) return <Loader aria-label={t("detail.loading")} />;
    if (single.error) return <Alert color="red">{errorMessage(single.error)}</Alert>;
    return <Alert color="gray">{t("detail.missing", { id })}</Alert>;
  }
  return (
    <Stack gap="sm" data-testid="audit-detail">
      <Group gap="xs">
        <Badge variant="light" tt="none">
          {words.action(row.action)}
        </Badge>
        <Code>{row.action}</Code>
        <JstTime at={row.at} />
      </Group>
      <Text size="sm">
        <b>{t("detail.by")}</b> {row.actorEmail}
        {row.actorRole ? ` (${words.role(row.actorRole)})` : ""}
        {row.ipAddress ? ` ${t("detail.from", { ip: row.ipAddress })}` : ""}
      </Text>
      <Group gap={4}>
        <Text size="sm" fw={700}>
          {t("detail.target")}
        </Text>
        <TargetLink targetType={row.targetType} targetId={row.targetId} />
      </Group>
      <Text size="sm">
        <b>{t("detail.reason")}</b> {row.reason ?? "—"}
      </Text>
      <DiffView before={row.before} after={row.after} />
      <Text size="xs" c="dimmed">
        {t("detail.request", { id: row.requestId ?? "—" })} · {t("detail.hash")} <Code>{row.hash?.slice(0, 16)}…</Code>
      </Text>
    </Stack>
  );
}
