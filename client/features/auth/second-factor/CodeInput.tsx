// The one code field of the second factor: the app's 6 digits or a recovery code.
import { TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";

export function CodeInput({ value, onChange, error, label, autoFocus = true }: { value: string; onChange: (v: string) => void; error?: string; label?: string; autoFocus?: boolean }) {
  const { t } = useTranslation("secondFactor");
  return (
    <TextInput
      label={label ?? t("code.label")}
      description={label ? undefined : t("code.description")}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      autoComplete="one-time-code"
      inputMode="text"
      maxLength={40}
      error={error}
      autoFocus={autoFocus}
      required
    />
  );
}
