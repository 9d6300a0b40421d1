// The review queue (#16) on the accounts pages: how many flagged wallets nobody has reviewed and how
// long the oldest has waited, who is reviewing what, and "Review next", which takes the next wallet
// for this person alone and opens it in review mode (after each label the page moves on by itself).
import { Alert, Button, Group, Paper, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconPlayerTrackNext } from "@tabler/icons-react";
import { useNavigate } from "react-router";
import { useTranslation } from "react-i18next";
import { useFormat } from "../../components/format.tsx";
import { errorMessage } from "../../lib/errors.ts";
import { useCan, useMe } from "../auth/useMe.ts";
import { useReviewNext, useReviewRelease, useReviewStats } from "./queries.ts";
import type { RouterOutputs } from "../../trpc.ts";

type AccountDetail = RouterOutputs["accounts"]["get"];

/** Takes the next wallet and opens it in review mode; says so when the queue is empty. */
export function useGoToNextReview() {
  const { t } = useTranslation("accounts");
  const navigate = useNavigate();
  const next = useReviewNext();
  const go = () =>
    next.mutate(undefined, {
      onSuccess: (claim) => {
        if (claim) navigate(`/accounts/${encodeURIComponent(claim.accountId)}?review=1`);
        else {
          notifications.show({ color: "green", message: t("review.empty") });
          navigate("/accounts?sort=flaggedAt");
        }
      },
      onError: (err) => notifications.show({ color: "red", message: errorMessage(err) }),
    });
  return { go, busy: next.isPending };
}

export function ReviewQueueStrip() {
  const { t } = useTranslation("accounts");
  const f = useFormat();
  const canReview = useCan("accounts.reviewNext");
  const stats = useReviewStats();
  const { go, busy } = useGoToNextReview();
  const s = stats.data;
  const waitedSeconds = s?.oldestFlaggedAt ? Math.max(0, (Date.now() - new Date(s.oldestFlaggedAt).getTime()) / 1000) : 0;
  return (
    <Paper withBorder p="sm" data-testid="review-queue">
      <Group justify="space-between" wrap="wrap" gap="xs">
        <div>
          <Text fw={600} size="sm">{t("review.title")}</Text>
          <Text size="sm" c="dimmed" data-testid="review-queue-summary">
            {stats.error
              ? t("review.failed", { message: errorMessage(stats.error) })
              : !s
              ? t("review.loading")
              : s.unreviewed === 0
                ? t("review.none")
                : t("review.summary", { count: s.unreviewed, claimed: f.count(s.claimed), oldest: f.duration(waitedSeconds) })}
          </Text>
          {s && s.reviewers.length > 0 && (
            <Text size="xs" c="dimmed" data-testid="review-queue-reviewers">
              {s.reviewers.map((r) => t(r.holding ? "review.reviewerHolding" : "review.reviewer", { email: r.email, count: r.labelled24h, holding: r.holding })).join(" · ")}
            </Text>
          )}
        </div>
        {canReview && (
          <Button leftSection={<IconPlayerTrackNext size={16} />} onClick={go} loading={busy} disabled={busy || s?.unreviewed === 0}>
            {t("review.next")}
          </Button>
        )}
      </Group>
    </Paper>
  );
}

/** On the account page: who holds this wallet; in review mode, give it back or move on. */
export function ReviewBanner({ d, reviewMode }: { d: AccountDetail; reviewMode: boolean }) {
  const { t } = useTranslation("accounts");
  const f = useFormat();
  const me = useMe();
  const release = useReviewRelease();
  const { go, busy } = useGoToNextReview();
  const holder = d.review;
  const mine = holder && me.data?.user?.id === holder.staffId;
  if (!holder && !reviewMode) return null;
  return (
    <Alert color={holder && !mine ? "yellow" : "blue"} data-testid="review-banner">
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Text size="sm">
          {!holder ? t("review.notHeld") : mine ? t("review.yours", { until: f.jst(holder.expiresAt) }) : t("review.theirs", { email: holder.email, until: f.jst(holder.expiresAt) })}
        </Text>
        {reviewMode && (
          <Group gap="xs">
            {mine && (
              <Button size="xs" variant="default" loading={release.isPending} onClick={() => release.mutate({ accountId: d.account.id }, { onSuccess: go })}>
                {t("review.giveBack")}
              </Button>
            )}
            {!mine && <Button size="xs" onClick={go} loading={busy} disabled={busy}>{t("review.next")}</Button>}
          </Group>
        )}
      </Group>
    </Alert>
  );
}
