// A bank's suspension panel (registered for the bank page in client/slots.ts): the current state,
// policy violations (events the platform should not have let through), and the history. Suspend
// and Lift for managers; everyone else sees the state only.
import { useState } from "react";
import { Alert, Badge, Button, Card, Group, Loader, Stack, Table, Text, Title } from "@mantine/core";
import { IconAlertTriangle, IconShieldOff } from "@tabler/icons-react";
import { Link } from "react-router";
import { useBankSuspensions } from "./queries.ts";
import { errorMessage } from "../../lib/errors.ts";
import { JstTime } from "../../components/format.tsx";
import { useCan } from "../auth/useMe.ts";
import { useTranslation } from "react-i18next";
import { useDescribeSuspension, useScopeWords } from "../../i18n/words.ts";
import { SuspendDialog } from "./SuspendDialog.tsx";
import { LiftDialog } from "./LiftDialog.tsx";
import { ChargeLimitsLine } from "./ChargeLimits.tsx";
import { GateSection } from "./ReverificationGate.tsx";
import type { SuspensionListRow } from "./types.ts";
import { useBankName } from "../../components/bank-names.ts";
import { AttentionList, EndsText, SuspensionTimesDialog } from "./Ending.tsx";

export const STATE_COLOR = { ACTIVE: "red", SCHEDULED: "orange", LIFTED: "gray" } as const;

const VIOLATION_KIND_KEY: Record<string, "panel.registration" | "panel.linkChange" | "panel.charge" | "panel.chargeOnQuarantined"> = {
  REGISTRATION_WHILE_SUSPENDED: "panel.registration",
  LINK_CHANGE_WHILE_SUSPENDED: "panel.linkChange",
  CHARGE_WHILE_SUSPENDED: "panel.charge",
  CHARGE_ON_QUARANTINED_LINK: "panel.chargeOnQuarantined",
};

