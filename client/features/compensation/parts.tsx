// Pieces shared by the compensation pages: state badges, the reason dialog every decision goes
// through, the victim search and the cache invalidation after a change.
import { useTranslation } from "react-i18next";
import { useState } from "react";
import { Link } from "react-router";
import { Alert, Anchor, Badge, Button, Card, Group, Loader, Modal, Stack, Table, Text, Textarea, TextInput, Title } from "@mantine/core";
import { IconSearch } from "@tabler/icons-react";
import { useVictimSearch } from "./queries.ts";
import { errorMessage } from "../../lib/errors.ts";
import { Yen } from "../../components/format.tsx";
import type { CaseState } from "../../../shared/compensation/schemas.ts";
import { VictimSearchInput } from "../../../shared/compensation/inputs.ts";
import { REASON_LENGTH_MIN } from "../../../shared/limits.ts";
import { useBankName } from "../../components/bank-names.ts";

/** A case state in words (client/i18n compensation state.*); badges use the short stateBadge.* words. */
export function useStateLabel() {
  const { t } = useTranslation("compensation");
  return (s: CaseState) => t(`state.${s}`);
}
const STATE_COLORS: Record<CaseState, string> = { REQUESTED: "yellow", APPROVED: "blue", PAID: "green", REJECTED: "red", CANCELLED: "gray" };

export function StateBadge({ state }: { state: CaseState }) {
  const { t } = useTranslation("compensation");
  return (
    <Badge color={STATE_COLORS[state]} variant="light" data-testid="case-state" style={{ flexShrink: 0, minWidth: "max-content" }}>
      {t(`stateBadge.${state}`)}
    </Badge>
  );
}

export { useInvalidateCompensation } from "./queries.ts";

/** "ヤマダ タロウ · 0125 The 77 Bank · branch 101 · ****567" */
export function VictimLine(v: { holderName: string | null; bankCode: string; bankName: string; branchCode: string; accountNumberMasked: string }) {
  const { t } = useTranslation("compensation");
  const bankName = useBankName();
  return (
    <Text size="sm">
      <Text span fw={500}>
        {v.holderName ?? t("victim.unknownHolder")}
      </Text>{" "}
      <Text span c="dimmed">
        · {v.bankCode} {bankName(v.bankCode, v.bankName)} · {t("victim.branch", { code: v.branchCode })} ·{" "}
      </Text>
      <Text span ff="monospace">
        {v.accountNumberMasked}
      </Text>
    </Text>
  );
}

/** Asks for the reason every decision carries (it goes into the audit log), then confirms. */
export function ReasonDialog(props: {
  opened: boolean;
  title: string;
  description?: React.ReactNode;
  confirmLabel: string;
  confirmColor?: string;
  pending: boolean;
  error: unknown;
  onConfirm: (reason: string) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation("compensation");
  const [reason, setReason] = useState("");
  const tooShort = reason.trim().length < REASON_LENGTH_MIN;
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={props.title} centered>
      <Stack>
        {props.description}
        <Textarea
          label={t("reason.label")}
          description={t("reason.hint")}
          placeholder={t("reason.placeholder")}
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          autosize
          minRows={2}
          data-autofocus
        />
        {props.error ? <Alert color="red">{errorMessage(props.error)}</Alert> : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose}>
            {t("reason.back")}
          </Button>
          <Button color={props.confirmColor} onClick={() => props.onConfirm(reason.trim())} loading={props.pending} disabled={tooShort || props.pending}>
            {props.confirmLabel}
          </Button>
        </Group>
        {tooShort && (
          <Text size="xs" c="dimmed">
            {t("reason.tooShort", { min: REASON_LENGTH_MIN })}
          </Text>
        )}
      </Stack>
    </Modal>
  );
}

/**
 * Finds a victim by bank code and account number. The full number stays in this form's state (never
 * in the page address); results come back masked and link to the new-case form by a charge id.
 */
