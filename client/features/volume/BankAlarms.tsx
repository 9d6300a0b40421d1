// A bank's spike alarms (what the incident banner lists) on its page: what each saw, when it began
// and was raised, the estimated harm per hour, and whether someone acknowledged it (who, when, why).
// A MANAGER or ANALYST acknowledges an alarm with a reason: it leaves the banner and stays here.
import { useState } from "react";
import { Alert, Badge, Button, Card, Group, Modal, Stack, Table, Text, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useTranslation } from "react-i18next";
import { REASON_LENGTH_MIN } from "../../../shared/limits.ts";
import type { AlarmEvidence, AlarmReason } from "../../../shared/volume/alarm-types.ts";
import { JstTime } from "../../components/format.tsx";
import { useSubmitOnce } from "../../components/submit-once.ts";
import { errorMessage } from "../../lib/errors.ts";
import { useCan } from "../auth/useMe.ts";
import { useAcknowledgeAlarm } from "./queries.ts";

export interface BankAlarmView {
  id: string;
  evidence: AlarmEvidence;
  reasons: AlarmReason[];
  startedAt: Date;
  confirmedAt: Date;
  impactYenPerHour: number;
  endedAt: Date | null;
  acknowledged: { at: Date; by: string; reason: string } | null;
}

export function BankAlarms({ bankName, alarms }: { bankName: string; alarms: BankAlarmView[] }) {
  const { t } = useTranslation("alarms");
  const canAcknowledge = useCan("volume.acknowledgeAlarm");
  const [acknowledging, setAcknowledging] = useState<BankAlarmView | null>(null);
  return (
    <Card withBorder padding="sm" data-testid="bank-alarms">
      <Text fw={600} size="sm" mb="xs">
        {t("title")}
      </Text>
      {alarms.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t("none")}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={800}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("columns.evidence")}</Table.Th>
                <Table.Th>{t("columns.started")}</Table.Th>
                <Table.Th>{t("columns.confirmed")}</Table.Th>
                <Table.Th>{t("columns.harm")}</Table.Th>
                <Table.Th>{t("columns.ended")}</Table.Th>
                <Table.Th>{t("columns.acknowledged")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {alarms.map((a) => (
                <Table.Tr key={a.id} data-testid={`bank-alarm-${a.id}`}>
                  <Table.Td>
                    {t(`evidence.${a.evidence}`)}
                    {a.reasons.map((r) => (
                      <Text key={r.measure} size="xs" c="dimmed" data-testid="alarm-reason">
                        <ReasonText reason={r} />
                      </Text>
                    ))}
                  </Table.Td>
                  <Table.Td>
                    <JstTime at={a.startedAt} />
                  </Table.Td>
                  <Table.Td>
                    <JstTime at={a.confirmedAt} />
                  </Table.Td>
                  <Table.Td>{t("harmPerHour", { v: Math.round(a.impactYenPerHour) })}</Table.Td>
                  <Table.Td>
                    {a.endedAt ? (
                      <JstTime at={a.endedAt} />
                    ) : (
                      <Badge color="red" size="sm" style={{ textTransform: "none" }}>
                        {t("open")}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td data-testid={`bank-alarm-ack-${a.id}`}>
                    {a.acknowledged ? (
                      <Text size="sm">{t("acknowledgedBy", { name: a.acknowledged.by, at: a.acknowledged.at, reason: a.acknowledged.reason })}</Text>
                    ) : canAcknowledge ? (
                      <Button size="compact-xs" variant="light" onClick={() => setAcknowledging(a)} data-testid={`acknowledge-${a.id}`}>
                        {t("acknowledge")}
                      </Button>
                    ) : (
                      <Text size="sm" c="dimmed">
                        {t("notAcknowledged")}
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Modal opened={acknowledging !== null} onClose={() => setAcknowledging(null)} title={t("dialog.title", { bank: bankName })} size="lg">
        {acknowledging && <AcknowledgeForm alarm={acknowledging} onClose={() => setAcknowledging(null)} />}
      </Modal>
    </Card>
  );
}

/** One figure behind an alarm, in the reader's language: what, over which window, against normal. */
function ReasonText({ reason: r }: { reason: AlarmReason }) {
  const { t } = useTranslation("alarms");
  const yen = r.measure === "CHARGED_YEN";
  const what = yen ? t("reasons.CHARGED_YEN", { yen: Math.round(r.observed) }) : t(`reasons.${r.measure}`, { count: r.observed });
  const expected = yen ? t("yenAmount", { v: Math.round(r.expected) }) : r.expected < 0.01 ? "< 0.01" : r.expected.toFixed(r.expected < 10 ? 2 : 0);
  const factor = r.factor === null ? t("factorNone") : r.factor > 100 ? t("factorOver") : t("factor", { factor: r.factor < 10 ? r.factor.toFixed(1) : Math.round(r.factor) });
  return <>{t("reasonLine", { what, minutes: r.windowMinutes, expected, factor })}</>;
}

function AcknowledgeForm({ alarm, onClose }: { alarm: BankAlarmView; onClose: () => void }) {
  const { t } = useTranslation("alarms");
  const [reason, setReason] = useState("");
  const acknowledge = useAcknowledgeAlarm(() => notifications.show({ color: "green", message: t("done") }), onClose);
  const { submit, busy } = useSubmitOnce(acknowledge);
  return (
    <Stack>
      <Text size="sm">{t("dialog.text")}</Text>
      <Textarea
        label={t("dialog.reason")}
        placeholder={t("dialog.placeholder")}
        value={reason}
        onChange={(e) => setReason(e.currentTarget.value)}
        autosize
        minRows={2}
        data-testid="acknowledge-reason"
      />
      {!busy && acknowledge.error && <Alert color="red">{errorMessage(acknowledge.error)}</Alert>}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          {t("dialog.cancel")}
        </Button>
        <Button
          data-testid="confirm-acknowledge"
          disabled={reason.trim().length < REASON_LENGTH_MIN || busy}
          loading={busy}
          onClick={() => submit({ alarmId: alarm.id, reason })}
        >
          {t("dialog.confirm")}
        </Button>
      </Group>
    </Stack>
  );
}
