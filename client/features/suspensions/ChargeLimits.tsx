// A bank's charge limits and step-up verification (#17 graduated response), on the bank page's
// suspension panel: the policy in force for everyone, and for managers a "Limits…" dialog with the
// 2020 limits one click away, a preview of the last 24 hours' charges it would have refused or
// challenged (and how many by flagged wallets) and the required reason.
import { useMemo, useState } from "react";
import { Alert, Button, Group, Modal, NumberInput, SegmentedControl, SimpleGrid, Stack, Text, TextInput, Textarea } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useTRPC } from "../../trpc.ts";
import { errorMessage } from "../../lib/errors.ts";
import { useFormat } from "../../components/format.tsx";
import { useCan } from "../auth/useMe.ts";
import { useSubmitOnce } from "../../components/submit-once.ts";
import { REASON_LENGTH_MIN } from "../../../shared/limits.ts";
import { LIMITS_2020, type StepUpScope } from "../../../shared/suspensions/charge-policy.ts";
import { parseJstInput, toJstInput } from "./jst-input.ts";

interface PolicyFacts {
  perChargeYen: number | null;
  perDayYen: number | null;
  perMonthYen: number | null;
  stepUp: StepUpScope;
  stepUpCutoffAt: Date | string | null;
}

/** "¥100,000 per charge · ¥300,000 a month · step-up for links since …", or "No limits". */
export function useDescribePolicy() {
  const { t } = useTranslation("suspensions");
  const f = useFormat();
  return (p: PolicyFacts | null) => {
    if (!p) return t("limits.none");
    const parts: string[] = [];
    if (p.perChargeYen != null) parts.push(t("limits.perChargeText", { yen: f.yen(p.perChargeYen) }));
    if (p.perDayYen != null) parts.push(t("limits.perDayText", { yen: f.yen(p.perDayYen) }));
    if (p.perMonthYen != null) parts.push(t("limits.perMonthText", { yen: f.yen(p.perMonthYen) }));
    if (p.stepUp === "ALL") parts.push(t("limits.stepUpAllText"));
    if (p.stepUp === "AFTER_CUTOFF" && p.stepUpCutoffAt) parts.push(t("limits.stepUpAfterText", { at: f.jst(p.stepUpCutoffAt) }));
    return parts.length ? parts.join(" · ") : t("limits.none");
  };
}

export function ChargeLimitsLine({ bankCode }: { bankCode: string }) {
  const { t } = useTranslation("suspensions");
  const trpc = useTRPC();
  const describe = useDescribePolicy();
  const canSet = useCan("suspensions.setChargePolicy");
  const q = useQuery(trpc.suspensions.chargePolicy.queryOptions({ bankCode }));
  const [open, setOpen] = useState(false);
  return (
    <Group justify="space-between" gap="xs" data-testid="charge-limits">
      <Text size="sm">
        <b>{t("limits.title")}</b> <span data-testid="charge-limits-text">{q.data === undefined ? "…" : describe(q.data)}</span>
      </Text>
      {canSet && (
        <Button size="xs" variant="light" onClick={() => setOpen(true)} data-testid="open-limits">
          {t("limits.open")}
        </Button>
      )}
      {canSet && (
        <Modal opened={open} onClose={() => setOpen(false)} title={t("limits.dialogTitle")} size="lg" closeOnClickOutside={false}>
          {open && q.data !== undefined && <LimitsForm bankCode={bankCode} current={q.data} onClose={() => setOpen(false)} />}
        </Modal>
      )}
    </Group>
  );
}

const yenOrNull = (v: string | number): number | null => (v === "" || v === null ? null : Number(v));