export function VictimSearch() {
  const { t } = useTranslation("compensation");
  const [draft, setDraft] = useState({ bankCode: "", accountNumber: "", branchCode: "" });
  const [submitted, setSubmitted] = useState<VictimSearchInput | null>(null);
  const parsed = VictimSearchInput.safeParse({ bankCode: draft.bankCode, accountNumber: draft.accountNumber, branchCode: draft.branchCode || undefined });
  const q = useVictimSearch(submitted);
  return (
    <Card withBorder>
      <Title order={4} mb="xs">
        {t("search.title")}
      </Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (parsed.success) setSubmitted(parsed.data);
        }}
      >
        <Group align="flex-end" gap="sm">
          <TextInput label={t("search.bankCode")} placeholder="0125" value={draft.bankCode} onChange={(e) => setDraft({ ...draft, bankCode: e.currentTarget.value })} w={110} maxLength={4} />
          <TextInput label={t("search.branch")} placeholder="101" value={draft.branchCode} onChange={(e) => setDraft({ ...draft, branchCode: e.currentTarget.value })} w={130} maxLength={3} />
          <TextInput
            label={t("search.accountNumber")}
            placeholder={t("search.digits")}
            value={draft.accountNumber}
            onChange={(e) => setDraft({ ...draft, accountNumber: e.currentTarget.value })}
            w={160}
            maxLength={7}
            autoComplete="off"
          />
          <Button type="submit" leftSection={<IconSearch size={16} />} disabled={!parsed.success}>
            {t("search.submit")}
          </Button>
        </Group>
      </form>
      {!parsed.success && (draft.bankCode || draft.accountNumber) && (
        <Text size="xs" c="dimmed" mt={4}>
          {parsed.error.issues[0]?.message}
        </Text>
      )}
      {submitted && q.isPending && <Loader size="sm" mt="sm" aria-label={t("search.searching")} />}
      {q.error && (
        <Alert color="red" mt="sm">
          {errorMessage(q.error)}
        </Alert>
      )}
      {submitted && q.data && q.data.victims.length === 0 && (
        <Alert color="gray" mt="sm">
          {q.data.nonFraudulentAccounts > 0
            ? t("search.notFraud")
            : t("search.none")}
        </Alert>
      )}
      {q.data && q.data.victims.length > 0 && (
        <Table mt="sm" data-testid="victim-search-results">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("search.col.victim")}</Table.Th>
              <Table.Th ta="right">{t("search.col.taken")}</Table.Th>
              <Table.Th ta="right">{t("search.col.paid")}</Table.Th>
              <Table.Th ta="right">{t("search.col.owed")}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {q.data.victims.map((v) => (
              <Table.Tr key={v.ref}>
                <Table.Td>
                  <VictimLine {...v} />
                </Table.Td>
                <Table.Td ta="right">
                  <Yen value={v.takenYen} />
                </Table.Td>
                <Table.Td ta="right">
                  <Yen value={v.paidYen + v.pendingYen} />
                </Table.Td>
                <Table.Td ta="right">
                  <Yen value={v.owedYen} />
                </Table.Td>
                <Table.Td>
                  {v.owedYen > 0 ? (
                    <Anchor component={Link} to={`/compensation/new?chargeId=${encodeURIComponent(v.ref)}`} size="sm">
                      {t("search.start")}
                    </Anchor>
                  ) : (
                    <Badge color="green" variant="light">
                      {t("search.nothingOwed")}
                    </Badge>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}

/** Words for the common "loading / error / empty" triplet. */
export function QueryState({ pending, error, label }: { pending: boolean; error: unknown; label: string }) {
  const { t } = useTranslation("compensation");
  if (pending) return <Loader aria-label={t("loading", { what: label })} m="xl" />;
  if (error) return <Alert color="red">{errorMessage(error)}</Alert>;
  return null;
}
