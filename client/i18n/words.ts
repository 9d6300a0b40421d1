// Small helpers for sentences built from parts: lists in the reader's language, the translated
// words for a suspension's scopes. English keeps the console's "a, b and c".
import { useTranslation } from "react-i18next";
import type { SuspensionScope } from "../../shared/suspensions/schemas.ts";
import { ruleLabel } from "../../shared/accounts/labels.ts";
import { useFormat, useLanguage } from "../components/format.tsx";
import type { Language } from "../../shared/language.ts";
import type { Role } from "../../shared/auth/roles.ts";

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

/** The one label of each role (common:roles), in the reader's language. */
export function useRoleLabel() {
  const { t } = useTranslation();
  return (role: Role) => t(`roles.${role}`);
}

/** One line for a suspension record, e.g. "Registrations and link changes suspended since 2026-11-25 13:05 JST". */
export function useDescribeSuspension() {
  const { t } = useTranslation("suspensions");
  const { jst } = useFormat();
  const scopeWords = useScopeWords();
  return (s: { scopes: readonly SuspensionScope[]; startsAt: Date; state: "ACTIVE" | "SCHEDULED" | "LIFTED"; liftedAt?: Date | null }) => {
    const words = scopeWords(s.scopes);
    const what = words.charAt(0).toUpperCase() + words.slice(1);
    if (s.state === "SCHEDULED") return t("describe.scheduled", { what, at: s.startsAt });
    if (s.state === "LIFTED") return t("describe.lifted", { what, at: s.startsAt, until: s.liftedAt ? jst(s.liftedAt) : "?" });
    return t("describe.active", { what, at: s.startsAt });
  };
}
