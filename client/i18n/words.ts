// Small helpers for sentences built from parts: lists in the reader's language, the translated
// words for a suspension's scopes. English keeps the console's "a, b and c".
import { useTranslation } from "react-i18next";
import type { SuspensionScope } from "../../shared/suspensions/schemas.ts";
import { ruleLabel } from "../../shared/accounts/labels.ts";
import { useLanguage } from "../components/format.tsx";
import type { Language } from "../../shared/language.ts";

const SCOPE_ORDER: SuspensionScope[] = ["REGISTRATION", "LINK_CHANGE", "CHARGE"];

export function joinWords(words: readonly string[], lang: Language): string {
  if (words.length <= 1) return words.join("");
  if (lang === "ja") return words.join("・");
  return `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

/** scopeWords(["REGISTRATION", "LINK_CHANGE"]) → "registrations and link changes" / "新規登録・連携変更". */
export function useScopeWords() {
  const { t } = useTranslation();
  const lang = useLanguage();
  return (scopes: readonly string[]) => joinWords(SCOPE_ORDER.filter((s) => scopes.includes(s)).map((s) => t(`scopeWords.${s}`)), lang);
}

/** The one label of a scoring rule (shared/accounts/labels.ts) in the reader's language. */
export function useRuleLabel() {
  const { t } = useTranslation();
  return (code: string) => t(`rules.${code as "NAME_MISMATCH"}`, { defaultValue: ruleLabel(code) });
}