function LimitsForm({ bankCode, current, onClose }: { bankCode: string; current: PolicyFacts | null; onClose: () => void }) {
  const { t } = useTranslation("suspensions");
  const f = useFormat();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [perCharge, setPerCharge] = useState<number | null>(current?.perChargeYen ?? null);
  const [perDay, setPerDay] = useState<number | null>(current?.perDayYen ?? null);
  const [perMonth, setPerMonth] = useState<number | null>(current?.perMonthYen ?? null);
  const [stepUp, setStepUp] = useState<StepUpScope>(current?.stepUp ?? "NONE");
  const [cutoffText, setCutoffText] = useState(() => toJstInput(current?.stepUpCutoffAt ? new Date(current.stepUpCutoffAt) : new Date(Date.now() - 86_400_000)));
  const [reason, setReason] = useState("");
  const cutoffAt = stepUp === "AFTER_CUTOFF" ? parseJstInput(cutoffText) : null;
  const cutoffError = stepUp === "AFTER_CUTOFF" && !cutoffAt ? t("dialog.timeError") : null;
  const input = useMemo(
    () => (cutoffError ? null : { bankCode, perChargeYen: perCharge, perDayYen: perDay, perMonthYen: perMonth, stepUp, stepUpCutoffAt: cutoffAt }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [bankCode, perCharge, perDay, perMonth, stepUp, cutoffAt?.getTime(), cutoffError],
  );
  const [debounced] = useDebouncedValue(input, 300);
  const preview = useQuery({
    ...trpc.suspensions.chargePolicyPreview.queryOptions(debounced ?? { bankCode, perChargeYen: null, perDayYen: null, perMonthYen: null, stepUp: "NONE" }),
    enabled: debounced !== null,
    placeholderData: keepPreviousData,
  });
  const set = useMutation(
    trpc.suspensions.setChargePolicy.mutationOptions({
      onSuccess: async () => {
        notifications.show({ color: "green", message: t("limits.done") });
        await queryClient.invalidateQueries({ queryKey: trpc.suspensions.pathKey() });
        onClose();
      },
    }),
  );
  const { submit, busy } = useSubmitOnce(set);
  const p = preview.data;
  return (
    <Stack gap="sm" data-testid="limits-dialog">
      <Text size="sm">{t("limits.intro")}</Text>
      <Group>
        <Button
          size="xs"
          variant="default"
          data-testid="limits-2020"
          onClick={() => {
            setPerCharge(LIMITS_2020.perChargeYen);
            setPerDay(LIMITS_2020.perDayYen);
            setPerMonth(LIMITS_2020.perMonthYen);
          }}
        >
          {t("limits.use2020")}
        </Button>
      </Group>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <NumberInput label={t("limits.perCharge")} placeholder={t("limits.noLimit")} prefix="¥" thousandSeparator="," min={1} allowDecimal={false} value={perCharge ?? ""} onChange={(v) => setPerCharge(yenOrNull(v))} data-testid="limit-per-charge" />
        <NumberInput label={t("limits.perDay")} placeholder={t("limits.noLimit")} prefix="¥" thousandSeparator="," min={1} allowDecimal={false} value={perDay ?? ""} onChange={(v) => setPerDay(yenOrNull(v))} data-testid="limit-per-day" />
        <NumberInput label={t("limits.perMonth")} placeholder={t("limits.noLimit")} prefix="¥" thousandSeparator="," min={1} allowDecimal={false} value={perMonth ?? ""} onChange={(v) => setPerMonth(yenOrNull(v))} data-testid="limit-per-month" />
      </SimpleGrid>
      <Stack gap={6}>
        <Text size="sm" fw={500}>
          {t("limits.stepUp")}
        </Text>
        <SegmentedControl
          value={stepUp}
          onChange={(v) => setStepUp(v as StepUpScope)}
          data={[
            { value: "NONE", label: t("limits.stepUpNone") },
            { value: "AFTER_CUTOFF", label: t("limits.stepUpAfter") },
            { value: "ALL", label: t("limits.stepUpAll") },
          ]}
          data-testid="limits-step-up"
        />
        {stepUp === "AFTER_CUTOFF" && <TextInput label={t("limits.cutoff")} description={t("dialog.timeFormat")} value={cutoffText} onChange={(e) => setCutoffText(e.currentTarget.value)} error={cutoffError} />}
        <Text size="xs" c="dimmed">
          {t("limits.stepUpHint")}
        </Text>
      </Stack>
      <Alert color={p && p.refused + p.challenged > 0 ? "orange" : "blue"} variant="light" title={t("limits.previewTitle")} data-testid="limits-preview">
        {p ? (
          <Text size="sm">
            {t("limits.preview", { charges: f.count(p.charges), refused: f.count(p.refused), flaggedRefused: f.count(p.flaggedRefused), challenged: f.count(p.challenged), flaggedChallenged: f.count(p.flaggedChallenged) })}
          </Text>
        ) : (
          <Text size="sm">{preview.error ? errorMessage(preview.error) : t("dialog.waiting")}</Text>
        )}
      </Alert>
      <Textarea label={t("limits.reason")} placeholder={t("limits.reasonPlaceholder")} value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={2} data-testid="limits-reason" />
      {!busy && set.error && <Alert color="red">{errorMessage(set.error)}</Alert>}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          {t("lift.cancel")}
        </Button>
        <Button data-testid="confirm-limits" disabled={!input || reason.trim().length < REASON_LENGTH_MIN || busy} loading={busy} onClick={() => input && submit({ ...input, reason })}>
          {t("limits.confirm")}
        </Button>
      </Group>
    </Stack>
  );
}
