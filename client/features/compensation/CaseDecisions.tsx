// A manager's decisions on one case (approve, reject, cancel), as buttons with the reason the server
// gives when approving is not allowed, each confirmed with a reason that names whom the money goes
// to. The case page and the approval queue show the same panel.
import { useState, type ReactNode } from "react";
import { Button, Group, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useTranslation } from "react-i18next";
import { ReasonDialog } from "./parts.tsx";
import { useDecisionMutations, type Decision } from "./queries.ts";

/** Each decision's colour; its words are in the compensation catalog (casePage.decision.*). */
const DECISION_COLORS: Record<Decision, string> = { approve: "green", reject: "red", cancel: "gray" };
const BUTTON_VARIANTS: Record<Decision, string> = { approve: "filled", reject: "light", cancel: "default" };

/** The decisions on a case, each saying what it did once the answer comes. */
export function useDecision(onDone?: () => void) {
  const { t } = useTranslation("compensation");
  return useDecisionMutations((d) => notifications.show({ color: "green", message: t(`casePage.decision.${d}.done`) }), onDone);
}

export function CaseDecisions({
  caseId,
  allowed,
  whyNotApprove,
  payTo,
}: {
  caseId: string;
  /** Which decisions the server offers this person on this case. */
  allowed: Partial<Record<Decision, boolean>>;
  whyNotApprove: string | null | undefined;
  /** The sentence in the confirmation: how much goes to whom. */
  payTo: ReactNode;
}) {
  const { t } = useTranslation("compensation");
  const [open, setOpen] = useState<Decision | null>(null);
  const mutations = useDecision(() => setOpen(null));
  const current = open ? mutations[open] : null;
  const offered = (["approve", "reject", "cancel"] as const).filter((d) => allowed[d]);
  return (
    <Stack gap={4} align="flex-end" style={{ flexShrink: 0 }} maw={320}>
      {offered.length > 0 && (
        <Group gap="xs">
          {offered.map((d) => (
            <Button key={d} color={d === "cancel" ? undefined : DECISION_COLORS[d]} variant={BUTTON_VARIANTS[d]} onClick={() => setOpen(d)}>
              {t(`casePage.decision.${d}.button`)}
            </Button>
          ))}
        </Group>
      )}
      {whyNotApprove && (
        <Text size="sm" c="orange.8" ta="right" data-testid="why-not-approve">
          {whyNotApprove}
        </Text>
      )}
      {open && current && (
        <ReasonDialog
          opened
          title={t(`casePage.decision.${open}.title`)}
          description={<Text size="sm">{payTo}</Text>}
          confirmLabel={t(`casePage.decision.${open}.button`)}
          confirmColor={DECISION_COLORS[open]}
          pending={current.isPending}
          error={current.error}
          onConfirm={(reason) => current.mutate({ caseId, reason })}
          onClose={() => setOpen(null)}
        />
      )}
    </Stack>
  );
}
