// The evidence against the wallets behind a case: the scorer's reasons with their evidence text,
// the review label and a link to the account's page (timeline, links, spends).
import { Badge, Group, List, Paper, Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useRuleLabel } from "../../i18n/words.ts";
import { AccountLink } from "../../components/AccountLink.tsx";

export interface WalletEvidence {
  id: string;
  holderName: string;
  riskScore: number;
  riskReasons: Array<{ code: string; points: number; evidence: string }>;
  reviewLabel: string | null;
  flaggedAt: Date | null;
  openedAt: Date;
  status: string;
  chargeCount: number;
  chargedYen: number;
}

export function EvidencePanel({ wallets }: { wallets: WalletEvidence[] }) {
  const { t } = useTranslation("compensation");
  const ruleLabel = useRuleLabel();
  if (wallets.length === 0) return <Text c="dimmed">{t("evidence.none")}</Text>;
  return (
    <Stack gap="xs">
      {wallets.map((w) => (
        <Paper withBorder p="sm" key={w.id} data-testid="wallet-evidence">
          <Group justify="space-between" mb={4}>
            <Group gap="xs">
              <AccountLink accountId={w.id} fw={600}>
                {t("evidence.wallet", { id: w.id })}
              </AccountLink>
              <Text size="sm" c="dimmed">
                {w.holderName}
              </Text>
            </Group>
            <Group gap={6}>
              <Badge color={w.riskScore >= 60 ? "red" : "gray"} variant="light">
                {t("evidence.risk", { score: w.riskScore })}
              </Badge>
              {w.reviewLabel === "CONFIRMED_FRAUD" && <Badge color="red">{t("evidence.confirmedFraud")}</Badge>}
              {w.reviewLabel === "LEGITIMATE" && <Badge color="green">{t("evidence.legitimate")}</Badge>}
              {w.status === "FROZEN" && <Badge color="blue" variant="light">{t("evidence.frozen")}</Badge>}
            </Group>
          </Group>
          <Text size="xs" c="dimmed" mb={4}>
            {t("evidence.opened", { at: w.openedAt })}
            {w.flaggedAt && t("evidence.flagged", { at: w.flaggedAt })}
            {t("evidence.charges", { count: w.chargeCount, yen: w.chargedYen })}
          </Text>
          {w.riskReasons.length === 0 ? (
            <Text size="sm" c="dimmed">
              {w.reviewLabel === "CONFIRMED_FRAUD" ? t("evidence.noReasonsConfirmed") : t("evidence.noReasons")}
            </Text>
          ) : (
            <List size="sm" spacing={2}>
              {w.riskReasons.map((r) => (
                <List.Item key={r.code}>
                  <Text span fw={500} size="sm">
                    {ruleLabel(r.code)}
                  </Text>{" "}
                  <Text span c="dimmed" size="sm">
                    (+{r.points})
                  </Text>{" "}
                  {r.evidence}
                </List.Item>
              ))}
            </List>
          )}
        </Paper>
      ))}
    </Stack>
  );
}
