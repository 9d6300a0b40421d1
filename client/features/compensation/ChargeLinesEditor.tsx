// The new-case form's charge lines: each fraudulent charge from the victim's account with what it
// took, what cases paid and hold for it, what is left, and a tick and an amount to pay back.
import { Badge, Checkbox, Table, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { JstTime, Yen } from "../../components/format.tsx";
import { AmountInput } from "../../components/AmountInput.tsx";
import { AccountLink } from "../../components/AccountLink.tsx";
import type { Victim } from "./queries.ts";
import { BlockNotes } from "./eligibility-parts.tsx";
import type { RuleBlock } from "../../../shared/compensation/eligibility.ts";

export interface LineDraft {
  checked: boolean;
  /** Exactly what was typed; read with shared/amount.ts, never rewritten. */
  amountText: string;
}

export function ChargeLinesEditor({
  charges,
  drafts,
  problems,
  blocks,
  onChange: setDraft,
}: {
  charges: Victim["charges"];
  drafts: Record<string, LineDraft>;
  problems: Record<string, string>;
  /** Eligibility (#18): the rules that block each charge for the claim being typed. */
  blocks?: Record<string, RuleBlock[]>;
  onChange: (chargeId: string, change: Partial<LineDraft>) => void;
}) {
  const { t } = useTranslation(["compensation", "accounts"]);
  return (
    <Table striped data-testid="charge-lines">
      <Table.Thead>
        <Table.Tr>
          <Table.Th w={40} />
          <Table.Th>{t("newCase.col.charge")}</Table.Th>
          <Table.Th>{t("newCase.col.wallet")}</Table.Th>
          <Table.Th ta="right">{t("newCase.col.taken")}</Table.Th>
          <Table.Th ta="right">{t("newCase.col.paid")}</Table.Th>
          <Table.Th ta="right">{t("newCase.col.pending")}</Table.Th>
          <Table.Th ta="right">{t("newCase.col.owed")}</Table.Th>
          <Table.Th w={200}>{t("newCase.col.payBack")}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {charges.map((c) => {
          const d = drafts[c.chargeId] ?? { checked: false, amountText: "" };
          return (
            <Table.Tr key={c.chargeId} data-testid={`line-${c.chargeId}`}>
              <Table.Td>
                <Checkbox
                  aria-label={t("newCase.include", { id: c.chargeId })}
                  checked={d.checked}
                  disabled={c.owedYen === 0 && !d.checked}
                  onChange={(e) => setDraft(c.chargeId, { checked: e.currentTarget.checked, amountText: d.amountText === "" ? String(c.owedYen) : d.amountText })}
                />
              </Table.Td>
              <Table.Td>
                <JstTime at={c.occurredAt} />
                <Text size="xs" c="dimmed">
                  {c.chargeId}
                </Text>
                <BlockNotes chargeId={c.chargeId} blocks={blocks?.[c.chargeId] ?? []} />
              </Table.Td>
              <Table.Td>
                <AccountLink accountId={c.walletId} size="sm" />
                <Text size="xs" c="dimmed">
                  {t("newCase.score", { score: c.walletRiskScore })}
                  {c.walletReviewLabel === "CONFIRMED_FRAUD" ? ` · ${t("accounts:label.CONFIRMED_FRAUD")}` : ""}
                </Text>
              </Table.Td>
              <Table.Td ta="right">
                <Yen value={c.amountYen} />
              </Table.Td>
              <Table.Td ta="right">
                <Yen value={c.paidYen} />
              </Table.Td>
              <Table.Td ta="right">
                <Yen value={c.pendingYen} />
              </Table.Td>
              <Table.Td ta="right" fw={500}>
                {c.owedYen === 0 ? <Badge color="green" variant="light">{t("newCase.covered")}</Badge> : <Yen value={c.owedYen} />}
              </Table.Td>
              <Table.Td>
                <AmountInput
                  aria-label={t("newCase.amountFor", { id: c.chargeId })}
                  value={d.amountText}
                  onChange={(text) => setDraft(c.chargeId, { amountText: text, checked: true })}
                  disabled={!d.checked}
                  limits={{ min: 1 }}
                  showReading={false}
                  error={d.checked ? problems[c.chargeId] : undefined}
                  size="xs"
                />
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}
