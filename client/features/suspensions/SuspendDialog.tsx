// The suspend dialog: scopes, effective time, cutoff (the suggested attack start by default),
// quarantine and reason, with an impact preview computed on the server from the data before
// anything is confirmed. The confirm button says exactly what will happen. Exported for the
// overview's multi-select (several bank codes at once).
import { useMemo, useState } from "react";
import { Alert, Button, Checkbox, Group, Modal, SegmentedControl, SimpleGrid, Stack, Text, TextInput, Textarea } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { IconAlertTriangle } from "@tabler/icons-react";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../../trpc.ts";
import { errorMessage, fieldErrors } from "../../lib/errors.ts";
import type { SuspendActionFacts } from "../../../shared/suspensions/describe.ts";
import type { SuspensionScope } from "../../../shared/suspensions/schemas.ts";
import { REASON_LENGTH_MIN } from "../../../shared/limits.ts";
import { useTranslation } from "react-i18next";
import { useFormat } from "../../components/format.tsx";
import { joinWords, useScopeWords } from "../../i18n/words.ts";
import { useSubmitOnce } from "../../components/submit-once.ts";
import { parseJstInput, toJstInput } from "./jst-input.ts";
import { CutoffChoice, type CutoffMode, type CutoffSuggestion } from "./CutoffChoice.tsx";
import { PreviewPanel } from "./SuspendPreview.tsx";
import type { SuspensionPreview } from "./types.ts";
import { useBankName } from "../../components/bank-names.ts";

export interface SuspendDialogProps {
  bankCodes: string[];
  opened: boolean;
  onClose: () => void;
  /** Called after the suspension committed. */
  onSuspended?: () => void;
}

const SCOPES: SuspensionScope[] = ["REGISTRATION", "LINK_CHANGE", "CHARGE"];

/**
 * The confirm button's words in the reader's language, e.g. "Suspend registrations and link changes
 * at The 77 Bank from now; quarantine 1,234 links registered since 2026-11-23 16:00 JST" (the same
 * sentence as shared/suspensions/describe.ts describeSuspendAction, which the server's records use).
 */
function useDescribeSuspendAction() {
  const { t } = useTranslation(["suspensions", "common"]);
  const { lang } = useFormat();
  const scopeWords = useScopeWords();
  return (f: SuspendActionFacts) => {
    const banks = f.bankNames.length <= 2 ? joinWords(f.bankNames, lang) : t("action.banksMany", { count: f.bankNames.length, names: `${f.bankNames.slice(0, 3).join(", ")}${f.bankNames.length > 3 ? ", …" : ""}` });
    const when = f.startsAt ? t("action.from", { at: f.startsAt }) : t("action.now");
    let text = t("action.text", { scopes: scopeWords(f.scopes), banks, when });
    if (f.quarantine) {
      const n = f.toQuarantineCount;
      text += n === 0 ? t("action.quarantineNone", { at: f.cutoffAt }) : n === 1 ? t("action.quarantineOne", { at: f.cutoffAt }) : t("action.quarantine", { count: n, at: f.cutoffAt });
    }
    return text;
  };
}

export function SuspendDialog(props: SuspendDialogProps) {
  const { t } = useTranslation(["suspensions", "common"]);
  // Remount on every opening so each suspension starts from the defaults.
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={props.bankCodes.length > 1 ? t("dialog.titleMany", { count: props.bankCodes.length }) : t("dialog.titleOne")} size="xl" closeOnClickOutside={false}>
      {props.opened && <SuspendForm {...props} />}
    </Modal>
  );
}