export function SuspensionPanel({ bankCode }: { bankCode: string }) {
  const { t } = useTranslation(["suspensions", "common"]);
  const bankName = useBankName();
  const scopeWords = useScopeWords();
  const describeSuspension = useDescribeSuspension();
  const canSee = useCan("suspensions.forBank");
  const canSuspend = useCan("suspensions.suspend");
  const canLift = useCan("suspensions.lift");
  const q = useBankSuspensions(bankCode, canSee);
  const [suspendOpen, setSuspendOpen] = useState(false);
  const [lifting, setLifting] = useState<SuspensionListRow | null>(null);
  const canSetTimes = useCan("suspensions.setTimes");
  const [timing, setTiming] = useState<SuspensionListRow | null>(null);
  if (!canSee) return null;

  const data = q.data;
  const current = data?.current ?? [];
  const inForce = current.filter((s) => s.state === "ACTIVE");
  return (
    <Card withBorder data-testid="suspension-panel">
      <Stack gap="sm">
        <Group justify="space-between">
          <Group gap="xs">
            <IconShieldOff size={18} />
            <Title order={4}>{t("panel.title")}</Title>
            {data && (
              <Badge color={inForce.length ? "red" : current.length ? "orange" : "green"} variant="light" data-testid="suspension-state">
                {inForce.length ? t("panel.suspended", { scopes: scopeWords(inForce.flatMap((s) => s.scopes)) }) : current.length ? t("panel.scheduled") : t("panel.notSuspended")}
              </Badge>
            )}
          </Group>
          {canSuspend && (
            <Button size="xs" color="red" variant="light" onClick={() => setSuspendOpen(true)}>
              {t("panel.suspend")}
            </Button>
          )}
        </Group>
        <ChargeLimitsLine bankCode={bankCode} />
        {q.isPending && <Loader size="sm" aria-label={t("panel.loading")} />}
        {q.error && <Alert color="red">{errorMessage(q.error)}</Alert>}
        <AttentionList bankCode={bankCode} />

        {current.map((s) => (
          <Alert key={s.id} color={STATE_COLOR[s.state]} variant="light" title={describeSuspension(s)}>
            <Stack gap={4}>
              <Text size="sm">
                {t("panel.cutoff", { at: s.cutoffAt })}
                {s.quarantine ? t("panel.quarantined") : ""}. {s.quarantinedCount > 0 && <Link to={`/quarantine?suspension=${s.id}`}>{t("panel.waiting", { count: s.quarantinedCount })}</Link>}
              </Text>
              <Text size="sm" c="dimmed">
                {t("panel.by", { who: s.createdBy ?? t("panel.unknown"), at: s.createdAt, reason: s.reason })}
              </Text>
              <EndsText s={s} />
              {s.state === "ACTIVE" && s.scopes.includes("CHARGE") && <GateSection bankCode={bankCode} suspensionId={s.id} bankName={bankName(bankCode, s.bankName)} />}
              {canLift && (
                <Group>
                  <Button size="xs" variant="default" onClick={() => setLifting(s)}>
                    {s.state === "SCHEDULED" ? t("panel.cancelScheduled") : t("panel.lift")}
                  </Button>
                  {canSetTimes && (
                    <Button size="xs" variant="default" onClick={() => setTiming(s)}>
                      {t("ending.edit")}
                    </Button>
                  )}
                </Group>
              )}
            </Stack>
          </Alert>
        ))}

        {data && data.quarantinedCount > 0 && (
          <Text size="sm">
            <Link to={`/quarantine?bank=${bankCode}`}>
              {t("panel.quarantinedAtBank", { count: data.quarantinedCount })}
            </Link>{" "}
            {t("panel.waitReview")}
          </Text>
        )}

        {data && data.violationCount > 0 && (
          <Alert color="orange" icon={<IconAlertTriangle size={16} />} title={t("panel.violations", { count: data.violationCount })} data-testid="policy-violations">
            <Text size="sm" mb={4}>
              {t("panel.violationsText")}
            </Text>
            <Table fz="xs">
              <Table.Tbody>
                {data.violations.slice(0, 5).map((v) => (
                  <Table.Tr key={v.id}>
                    <Table.Td>
                      <JstTime at={v.occurredAt} />
                    </Table.Td>
                    <Table.Td>{t(VIOLATION_KIND_KEY[v.kind] ?? "panel.linkChange")}</Table.Td>
                    <Table.Td>{t("panel.event", { id: v.eventId })}</Table.Td>
                    <Table.Td>{t("panel.link", { id: String((v.detail as { linkId?: string })?.linkId ?? "—") })}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Alert>
        )}

        {data && data.history.length > 0 && (
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              {t("panel.history")}
            </Text>
            <Table fz="xs" striped data-testid="suspension-history">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("panel.col.state")}</Table.Th>
                  <Table.Th>{t("panel.col.scopes")}</Table.Th>
                  <Table.Th>{t("panel.col.from")}</Table.Th>
                  <Table.Th>{t("panel.col.cutoff")}</Table.Th>
                  <Table.Th>{t("panel.col.byReason")}</Table.Th>
                  <Table.Th>{t("panel.col.lifted")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.history.map((s) => (
                  <Table.Tr key={s.id}>
                    <Table.Td>
                      <Badge size="xs" color={STATE_COLOR[s.state]} variant="light" style={{ minWidth: "max-content" }}>
                        {t(`state.${s.state}`)}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{scopeWords(s.scopes)}</Table.Td>
                    <Table.Td>
                      <JstTime at={s.startsAt} />
                    </Table.Td>
                    <Table.Td>
                      <JstTime at={s.cutoffAt} />
                      {s.quarantine ? t("panel.withQuarantine") : ""}
                    </Table.Td>
                    <Table.Td>
                      {s.createdBy}: {s.reason}
                    </Table.Td>
                    <Table.Td>
                      {s.liftedAt ? (
                        <>
                          <JstTime at={s.liftedAt} /> {t("panel.liftedBy", { who: s.liftedBy, reason: s.liftReason })}
                        </>
                      ) : (
                        "—"
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Stack>
        )}
        {data && data.history.length === 0 && (
          <Text size="sm" c="dimmed">
            {t("panel.never", { name: bankName(bankCode, data.bank.name) })}
          </Text>
        )}
      </Stack>
      {canSuspend && <SuspendDialog bankCodes={[bankCode]} opened={suspendOpen} onClose={() => setSuspendOpen(false)} />}
      {canLift && <LiftDialog suspension={lifting} onClose={() => setLifting(null)} />}
      {canSetTimes && <SuspensionTimesDialog suspension={timing} onClose={() => setTiming(null)} />}
    </Card>
  );
}
