// Yen, counts and JST times as the reader's language writes them (shared/format.ts), re-rendered
// when the language changes. useFormat gives the same functions for strings and chart ticks.
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { bankNameIn, formatCount, formatDurationWords, formatJst, formatJstDate, formatYen } from "../../shared/format.ts";
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
      /** A bank's name in the reader's language (its Japanese name in Japanese, when known). */
      bank: (name: string, nameJa: string | null | undefined) => bankNameIn(lang, name, nameJa),
    }),
    [lang],
  );
}

/**
 * Bank names in the reader's language by code, from a list that carries both names. The same Map
 * while the names stay the same, so a refresh that changes only figures does not redraw what shows names.
 */
export function useBankNames(banks: ReadonlyArray<{ code: string; name: string; nameJa: string | null }> | undefined): ReadonlyMap<string, string> {
  const lang = useLanguage();
  const key = useMemo(() => JSON.stringify((banks ?? []).map((b) => [b.code, bankNameIn(lang, b.name, b.nameJa)])), [banks, lang]);
  return useMemo(() => new Map(JSON.parse(key) as Array<[string, string]>), [key]);
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