function SuspendForm({ bankCodes, onClose, onSuspended }: SuspendDialogProps) {
  const { t } = useTranslation(["suspensions", "common"]);
  const fmt = useFormat();
  const describeSuspendAction = useDescribeSuspendAction();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [scopes, setScopes] = useState<SuspensionScope[]>(["REGISTRATION", "LINK_CHANGE"]);
  const [when, setWhen] = useState<"now" | "scheduled">("now");
  const [startText, setStartText] = useState(() => toJstInput(new Date(Date.now() + 3600_000)));
  // The suggested cutoff is the default: a hurried manager takes the default.
  const [cutoffMode, setCutoffMode] = useState<CutoffMode>("suggested");
  const [cutoffText, setCutoffText] = useState("");
  const [quarantineChoice, setQuarantineChoice] = useState<boolean | null>(null);
  const [reason, setReason] = useState("");
  const [endsText, setEndsText] = useState("");
  const [reviewText, setReviewText] = useState("");
  // Every preview answer carries the suggestion for these banks (the first one is asked without a
  // cutoff): undefined until it answers, null when no alarm gives an attack start.
  const [previewData, setPreviewData] = useState<SuspensionPreview | undefined>(undefined);
  const suggestion: CutoffSuggestion | null | undefined =
    previewData === undefined ? undefined : previewData.suggestedCutoff && previewData.suggestedCutoffBasis ? { at: new Date(previewData.suggestedCutoff), basis: previewData.suggestedCutoffBasis } : null;
  const mode: CutoffMode = cutoffMode === "suggested" && suggestion === null ? "start" : cutoffMode;
  const waitingForSuggestion = mode === "suggested" && suggestion === undefined;

  const startsAt = when === "scheduled" ? parseJstInput(startText) : null;
  const cutoffAt = mode === "other" ? parseJstInput(cutoffText) : mode === "suggested" ? (suggestion?.at ?? null) : null;
  const startError = when === "scheduled" && !startsAt ? t("dialog.timeError") : null;
  // #17: an optional end time and review date (checked by the server against the start and now).
  const endsAt = endsText.trim() ? parseJstInput(endsText) : null;
  const reviewAt = reviewText.trim() ? parseJstInput(reviewText) : null;
  const endsError = endsText.trim() && !endsAt ? t("dialog.timeError") : null;
  const reviewError = reviewText.trim() && !reviewAt ? t("dialog.timeError") : null;
  const cutoffError =
    mode === "other" && !cutoffAt
      ? t("dialog.timeError")
      : cutoffAt && cutoffAt.getTime() > (startsAt ?? new Date()).getTime()
        ? t("dialog.cutoffAfterStart")
        : null;
  const chooseCutoff = (next: CutoffMode) => {
    // A typed time starts from the suggestion (or now), to be adjusted.
    if (next === "other" && cutoffText === "") setCutoffText(toJstInput(suggestion?.at ?? new Date()));
    setCutoffMode(next);
  };
  // Quarantine defaults on when the cutoff reaches back before the start, until the manager chooses.
  const quarantineDefault = cutoffAt !== null && cutoffAt.getTime() < (startsAt ?? new Date()).getTime();
  const quarantine = quarantineChoice ?? quarantineDefault;

  const input = useMemo(
    () =>
      scopes.length === 0 || startError || cutoffError
        ? null
        : {
            bankCodes,
            scopes,
            ...(startsAt ? { startsAt } : {}),
            ...(cutoffAt ? { cutoffAt } : {}),
            quarantine,
          },
    // Dates are compared by their time.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [bankCodes.join(","), scopes.join(","), startsAt?.getTime(), cutoffAt?.getTime(), quarantine, startError, cutoffError],
  );
  const [debounced] = useDebouncedValue(input, 300);
  const preview = useQuery({
    ...trpc.suspensions.preview.queryOptions(debounced ?? { bankCodes, scopes: ["REGISTRATION"] }),
    enabled: debounced !== null,
    placeholderData: keepPreviousData,
  });
  if (preview.data !== undefined && preview.data !== previewData) setPreviewData(preview.data);
  const banks = useQuery(trpc.suspensions.banks.queryOptions());
  const bankName = useBankName();
  const previewCurrent = debounced === input && !preview.isPlaceholderData && preview.data !== undefined && !waitingForSuggestion;

  const suspend = useMutation(
    trpc.suspensions.suspend.mutationOptions({
      onSuccess: async (result) => {
        const quarantined = result.suspensions.reduce((n, s) => n + s.quarantinedCount, 0);
        notifications.show({
          color: "green",
          title: t("dialog.doneTitle"),
          message: quarantined
            ? t("dialog.doneQuarantined", { banks: result.suspensions.map((s) => bankName(s.bankCode, s.bankName)).join(", "), count: quarantined })
            : t("dialog.done", { banks: result.suspensions.map((s) => bankName(s.bankCode, s.bankName)).join(", ") }),
        });
        // The banner, the bank page's header and the overview show the new state at once. Not this
        // dialog's own preview: asked again now it would answer "already suspended" beside the success.
        const previewPath = JSON.stringify(trpc.suspensions.preview.pathKey()[0]);
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.suspensions.pathKey(), predicate: (q) => JSON.stringify(q.queryKey[0]) !== previewPath }),
          queryClient.invalidateQueries({ queryKey: trpc.volume.pathKey() }),
        ]);
        onSuspended?.();
        onClose();
      },
    }),
  );

  const { submit, busy } = useSubmitOnce(suspend);
  const data = preview.data;
  const reasonOk = reason.trim().length >= REASON_LENGTH_MIN;
  const conflicts = data?.conflicts ?? [];
  const confirmText =
    data && previewCurrent
      ? describeSuspendAction({
          bankNames: data.banks.map((b) => fmt.bank(b.bankName, b.bankNameJa)),
          scopes,
          startsAt: when === "scheduled" ? data.startsAt : null,
          cutoffAt: data.cutoffAt,
          quarantine: data.quarantine,
          toQuarantineCount: data.totals.toQuarantine,
        })
      : t("dialog.waiting");
  const nameOf = new Map((banks.data ?? []).map((b) => [b.code, fmt.bank(b.name, b.nameJa)]));
  const bankNames = bankCodes.map((c) => (nameOf.has(c) ? `${nameOf.get(c)} (${c})` : c)).join(", ");
  const mutationFieldErrors = fieldErrors(suspend.error);

  return (
    <Stack gap="sm" data-testid="suspend-dialog">
      <Text size="sm">
        {t("dialog.banks")} <b>{bankNames}</b>
      </Text>

      <Checkbox.Group label={t("dialog.suspend")} value={scopes} onChange={(v) => setScopes(v as SuspensionScope[])} error={scopes.length === 0 ? t("dialog.chooseOne") : undefined}>
        <Group gap="lg" mt={6}>
          {SCOPES.map((s) => (
            <Checkbox key={s} value={s} label={t(`common:scopeLabels.${s}`)} />
          ))}
        </Group>
      </Checkbox.Group>

      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Stack gap={6}>
          <Text size="sm" fw={500}>
            {t("dialog.takesEffect")}
          </Text>
          <SegmentedControl
            value={when}
            onChange={(v) => setWhen(v as "now" | "scheduled")}
            data={[
              { value: "now", label: t("dialog.now") },
              { value: "scheduled", label: t("dialog.atTime") },
            ]}
          />
          {when === "scheduled" && (
            <TextInput label={t("dialog.start")} description={t("dialog.timeFormat")} value={startText} onChange={(e) => setStartText(e.currentTarget.value)} error={startError} />
          )}
        </Stack>
        <CutoffChoice mode={mode} onMode={chooseCutoff} suggestion={suggestion} many={bankCodes.length > 1} text={cutoffText} onText={setCutoffText} error={cutoffError} />
      </SimpleGrid>

      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput label={t("ending.dialogEnds")} description={t("dialog.timeFormat")} value={endsText} onChange={(e) => setEndsText(e.currentTarget.value)} error={endsError} data-testid="suspend-ends-at" />
        <TextInput label={t("ending.dialogReview")} description={t("dialog.timeFormat")} value={reviewText} onChange={(e) => setReviewText(e.currentTarget.value)} error={reviewError} data-testid="suspend-review-at" />
      </SimpleGrid>

      <Checkbox
        label={t("dialog.quarantine")}
        checked={quarantine}
        onChange={(e) => setQuarantineChoice(e.currentTarget.checked)}
      />

      <PreviewPanel data={preview.data} error={preview.error} current={previewCurrent} scopes={scopes} />

      {data && previewCurrent && data.totals.flaggedGrandfathered > 0 && (
        <Alert color="orange" icon={<IconAlertTriangle size={16} />} data-testid="flagged-grandfathered-warning" title={t("dialog.flaggedTitle")}>
          {t("dialog.flaggedText", { count: data.totals.flaggedGrandfathered })}
        </Alert>
      )}

      {conflicts.length > 0 && (
        <Alert color="red" icon={<IconAlertTriangle size={16} />} title={t("dialog.conflictTitle")}>
          {t("dialog.conflictText", { list: conflicts.map((c) => `${c.bankCode}: ${t(`common:scopeLabels.${c.scope}`).toLowerCase()}`).join("; ") })}
        </Alert>
      )}

      <Textarea
        label={t("dialog.reason")}
        description={t("dialog.reasonHint")}
        placeholder={t("dialog.reasonPlaceholder")}
        value={reason}
        onChange={(e) => setReason(e.currentTarget.value)}
        autosize
        minRows={1}
        error={mutationFieldErrors.reason?.[0]}
      />

      {!busy && suspend.error && <Alert color="red">{errorMessage(suspend.error)}</Alert>}

      <Group wrap="nowrap" align="stretch">
        <Button variant="default" onClick={onClose} style={{ flexShrink: 0 }}>
          {t("dialog.cancel")}
        </Button>
        <Button
          color="red"
          style={{ flex: 1 }}
          data-testid="confirm-suspend"
          disabled={busy || !input || !previewCurrent || !reasonOk || conflicts.length > 0 || !!endsError || !!reviewError}
          loading={busy}
          onClick={() => input && !endsError && !reviewError && submit({ ...input, ...(endsAt ? { endsAt } : {}), ...(reviewAt ? { reviewAt } : {}), reason })}
          styles={{ root: { height: "auto", minHeight: 36, paddingTop: 6, paddingBottom: 6 }, label: { whiteSpace: "normal", textAlign: "left" } }}
        >
          {confirmText}
        </Button>
      </Group>
      {!reasonOk && previewCurrent && (
        <Text size="xs" c="dimmed" ta="right">
          {t("dialog.reasonNeeded", { min: REASON_LENGTH_MIN })}
        </Text>
      )}
    </Stack>
  );
}
