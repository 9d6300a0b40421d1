// A bank's incident timeline (registered as a bank-page panel in client/slots.ts): spikes detected
// at the bank, suspension actions, quarantine reviews of its links and compensation for its victims,
// from the audit log; exportable as Markdown for the incident report.
import { Alert, Badge, Button, Card, Group, Loader, Stack, Table, Text, Timeline, Title } from "@mantine/core";
import { IconAlertTriangle, IconFileDownload, IconLock, IconCash, IconShieldOff, IconActivity, IconPoint, IconBulb } from "@tabler/icons-react";
import { Link } from "react-router";
import { errorMessage } from "../../lib/errors.ts";
import { saveTextFile } from "../../lib/download.ts";
import { Count, JstTime, Yen } from "../../components/format.tsx";
import { useTranslation } from "react-i18next";
import { timelineToMarkdown } from "../../../shared/audit/present.ts";
import type { TimelineKind } from "../../../shared/audit/schemas.ts";
import { useCan } from "../auth/useMe.ts";
import { useFormat } from "../../components/format.tsx";
import { useAuditWords } from "./words.ts";
import { useScopeWords } from "../../i18n/words.ts";
import { useBankTimeline } from "./queries.ts";
import type { TimelineEntry } from "../../../shared/audit/schemas.ts";

/** An entry's title and detail in the reader's language, from its facts (the server's English words when it has none). */
function useEntryWords() {
  const { t } = useTranslation(["audit", "common"]);
  const words = useAuditWords();
  const f = useFormat();
  const scopeWords = useScopeWords();
  return (e: TimelineEntry) => {
    if (e.spike) {
      const metric = t(`common:metrics.${e.spike.metric as "LINK_REGISTERED"}`, { defaultValue: e.spike.metric }).toLowerCase();
      const amount = (n: number) => (e.spike!.metric === "CHARGE_YEN" ? f.yen(n) : f.count(n));
      return {
        title: t(e.kind === "SPIKE_ENDED" ? "timeline.spikeEnded" : "timeline.spikeBegan", { metric }),
        detail: e.kind === "SPIKE_ENDED" ? null : t("timeline.spikeDetail", { detector: e.spike.detector, peak: amount(e.spike.peak), expected: amount(e.spike.expected), z: e.spike.severity.toFixed(1) }),
      };
    }
    if (e.proposal) {
      const p = e.proposal;
      const since = t("timeline.proposalSince", { minutes: p.minutesFromSpike, at: new Date(p.spikeStartedAt) });
      return {
        title: words.action(e.action ?? "proposal.create"),
        detail:
          p.minutesFromProposal === null
            ? t("timeline.proposalDetail", { scopes: scopeWords(p.scopes), at: new Date(p.cutoffAt), since })
            : t(e.detail ? "timeline.decisionDetail" : "timeline.decisionDetailNoReason", { reason: e.detail ?? "", minutes: p.minutesFromProposal, since }),
      };
    }
    if (e.action) {
      const target = e.target && e.target.type !== "bank" ? ` · ${words.targetType(e.target.type)} ${e.target.id.length > 12 ? `${e.target.id.slice(0, 8)}…` : e.target.id}` : "";
      return { title: `${words.action(e.action)}${target}`, detail: e.detail };
    }
    return { title: e.title, detail: e.detail };
  };
}

const KIND: Record<TimelineKind, { color: string; icon: React.ReactNode }> = {
  SPIKE_STARTED: { color: "red", icon: <IconAlertTriangle size={12} /> },
  SPIKE_ENDED: { color: "gray", icon: <IconActivity size={12} /> },
  PROPOSAL: { color: "yellow", icon: <IconBulb size={12} /> },
  SUSPENSION: { color: "orange", icon: <IconShieldOff size={12} /> },
  QUARANTINE: { color: "grape", icon: <IconLock size={12} /> },
  COMPENSATION: { color: "teal", icon: <IconCash size={12} /> },
  OTHER: { color: "indigo", icon: <IconPoint size={12} /> },
};

export function BankTimelinePanel({ bankCode }: { bankCode: string }) {
  const { t } = useTranslation(["audit", "compensation"]);
  const allowed = useCan("audit.bankTimeline");
  const q = useBankTimeline(bankCode, allowed);
  const entryWords = useEntryWords();
  if (!allowed) return null;

  const exportMarkdown = () => {
    if (!q.data) return;
    saveTextFile(`incident-timeline-${bankCode}.md`, timelineToMarkdown(q.data, new Date()), "text/markdown;charset=utf-8");
  };

  return (
    <Card withBorder data-testid="bank-timeline">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={4}>{t("timeline.title")}</Title>
          <Button size="xs" variant="light" leftSection={<IconFileDownload size={14} />} onClick={exportMarkdown} disabled={!q.data}>
            {t("timeline.export")}
          </Button>
        </Group>
        {q.isPending && <Loader size="sm" aria-label={t("timeline.loading")} />}
        {q.error && <Alert color="red">{errorMessage(q.error)}</Alert>}
        {q.data && q.data.entries.length === 0 && <Text size="sm" c="dimmed">{t("timeline.empty")}</Text>}
        {q.data && q.data.entries.length > 0 && (
          <Timeline bulletSize={22} lineWidth={2}>
            {q.data.entries.map((e, i) => {
              const w = entryWords(e);
              return (
                <Timeline.Item key={`${e.kind}-${e.auditId ?? i}-${String(e.at)}`} bullet={KIND[e.kind].icon} color={KIND[e.kind].color} title={<Text size="sm" fw={500}>{w.title}</Text>}>
                  <Group gap="xs">
                    <Text size="xs" c="dimmed">
                      <JstTime at={e.at} />
                    </Text>
                    <Badge size="xs" variant="light" color={KIND[e.kind].color}>
                      {t(`timeline.kind.${e.kind}`)}
                    </Badge>
                    {e.actor && (
                      <Text size="xs" c="dimmed">
                        {t("timeline.by", { who: e.actor })}
                      </Text>
                    )}
                    {e.auditId && (
                      <Text size="xs" component={Link} to={`/audit?event=${e.auditId}`} c="indigo">
                        {t("timeline.record", { id: e.auditId })}
                      </Text>
                    )}
                  </Group>
                  {w.detail && <Text size="sm">{w.detail}</Text>}
                </Timeline.Item>
              );
            })}
          </Timeline>
        )}
        {q.data?.truncated && <Text size="xs" c="dimmed">{t("timeline.older")}</Text>}
        {q.data && q.data.compensation.length > 0 && (
          <Table withTableBorder>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("timeline.col.compensation")}</Table.Th>
                <Table.Th ta="right">{t("timeline.col.cases")}</Table.Th>
                <Table.Th ta="right">{t("timeline.col.total")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {q.data.compensation.map((c) => (
                <Table.Tr key={c.state}>
                  <Table.Td>{t(`compensation:state.${c.state as "PAID"}`, { defaultValue: c.state })}</Table.Td>
                  <Table.Td ta="right">
                    <Count value={c.caseCount} />
                  </Table.Td>
                  <Table.Td ta="right">
                    <Yen value={c.totalYen} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Card>
  );
}
