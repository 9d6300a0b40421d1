// Yen, counts and JST times as the reader's language writes them (shared/format.ts), re-rendered
// when the language changes. useFormat gives the same functions for strings and chart ticks.
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { formatCount, formatDurationWords, formatJst, formatJstDate, formatYen } from "../../shared/format.ts";
import { DEFAULT_LANGUAGE, toLanguage, type Language } from "../../shared/language.ts";

export function useLanguage(): Language {
  const { i18n } = useTranslation();
  return toLanguage(i18n.resolvedLanguage ?? i18n.language) ?? DEFAULT_LANGUAGE;
}

export function useFormat() {
  const lang = useLanguage();
  return useMemo(
    () => ({
      lang,
      yen: (v: number | bigint) => formatYen(v, lang),
      count: (v: number | bigint) => formatCount(v, lang),
      jst: (at: Date | string | number) => formatJst(at, lang),
      jstDate: (at: Date | string | number) => formatJstDate(at, lang),
      duration: (seconds: number) => formatDurationWords(seconds, lang),
    }),
    [lang],
  );
}

export function Yen({ value }: { value: number | bigint }) {
  const f = useFormat();
  return <span style={{ fontVariantNumeric: "tabular-nums" }}>{f.yen(value)}</span>;
}

export function Count({ value }: { value: number | bigint }) {
  const f = useFormat();
  return <span style={{ fontVariantNumeric: "tabular-nums" }}>{f.count(value)}</span>;
}

export function JstTime({ at }: { at: Date | string | number | null | undefined }) {
  const f = useFormat();
  if (at === null || at === undefined) return <span>—</span>;
  const d = new Date(at);
  return <time dateTime={d.toISOString()}>{f.jst(d)}</time>;
}
