// The regulator report (#18): per bank and in total, cases, amounts taken, compensated, pending and
// reimbursed by others, with the measures and their scopes and dates, as of a chosen time (JST).
// Printable (the browser's print, navigation hidden by the print stylesheet) and as CSV. Managers
// also download each bank's evidence pack from here.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Alert, Badge, Button, Card, Group, Loader, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconDownload, IconFileZip, IconPrinter } from "@tabler/icons-react";
import { useUrlParams } from "../../components/url-params.ts";
import { Count, JstTime, Yen } from "../../components/format.tsx";
import { useBankName } from "../../components/bank-names.ts";
import { errorMessage } from "../../lib/errors.ts";
import { useCan } from "../auth/useMe.ts";
import { useFetchEvidencePack, useFetchRegulatorCsv, useRegulatorReport } from "./queries.ts";

const FIGURES = ["victimCount", "chargeCount", "takenYen", "caseCount", "compensatedYen", "pendingYen", "reimbursedByOthersYen", "outstandingYen"] as const;
type Figures = Record<(typeof FIGURES)[number], number>;

// On paper: the report only (no navigation, header or buttons), on the full page width.
const PRINT_CSS = `@media print {
  .no-print, .mantine-AppShell-navbar, .mantine-AppShell-header, .mantine-Notifications-root { display: none !important; }
  .mantine-AppShell-main { padding: 0 !important; }
}`;

/** "2026-12-07T10:30" typed as JST → the instant; null when not a whole date and time. */
export function jstInputToDate(value: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return null;
  const d = new Date(`${value}:00+09:00`);
  return Number.isNaN(d.getTime()) ? null : d;
}

function save(fileName: string, blob: Blob) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function FigureCells({ f }: { f: Figures }) {
  return (
    <>
      {FIGURES.map((k) => (
        <Table.Td key={k} ta="right">
          {k.endsWith("Yen") ? <Yen value={f[k]} /> : <Count value={f[k]} />}
        </Table.Td>
      ))}
    </>
  );
}

