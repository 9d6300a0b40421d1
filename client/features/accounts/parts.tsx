// Small pieces shared by the accounts pages: score badge, reason chips, the reason dialog for
// actions, and the action mutations.
import { Badge, Button, Group, Modal, Progress, Stack, Text, Textarea, Tooltip } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { DEFAULT_FLAG_THRESHOLD, SCORE_MAX } from "../../../shared/accounts/index.ts";
import { RULE_LABELS } from "../../../shared/accounts/labels.ts";
import { useTranslation } from "react-i18next";
import { useRuleLabel } from "../../i18n/words.ts";
import type { StoredReason } from "../../../shared/accounts/schemas.ts";
import { REASON_LENGTH_MIN } from "../../../shared/limits.ts";
import { errorMessage } from "../../lib/errors.ts";
import { useAccountActionMutation, type AccountActionName } from "./queries.ts";
import { useSubmitOnce } from "../../components/submit-once.ts";

/** The one label of each rule (shared/accounts/labels.ts), kept under its old name for callers. */
export const RULE_TITLES: Record<string, string> = RULE_LABELS;

const chipStyle = { textTransform: "none", cursor: "help", flexShrink: 0, minWidth: "max-content" } as const;

export function scoreColor(score: number): string {
  if (score >= DEFAULT_FLAG_THRESHOLD) return "red";
  if (score >= DEFAULT_FLAG_THRESHOLD / 2) return "orange";
  return "gray";
}

/** The score as a number and a bar, red from the flag threshold on. */
export function ScoreBar({ score, width = 90 }: { score: number; width?: number }) {
  const { t } = useTranslation("accounts");
  return (
    <Group gap={6} wrap="nowrap" aria-label={t("score", { score, max: SCORE_MAX })}>
      <Text size="sm" fw={600} w={26} ta="right" c={score >= DEFAULT_FLAG_THRESHOLD ? "red.8" : undefined} style={{ fontVariantNumeric: "tabular-nums" }}>
        {score}
      </Text>
      <Progress value={(100 * score) / SCORE_MAX} color={scoreColor(score)} w={width} size="sm" />
    </Group>
  );
}

/** Reasons as readable chips; the tooltip holds the evidence and the points. */
export function ReasonChips({ reasons, max = 4 }: { reasons: StoredReason[]; max?: number }) {
  const { t } = useTranslation("accounts");
  const ruleLabel = useRuleLabel();
  if (reasons.length === 0) return <Text size="xs" c="dimmed">{t("noSignals")}</Text>;
  const shown = reasons.slice(0, max);
  return (
    <Group gap={4} wrap="wrap">
      {shown.map((r) => (
        <Tooltip key={r.code} label={`${ruleLabel(r.code)} (+${r.points}): ${r.evidence}`} multiline w={320} withArrow>
          <Badge variant="light" color={r.points >= 15 ? "red" : r.points >= 10 ? "orange" : "gray"} size="sm" style={chipStyle}>
            {ruleLabel(r.code)} +{r.points}
          </Badge>
        </Tooltip>
      ))}
      {reasons.length > max && (
        <Tooltip label={reasons.slice(max).map((r) => `${ruleLabel(r.code)} (+${r.points})`).join(", ")} multiline w={300}>
          <Badge variant="outline" color="gray" size="sm" style={chipStyle}>
            {t("more", { count: reasons.length - max })}
          </Badge>
        </Tooltip>
      )}
    </Group>
  );
}

export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation("accounts");
  const style = { flexShrink: 0, minWidth: "max-content" } as const;
  return status === "FROZEN" ? <Badge color="blue" variant="filled" size="sm" style={style}>{t("status.FROZEN")}</Badge> : <Badge color="gray" variant="light" size="sm" style={style}>{t("status.ACTIVE")}</Badge>;
}

export function LabelBadge({ label }: { label: string | null }) {
  const { t } = useTranslation("accounts");
  if (label === "CONFIRMED_FRAUD") return <Badge color="red" variant="filled" size="sm" style={{ minWidth: "max-content" }}>{t("label.CONFIRMED_FRAUD")}</Badge>;
  if (label === "LEGITIMATE") return <Badge color="green" variant="light" size="sm" style={{ minWidth: "max-content" }}>{t("label.LEGITIMATE")}</Badge>;
  return <Text size="xs" c="dimmed" style={{ whiteSpace: "nowrap" }}>{t("label.notReviewed")}</Text>;
}

export type { AccountActionName };

/** Each action's colour; its words are in the accounts catalog (action.<name>.button/title/done). */
export const ACTION_COLORS: Record<AccountActionName, string> = { freeze: "blue", unfreeze: "gray", markConfirmedFraud: "red", markLegitimate: "green" };

/** Runs an account action and says what it did; every accounts query is refreshed after. */
export function useAccountAction(action: AccountActionName, onDone?: () => void) {
  const { t } = useTranslation("accounts");
  return useAccountActionMutation(action, (res) => {
    notifications.show({
      color: "green",
      message: `${t("action.result", { count: res.changed, done: t(`action.${action}.done`) })}${res.unchanged ? t("action.already", { count: res.unchanged }) : ""}.`,
    });
    onDone?.();
  });
}

/** Asks for the reason every staff action needs, then runs it for the given accounts. */
export function ReasonDialog({ action, accountIds, opened, onClose, onDone }: { action: AccountActionName; accountIds: string[]; opened: boolean; onClose: () => void; onDone?: () => void }) {
  const { t } = useTranslation("accounts");
  const [reason, setReason] = useState("");
  const mutation = useAccountAction(action, () => {
    setReason("");
    onClose();
    onDone?.();
  });
  const { submit, busy } = useSubmitOnce(mutation);
  const tooShort = reason.trim().length < REASON_LENGTH_MIN;
  const what = accountIds.length === 1 ? t("action.oneAccount", { id: accountIds[0] }) : t("action.manyAccounts", { count: accountIds.length });
  return (
    <Modal opened={opened} onClose={onClose} title={`${t(`action.${action}.title`)}: ${what}`} centered>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!tooShort) submit({ accountIds, reason: reason.trim() });
        }}
      >
        <Stack>
          <Textarea
            label={t("action.reason")}
            description={t(accountIds.length > 1 ? "action.reasonHintMany" : "action.reasonHint", { min: REASON_LENGTH_MIN })}
            placeholder={t("action.reasonPlaceholder")}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            autosize
            minRows={2}
            data-autofocus
            required
          />
          {!busy && mutation.error && (
            <Text c="red" size="sm" role="alert">
              {errorMessage(mutation.error)}
            </Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("action.cancel")}
            </Button>
            <Button type="submit" color={ACTION_COLORS[action]} loading={busy} disabled={tooShort || busy}>
              {t(`action.${action}.button`)}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
