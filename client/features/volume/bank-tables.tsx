// The bank page's tables: its spikes in the range, and its most recent links and charges (masked
// account numbers).
import { Badge, Card, Table, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { parseStoredDetector, type VolumeMetric } from "../../../shared/volume/types.ts";
import { JstTime, Yen, useFormat } from "../../components/format.tsx";
import { AccountLink } from "../../components/AccountLink.tsx";
import type { BankVolumeView } from "./queries.ts";

export function BankSpikes({ b }: { b: BankVolumeView }) {
  const { t } = useTranslation(["volume", "common"]);
  const fmt = useFormat();
  const metricLabel = (m: VolumeMetric) => t(`common:metrics.${m}`);
  const detectorWords = (stored: string) => {
    const d = parseStoredDetector(stored);
    const what = d.kind === "BURST" || d.kind === "CUSUM" ? t(`bank.detector.${d.kind}`) : d.kind;
    return t(d.bucketMinutes === 60 ? "bank.detector.hourly" : "bank.detector.fiveMinute", { what });
  };
  return (
    <Card withBorder padding="sm">
      <Text fw={600} size="sm" mb="xs">
        {t("bank.spikesTitle")}
      </Text>
      {b.spikes.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t("bank.noSpikes")}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={800}>
          <Table striped data-testid="bank-spikes">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("bank.col.metric")}</Table.Th>
                <Table.Th>{t("bank.col.detector")}</Table.Th>
                <Table.Th>{t("bank.col.started")}</Table.Th>
                <Table.Th>{t("bank.col.peak")}</Table.Th>
                <Table.Th>{t("bank.col.severity")}</Table.Th>
                <Table.Th>{t("bank.col.ended")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {b.spikes.map((s) => (
                <Table.Tr key={`${s.metric}:${s.detector}:${s.startedAt.getTime()}`}>
                  <Table.Td>{metricLabel(s.metric)}</Table.Td>
                  <Table.Td>{detectorWords(s.detector)}</Table.Td>
                  <Table.Td>
                    <JstTime at={s.startedAt} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      {s.metric === "CHARGE_YEN" ? fmt.yen(Math.round(s.peakValue)) : fmt.count(s.peakValue)}{" "}
                      <Text span size="xs" c="dimmed">
                        {t("bank.peakVs", { expected: s.metric === "CHARGE_YEN" ? fmt.yen(Math.round(s.peakExpected)) : s.peakExpected.toFixed(1) })} <JstTime at={s.peakAt} />
                      </Text>
                    </Text>
                  </Table.Td>
                  <Table.Td>z {s.severity.toFixed(1)}</Table.Td>
                  <Table.Td>
                    {s.endedAt ? (
                      <JstTime at={s.endedAt} />
                    ) : (
                      <Badge color="red" size="sm">
                        {t("bank.open")}
                      </Badge>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Card>
  );
}

export function RecentLinks({ links }: { links: BankVolumeView["recentLinks"] }) {
  const { t } = useTranslation("volume");
  return (
    <Card withBorder padding="sm">
      <Text fw={600} size="sm" mb="xs">
        {t("bank.recentLinks")}
      </Text>
      {links.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t("bank.noLinks")}
        </Text>
      ) : (
        <Table striped fz="xs" data-testid="bank-recent-links">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("bank.col.registered")}</Table.Th>
              <Table.Th>{t("bank.col.account")}</Table.Th>
              <Table.Th>{t("bank.col.bankAccount")}</Table.Th>
              <Table.Th>{t("bank.col.holder")}</Table.Th>
              <Table.Th>{t("bank.col.status")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {links.map((l) => (
              <Table.Tr key={l.id}>
                <Table.Td style={{ whiteSpace: "nowrap" }}>
                  <JstTime at={l.registeredAt} />
                </Table.Td>
                <Table.Td>
                  <AccountLink accountId={l.accountId} size="xs" />
                </Table.Td>
                <Table.Td style={{ fontFamily: "monospace" }}>
                  {l.branchCode}-{l.accountNumberMasked}
                </Table.Td>
                <Table.Td>{l.holderName}</Table.Td>
                <Table.Td>{l.status}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}

export function RecentCharges({ charges }: { charges: BankVolumeView["recentCharges"] }) {
  const { t } = useTranslation("volume");
  return (
    <Card withBorder padding="sm">
      <Text fw={600} size="sm" mb="xs">
        {t("bank.recentCharges")}
      </Text>
      {charges.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t("bank.noCharges")}
        </Text>
      ) : (
        <Table striped fz="xs" data-testid="bank-recent-charges">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("bank.col.time")}</Table.Th>
              <Table.Th>{t("bank.col.account")}</Table.Th>
              <Table.Th>{t("bank.col.bankAccount")}</Table.Th>
              <Table.Th style={{ textAlign: "right" }}>{t("bank.col.amount")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {charges.map((c) => (
              <Table.Tr key={c.id}>
                <Table.Td style={{ whiteSpace: "nowrap" }}>
                  <JstTime at={c.occurredAt} />
                </Table.Td>
                <Table.Td>
                  <AccountLink accountId={c.accountId} size="xs" />
                </Table.Td>
                <Table.Td style={{ fontFamily: "monospace" }}>
                  {c.branchCode}-{c.accountNumberMasked}
                </Table.Td>
                <Table.Td style={{ textAlign: "right" }}>
                  <Yen value={c.amountYen} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}
