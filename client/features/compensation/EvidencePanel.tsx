// The evidence against the wallets behind a case: the scorer's reasons with their evidence text,
// the review label and a link to the account's page (timeline, links, spends).
import { Badge, Group, List, Paper, Stack, Text } from "@mantine/core";
import { JstTime, Yen } from "../../components/format.tsx";
import { ruleLabel } from "../../../shared/accounts/labels.ts";
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
  if (wallets.length === 0) return <Text c="dimmed">No wallet information.</Text>;
  return (
    <Stack gap="xs">
      {wallets.map((w) => (
        <Paper withBorder p="sm" key={w.id} data-testid="wallet-evidence">
          <Group justify="space-between" mb={4}>
            <Group gap="xs">
              <AccountLink accountId={w.id} fw={600}>
                Wallet {w.id}
              </AccountLink>
              <Text size="sm" c="dimmed">
                {w.holderName}
              </Text>
            </Group>
            <Group gap={6}>
              <Badge color={w.riskScore >= 60 ? "red" : "gray"} variant="light">
                risk {w.riskScore}
              </Badge>
              {w.reviewLabel === "CONFIRMED_FRAUD" && <Badge color="red">confirmed fraud</Badge>}
              {w.reviewLabel === "LEGITIMATE" && <Badge color="green">marked legitimate</Badge>}
              {w.status === "FROZEN" && <Badge color="blue" variant="light">frozen</Badge>}
            </Group>
          </Group>
          <Text size="xs" c="dimmed" mb={4}>
            Opened <JstTime at={w.openedAt} />
            {w.flaggedAt && (
              <>
                {" "}
                · flagged <JstTime at={w.flaggedAt} />
              </>
            )}{" "}
            · {w.chargeCount} charge{w.chargeCount === 1 ? "" : "s"} in this case, <Yen value={w.chargedYen} />
          </Text>
          {w.riskReasons.length === 0 ? (
            <Text size="sm" c="dimmed">
              No scoring reasons recorded{w.reviewLabel === "CONFIRMED_FRAUD" ? " (confirmed by a person)" : ""}.
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
