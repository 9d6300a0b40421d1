// The header's language switch (English / 日本語). A signed-in person's choice is saved on their staff
// record (auth.setLanguage) so it follows them; signed out, it is remembered in this browser only.
import { SegmentedControl } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { LANGUAGES, type Language } from "../../shared/language.ts";
import { useTRPC } from "../trpc.ts";
import { useMe } from "../features/auth/useMe.ts";
import { useLanguage } from "../components/format.tsx";
import { applyLanguage } from "./index.ts";

export function LanguageSwitch({ size = "xs" }: { size?: "xs" | "sm" }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const me = useMe();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const save = useMutation(
    trpc.auth.setLanguage.mutationOptions({
      onSuccess: (r) => queryClient.setQueryData(trpc.auth.me.queryKey(), (old) => (old ? { ...old, language: r.language } : old)),
    }),
  );
  const choose = (value: string) => {
    const language = value as Language;
    applyLanguage(language);
    if (me.data?.user) save.mutate({ language });
  };
  return (
    <SegmentedControl
      size={size}
      value={lang}
      onChange={choose}
      aria-label={t("language.label")}
      data-testid="language-switch"
      data={LANGUAGES.map((l) => ({ value: l, label: t(`language.${l}`) }))}
    />
  );
}

/** Once signed in, the language stored on the person's record wins over this browser's. */
export function LanguageSync() {
  const me = useMe();
  const stored = me.data?.user ? me.data.language : null;
  useEffect(() => {
    if (stored) applyLanguage(stored);
  }, [stored]);
  return null;
}
