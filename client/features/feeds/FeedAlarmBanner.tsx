// Feed alarms on every page (#15): one strip while a feed is quiet against its normal level or
// events arrive that nobody asked the decision API about, for those who may open Feed health
// (registered in client/slots.ts). Hidden on the Feed health page itself, which lists them all.
import { Anchor, Group, Paper, Text } from "@mantine/core";
import { IconActivityHeartbeat } from "@tabler/icons-react";
import { Link, useLocation } from "react-router";
import { useTranslation } from "react-i18next";
import { useCan } from "../auth/useMe.ts";
import { useAlarmWords } from "./words.ts";
import { useFeedHealth } from "./queries.ts";


export function FeedAlarmBanner() {
  const { t } = useTranslation("feeds");
  const location = useLocation();
  const allowed = useCan("feeds.health");
  const words = useAlarmWords();
  const q = useFeedHealth({ banner: true, enabled: allowed });
  const alarms = q.data?.alarms ?? [];
  if (!allowed || alarms.length === 0 || location.pathname === "/feeds") return null;
  const more = alarms.length - 1;
  return (
    <Paper withBorder px="xs" py={6} mb="sm" bg="orange.0" style={{ borderColor: "var(--mantine-color-orange-4)" }} role="alert" data-testid="feed-alarm-banner">
      {/* The words take the line; on a phone the link goes under them, at the right (beside them it left the words a narrow column). */}
      <Group gap="xs" wrap="wrap" justify="space-between" style={{ rowGap: 2 }}>
        <Group gap="xs" wrap="nowrap" align="flex-start" style={{ flex: "1 1 18rem", minWidth: 0 }}>
          <IconActivityHeartbeat size={18} color="var(--mantine-color-orange-8)" style={{ flexShrink: 0, marginTop: 1 }} />
          <Text size="sm" c="orange.9" style={{ minWidth: 0 }}>
            {t("banner", { summary: words(alarms[0]) })}
            {more > 0 && ` ${t("bannerMore", { count: more })}`}
          </Text>
        </Group>
        <Anchor component={Link} to="/feeds" size="sm" fw={700} c="orange.9" style={{ whiteSpace: "nowrap", marginLeft: "auto" }}>
          {t("open")}
        </Anchor>
      </Group>
    </Paper>
  );
}
