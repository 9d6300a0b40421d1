// The suspend dialog's cutoff: links registered before it keep working. The default is the suggested
// one, the earliest start among the banks' open spike alarms (shared/suspensions/suggest.ts, the
// start the banner and the bank page show), since a hurried manager takes the default; the
// suspension's own start and a typed time are the alternatives.
import { Group, Loader, Radio, Stack, Text, TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { CutoffBasis } from "../../../shared/suspensions/suggest.ts";

export type CutoffMode = "suggested" | "start" | "other";

export interface CutoffSuggestion {
  at: Date;
  basis: CutoffBasis;
}

export interface CutoffChoiceProps {
  /** The mode in effect ("suggested" never, when there is no suggestion). */
  mode: CutoffMode;
  onMode: (mode: CutoffMode) => void;
  /** undefined until the first preview answered; null when there is nothing to suggest. */
  suggestion: CutoffSuggestion | null | undefined;
  many: boolean;
  text: string;
  onText: (text: string) => void;
  error: string | null;
}

export function CutoffChoice({ mode, onMode, suggestion, many, text, onText, error }: CutoffChoiceProps) {
  const { t } = useTranslation("suspensions");
  const basisKey = many ? "dialog.suggestedMany" : "dialog.suggestedOne";
  return (
    <Radio.Group label={t("dialog.cutoffTitle")} value={mode} onChange={(v) => onMode(v as CutoffMode)} data-testid="cutoff-choice" data-mode={mode}>
      <Stack gap={8} mt={6}>
        {suggestion === undefined && (
          <Group gap="xs">
            <Loader size="xs" aria-label={t("dialog.suggestionLoading")} />
            <Text size="sm" c="dimmed">
              {t("dialog.suggestionLoading")}
            </Text>
          </Group>
        )}
        {suggestion && (
          <Radio
            value="suggested"
            label={t("dialog.cutoffSuggested", { at: suggestion.at })}
            description={
              <span data-testid="suggested-cutoff" data-at={suggestion.at.toISOString()} data-basis={suggestion.basis}>
                {t(`${basisKey}.${suggestion.basis}`, { at: suggestion.at })}
              </span>
            }
          />
        )}
        {suggestion === null && (
          <Text size="xs" c="dimmed" data-testid="suggested-cutoff" data-basis="NONE">
            {t(`${basisKey}.NONE`)}
          </Text>
        )}
        <Radio value="start" label={t("dialog.atStart")} />
        <Radio value="other" label={t("dialog.otherTime")} />
        {mode === "other" && (
          <TextInput
            label={t("dialog.cutoff")}
            description={t("dialog.cutoffHint")}
            placeholder="2026-11-23 16:00"
            value={text}
            onChange={(e) => onText(e.currentTarget.value)}
            error={text === "" ? undefined : error}
          />
        )}
      </Stack>
    </Radio.Group>
  );
}
