// A bank's proposed actions on its page (#17, registered in client/slots.ts): the pending one with
// "Review" for a manager, and the recent decisions with who, when and why.
import { Badge, Button, Card, Group, Stack, Text, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useCan } from "../auth/useMe.ts";
import { useBankProposals } from "./queries.ts";
import { useProposalWords } from "./ProposalLine.tsx";
import { ProposalReviewDialog } from "./ProposalReviewDialog.tsx";

const STATUS_COLOR = { PENDING: "yellow", CONFIRMED: "red", DISMISSED: "gray" } as const;

export function ProposalsPanel({ bankCode }: { bankCode: string }) {
  const { t } = useTranslation("suspensions");
  const allowed = useCan("proposals.forBank");
  const canDecide = useCan("proposals.confirm");
  const words = useProposalWords();
  const q = useBankProposals(bankCode, allowed);
  const [reviewing, setReviewing] = useState<string | null>(null);
  const list = q.data ?? [];
  if (!allowed || list.length === 0) return null;
  const open = list.find((p) => p.id === reviewing && p.status === "PENDING") ?? null;
  return (
    <Card withBorder data-testid="proposals-panel">
      <Stack gap="xs">
        <Title order={4}>{t("proposal.panelTitle")}</Title>
        {list.map((p) => (
          <Group key={p.id} justify="space-between" wrap="wrap" data-testid={`bank-proposal-${p.status}`}>
            <Stack gap={0} style={{ flex: "1 1 20rem" }}>
              <Group gap="xs">
                <Badge size="sm" variant="light" color={STATUS_COLOR[p.status]}>
                  {t(`proposal.status.${p.status}`)}
                </Badge>
                <Text size="sm">{words(p)}</Text>
              </Group>
              <Text size="xs" c="dimmed">
                {p.status === "PENDING"
                  ? t("proposal.proposedAt", { at: new Date(p.createdAt) })
                  : t(p.status === "CONFIRMED" ? "proposal.confirmedBy" : "proposal.dismissedBy", { who: p.decidedBy ?? "?", at: new Date(p.decidedAt ?? p.createdAt), reason: p.decisionReason ?? "" })}
              </Text>
            </Stack>
            {p.status === "PENDING" && canDecide && (
              <Button size="xs" color="yellow.8" onClick={() => setReviewing(p.id)} data-testid="review-bank-proposal">
                {t("proposal.review")}
              </Button>
            )}
          </Group>
        ))}
      </Stack>
      {canDecide && <ProposalReviewDialog proposal={open} onClose={() => setReviewing(null)} />}
    </Card>
  );
}
