// The scoring rules as the server applies them: served as data (accounts.rules: the active rule
// version's points and thresholds), so this page and the scores can never disagree; beside each rule
// its statistics over the stored scores (a rule that only makes noise shows), then the versions.
import { Alert, Anchor, Badge, Card, Center, Code, Group, Loader, Stack, Table, Text, Title } from "@mantine/core";
import { Link } from "react-router";
import { errorMessage } from "../../lib/errors.ts";
import { useRuleStats, useScoringRules } from "./queries.ts";
import { RuleVersionsSection, useParamWords } from "./RuleVersions.tsx";
import { RING_SETTING_CODES } from "../../../shared/accounts/ring-settings.ts";
import { useTranslation } from "react-i18next";
import { useRuleLabel } from "../../i18n/words.ts";
import { useFormat } from "../../components/format.tsx";

export default function RulesPage() {
  const { t } = useTranslation("accounts");
  const ruleLabel = useRuleLabel();
  const words = useParamWords();
  const { lang } = useFormat();
  const q = useScoringRules();
  const stats = useRuleStats();
  const statOf = new Map((stats.data?.rules ?? []).map((r) => [r.code, r]));
  const share = (n: number, of: number) => (of > 0 ? `${Math.round((100 * n) / of)}%` : "—");
  const count = (n: number) => n.toLocaleString(lang === "ja" ? "ja-JP" : "en-US");
  return (
    <Stack>
      <Anchor component={Link} to="/accounts" size="sm">{t("rulesPage.back")}</Anchor>
      <Title order={2}>{t("rulesPage.title")}</Title>
      {q.isPending && (
        <Center p="xl">
          <Loader aria-label={t("rulesPage.loading")} />
        </Center>
      )}
      {q.error && <Alert color="red">{errorMessage(q.error)}</Alert>}
      {q.data && (
        <>
          <Text size="sm">
            {t("rulesPage.intro1", { max: q.data.scoreMax })}{" "}
            <Badge color="red" variant="filled">{q.data.threshold}</Badge> {t("rulesPage.intro2", { days: q.data.factsWindowDays })}
          </Text>
          {q.data.version !== null && <Text size="sm" data-testid="active-version">{t("rulesPage.activeVersion", { version: q.data.version })}</Text>}
          {stats.data && <Text size="xs" c="dimmed">{t("rulesPage.statsIntro", { scored: count(stats.data.scored), labelled: count(stats.data.labelled) })}</Text>}
          {stats.error && <Alert color="orange">{errorMessage(stats.error)}</Alert>}
          <Card withBorder p={0}>
            <Table striped verticalSpacing="xs" data-testid="rules-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("rulesPage.col.rule")}</Table.Th>
                  <Table.Th>{t("rulesPage.col.meaning")}</Table.Th>
                  <Table.Th ta="right">{t("rulesPage.col.points")}</Table.Th>
                  <Table.Th>{t("rulesPage.col.params")}</Table.Th>
                  <Table.Th ta="right">{t("rulesPage.col.wallets")}</Table.Th>
                  <Table.Th ta="right">{t("rulesPage.col.flagged")}</Table.Th>
                  <Table.Th ta="right">{t("rulesPage.col.confirmed")}</Table.Th>
                  <Table.Th ta="right">{t("rulesPage.col.legitimate")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {q.data.rules.map((r) => (
                  <Table.Tr key={r.code} data-rule={r.code} opacity={r.enabled ? 1 : 0.5}>
                    <Table.Td>
                      <Text fw={600} size="sm">{ruleLabel(r.code)}</Text>
                      <Text size="xs" c="dimmed">{r.title}</Text>
                      <Code>{r.code}</Code>
                    </Table.Td>
                    <Table.Td maw={520}><Text size="sm">{r.description}</Text></Table.Td>
                    <Table.Td ta="right"><Text fw={700}>{r.enabled ? r.points : t("rulesPage.off")}</Text></Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {Object.entries(r.params).map(([k, v]) => (
                          <Badge key={k} variant="outline" color="gray" size="sm" style={{ textTransform: "none" }}>
                            {RING_SETTING_CODES.has(r.code) ? `${words.label(r.code, k)} ${words.value(r.code, k, v)}` : `${k} = ${v.toLocaleString(lang === "ja" ? "ja-JP" : "en-US")}`}
                          </Badge>
                        ))}
                        {Object.keys(r.params).length === 0 && <Text size="xs" c="dimmed">—</Text>}
                      </Group>
                    </Table.Td>
                    {(() => {
                      const st = statOf.get(r.code);
                      if (!st) return <Table.Td colSpan={4} />;
                      return (
                        <>
                          <Table.Td ta="right" data-testid="stat-wallets">{count(st.wallets)}</Table.Td>
                          <Table.Td ta="right">{count(st.flagged)}</Table.Td>
                          <Table.Td ta="right">{count(st.confirmedFraud)} ({share(st.confirmedFraud, st.wallets)})</Table.Td>
                          <Table.Td ta="right">{count(st.legitimate)} ({share(st.legitimate, st.wallets)})</Table.Td>
                        </>
                      );
                    })()}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Card>
          <RuleVersionsSection />
        </>
      )}
    </Stack>
  );
}
