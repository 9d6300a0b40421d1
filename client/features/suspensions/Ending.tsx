// Suspensions that end and get reviewed (#17): what a suspension's end time and review date read as
// (EndsText), the "ending soon / due for review" list (the suspensions page, a bank's panel), the
// managers' banner with the count, and the dialog in which a manager moves or clears the times.
import { useState } from "react";
import { Alert, Anchor, Badge, Button, Group, Modal, Paper, Stack, Text, Textarea, TextInput, Title } from "@mantine/core";
import { IconClockHour4 } from "@tabler/icons-react";
import { Link, useLocation } from "react-router";
import { useTranslation } from "react-i18next";
import { useFormat } from "../../components/format.tsx";
import { useSubmitOnce } from "../../components/submit-once.ts";
import { errorMessage } from "../../lib/errors.ts";
import { useCan } from "../auth/useMe.ts";
import { REASON_LENGTH_MIN } from "../../../shared/limits.ts";
import { parseJstInput, toJstInput } from "./jst-input.ts";
import { useSetSuspensionTimes, useSuspensionAttention } from "./queries.ts";

interface Timed {
  id: string;
  bankCode: string;
  bankName: string;
  endsAt: Date | string | null;
  reviewAt: Date | string | null;
  ended?: boolean;
  liftedAt?: Date | string | null;
}

/** "ends at 2026-12-07 15:00 JST · review 2026-12-06 10:00 JST", "ended at its end time", or "—". */
export function EndsText({ s }: { s: Timed }) {
  const { t } = useTranslation("suspensions");
  const f = useFormat();
  if (s.ended) return <Text size="sm" data-testid="suspension-ended">{t("ending.endedAtEnd")}</Text>;
  if (s.liftedAt) return <Text size="sm">—</Text>;
  const parts: string[] = [];
  if (s.endsAt) parts.push(t("ending.endsAt", { at: f.jst(s.endsAt) }));
  if (s.reviewAt) parts.push(t("ending.reviewAt", { at: f.jst(s.reviewAt) }));
  return (
    <Text size="sm" style={{ whiteSpace: "nowrap" }} data-testid="suspension-ends">
      {parts.length ? parts.join(" · ") : t("ending.untilLifted")}
    </Text>
  );
}

/** The suspensions that end or are due for review within 24 hours (of one bank when given). */
export function AttentionList({ bankCode }: { bankCode?: string }) {
  const { t } = useTranslation("suspensions");
  const f = useFormat();
  const q = useSuspensionAttention(bankCode);
  const canEdit = useCan("suspensions.setTimes");
  const [editing, setEditing] = useState<Timed | null>(null);
  const rows = q.data?.rows ?? [];
  if (q.error) return <Alert color="red">{errorMessage(q.error)}</Alert>;
  if (rows.length === 0) return null;
  return (
    <Paper withBorder p="sm" bg="yellow.0" data-testid="suspension-attention">
      <Stack gap={6}>
        <Group gap="xs">
          <IconClockHour4 size={18} />
          <Title order={5}>{t("ending.attentionTitle", { count: rows.length })}</Title>
        </Group>
        {rows.map((r) => (
          <Group key={r.id} justify="space-between" wrap="wrap" gap="xs">
            <Text size="sm">
              {!bankCode && (
                <Anchor component={Link} to={`/banks/${r.bankCode}`} size="sm" fw={600}>
                  {f.bank(r.bankName, r.bankNameJa)} ({r.bankCode})
                </Anchor>
              )}{" "}
              {r.items.map((i) => (
                <Badge key={i.kind} color={i.overdue ? "red" : i.kind === "ENDS" ? "blue" : "yellow"} variant="light" mr={4}>
                  {t(i.kind === "ENDS" ? (i.overdue ? "ending.endingNow" : "ending.endsAt") : i.overdue ? "ending.reviewOverdue" : "ending.reviewAt", { at: f.jst(i.at) })}
                </Badge>
              ))}
            </Text>
            {canEdit && (
              <Button size="compact-xs" variant="default" onClick={() => setEditing({ ...r })}>
                {t("ending.edit")}
              </Button>
            )}
          </Group>
        ))}
      </Stack>
      {canEdit && <SuspensionTimesDialog suspension={editing} onClose={() => setEditing(null)} />}
    </Paper>
  );
}

