// The suspend dialog's impact preview (computed on the server before anything is confirmed): links
// grandfathered, links to quarantine, registrations refused per hour, per bank when several.
import { Alert, Group, Loader, SimpleGrid, Stack, Table, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../lib/errors.ts";
import { Count, useFormat } from "../../components/format.tsx";
import type { SuspensionScope } from "../../../shared/suspensions/schemas.ts";
import type { SuspensionPreview } from "./types.ts";

export function PreviewPanel({ data, error, current, scopes }: { data: SuspensionPreview | undefined; error: unknown; current: boolean; scopes: SuspensionScope[] }) {
  const { t: tr } = useTranslation("suspensions");
  const fmt = useFormat();
  const flaggedNote = (count: number) => tr("preview.flaggedNote", { count });
  if (error) return <Alert color="red">{errorMessage(error)}</Alert>;
  if (!data) {
    return (
      <Group gap="xs">
        <Loader size="xs" aria-label={tr("preview.computing")} />
        <Text size="sm" c="dimmed">
          {tr("preview.computingText")}
        </Text>
      </Group>
    );
  }
  const t = data.totals;
  const many = data.banks.length > 1;
  return (
    <Stack gap={6} data-testid="suspend-preview" style={{ opacity: current ? 1 : 0.5 }}>
      <Group justify="space-between">
        <Text size="sm" fw={500}>
          {tr("preview.title")}
        </Text>
        {!current && <Loader size="xs" aria-label={tr("preview.updating")} />}
      </Group>
      <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="xs">
        <Figure
          label={tr("preview.grandfathered")}
          value={t.grandfathered}
          note={flaggedNote(t.flaggedGrandfathered)}
          testId="preview-grandfathered"
          warn={t.flaggedGrandfathered > 0}
        />
        <Figure
          label={data.quarantine ? tr("preview.toQuarantine") : tr("preview.afterCutoff")}
          value={data.quarantine ? t.toQuarantine : t.afterCutoff}
          note={flaggedNote(data.quarantine ? t.flaggedToQuarantine : 0)}
          testId="preview-quarantine"
          warn={!data.quarantine && t.afterCutoff > 0}
        />
        <Figure
          label={tr("preview.refused")}
          value={scopes.includes("REGISTRATION") ? t.expectedRefusedPerHour : 0}
          testId="preview-refused"
        />
      </SimpleGrid>
      {many && (
        <Table fz="xs" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{tr("preview.col.bank")}</Table.Th>
              <Table.Th ta="right">{tr("preview.col.grandfathered")}</Table.Th>
              <Table.Th ta="right">{tr("preview.col.toQuarantine")}</Table.Th>
              <Table.Th ta="right">{tr("preview.col.flagged")}</Table.Th>
              <Table.Th ta="right">{tr("preview.col.refused")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.banks.map((b) => (
              <Table.Tr key={b.bankCode}>
                <Table.Td>
                  {fmt.bank(b.bankName, b.bankNameJa)} ({b.bankCode})
                </Table.Td>
                <Table.Td ta="right">
                  <Count value={b.grandfathered} />
                </Table.Td>
                <Table.Td ta="right">
                  <Count value={b.toQuarantine} />
                </Table.Td>
                <Table.Td ta="right">
                  <Count value={b.flaggedToQuarantine} />
                </Table.Td>
                <Table.Td ta="right">
                  <Count value={b.expectedRefusedPerHour} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Text size="xs" c="dimmed">
        {tr("preview.cutoffNote", { at: data.cutoffAt })}
        {scopes.includes("CHARGE") ? tr("preview.chargeToo") : ""}
        {tr("preview.end")}
        {data.banks.some((b) => b.alreadyQuarantined > 0) ? tr("preview.alreadyQuarantined", { count: data.banks.reduce((n, b) => n + b.alreadyQuarantined, 0) }) : ""}
      </Text>
    </Stack>
  );
}


function Figure({ label, value, note, testId, warn }: { label: string; value: number; note?: string; testId: string; warn?: boolean }) {
  return (
    <Stack gap={0} p="xs" style={{ border: "1px solid var(--mantine-color-gray-3)", borderRadius: 4 }} data-testid={testId}>
      <Text size="xl" fw={700}>
        <Count value={value} />
      </Text>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      {note && (
        <Text size="xs" c={warn ? "orange.8" : undefined} fw={warn ? 500 : undefined}>
          {note}
        </Text>
      )}
    </Stack>
  );
}
