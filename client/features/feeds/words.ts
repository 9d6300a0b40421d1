// One feed alarm in words, shared by the Feed health page and the banner on every page.
import { useTranslation } from "react-i18next";
import { UNASKED_WINDOW_MINUTES, type FeedAlarm } from "../../../shared/feeds/health.ts";
import { bankNameIn } from "../../../shared/format.ts";
import { useLanguage } from "../../components/format.tsx";

export function useAlarmWords() {
  const { t } = useTranslation("feeds");
  const lang = useLanguage();
  return (a: FeedAlarm) =>
    a.kind === "QUIET"
      ? t("alarm.QUIET", { bank: bankNameIn(lang, a.bankName, a.bankNameJa), code: a.bankCode, type: t(`types.${a.eventType}`), at: a.lastEventAt, expected: Math.round(a.expectedInGap) })
      : t("alarm.UNASKED", { bank: bankNameIn(lang, a.bankName, a.bankNameJa), code: a.bankCode, type: t(`types.${a.eventType}`), count: a.unasked, minutes: UNASKED_WINDOW_MINUTES });
}
