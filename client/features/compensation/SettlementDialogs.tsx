// The settlement recordings (#18), each a reason dialog calling the existing procedure: a
// reimbursement of a victim's charge by the bank or another party, a bank's cost-sharing agreement,
// and a bank's payment of its share. Refusals (CHARGE_ALREADY_COMPENSATED, REIMBURSEMENT_EXISTS, …)
// show in the dialog in the reader's language (client/lib/errors.ts).
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { SegmentedControl, Stack, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { AmountInput } from "../../components/AmountInput.tsx";
import { parseYenAmount } from "../../../shared/amount.ts";
import { CalendarDay } from "../../../shared/settlement/inputs.ts";
import { ReasonDialog } from "./parts.tsx";
import { useInvalidateSettlement, usePayBank, useRecordBankPayment, useRecordReimbursement, useSetCostShare } from "./settlement-queries.ts";

/** Today in JST, "YYYY-MM-DD". */
export function todayJst(): string {
  return new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
}

function useDayProblem() {
  const { t } = useTranslation("compensation");
  return (day: string) => (CalendarDay.safeParse(day).success ? null : t("settlement.badDay"));
}

export function ReimbursementDialog({ bankCode, onClose }: { bankCode: string | null; onClose: () => void }) {
  const { t } = useTranslation("compensation");
  const dayProblem = useDayProblem();
  const invalidate = useInvalidateSettlement();
  const [chargeId, setChargeId] = useState("");
  const [party, setParty] = useState<"BANK" | "OTHER">("BANK");
  const [partyName, setPartyName] = useState("");
  const [amount, setAmount] = useState("");
  const [day, setDay] = useState(todayJst());
  const [reference, setReference] = useState("");
  const [tried, setTried] = useState(false);
  const record = useRecordReimbursement(async () => {
    notifications.show({ color: "green", message: t("settlement.reimbursementRecorded") });
    onClose();
    await invalidate();
  });
  const reading = parseYenAmount(amount, { min: 1, max: 100_000_000 });
  const problems = {
    chargeId: chargeId.trim() ? null : t("settlement.chargeIdMissing"),
    partyName: party === "OTHER" && !partyName.trim() ? t("settlement.partyNameMissing") : null,
    day: dayProblem(day),
    reference: reference.trim() ? null : t("settlement.referenceMissing"),
  };
  const show = (p: string | null) => (tried ? p : null);
  return (
    <ReasonDialog
      opened
      title={t("settlement.reimburseTitle")}
      description={
        <Stack gap="xs" data-testid="reimbursement-form">
          <Text size="sm">{t("settlement.reimburseText", { bank: bankCode ?? "—" })}</Text>
          <TextInput label={t("settlement.chargeId")} value={chargeId} onChange={(e) => setChargeId(e.currentTarget.value)} error={show(problems.chargeId)} data-testid="reimbursement-charge" />
          <SegmentedControl
            value={party}
            onChange={(v) => setParty(v as "BANK" | "OTHER")}
            data={[
              { value: "BANK", label: t("settlement.party.BANK") },
              { value: "OTHER", label: t("settlement.party.OTHER") },
            ]}
          />
          {party === "OTHER" && <TextInput label={t("settlement.partyName")} value={partyName} onChange={(e) => setPartyName(e.currentTarget.value)} error={show(problems.partyName)} />}
          <AmountInput label={t("settlement.amount")} value={amount} onChange={setAmount} limits={{ min: 1, max: 100_000_000 }} allowEmpty={!tried} data-testid="reimbursement-amount" />
          <TextInput label={t("settlement.reimbursedOn")} description={t("settlement.dayHint")} value={day} onChange={(e) => setDay(e.currentTarget.value)} error={show(problems.day)} />
          <TextInput label={t("settlement.reference")} description={t("settlement.referenceHint")} value={reference} onChange={(e) => setReference(e.currentTarget.value)} error={show(problems.reference)} data-testid="reimbursement-reference" />
        </Stack>
      }
      confirmLabel={t("settlement.reimburse")}
      pending={record.isPending}
      error={record.error}
      onConfirm={(reason) => {
        setTried(true);
        if (!reading.ok || Object.values(problems).some(Boolean)) return;
        record.mutate({ chargeId: chargeId.trim(), party, partyName: party === "OTHER" ? partyName.trim() : undefined, amountYen: reading.value, reimbursedOn: day, reference: reference.trim(), reason });
      }}
      onClose={onClose}
    />
  );
}

export function CostShareDialog({ bankCode, onClose }: { bankCode: string; onClose: () => void }) {
  const { t } = useTranslation("compensation");
  const dayProblem = useDayProblem();
  const invalidate = useInvalidateSettlement();
  const [share, setShare] = useState("");
  const [day, setDay] = useState(todayJst());
  const [tried, setTried] = useState(false);
  const save = useSetCostShare(async () => {
    notifications.show({ color: "green", message: t("settlement.agreementSaved") });
    onClose();
    await invalidate();
  });
  const percent = Number(share.trim().replace(/[%％]$/, ""));
  const shareProblem = share.trim() !== "" && Number.isFinite(percent) && percent >= 0 && percent <= 100 && Math.abs(percent * 100 - Math.round(percent * 100)) < 1e-6 ? null : t("settlement.badShare");
  const problems = { share: shareProblem, day: dayProblem(day) };
  const show = (p: string | null) => (tried ? p : null);
  return (
    <ReasonDialog
      opened
      title={t("settlement.agreementTitle", { bank: bankCode })}
      description={
        <Stack gap="xs" data-testid="agreement-form">
          <Text size="sm">{t("settlement.agreementText")}</Text>
          <TextInput label={t("settlement.bankShare")} description={t("settlement.bankShareHint")} value={share} onChange={(e) => setShare(e.currentTarget.value)} error={show(problems.share)} rightSection="%" data-testid="agreement-share" />
          {!problems.share && <Text size="xs" c="dimmed">{t("settlement.operatorBears", { share: Math.round((100 - percent) * 100) / 100 })}</Text>}
          <TextInput label={t("settlement.effectiveFrom")} description={t("settlement.dayHint")} value={day} onChange={(e) => setDay(e.currentTarget.value)} error={show(problems.day)} data-testid="agreement-day" />
        </Stack>
      }
      confirmLabel={t("settlement.saveAgreement")}
      pending={save.isPending}
      error={save.error}
      onConfirm={(reason) => {
        setTried(true);
        if (Object.values(problems).some(Boolean)) return;
        save.mutate({ bankCode, bankSharePercent: percent, effectiveFrom: day, reason });
      }}
      onClose={onClose}
    />
  );
}

/** A transfer between us and a bank, recorded with amount, JST day, reference and reason (both directions share it). */
function BankTransferDialog(p: {
  testId: string;
  title: string;
  text: string;
  dayLabel: string;
  referenceHint: string;
  confirmLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (v: { amountYen: number; day: string; reference: string; reason: string }) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation("compensation");
  const dayProblem = useDayProblem();
  const [amount, setAmount] = useState("");
  const [day, setDay] = useState(todayJst());
  const [reference, setReference] = useState("");
  const [tried, setTried] = useState(false);
  const reading = parseYenAmount(amount, { min: 1, max: 10_000_000_000 });
  const problems = { day: dayProblem(day), reference: reference.trim() ? null : t("settlement.referenceMissing") };
  const show = (x: string | null) => (tried ? x : null);
  return (
    <ReasonDialog
      opened
      title={p.title}
      description={
        <Stack gap="xs" data-testid={p.testId}>
          <Text size="sm">{p.text}</Text>
          <AmountInput label={t("settlement.amount")} value={amount} onChange={setAmount} limits={{ min: 1, max: 10_000_000_000 }} allowEmpty={!tried} />
          <TextInput label={p.dayLabel} description={t("settlement.dayHint")} value={day} onChange={(e) => setDay(e.currentTarget.value)} error={show(problems.day)} />
          <TextInput label={t("settlement.reference")} description={p.referenceHint} value={reference} onChange={(e) => setReference(e.currentTarget.value)} error={show(problems.reference)} />
        </Stack>
      }
      confirmLabel={p.confirmLabel}
      pending={p.pending}
      error={p.error}
      onConfirm={(reason) => {
        setTried(true);
        if (!reading.ok || Object.values(problems).some(Boolean)) return;
        p.onSubmit({ amountYen: reading.value, day, reference: reference.trim(), reason });
      }}
      onClose={p.onClose}
    />
  );
}

/** The bank's payment to us of its share. */
export function BankPaymentDialog({ bankCode, owesUsYen, onClose }: { bankCode: string; owesUsYen: number; onClose: () => void }) {
  const { t } = useTranslation("compensation");
  const invalidate = useInvalidateSettlement();
  const record = useRecordBankPayment(async () => {
    notifications.show({ color: "green", message: t("settlement.paymentRecorded") });
    onClose();
    await invalidate();
  });
  return (
    <BankTransferDialog
      testId="payment-form"
      title={t("settlement.paymentTitle", { bank: bankCode })}
      text={t("settlement.paymentText", { owes: owesUsYen })}
      dayLabel={t("settlement.receivedOn")}
      referenceHint={t("settlement.paymentReferenceHint")}
      confirmLabel={t("settlement.recordPayment")}
      pending={record.isPending}
      error={record.error}
      onSubmit={(v) => record.mutate({ bankCode, amountYen: v.amountYen, receivedOn: v.day, reference: v.reference, reason: v.reason })}
      onClose={onClose}
    />
  );
}

/** Our payment to the bank of what we owe it (managers): refused by the server beyond what we owe; a repeated request answers the recorded payment. */
export function PayBankDialog({ bankCode, weOweYen, onClose }: { bankCode: string; weOweYen: number; onClose: () => void }) {
  const { t } = useTranslation("compensation");
  const invalidate = useInvalidateSettlement();
  const pay = usePayBank(async (r) => {
    notifications.show({ color: r.repeated ? "yellow" : "green", message: r.repeated ? t("settlement.payBankRepeated") : t("settlement.payBankRecorded") });
    onClose();
    await invalidate();
  });
  return (
    <BankTransferDialog
      testId="pay-bank-form"
      title={t("settlement.payBankTitle", { bank: bankCode })}
      text={t("settlement.payBankText", { owes: weOweYen })}
      dayLabel={t("settlement.paidOn")}
      referenceHint={t("settlement.payBankReferenceHint")}
      confirmLabel={t("settlement.payBank")}
      pending={pay.isPending}
      error={pay.error}
      onSubmit={(v) => pay.mutate({ bankCode, amountYen: v.amountYen, paidOn: v.day, reference: v.reference, reason: v.reason })}
      onClose={onClose}
    />
  );
}
