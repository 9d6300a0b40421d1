// The new-case form for one victim: tick the charges to pay back (unpaid ones come ticked), adjust
// amounts, give the holder's name and a reason. It refuses an overpayment before submitting; the
// server checks again under a lock. One idempotency key per form, so a double click or a retry never
// creates two cases.
import { useState } from "react";
import { Link, useNavigate } from "react-router";
import { Alert, Anchor, Button, Card, Group, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { TRPCClientError } from "@trpc/client";
import { useTranslation } from "react-i18next";
import { useSubmitOnce } from "../../components/submit-once.ts";
import { errorMessage } from "../../lib/errors.ts";
import { useFormat } from "../../components/format.tsx";
import { parseYenAmount } from "../../../shared/amount.ts";
import { useAmountWords } from "../../components/AmountInput.tsx";
import { DEFAULT_APPROVAL_THRESHOLD_YEN } from "../../../shared/compensation/schemas.ts";
import { REASON_LENGTH_MIN } from "../../../shared/limits.ts";
import { useSettings } from "../admin/queries.ts";
import { ChargeLinesEditor, type LineDraft } from "./ChargeLinesEditor.tsx";
import { VictimLine } from "./parts.tsx";
import { useCreateCase, useInvalidateCompensation, type Victim } from "./queries.ts";
import { ClaimFields, EMPTY_CLAIM, PlaceLine, type ClaimDraft } from "./eligibility-parts.tsx";
import { ClaimInput, evaluateCharge, type RuleBlock } from "../../../shared/compensation/eligibility.ts";

/** A random key for this form; crypto.randomUUID needs a secure context, so fall back to random bytes. */
function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function CaseForm({ victim, onChangeVictim }: { victim: Victim; onChangeVictim: () => void }) {
  const { t } = useTranslation(["compensation", "common", "accounts"]);
  const fmt = useFormat();
  const navigate = useNavigate();
  const invalidate = useInvalidateCompensation();
  const settings = useSettings();
  const thresholdYen = settings.data?.find((s) => s.key === "compensation.approvalThresholdYen")?.value ?? DEFAULT_APPROVAL_THRESHOLD_YEN;
  // One key for the life of this form: resubmitting the same content returns the same case.
  const [idempotencyKey] = useState(newIdempotencyKey);
  const amountWords = useAmountWords();
  const [holderName, setHolderName] = useState(victim.holderName ?? "");
  const [reason, setReason] = useState("");
  // The claim (#18): its days decide which rules block which charge, shown as they are typed.
  const [claimDraft, setClaimDraft] = useState<ClaimDraft>(EMPTY_CLAIM);
  const claimReading = ClaimInput.safeParse({ ...claimDraft, policeReportNumber: claimDraft.policeReportNumber });
  const claimErrors: Partial<Record<keyof ClaimDraft, string>> = {};
  if (!claimReading.success) {
    for (const issue of claimReading.error.issues) {
      const field = issue.path[0] as keyof ClaimDraft;
      // An empty day is asked for below, not marked as wrong.
      if ((field === "noticedOn" || field === "reportedOn") && claimDraft[field] === "") continue;
      claimErrors[field] ??= issue.message;
    }
  }
  const claim = claimReading.success ? claimReading.data : null;
  const blocksOf: Record<string, RuleBlock[]> = Object.fromEntries(
    victim.charges.map((c) => [c.chargeId, evaluateCharge(claim, { chargeId: c.chargeId, occurredAt: c.occurredAt, amountYen: c.amountYen, reimbursements: c.reimbursements }, victim.eligibilityConfig)]),
  );
  // Unpaid fraudulent charges come ticked, for what is still owed on each.
  const [drafts, setDrafts] = useState<Record<string, LineDraft>>(() =>
    Object.fromEntries(victim.charges.map((c) => [c.chargeId, { checked: c.owedYen > 0, amountText: c.owedYen > 0 ? String(c.owedYen) : "" }])),
  );
  // A refusal refreshes the figures too: what is left may have changed (another agent).
  const create = useCreateCase(async (res) => {
    notifications.show({ color: "green", message: res.replayed ? t("newCase.replayed") : t("newCase.created") });
    await invalidate();
    navigate(`/compensation/cases/${res.caseId}`, { replace: true });
  });
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
    claim === null ? t("claim.enterClaim") : null,
    reason.trim().length < REASON_LENGTH_MIN ? t("newCase.giveReason", { min: REASON_LENGTH_MIN }) : null,
  ].filter((b): b is string => b !== null);
  const existingCaseId = create.error instanceof TRPCClientError ? ((create.error.data as { details?: { caseId?: string } })?.details?.caseId ?? null) : null;
  const setDraft = (chargeId: string, change: Partial<LineDraft>) => setDrafts((all) => ({ ...all, [chargeId]: { ...all[chargeId], ...change } }));

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (blockers.length > 0) return;
        if (!claim) return;
        createOnce.submit({ idempotencyKey, holderName: holderName.trim(), lines, reason: reason.trim(), claim: { ...claimDraft, policeReportNumber: claimDraft.policeReportNumber.trim() || undefined } });
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
              <PlaceLine place={victim.place} />
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

        <ClaimFields claim={claimDraft} onChange={(change) => setClaimDraft((c) => ({ ...c, ...change }))} errors={claimErrors} />

        <ChargeLinesEditor charges={victim.charges} drafts={drafts} problems={problems} blocks={blocksOf} onChange={setDraft} />

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