/** For managers, on every page but /suspensions: how many suspensions end or are due for review within 24 h. */
export function SuspensionAttentionBanner() {
  const { t } = useTranslation("suspensions");
  const location = useLocation();
  const allowed = useCan("suspensions.setTimes");
  const q = useSuspensionAttention(undefined, allowed);
  const n = q.data?.rows.length ?? 0;
  if (!allowed || n === 0 || location.pathname === "/suspensions") return null;
  return (
    <Paper withBorder px="xs" py={6} mb="sm" bg="yellow.0" role="status" data-testid="suspension-attention-banner">
      <Group gap="xs" justify="space-between">
        <Group gap="xs" wrap="nowrap">
          <IconClockHour4 size={18} />
          <Text size="sm">{t("ending.banner", { count: n })}</Text>
        </Group>
        <Anchor component={Link} to="/suspensions" size="sm" fw={700}>
          {t("ending.open")}
        </Anchor>
      </Group>
    </Paper>
  );
}

export function SuspensionTimesDialog({ suspension, onClose }: { suspension: Timed | null; onClose: () => void }) {
  const { t } = useTranslation("suspensions");
  return (
    <Modal opened={suspension !== null} onClose={onClose} title={t("ending.dialogTitle")} size="lg">
      {suspension && <TimesForm suspension={suspension} onClose={onClose} />}
    </Modal>
  );
}

function TimesForm({ suspension, onClose }: { suspension: Timed; onClose: () => void }) {
  const { t } = useTranslation("suspensions");
  const [endsText, setEndsText] = useState(suspension.endsAt ? toJstInput(new Date(suspension.endsAt)) : "");
  const [reviewText, setReviewText] = useState(suspension.reviewAt ? toJstInput(new Date(suspension.reviewAt)) : "");
  const [reason, setReason] = useState("");
  const save = useSetSuspensionTimes(onClose);
  const { submit, busy } = useSubmitOnce(save);
  const endsAt = endsText.trim() ? parseJstInput(endsText) : null;
  const reviewAt = reviewText.trim() ? parseJstInput(reviewText) : null;
  const endsError = endsText.trim() && !endsAt ? t("dialog.timeError") : null;
  const reviewError = reviewText.trim() && !reviewAt ? t("dialog.timeError") : null;
  const ok = !endsError && !reviewError && reason.trim().length >= REASON_LENGTH_MIN;
  return (
    <Stack>
      <Text size="sm">
        <b>
          {suspension.bankName} ({suspension.bankCode})
        </b>
      </Text>
      <Alert color="blue">{t("ending.endHint")}</Alert>
      <TextInput label={t("ending.endsLabel")} description={t("ending.emptyNone")} value={endsText} onChange={(e) => setEndsText(e.currentTarget.value)} error={endsError} data-testid="times-ends" />
      <TextInput label={t("ending.reviewLabel")} description={t("ending.emptyNone")} value={reviewText} onChange={(e) => setReviewText(e.currentTarget.value)} error={reviewError} data-testid="times-review" />
      <Textarea label={t("dialog.reason")} value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={1} data-testid="times-reason" />
      {!busy && save.error && <Alert color="red">{errorMessage(save.error)}</Alert>}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          {t("dialog.cancel")}
        </Button>
        <Button disabled={!ok || busy} loading={busy} onClick={() => submit({ suspensionId: suspension.id, endsAt, reviewAt, reason })} data-testid="times-save">
          {t("ending.save")}
        </Button>
      </Group>
    </Stack>
  );
}
