// Payout batches: managers pick approved cases, create one transfer file (built once, stored), and
// download it again byte for byte; each batch lists what it contains. The cases picked live in the
// URL (?cases=…) so a half-made selection can be shared.
import { useTranslation } from "react-i18next";
import { useState } from "react";
import { Link } from "react-router";
import { Accordion, Alert, Anchor, Button, Card, Checkbox, Group, Loader, Stack, Table, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconDownload, IconFileDollar } from "@tabler/icons-react";
import { useCreatePayoutBatch, useFetchPayoutFile, usePayableCases, usePayoutBatches } from "./queries.ts";
import { useUrlParams } from "../../components/url-params.ts";
import { errorMessage } from "../../lib/errors.ts";
import { saveTextFile } from "../../lib/download.ts";
import { JstTime, Yen } from "../../components/format.tsx";
import { ReasonDialog, useInvalidateCompensation } from "./parts.tsx";

export default function PayoutBatchesPage() {
  const { t } = useTranslation("compensation");
  const invalidate = useInvalidateCompensation();
  const { params, update } = useUrlParams({ replace: true });
  const payable = usePayableCases();
  const batches = usePayoutBatches();
  const fetchPayoutFile = useFetchPayoutFile();
  const [confirming, setConfirming] = useState(false);
  const [downloading, setDownloading] = useState<string | null>(null);

  const payableIds = new Set((payable.data ?? []).map((c) => c.id));
  const selected = (params.get("cases") ?? "").split(",").filter((id) => payableIds.has(id));
  const selectedSet = new Set(selected);
  const selectedYen = (payable.data ?? []).filter((c) => selectedSet.has(c.id)).reduce((s, c) => s + c.totalYen, 0);
  const setSelected = (ids: string[]) => update({ cases: ids.join(",") });

  const create = useCreatePayoutBatch(async (res) => {
    notifications.show({ color: "green", message: t("payouts.created", { count: res.caseCount, file: res.fileName }) });
    setConfirming(false);
    setSelected([]);
    await invalidate();
  });

  async function download(batchId: string) {
    setDownloading(batchId);
    try {
      const file = await fetchPayoutFile(batchId);
      saveTextFile(file.fileName, file.csv);
    } catch (err) {
      notifications.show({ color: "red", message: errorMessage(err) });
    } finally {
      setDownloading(null);
    }
  }

  return (
    <Stack>
      <div>
        <Title order={2}>{t("payouts.title")}</Title>
        <Text c="dimmed" size="sm">
          {t("payouts.subtitle")}
        </Text>
      </div>

      <Card withBorder>
        <Group justify="space-between" mb="xs">
          <Title order={4}>{t("payouts.payable")}</Title>
          <Button leftSection={<IconFileDollar size={16} />} disabled={selected.length === 0} onClick={() => setConfirming(true)} data-testid="create-batch">
            {selected.length ? t("payouts.createOf", { count: selected.length, yen: selectedYen }) : t("payouts.create")}
          </Button>
        </Group>
        {payable.isPending && <Loader size="sm" aria-label={t("payouts.loadingPayable")} />}
        {payable.error && <Alert color="red">{errorMessage(payable.error)}</Alert>}
        {payable.data && payable.data.length === 0 && <Text c="dimmed">{t("payouts.nonePayable")}</Text>}
        {payable.data && payable.data.length > 0 && (
          <Table striped data-testid="payable-cases">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={40}>
                  <Checkbox
                    aria-label={t("payouts.selectAll")}
                    checked={selected.length === payable.data.length}
                    indeterminate={selected.length > 0 && selected.length < payable.data.length}
                    onChange={(e) => setSelected(e.currentTarget.checked ? payable.data.map((c) => c.id) : [])}
                  />
                </Table.Th>
                <Table.Th>{t("payouts.col.victim")}</Table.Th>
                <Table.Th ta="right">{t("payouts.col.amount")}</Table.Th>
                <Table.Th>{t("payouts.col.approved")}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {payable.data.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td>
                    <Checkbox
                      aria-label={t("payouts.selectCase", { id: c.id })}
                      checked={selectedSet.has(c.id)}
                      onChange={(e) => setSelected(e.currentTarget.checked ? [...selected, c.id] : selected.filter((id) => id !== c.id))}
                    />
                  </Table.Td>
                  <Table.Td>
                    {c.holderName} · {c.bankCode} {c.bankName} · {c.branchCode} · <Text span ff="monospace">{c.accountNumberMasked}</Text>
                  </Table.Td>
                  <Table.Td ta="right">
                    <Yen value={c.totalYen} />
                  </Table.Td>
                  <Table.Td>
                    <JstTime at={c.decidedAt} /> {t("payouts.approvedBy", { who: c.approvedByEmail ?? "—" })}
                  </Table.Td>
                  <Table.Td>
                    <Anchor component={Link} to={`/compensation/cases/${c.id}`} size="sm">
                      {t("payouts.open")}
                    </Anchor>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Card>

      <Card withBorder>
        <Title order={4} mb="xs">
          {t("payouts.batches")}
        </Title>
        {batches.isPending && <Loader size="sm" aria-label={t("payouts.loadingBatches")} />}
        {batches.error && <Alert color="red">{errorMessage(batches.error)}</Alert>}
        {batches.data && batches.data.length === 0 && <Text c="dimmed">{t("payouts.noBatches")}</Text>}
        {batches.data && batches.data.length > 0 && (
          <Accordion variant="separated" data-testid="batches">
            {batches.data.map((b) => (
              <Accordion.Item key={b.id} value={b.id}>
                <Accordion.Control>
                  <Group justify="space-between" pr="md">
                    <Text size="sm" fw={500}>
                      {b.fileName}
                    </Text>
                    <Text size="sm" c="dimmed">
                      {t("payouts.batchLine", { count: b.caseCount, yen: b.totalYen, at: b.createdAt, who: b.createdByEmail })}
                    </Text>
                  </Group>
                </Accordion.Control>
                <Accordion.Panel>
                  <Group justify="space-between" mb="xs">
                    <Text size="xs" c="dimmed" ff="monospace">
                      SHA-256 {b.fileSha256}
                    </Text>
                    <Button size="xs" variant="light" leftSection={<IconDownload size={14} />} loading={downloading === b.id} onClick={() => download(b.id)}>
                      {t("payouts.download")}
                    </Button>
                  </Group>
                  <Table verticalSpacing={2}>
                    <Table.Tbody>
                      {b.cases.map((c) => (
                        <Table.Tr key={c.id}>
                          <Table.Td>
                            {c.holderName} · {c.bankCode} · {c.branchCode} · <Text span ff="monospace">{c.accountNumberMasked}</Text>
                          </Table.Td>
                          <Table.Td ta="right">
                            <Yen value={c.totalYen} />
                          </Table.Td>
                          <Table.Td>
                            <Anchor component={Link} to={`/compensation/cases/${c.id}`} size="sm">
                              {t("payouts.caseRef", { id: c.id.slice(0, 8) })}
                            </Anchor>
                          </Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Accordion.Panel>
              </Accordion.Item>
            ))}
          </Accordion>
        )}
      </Card>

      {confirming && (
        <ReasonDialog
          opened
          title={t("payouts.dialogTitle")}
          description={
            <Text size="sm">
              {t("payouts.dialogText", { count: selected.length, yen: selectedYen })}
            </Text>
          }
          confirmLabel={t("payouts.create")}
          pending={create.isPending}
          error={create.error}
          onConfirm={(reason) => create.mutate({ caseIds: selected, reason })}
          onClose={() => setConfirming(false)}
        />
      )}
    </Stack>
  );
}
