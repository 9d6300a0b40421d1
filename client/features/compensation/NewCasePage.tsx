// New case: pick the victim (from a charge, from a wallet's victims, or by searching the bank
// account), tick the charges to pay back (unpaid ones come ticked), adjust amounts, give a reason.
// The form refuses an overpayment before submitting; the server checks again under a lock. One
// idempotency key per form, so a double click or a retry never creates two cases.
import { useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { Alert, Anchor, Badge, Button, Card, Checkbox, Group, Loader, Stack, Table, Text, Textarea, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconArrowLeft } from "@tabler/icons-react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../../../server/trpc/app-router.ts";
import { useSubmitOnce } from "../../components/submit-once.ts";
import { useTRPC } from "../../trpc.ts";
import { errorMessage } from "../../lib/errors.ts";
import { JstTime, Yen, useFormat } from "../../components/format.tsx";
import { useTranslation } from "react-i18next";
import { parseYenAmount } from "../../../shared/amount.ts";
import { AmountInput, useAmountWords } from "../../components/AmountInput.tsx";
import { DEFAULT_APPROVAL_THRESHOLD_YEN } from "../../../shared/compensation/schemas.ts";
import { REASON_LENGTH_MIN } from "../../../shared/limits.ts";
import { useInvalidateCompensation, VictimLine, VictimSearch } from "./parts.tsx";
import { AccountLink } from "../../components/AccountLink.tsx";

type Victim = NonNullable<inferRouterOutputs<AppRouter>["compensation"]["victimForCharge"]>;

/** A random key for this form; crypto.randomUUID needs a secure context, so fall back to random bytes. */
function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export default function NewCasePage() {
  const { t } = useTranslation(["compensation", "common"]);
  const [params, setParams] = useSearchParams();
  const chargeId = params.get("chargeId");
  const accountId = params.get("accountId");
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t("newCase.title")}</Title>
        <Anchor component={Link} to="/compensation" size="sm">
          <Group gap={4}>
            <IconArrowLeft size={14} /> {t("newCase.back")}
          </Group>
        </Anchor>
      </Group>
      {chargeId ? (
        <VictimForm key={chargeId} chargeId={chargeId} onChangeVictim={() => setParams(accountId ? { accountId } : {})} />
      ) : accountId ? (
        <WalletVictims accountId={accountId} onPick={(ref) => setParams({ accountId, chargeId: ref })} />
      ) : (
        <>
          <Text c="dimmed" size="sm">
            {t("newCase.intro")}
          </Text>
          <VictimSearch />
        </>
      )}
    </Stack>
  );
}

