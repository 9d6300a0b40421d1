// Proposed actions on every page (#17), under the incident banner, where a manager looks first:
// "Proposed: suspend new registrations at The 77 Bank from 02:10 JST — Review". A manager reviews
// in place (the dialog is loaded only when opened); other roles follow the link to the bank page.
import { lazy, Suspense, useState } from "react";
import { Anchor, Button, Group, Paper, Stack, Text } from "@mantine/core";
import { IconBulb } from "@tabler/icons-react";
import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { useCan } from "../auth/useMe.ts";
import { useOpenProposals } from "./queries.ts";
import { useProposalWords } from "./ProposalLine.tsx";

const ProposalReviewDialog = lazy(() => import("./ProposalReviewDialog.tsx").then((m) => ({ default: m.ProposalReviewDialog })));

/** How many proposals the strip lists before "+N more". */
const STRIP_PROPOSALS = 3;

export function ProposalsBanner() {
  const { t } = useTranslation("suspensions");
  const allowed = useCan("proposals.open");
  const canDecide = useCan("proposals.confirm");
  const words = useProposalWords();
  const q = useOpenProposals(allowed);
  const [reviewing, setReviewing] = useState<string | null>(null);
  const list = q.data ?? [];
  if (!allowed || list.length === 0) return null;
  const open = list.find((p) => p.id === reviewing) ?? null;
  return (
    <Paper withBorder px="xs" py={6} mb="sm" bg="yellow.0" style={{ borderColor: "var(--mantine-color-yellow-5)" }} role="region" aria-label={t("proposal.bannerLabel")} data-testid="proposals-banner">
      <Stack gap={4}>
        {list.slice(0, STRIP_PROPOSALS).map((p) => (
          <Group key={p.id} gap="xs" wrap="wrap" justify="space-between" style={{ rowGap: 2 }} data-testid={`proposal-${p.bankCode}`}>
            <Group gap="xs" wrap="nowrap" align="flex-start" style={{ flex: "1 1 18rem", minWidth: 0 }}>
              <IconBulb size={18} color="var(--mantine-color-yellow-8)" style={{ flexShrink: 0, marginTop: 1 }} />
              <Text size="sm" style={{ minWidth: 0 }}>
                <Anchor component={Link} to={`/banks/${p.bankCode}`} c="inherit">
                  {words(p)}
                </Anchor>
              </Text>
            </Group>
            {canDecide && (
              <Button size="compact-sm" color="yellow.8" onClick={() => setReviewing(p.id)} data-testid={`review-proposal-${p.bankCode}`}>
                {t("proposal.review")}
              </Button>
            )}
          </Group>
        ))}
        {list.length > STRIP_PROPOSALS && (
          <Text size="xs" c="dimmed">
            {t("proposal.more", { count: list.length - STRIP_PROPOSALS })}
          </Text>
        )}
      </Stack>
      {canDecide && open && (
        <Suspense fallback={null}>
          <ProposalReviewDialog proposal={open} onClose={() => setReviewing(null)} />
        </Suspense>
      )}
    </Paper>
  );
}
