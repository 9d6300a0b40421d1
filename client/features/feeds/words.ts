// One feed alarm in words, shared by the Feed health page and the banner on every page.
import { useTranslation } from "react-i18next";
import { UNASKED_WINDOW_MINUTES, type FeedAlarm } from "../../../shared/feeds/health.ts";

export function useAlarmWords() {
  const { t } = useTranslation("feeds");
  return (a: FeedAlarm) =>
    a.kind === "QUIET"
      ? t("alarm.QUIET", { bank: a.bankName, code: a.bankCode, type: t(`types.${a.eventType}`), at: a.lastEventAt, expected: Math.round(a.expectedInGap) })
      : t("alarm.UNASKED", { bank: a.bankName, code: a.bankCode, type: t(`types.${a.eventType}`), count: a.unasked, minutes: UNASKED_WINDOW_MINUTES });
}
