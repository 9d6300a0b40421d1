// Payout batches: managers pick approved cases, create one batch (its CSV and Zengin 総合振込 files
// built once, stored), download them again byte for byte, mark the batch sent with the bank's
// acceptance reference, and import the bank's result file: each line settles (the case is paid) or
// fails (the case is payable again, with the reason). The cases picked live in the URL (?cases=…).
import { useTranslation } from "react-i18next";
import { useState } from "react";
import { Link } from "react-router";
import { Accordion, Alert, Anchor, Badge, Button, Card, Checkbox, Group, Loader, Stack, Table, Text, Textarea, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconBuildingBank, IconDownload, IconFileDollar, IconScale, IconSend, IconUpload } from "@tabler/icons-react";
import { useCreatePayoutBatch, useFetchPayoutFile, useFetchZenginFile, useImportBankResult, useMarkBatchSent, usePayableCases, usePayoutBatches } from "./queries.ts";
import { useUrlParams } from "../../components/url-params.ts";
import { errorMessage } from "../../lib/errors.ts";
import { saveTextFile } from "../../lib/download.ts";
import { JstTime, Yen } from "../../components/format.tsx";
import { ReasonDialog, useInvalidateCompensation } from "./parts.tsx";
import { useBankName } from "../../components/bank-names.ts";
import { useRuleWords } from "./eligibility-parts.tsx";