/** "Compensate the victims of this wallet": the bank accounts it charged from. */
function WalletVictims({ accountId, onPick }: { accountId: string; onPick: (ref: string) => void }) {
  const { t } = useTranslation(["compensation", "common", "accounts"]);
  const trpc = useTRPC();
  const q = useQuery(trpc.compensation.victimsOfAccount.queryOptions({ accountId }));
  if (q.isPending) return <Loader aria-label={t("newCase.loadingWallet")} />;
  if (q.error) return <Alert color="red">{errorMessage(q.error)}</Alert>;
  const { wallet, victims } = q.data;
  return (
    <Card withBorder>
      <Text size="sm" mb="xs">
        {t("newCase.victimsOf")}{" "}
        <AccountLink accountId={wallet.id} />{" "}
        ({wallet.holderName}) {t("newCase.walletScore", { score: wallet.riskScore, label: wallet.reviewLabel ? (wallet.reviewLabel === "CONFIRMED_FRAUD" ? t("newCase.confirmedFraud") : t("newCase.markedLegitimate")) : "" })}
      </Text>
      {!wallet.fraudulent && (
        <Alert color="gray">{t("newCase.notFraud")}</Alert>
      )}
      {wallet.fraudulent && victims.length === 0 && <Alert color="gray">{t("newCase.noCharges")}</Alert>}
      {victims.length > 0 && (
        <Table data-testid="wallet-victims">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("newCase.col.victim")}</Table.Th>
              <Table.Th ta="right">{t("newCase.col.takenByWallet")}</Table.Th>
              <Table.Th ta="right">{t("newCase.col.owed")}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {victims.map((v) => (
              <Table.Tr key={v.ref}>
                <Table.Td>
                  <VictimLine {...v} />
                </Table.Td>
                <Table.Td ta="right">
                  <Yen value={v.takenYen} />
                </Table.Td>
                <Table.Td ta="right">
                  <Yen value={v.owedYen} />
                </Table.Td>
                <Table.Td>
                  <Button size="xs" variant="light" onClick={() => onPick(v.ref)} disabled={v.owedYen === 0}>
                    {v.owedYen === 0 ? t("newCase.nothingOwed") : t("newCase.choose")}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}

function VictimForm({ chargeId, onChangeVictim }: { chargeId: string; onChangeVictim: () => void }) {
  const { t } = useTranslation(["compensation", "common", "accounts"]);
  const trpc = useTRPC();
  const q = useQuery(trpc.compensation.victimForCharge.queryOptions({ chargeId }));
  if (q.isPending) return <Loader aria-label={t("newCase.loadingVictim")} />;
  if (q.error) return <Alert color="red">{errorMessage(q.error)}</Alert>;
  if (!q.data) {
    return (
      <Alert color="gray">
        {t("newCase.noFraudCharges")}{" "}
        <Anchor component="button" onClick={onChangeVictim}>
          {t("newCase.chooseAnother")}
        </Anchor>
      </Alert>
    );
  }
  return <CaseForm victim={q.data} onChangeVictim={onChangeVictim} />;
}

interface LineDraft {
  checked: boolean;
  /** Exactly what was typed; read with shared/amount.ts, never rewritten. */
  amountText: string;
}

function CaseForm({ victim, onChangeVictim }: { victim: Victim; onChangeVictim: () => void }) {
  const { t } = useTranslation(["compensation", "common", "accounts"]);
  const fmt = useFormat();
  const trpc = useTRPC();
  const navigate = useNavigate();
  const invalidate = useInvalidateCompensation();
  const settings = useQuery(trpc.admin.settings.queryOptions());
  const thresholdYen = settings.data?.find((s) => s.key === "compensation.approvalThresholdYen")?.value ?? DEFAULT_APPROVAL_THRESHOLD_YEN;
  // One key for the life of this form: resubmitting the same content returns the same case.
  const [idempotencyKey] = useState(newIdempotencyKey);
  const amountWords = useAmountWords();
  const [holderName, setHolderName] = useState(victim.holderName ?? "");
  const [reason, setReason] = useState("");
  // Unpaid fraudulent charges come ticked, for what is still owed on each.
  const [drafts, setDrafts] = useState<Record<string, LineDraft>>(() =>
    Object.fromEntries(victim.charges.map((c) => [c.chargeId, { checked: c.owedYen > 0, amountText: c.owedYen > 0 ? String(c.owedYen) : "" }])),
  );
  const create = useMutation(
    trpc.compensation.create.mutationOptions({
      onSuccess: async (res) => {
        notifications.show({ color: "green", message: res.replayed ? t("newCase.replayed") : t("newCase.created") });
        await invalidate();
        navigate(`/compensation/cases/${res.caseId}`, { replace: true });
      },
      // What is left may have changed (another agent): show the fresh remaining amounts.
      onError: () => invalidate(),
    }),
  );
  // A second click lands before React re-renders the disabled button: the shared guard refuses it
  // (the idempotency key would make it harmless anyway, but it would show a second notice).
  const createOnce = useSubmitOnce(create);

  const problems: Record<string, string> = {};
  const lines: Array<{ chargeId: string; amountYen: number }> = [];
  for (const c of victim.charges) {
    const d = drafts[c.chargeId];
    if (!d?.checked) continue;
    const reading = parseYenAmount(d.amountText, { min: 1 });
    const amount = reading.ok ? reading.value : 0;
    if (!reading.ok) problems[c.chargeId] = amountWords(reading) ?? "";
    else if (amount > c.owedYen) problems[c.chargeId] = c.owedYen === 0 ? t("newCase.nothingLeft") : t("newCase.atMost", { amount: c.owedYen });
    else lines.push({ chargeId: c.chargeId, amountYen: amount });
  }
  const totalYen = lines.reduce((s, l) => s + l.amountYen, 0);
  const problemCount = Object.keys(problems).length;
  const blockers = [
    lines.length === 0 && problemCount === 0 ? t("newCase.tickOne") : null,
    problemCount > 0 ? t("newCase.fixAmounts", { count: problemCount }) : null,
    holderName.trim() === "" ? t("newCase.enterHolder") : null,
    reason.trim().length < REASON_LENGTH_MIN ? t("newCase.giveReason", { min: REASON_LENGTH_MIN }) : null,
  ].filter((b): b is string => b !== null);
  const existingCaseId = create.error instanceof TRPCClientError ? ((create.error.data as { details?: { caseId?: string } })?.details?.caseId ?? null) : null;
  const setDraft = (chargeId: string, change: Partial<LineDraft>) => setDrafts((all) => ({ ...all, [chargeId]: { ...all[chargeId], ...change } }));

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (blockers.length > 0) return;
        createOnce.submit({ idempotencyKey, holderName: holderName.trim(), lines, reason: reason.trim() });
      }}
    >
      <Stack>
        <Card withBorder>
          <Group justify="space-between">
            <div>
              <Text size="xs" c="dimmed">
                {t("newCase.victimLabel")}
              </Text>
              <VictimLine {...victim} />
              <Text size="sm" c="dimmed">
                {t("newCase.summary", { taken: victim.takenYen, paid: victim.paidYen, pending: victim.pendingYen, owed: victim.owedYen })}
              </Text>
            </div>
            <Button variant="subtle" size="xs" onClick={onChangeVictim}>
              {t("newCase.chooseAnother")}
            </Button>
          </Group>
          {victim.cases.length > 0 && (
            <Text size="xs" c="dimmed" mt="xs">
              {t("newCase.earlier")}{" "}
              {victim.cases.map((c, i) => (
                <span key={c.id}>
                  {i > 0 && ", "}
                  <Anchor component={Link} to={`/compensation/cases/${c.id}`} size="xs">
                    {fmt.yen(c.totalYen)} {t(`state.${c.state as "PAID"}`, { defaultValue: c.state }).toLowerCase()}
                  </Anchor>
                </span>
              ))}
            </Text>
          )}
        </Card>

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
            {victim.charges.map((c) => {
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

        <Group align="flex-start" grow>
          <TextInput label={t("newCase.holder")} value={holderName} onChange={(e) => setHolderName(e.currentTarget.value)} description={t("newCase.holderHint")} />
          <Textarea
            label={t("newCase.reason")}
            placeholder={t("newCase.reasonPlaceholder")}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            autosize
            minRows={2}
            description={t("newCase.reasonHint")}
          />
        </Group>

        <Card withBorder bg="gray.0">
          <Group justify="space-between" align="center">
            <div>
              <Text size="lg" fw={600} data-testid="case-total">
                {t("newCase.total", { total: totalYen, count: lines.length })}
              </Text>
              {totalYen >= thresholdYen ? (
                <Text size="sm" c="orange.8">
                  {t("newCase.needsOther", { threshold: thresholdYen })}
                </Text>
              ) : (
                <Text size="sm" c="dimmed">
                  {t("newCase.canApprove", { threshold: thresholdYen })}
                </Text>
              )}
              {blockers.map((b) => (
                <Text key={b} size="sm" c="red.7">
                  {b}
                </Text>
              ))}
            </div>
            <Button type="submit" size="md" loading={createOnce.busy} disabled={blockers.length > 0 || createOnce.busy} data-testid="submit-case">
              {t("newCase.create")}
            </Button>
          </Group>
        </Card>
        {!createOnce.busy && create.error && (
          <Alert color="red" data-testid="create-error">
            {errorMessage(create.error)}
            {existingCaseId && (
              <>
                {" "}
                <Anchor component={Link} to={`/compensation/cases/${existingCaseId}`}>
                  {t("newCase.openThat")}
                </Anchor>
              </>
            )}
          </Alert>
        )}
      </Stack>
    </form>
  );
}
