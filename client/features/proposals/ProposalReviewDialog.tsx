// Reviewing a proposed suspension (#17): why monitoring proposed it, its figures when proposed, the
// scopes and cutoff to edit, the live preview (the suspend dialog's, from the server), a reason, and
// the two decisions: confirm (suspends now through the suspend service) or dismiss. A manager only;
// scopes the bank is already suspended for are left out and said so.
import { useMemo, useState } from "react";
import { Alert, Button, Checkbox, Group, Modal, Radio, Stack, Text, TextInput, Textarea } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { IconAlertTriangle } from "@tabler/icons-react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useTRPC } from "../../trpc.ts";
import { errorMessage, fieldErrors } from "../../lib/errors.ts";
import { REASON_LENGTH_MIN } from "../../../shared/limits.ts";
import type { SuspensionScope } from "../../../shared/suspensions/schemas.ts";
import { useFormat } from "../../components/format.tsx";
import { useSubmitOnce } from "../../components/submit-once.ts";
import { useScopeWords } from "../../i18n/words.ts";
import { parseJstInput, toJstInput } from "../suspensions/jst-input.ts";
import { PreviewPanel } from "../suspensions/SuspendPreview.tsx";
import { useConfirmProposal, useDismissProposal, type Proposal } from "./queries.ts";

const SCOPES: SuspensionScope[] = ["REGISTRATION", "LINK_CHANGE", "CHARGE"];

export function ProposalReviewDialog({ proposal, onClose }: { proposal: Proposal | null; onClose: () => void }) {
  const { t } = useTranslation("suspensions");
  return (
    <Modal opened={proposal !== null} onClose={onClose} title={t("proposal.dialogTitle")} size="xl" closeOnClickOutside={false}>
      {proposal && <ReviewForm key={proposal.id} proposal={proposal} onClose={onClose} />}
    </Modal>
  );
}