export default function RegulatorReportPage() {
  const { t } = useTranslation("reports");
  const bankName = useBankName();
  const { params, update } = useUrlParams();
  const asOfParam = params.get("asOf") ?? "";
  const asOf = jstInputToDate(asOfParam) ?? undefined;
  const report = useRegulatorReport(asOf);
  const fetchCsv = useFetchRegulatorCsv();
  const fetchPack = useFetchEvidencePack();
  const canPack = useCan("reports.evidencePack");
  const [busy, setBusy] = useState<string | null>(null);

  async function downloadCsv() {
    setBusy("csv");
    try {
      const file = await fetchCsv(asOf);
      save(file.fileName, new Blob([file.csv], { type: "text/csv;charset=utf-8" }));
    } catch (err) {
      notifications.show({ color: "red", message: errorMessage(err) });
    } finally {
      setBusy(null);
    }
  }

  async function downloadPack(bankCode: string) {
    setBusy(bankCode);
    try {
      const file = await fetchPack(bankCode);
      save(file.fileName, new Blob([Uint8Array.from(atob(file.base64), (ch) => ch.charCodeAt(0))], { type: "application/zip" }));
      notifications.show({ color: "green", message: t("pack.done", { file: file.fileName }) });
    } catch (err) {
      notifications.show({ color: "red", message: errorMessage(err) });
    } finally {
      setBusy(null);
    }
  }

  return (
    <Stack>
      <style>{PRINT_CSS}</style>
      <div>
        <Title order={2}>{t("regulator.title")}</Title>
        <Text c="dimmed" size="sm">
          {t("regulator.subtitle")}
        </Text>
      </div>
      <Group align="end" className="no-print">
        <TextInput
          type="datetime-local"
          label={t("regulator.asOf")}
          description={t("regulator.asOfHint")}
          value={asOfParam}
          onChange={(e) => update({ asOf: e.currentTarget.value || null })}
          data-testid="as-of"
        />
        <Button variant="default" leftSection={<IconPrinter size={16} />} onClick={() => window.print()}>
          {t("regulator.print")}
        </Button>
        <Button variant="default" leftSection={<IconDownload size={16} />} loading={busy === "csv"} onClick={downloadCsv} data-testid="regulator-csv">
          {t("regulator.csv")}
        </Button>
      </Group>
      {report.isPending && <Loader size="sm" aria-label={t("regulator.loading")} />}
      {report.error && <Alert color="red">{errorMessage(report.error)}</Alert>}
      {report.data && (
        <>
          <Text size="sm" data-testid="regulator-as-of">
            {t("regulator.asOfLine")} <JstTime at={report.data.asOf} />
          </Text>
          <Card withBorder>
            <Table data-testid="regulator-report" striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("col.bank")}</Table.Th>
                  {FIGURES.map((k) => (
                    <Table.Th key={k} ta="right">
                      {t(`col.${k}`)}
                    </Table.Th>
                  ))}
                  {canPack && <Table.Th className="no-print" />}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {report.data.banks.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={FIGURES.length + 2}>
                      <Text c="dimmed">{t("regulator.empty")}</Text>
                    </Table.Td>
                  </Table.Tr>
                )}
                {report.data.banks.map((b) => (
                  <Table.Tr key={b.bankCode} data-testid={`regulator-${b.bankCode}`}>
                    <Table.Td fw={500}>
                      {b.bankCode} {bankName(b.bankCode, b.bankName)}
                    </Table.Td>
                    <FigureCells f={b} />
                    {canPack && (
                      <Table.Td className="no-print">
                        <Button size="compact-xs" variant="light" leftSection={<IconFileZip size={14} />} loading={busy === b.bankCode} onClick={() => downloadPack(b.bankCode)} data-testid={`pack-${b.bankCode}`}>
                          {t("pack.download")}
                        </Button>
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
                <Table.Tr data-testid="regulator-total" fw={700}>
                  <Table.Td>{t("regulator.total")}</Table.Td>
                  <FigureCells f={report.data.total} />
                  {canPack && <Table.Td className="no-print" />}
                </Table.Tr>
              </Table.Tbody>
            </Table>
          </Card>
          <Title order={4}>{t("measures.title")}</Title>
          <Card withBorder>
            <Table data-testid="regulator-measures">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("col.bank")}</Table.Th>
                  <Table.Th>{t("measures.scopes")}</Table.Th>
                  <Table.Th>{t("measures.starts")}</Table.Th>
                  <Table.Th>{t("measures.ends")}</Table.Th>
                  <Table.Th>{t("measures.status")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {report.data.banks.every((b) => b.measures.length === 0) && (
                  <Table.Tr>
                    <Table.Td colSpan={5}>
                      <Text c="dimmed">{t("measures.empty")}</Text>
                    </Table.Td>
                  </Table.Tr>
                )}
                {report.data.banks.flatMap((b) =>
                  b.measures.map((m, i) => (
                    <Table.Tr key={`${b.bankCode}-${i}`}>
                      <Table.Td>
                        {b.bankCode} {bankName(b.bankCode, b.bankName)}
                      </Table.Td>
                      <Table.Td>
                        {m.scopes.map((s) => t(`scope.${s}`, { defaultValue: s })).join(", ")}
                        {m.quarantine ? ` · ${t("measures.quarantine")}` : ""}
                      </Table.Td>
                      <Table.Td>
                        <JstTime at={m.startsAt} />
                      </Table.Td>
                      <Table.Td>{m.endsAt ? <JstTime at={m.endsAt} /> : t("measures.openEnded")}</Table.Td>
                      <Table.Td>
                        <Badge color={m.status === "ACTIVE" ? "red" : m.status === "SCHEDULED" ? "yellow" : "gray"}>{t(`measures.state.${m.status}`)}</Badge>
                      </Table.Td>
                    </Table.Tr>
                  )),
                )}
              </Table.Tbody>
            </Table>
          </Card>
          <Text size="xs" c="dimmed">
            {t("regulator.note")}
          </Text>
        </>
      )}
    </Stack>
  );
}
