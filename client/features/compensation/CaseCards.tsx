// Cards of the case page: the victim (what was taken, paid back, pending and still owed, with every
// case for them) and the case's history of decisions.
import { Link } from "react-router";
import { Anchor, Card, Group, Text, Timeline, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { JstTime, Yen } from "../../components/format.tsx";
import { useCan } from "../auth/useMe.ts";
import { StateBadge } from "./parts.tsx";
import type { RouterOutputs } from "../../trpc.ts";

type CaseDetail = RouterOutputs["compensation"]["get"];
const ACTION_VERBS = ["create", "approve", "reject", "cancel", "pay", "batchCase", "payoutFailed", "overrideRule", "contact", "correctClaim"] as const;

export function VictimCard({ victim }: { victim: CaseDetail["victim"] }) {
  const { t } = useTranslation(["compensation", "common"]);
  const canCreate = useCan("compensation.create");
  return (
  <Card withBorder>
    <Title order={4} mb="xs">
      {t("casePage.victimTitle")}
    </Title>
    {victim ? (
      <>
        <Text size="sm" data-testid="victim-summary">
          {t("casePage.victimSummary", { taken: victim.takenYen, count: victim.chargeCount, paid: victim.paidYen, pending: victim.pendingYen })}{" "}
          <Text span fw={600} data-testid="victim-owed">
            {t("casePage.stillOwed", { owed: victim.owedYen })}
          </Text>
        </Text>
        {victim.owedYen > 0 && canCreate && (
          <Anchor component={Link} to={`/compensation/new?chargeId=${encodeURIComponent(victim.ref)}`} size="sm">
            {t("casePage.startAnother")}
          </Anchor>
        )}
        <Text size="sm" mt="sm" fw={500}>
          {t("casePage.allCases")}
        </Text>
        {victim.cases.map((vc) => (
          <Group key={vc.id} gap="xs">
            <Anchor component={Link} to={`/compensation/cases/${vc.id}`} size="sm">
              <Yen value={vc.totalYen} />
            </Anchor>
            <StateBadge state={vc.state} />
            <Text size="xs" c="dimmed">
              <JstTime at={vc.requestedAt} />
            </Text>
          </Group>
        ))}
      </>
    ) : (
      <Text c="dimmed">{t("casePage.noneRemain")}</Text>
    )}
  </Card>
  );
}

export function CaseHistoryCard({ history }: { history: CaseDetail["history"] }) {
  const { t } = useTranslation(["compensation", "common"]);
  const actionWords = (a: string) => {
    const verb = a.replace(/^compensation\./, "");
    return (ACTION_VERBS as readonly string[]).includes(verb) ? t(`casePage.action.${verb as (typeof ACTION_VERBS)[number]}`) : a;
  };
  return (
  <Card withBorder>
    <Title order={4} mb="xs">
      {t("casePage.history")}
    </Title>
    <Timeline bulletSize={14} lineWidth={2}>
      {history.map((h) => (
        <Timeline.Item key={h.id} title={t("casePage.by", { action: actionWords(h.action), who: h.actorEmail })}>
          <Text size="xs" c="dimmed">
            <JstTime at={h.at} />
          </Text>
          {h.reason && <Text size="sm">“{h.reason}”</Text>}
        </Timeline.Item>
      ))}
    </Timeline>
  </Card>
  );
}