function ReviewForm({ proposal: p, onClose }: { proposal: Proposal; onClose: () => void }) {
  const { t } = useTranslation(["suspensions", "common", "volume"]);
  const fmt = useFormat();
  const scopeWords = useScopeWords();
  const trpc = useTRPC();
  const bank = fmt.bank(p.bankName, p.bankNameJa);
  const covered = p.coveredScopes;
  const [scopes, setScopes] = useState<SuspensionScope[]>(() => p.scopes.filter((s) => !covered.includes(s)));
  const [cutoffMode, setCutoffMode] = useState<"proposed" | "other">("proposed");
  const [cutoffText, setCutoffText] = useState(() => toJstInput(new Date(p.cutoffAt)));
  const [quarantineChoice, setQuarantineChoice] = useState<boolean | null>(null);
  const [reason, setReason] = useState("");

  const cutoffAt = cutoffMode === "proposed" ? new Date(p.cutoffAt) : parseJstInput(cutoffText);
  const cutoffError = cutoffAt === null ? t("dialog.timeError") : cutoffAt.getTime() > Date.now() ? t("dialog.cutoffAfterStart") : null;
  const quarantine = quarantineChoice ?? (cutoffAt !== null && cutoffAt.getTime() < Date.now());
  const input = useMemo(
    () => (scopes.length === 0 || cutoffError || !cutoffAt ? null : { bankCodes: [p.bankCode], scopes, cutoffAt, quarantine }),
    // Dates are compared by their time.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [p.bankCode, scopes.join(","), cutoffAt?.getTime(), quarantine, cutoffError],
  );
  const [debounced] = useDebouncedValue(input, 300);
  const preview = useQuery({
    ...trpc.suspensions.preview.queryOptions(debounced ?? { bankCodes: [p.bankCode], scopes: ["REGISTRATION"] }),
    enabled: debounced !== null,
    placeholderData: keepPreviousData,
  });
  const previewCurrent = debounced === input && !preview.isPlaceholderData && preview.data !== undefined;

  const confirm = useConfirmProposal(() => {
    notifications.show({ color: "green", title: t("proposal.confirmed"), message: bank });
    onClose();
  });
  const dismiss = useDismissProposal(() => {
    notifications.show({ color: "gray", title: t("proposal.dismissed"), message: bank });
    onClose();
  });
  const confirmOnce = useSubmitOnce(confirm);
  const dismissOnce = useSubmitOnce(dismiss);
  const busy = confirmOnce.busy || dismissOnce.busy;
  const reasonOk = reason.trim().length >= REASON_LENGTH_MIN;
  const conflicts = preview.data && previewCurrent ? preview.data.conflicts : [];
  const error = confirm.error ?? dismiss.error;
  const allCovered = p.scopes.every((s) => covered.includes(s));
  const totals = p.preview.totals;
  const metric = t(`common:metrics.${p.triggerMetric as "LINK_REGISTERED"}`, { defaultValue: p.triggerMetric }).toLowerCase();
  const auth = p.authMethod === "PIN" ? t("volume:auth.PIN") : t(`volume:auth.words.${p.authMethod as "PIN_OTP"}`, { defaultValue: p.authMethod });

  return (
    <Stack gap="sm" data-testid="proposal-dialog">
      <Text size="sm" fw={600}>
        {bank} ({p.bankCode})
      </Text>
      <Text size="sm" data-testid="proposal-why">
        {t("proposal.why", { metric, z: p.triggerSeverity.toFixed(1), at: new Date(p.incidentStartedAt), auth, threshold: p.threshold })}
      </Text>
      <Text size="sm" c="dimmed" data-testid="proposal-at-proposal">
        {t("proposal.proposedAt", { at: new Date(p.createdAt) })} ·{" "}
        {t("proposal.atProposal", { links: fmt.count(totals.totalLinks), toQuarantine: fmt.count(totals.toQuarantine), flagged: fmt.count(totals.flaggedToQuarantine), refused: fmt.count(totals.expectedRefusedPerHour) })}
      </Text>

      {covered.length > 0 && (
        <Alert color="yellow" icon={<IconAlertTriangle size={16} />} title={t("proposal.coveredTitle")} data-testid="proposal-covered">
          {allCovered ? t("proposal.allCoveredText", { bank }) : t("proposal.coveredText", { bank, scopes: scopeWords(covered) })}
        </Alert>
      )}

      <Checkbox.Group label={t("dialog.suspend")} value={scopes} onChange={(v) => setScopes(v as SuspensionScope[])} error={scopes.length === 0 && !allCovered ? t("dialog.chooseOne") : undefined}>
        <Group gap="lg" mt={6}>
          {SCOPES.map((s) => (
            <Checkbox key={s} value={s} label={t(`common:scopeLabels.${s}`)} disabled={covered.includes(s)} />
          ))}
        </Group>
      </Checkbox.Group>

      <Radio.Group label={t("proposal.cutoffTitle")} value={cutoffMode} onChange={(v) => setCutoffMode(v as "proposed" | "other")} data-testid="proposal-cutoff">
        <Stack gap={8} mt={6}>
          <Radio value="proposed" label={t("proposal.cutoffProposed", { at: new Date(p.cutoffAt) })} description={t(`proposal.basis.${p.cutoffBasis}`)} />
          <Radio value="other" label={t("proposal.cutoffOther")} />
          {cutoffMode === "other" && (
            <TextInput label={t("dialog.cutoff")} description={t("dialog.cutoffHint")} value={cutoffText} onChange={(e) => setCutoffText(e.currentTarget.value)} error={cutoffError} data-testid="proposal-cutoff-input" />
          )}
        </Stack>
      </Radio.Group>
      <Text size="xs" c="dimmed">
        {t("proposal.startsNow")}
      </Text>

      <Checkbox label={t("dialog.quarantine")} checked={quarantine} onChange={(e) => setQuarantineChoice(e.currentTarget.checked)} />

      {scopes.length > 0 && <PreviewPanel data={preview.data} error={preview.error} current={previewCurrent} scopes={scopes} />}

      {conflicts.length > 0 && (
        <Alert color="red" icon={<IconAlertTriangle size={16} />} title={t("dialog.conflictTitle")}>
          {t("dialog.conflictText", { list: conflicts.map((c) => `${c.bankCode}: ${t(`common:scopeLabels.${c.scope}`).toLowerCase()}`).join("; ") })}
        </Alert>
      )}

      <Textarea
        label={t("dialog.reason")}
        description={t("proposal.reasonHint")}
        value={reason}
        onChange={(e) => setReason(e.currentTarget.value)}
        autosize
        minRows={1}
        error={fieldErrors(error).reason?.[0]}
        data-testid="proposal-reason"
      />
      {!busy && error && <Alert color="red">{errorMessage(error)}</Alert>}

      <Group wrap="nowrap" align="stretch">
        <Button
          variant="default"
          data-testid="dismiss-proposal"
          disabled={busy || !reasonOk}
          loading={dismissOnce.busy}
          onClick={() => dismissOnce.submit({ proposalId: p.id, reason })}
          style={{ flexShrink: 0 }}
        >
          {t("proposal.dismiss")}
        </Button>
        <Button
          color="red"
          style={{ flex: 1 }}
          data-testid="confirm-proposal"
          disabled={busy || !input || !previewCurrent || !reasonOk || conflicts.length > 0}
          loading={confirmOnce.busy}
          onClick={() => input && confirmOnce.submit({ proposalId: p.id, scopes: input.scopes, cutoffAt: input.cutoffAt, quarantine: input.quarantine, reason })}
          styles={{ root: { height: "auto", minHeight: 36, paddingTop: 6, paddingBottom: 6 }, label: { whiteSpace: "normal", textAlign: "left" } }}
        >
          {input ? t("proposal.confirm", { scopes: scopeWords(input.scopes), bank, at: input.cutoffAt }) : t("dialog.waiting")}
        </Button>
      </Group>
      {!reasonOk && (
        <Text size="xs" c="dimmed" ta="right">
          {t("dialog.reasonNeeded", { min: REASON_LENGTH_MIN })}
        </Text>
      )}
    </Stack>
  );
}