export default function PayoutBatchesPage() {
  const { t } = useTranslation("compensation");
  const bankName = useBankName();
  const invalidate = useInvalidateCompensation();
  const { params, update } = useUrlParams({ replace: true });
  const payable = usePayableCases();
  const ruleWords = useRuleWords();
  const batches = usePayoutBatches();
  const fetchPayoutFile = useFetchPayoutFile();
  const [confirming, setConfirming] = useState(false);
  const [downloading, setDownloading] = useState<string | null>(null);
  const fetchZengin = useFetchZenginFile();
  const [sending, setSending] = useState<string | null>(null);
  const [bankReference, setBankReference] = useState("");
  const [importing, setImporting] = useState<string | null>(null);
  const [resultText, setResultText] = useState("");
  const markSent = useMarkBatchSent(async () => {
    notifications.show({ color: "green", message: t("payouts.markedSent") });
    setSending(null);
    setBankReference("");
    await invalidate();
  });
  const importResult = useImportBankResult(async (res) => {
    notifications.show({ color: res.failed.length ? "orange" : "green", message: t("payouts.imported", { settled: res.settled.length, failed: res.failed.length, unchanged: res.unchanged.length, pending: res.stillPending.length }) });
    setImporting(null);
    setResultText("");
    await invalidate();
  });

  async function downloadZengin(batchId: string) {
    setDownloading(`${batchId}:zengin`);
    try {
      const file = await fetchZengin(batchId);
      // The Shift_JIS bytes exactly as stored (no re-encoding: the SHA-256 stays the batch's).
      const bytes = Uint8Array.from(atob(file.base64), (ch) => ch.charCodeAt(0));
      const url = URL.createObjectURL(new Blob([bytes], { type: "text/plain;charset=shift_jis" }));
      const a = document.createElement("a");
      a.href = url;
      a.download = file.fileName;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      notifications.show({ color: "red", message: errorMessage(err) });
    } finally {
      setDownloading(null);
    }
  }

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
        <Group justify="space-between">
          <Title order={2}>{t("payouts.title")}</Title>
          <Group gap="xs">
            <Button component={Link} to="/compensation/reconciliation" variant="light" leftSection={<IconScale size={16} />}>
              {t("payouts.reconciliation")}
            </Button>
            <Button component={Link} to="/compensation/settlement" variant="light" leftSection={<IconBuildingBank size={16} />}>
              {t("settlement.link")}
            </Button>
          </Group>
        </Group>
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
                    {c.holderName} · {c.bankCode} {bankName(c.bankCode, c.bankName)} · {c.branchCode} · <Text span ff="monospace">{c.accountNumberMasked}</Text>
                    {(c.claimMissing || c.blocked.length > 0) && (
                      <Text size="xs" c="red.7" data-testid={`payable-blocked-${c.id}`}>
                        {c.claimMissing
                          ? t("payouts.blockedNoClaim")
                          : t("payouts.blockedRule", { id: c.blocked[0].chargeId, rule: ruleWords.blockName(c.blocked[0].block) })}
                      </Text>
                    )}
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
              <Accordion.Item key={b.id} value={b.id} data-testid={`batch-${b.id}`}>
                <Accordion.Control>
                  <Group justify="space-between" pr="md">
                    <Group gap="xs">
                      <Text size="sm" fw={500}>
                        {b.fileName}
                      </Text>
                      <Badge size="sm" color={b.status === "CLOSED" ? "green" : b.status === "SENT" ? "blue" : "gray"} data-testid="batch-status">
                        {t(`payouts.status.${b.status}`)}
                      </Badge>
                    </Group>
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
                    <Group gap="xs">
                      <Button size="xs" variant="light" leftSection={<IconDownload size={14} />} loading={downloading === b.id} onClick={() => download(b.id)}>
                        {t("payouts.download")}
                      </Button>
                      {b.hasZengin && (
                        <Button size="xs" variant="light" leftSection={<IconDownload size={14} />} loading={downloading === `${b.id}:zengin`} onClick={() => downloadZengin(b.id)}>
                          {t("payouts.downloadZengin")}
                        </Button>
                      )}
                      {b.status === "EXPORTED" && (
                        <Button size="xs" leftSection={<IconSend size={14} />} onClick={() => setSending(b.id)} data-testid="mark-sent">
                          {t("payouts.markSent")}
                        </Button>
                      )}
                      {b.status === "SENT" && (
                        <Button size="xs" leftSection={<IconUpload size={14} />} onClick={() => setImporting(b.id)} data-testid="import-result">
                          {t("payouts.importResult")}
                        </Button>
                      )}
                    </Group>
                  </Group>
                  {b.zenginError && (
                    <Alert color="orange" mb="xs">
                      {t("payouts.noZengin", { why: b.zenginError })}
                    </Alert>
                  )}
                  {b.bankReference && (
                    <Text size="sm" mb="xs">
                      {t("payouts.sentWith", { ref: b.bankReference, at: b.sentAt })}
                    </Text>
                  )}
                  <Table verticalSpacing={2} data-testid="batch-lines">
                    <Table.Tbody>
                      {b.cases.map((c) => (
                        <Table.Tr key={`${c.lineNo}`}>
                          <Table.Td w={40}>{c.lineNo}</Table.Td>
                          <Table.Td>
                            {c.holderName} · {c.bankCode} · {c.branchCode} · <Text span ff="monospace">{c.accountNumberMasked}</Text>
                          </Table.Td>
                          <Table.Td ta="right">
                            <Yen value={c.totalYen} />
                          </Table.Td>
                          <Table.Td>
                            <Badge size="sm" variant="light" color={c.status === "SETTLED" ? "green" : c.status === "FAILED" ? "red" : "gray"} data-testid="line-status">
                              {t(`payouts.lineStatus.${c.status}`)}
                            </Badge>
                            {c.failureCode && (
                              <Text span size="xs" c="red" ml={6}>
                                {t(`payouts.failure.${c.failureCode}`, { defaultValue: c.failureCode })}
                              </Text>
                            )}
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

      {sending && (
        <ReasonDialog
          opened
          title={t("payouts.markSentTitle")}
          description={
            <TextInput label={t("payouts.bankReference")} description={t("payouts.bankReferenceHint")} value={bankReference} onChange={(e) => setBankReference(e.currentTarget.value)} />
          }
          confirmLabel={t("payouts.markSent")}
          pending={markSent.isPending}
          error={markSent.error}
          onConfirm={(reason) => markSent.mutate({ batchId: sending, bankReference: bankReference.trim(), reason })}
          onClose={() => setSending(null)}
        />
      )}
      {importing && (
        <ReasonDialog
          opened
          title={t("payouts.importTitle")}
          description={
            <Stack gap="xs">
              <Text size="sm">{t("payouts.importText")}</Text>
              <input
                type="file"
                accept=".csv,text/csv,text/plain"
                aria-label={t("payouts.resultFile")}
                onChange={async (e) => {
                  const f = e.currentTarget.files?.[0];
                  if (f) setResultText(await f.text());
                }}
              />
              <Textarea label={t("payouts.resultText")} value={resultText} onChange={(e) => setResultText(e.currentTarget.value)} autosize minRows={3} maxRows={10} ff="monospace" />
            </Stack>
          }
          confirmLabel={t("payouts.importResult")}
          pending={importResult.isPending}
          error={importResult.error}
          onConfirm={(reason) => importResult.mutate({ batchId: importing, fileText: resultText, reason })}
          onClose={() => setImporting(null)}
        />
      )}
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
