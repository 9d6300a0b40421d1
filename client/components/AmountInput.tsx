// The one input for yen amounts. What the person typed stays exactly as typed (no reformatting, no
// dropped characters): shared/amount.ts reads it ("1,000", full-width "１０００" → 1000) or refuses it
// with words ("50.5": yen has no decimals). The caller keeps the text and reads it with useYenAmount.
import { TextInput, type TextInputProps } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { parseYenAmount, type AmountReading } from "../../shared/amount.ts";

export interface AmountLimits {
  min?: number;
  max?: number;
}

/** The amount the text says, or why it says none, in the reader's language. */
export function useAmountWords() {
  const { t } = useTranslation();
  return (reading: AmountReading): string | null => {
    if (reading.ok) return null;
    if (reading.problem === "tooLarge" && reading.limit === undefined) return t("amount.tooLargeNoLimit");
    if (reading.problem === "tooSmall" || reading.problem === "tooLarge") return t(`amount.${reading.problem}`, { limit: reading.limit });
    return t(`amount.${reading.problem}`);
  };
}

type Props = Omit<TextInputProps, "value" | "onChange" | "leftSection" | "inputMode" | "error"> & {
  value: string;
  onChange: (text: string) => void;
  limits?: AmountLimits;
  /** Say nothing about an empty box (e.g. before the person starts typing). */
  allowEmpty?: boolean;
  /** Say under the box how a grouped or full-width entry was read (off in tight table cells). */
  showReading?: boolean;
  /** An error from elsewhere (e.g. more than is left to pay back); the amount's own problem comes first. */
  error?: React.ReactNode;
};

export function AmountInput({ value, onChange, limits, allowEmpty = false, showReading = true, error, description, ...rest }: Props) {
  const { t } = useTranslation();
  const words = useAmountWords();
  const reading = parseYenAmount(value, limits);
  const problem = rest.disabled || (value.trim() === "" && allowEmpty) ? null : words(reading);
  // Show how a grouped or full-width entry was read, so nobody has to trust a silent conversion.
  const readAs = showReading && reading.ok && value.trim() !== String(reading.value);
  return (
    <TextInput
      {...rest}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      inputMode="numeric"
      autoComplete="off"
      leftSection="¥"
      leftSectionWidth={28}
      error={problem ?? error}
      description={readAs && reading.ok && !error ? t("amount.readAs", { value: reading.value }) : description}
    />
  );
}
