// One wallet account's whole story on one screen: who it is, why it scored what it did (each
// reason with its evidence and contribution), every bank account it linked, its money in and out
// on one timeline, the accounts it shares a device, IP address or bank account with, and what staff
// did about it.
import { Alert, Anchor, Badge, Button, Center, Group, Loader, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { IconArrowLeft, IconCash } from "@tabler/icons-react";
import { useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { useTranslation } from "react-i18next";
import { errorMessage, isNotFound } from "../../lib/errors.ts";
import { useCan } from "../auth/useMe.ts";
import { LinksCard, ProfileCard, ReasonsCard, RelatedCard, StaffActionsCard, TimelineCard } from "./account-sections.tsx";
import { LabelBadge, ReasonDialog, StatusBadge, type AccountActionName } from "./parts.tsx";
import { useAccount } from "./queries.ts";
import { RingCard } from "./RingCard.tsx";
import { ReviewBanner, useGoToNextReview } from "./ReviewQueue.tsx";

export default function AccountPage() {
  const { t } = useTranslation("accounts");
  const { accountId = "" } = useParams();
  const q = useAccount(accountId);
  const canAct = useCan("accounts.freeze");
  const canCompensate = useCan("compensation.create");
  const [dialog, { open, close }] = useDisclosure(false);
  const [action, setAction] = useState<AccountActionName>("freeze");
  // Review mode (opened from the review queue): a label moves on to the next wallet.
  const [searchParams] = useSearchParams();
  const reviewMode = searchParams.get("review") === "1";
  const nextReview = useGoToNextReview();
  const labelled = () => {
    if (reviewMode && (action === "markConfirmedFraud" || action === "markLegitimate")) nextReview.go();
  };
  const start = (a: AccountActionName) => {
    setAction(a);
    open();
  };

  if (q.isPending) {
    return (
      <Center p="xl">
        <Loader aria-label={t("account.loading")} />
      </Center>
    );
  }
  if (q.error) {
    return (
      <Stack>
        <Anchor component={Link} to="/accounts" size="sm"><IconArrowLeft size={12} /> {t("account.back")}</Anchor>
        <Alert color="red" title={isNotFound(q.error) ? t("account.notFound") : t("account.cannotShow")} data-testid={isNotFound(q.error) ? "page-not-found" : undefined}>{errorMessage(q.error)}</Alert>
      </Stack>
    );
  }
  const d = q.data;
  const a = d.account;
  return (
    <Stack>
      <Anchor component={Link} to="/accounts" size="sm">
        <IconArrowLeft size={12} /> {t("account.back")}
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <div>
          <Group gap="sm">
            <Title order={2} ff="monospace">{a.id}</Title>
            <StatusBadge status={a.status} />
            <LabelBadge label={a.reviewLabel} />
            {a.flagged && <Badge color="red" variant="outline">{t("account.flagged")}</Badge>}
          </Group>
          <Text size="lg">{a.holderName}</Text>
        </div>
        <Group gap="xs">
          {canAct && (
            <>
              {a.status === "ACTIVE" ? (
                <Button color="blue" onClick={() => start("freeze")}>{t("action.freeze.button")}</Button>
              ) : (
                <Button variant="default" onClick={() => start("unfreeze")}>{t("action.unfreeze.button")}</Button>
              )}
              {a.reviewLabel !== "CONFIRMED_FRAUD" && <Button variant="light" color="red" onClick={() => start("markConfirmedFraud")}>{t("action.markConfirmedFraud.button")}</Button>}
              {a.reviewLabel !== "LEGITIMATE" && <Button variant="light" color="green" onClick={() => start("markLegitimate")}>{t("action.markLegitimate.button")}</Button>}
            </>
          )}
          {canCompensate && (
            <Button component={Link} to={`/compensation/new?accountId=${encodeURIComponent(a.id)}`} variant="default" leftSection={<IconCash size={16} />}>
              {t("account.compensate")}
            </Button>
          )}
        </Group>
      </Group>

      <ReviewBanner d={d} reviewMode={reviewMode} />

      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <ReasonsCard d={d} />
        <ProfileCard d={d} />
      </SimpleGrid>

      <LinksCard d={d} />

      <TimelineCard d={d} />

      <RingCard accountId={a.id} />

      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <RelatedCard d={d} />
        <StaffActionsCard d={d} />
      </SimpleGrid>
      <ReasonDialog action={action} accountIds={[a.id]} opened={dialog} onClose={close} onDone={labelled} />
    </Stack>
  );
}
