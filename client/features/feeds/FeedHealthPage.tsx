// Feed health (#15): is the wallet platform still sending events and asking for decisions? Per bank
// and event type, from server/features/feeds/health.ts (rules in shared/feeds/health.ts): alarms
// first, then the table. Refreshed every 30 seconds.
import { useState } from "react";
import { Link } from "react-router";
import { Alert, Anchor, Badge, Center, Group, List, Loader, ScrollArea, Stack, Switch, Table, Text, Title } from "@mantine/core";
import { IconAlertTriangle, IconCircleCheck } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../lib/errors.ts";
import { Count, JstTime, useFormat } from "../../components/format.tsx";
import { UNASKED_WINDOW_MINUTES, type FeedRow } from "../../../shared/feeds/health.ts";
import { useAlarmWords } from "./words.ts";
import { useFeedHealth } from "./queries.ts";

function stateOf(r: FeedRow): "QUIET" | "UNASKED" | "OK" {
  return r.quiet ? "QUIET" : r.unaskedAlarm ? "UNASKED" : "OK";
}

const STATE_COLOR = { QUIET: "red", UNASKED: "orange", OK: "green" } as const;

export default function FeedHealthPage() {
  const { t } = useTranslation("feeds");
  const f = useFormat();
  const words = useAlarmWords();
  const [onlyAlarms, setOnlyAlarms] = useState(false);
  const q = useFeedHealth();

  if (q.isPending) {
    return (
      <Center p="xl">
        <Stack align="center" gap="xs">
          <Loader aria-label={t("loading")} />
          <Text c="dimmed">{t("loading")}</Text>
        </Stack>
      </Center>
    );
  }
  if (q.error) return <Alert color="red">{errorMessage(q.error)}</Alert>;
  const { rows, alarms, firstDecisionAt, computedAt } = q.data;
  const rank = (r: FeedRow) => (r.quiet ? 0 : r.unaskedAlarm ? 1 : 2);
  const shown = rows.filter((r) => !onlyAlarms || r.quiet || r.unaskedAlarm).sort((a, b) => rank(a) - rank(b) || a.bankCode.localeCompare(b.bankCode));
  const lag = (ms: number | null) => (ms === null ? "—" : f.duration(ms / 1000));

  return (
    <Stack>
      <Title order={2}>{t("title")}</Title>
      <Text size="sm" c="dimmed" maw={900}>
        {t("intro", { minutes: UNASKED_WINDOW_MINUTES })}
      </Text>
      <Text size="xs" c="dimmed">
        {t("updated", { at: computedAt })}
      </Text>

      {rows.length === 0 ? (
        <Text c="dimmed" data-testid="feeds-empty">
          {t("empty")}
        </Text>
      ) : (
        <>
          {alarms.length > 0 ? (
            <Alert color="red" icon={<IconAlertTriangle size={16} />} title={t("alarmsTitle", { count: alarms.length })} data-testid="feed-alarms">
              <List size="sm">
                {alarms.map((a) => (
                  <List.Item key={`${a.kind}-${a.bankCode}-${a.eventType}`} data-testid={`feed-alarm-${a.kind}-${a.bankCode}`}>
                    {words(a)}
                  </List.Item>
                ))}
              </List>
            </Alert>
          ) : (
            <Alert color="green" icon={<IconCircleCheck size={16} />} data-testid="feed-all-clear">
              {t("allClear")}
            </Alert>
          )}
          {firstDecisionAt ? (
            <Text size="sm" c="dimmed">
              {t("decisionsSince", { at: firstDecisionAt })}
            </Text>
          ) : (
            <Alert color="blue">{t("noDecisions")}</Alert>
          )}

          <Group>
            <Switch checked={onlyAlarms} onChange={(e) => setOnlyAlarms(e.currentTarget.checked)} label={t("onlyAlarms")} />
          </Group>
          <ScrollArea type="auto">
            <Table striped highlightOnHover fz="sm" miw={1100} data-testid="feed-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("col.bank")}</Table.Th>
                  <Table.Th>{t("col.type")}</Table.Th>
                  <Table.Th style={{ minWidth: 130 }}>{t("col.state")}</Table.Th>
                  <Table.Th>{t("col.lastEvent")}</Table.Th>
                  <Table.Th>{t("col.normal")}</Table.Th>
                  <Table.Th>{t("col.lastReceived")}</Table.Th>
                  <Table.Th>{t("col.lag")}</Table.Th>
                  <Table.Th ta="right">
                    {t("col.events")}
                    <Text span size="xs" c="dimmed" display="block">
                      {t("colHint.events", { minutes: UNASKED_WINDOW_MINUTES })}
                    </Text>
                  </Table.Th>
                  <Table.Th ta="right">{t("col.asked")}</Table.Th>
                  <Table.Th ta="right">{t("col.unasked")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {shown.map((r) => {
                  const state = stateOf(r);
                  return (
                    <Table.Tr key={`${r.bankCode}-${r.eventType}`} data-testid={`feed-row-${r.bankCode}-${r.eventType}`}>
                      <Table.Td>
                        <Anchor component={Link} to={`/banks/${r.bankCode}`} size="sm">
                          {f.bank(r.bankName, r.bankNameJa)}
                        </Anchor>{" "}
                        <Text span size="xs" c="dimmed">
                          {r.bankCode}
                        </Text>
                      </Table.Td>
                      <Table.Td>{t(`types.${r.eventType}`)}</Table.Td>
                      <Table.Td>
                        <Badge color={STATE_COLOR[state]} variant={state === "OK" ? "light" : "filled"}>
                          {t(`state.${state}`)}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <JstTime at={r.lastEventAt} />
                      </Table.Td>
                      <Table.Td>{f.count(Math.round(r.expectedInGap))}</Table.Td>
                      <Table.Td>{r.lastReceivedAt ? <JstTime at={r.lastReceivedAt} /> : <Text span size="xs" c="dimmed">{t("noLive")}</Text>}</Table.Td>
                      <Table.Td>{r.liveEvents > 0 ? `${lag(r.lagAvgMs)} / ${lag(r.lagMaxMs)}` : "—"}</Table.Td>
                      <Table.Td ta="right">
                        <Count value={r.events} />
                      </Table.Td>
                      <Table.Td ta="right">
                        <Count value={r.decisionsAsked} />
                      </Table.Td>
                      <Table.Td ta="right" c={r.unaskedAlarm ? "orange.8" : undefined} fw={r.unaskedAlarm ? 700 : undefined}>
                        <Count value={r.unasked} />
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </ScrollArea>
        </>
      )}
      <Text size="xs" c="dimmed" maw={900}>
        {t("rules")}
      </Text>
    </Stack>
  );
}
