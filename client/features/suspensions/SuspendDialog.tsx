// The suspend dialog: scopes, effective time, cutoff, quarantine and reason, with an impact preview
// computed on the server from the data before anything is confirmed. The confirm button says
// exactly what will happen. Exported for the overview's multi-select (several bank codes at once).
import { useMemo, useState } from "react";
import {
  Alert,
  Anchor,
  Button,
  Checkbox,
  Group,
  Loader,
  Modal,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Textarea,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { IconAlertTriangle } from "@tabler/icons-react";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../../trpc.ts";
import { errorMessage, fieldErrors } from "../../lib/errors.ts";
import { Count } from "../../components/format.tsx";
import type { SuspendActionFacts } from "../../../shared/suspensions/describe.ts";
import type { SuspensionScope } from "../../../shared/suspensions/schemas.ts";
import { REASON_LENGTH_MIN } from "../../../shared/limits.ts";
import { useTranslation } from "react-i18next";
import { useFormat } from "../../components/format.tsx";
import { joinWords, useScopeWords } from "../../i18n/words.ts";
import { useSubmitOnce } from "../../components/submit-once.ts";
import { parseJstInput, toJstInput } from "./jst-input.ts";
import type { SuspensionPreview } from "./types.ts";

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
  const describeSuspendAction = useDescribeSuspendAction();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [scopes, setScopes] = useState<SuspensionScope[]>(["REGISTRATION", "LINK_CHANGE"]);
  const [when, setWhen] = useState<"now" | "scheduled">("now");
  const [startText, setStartText] = useState(() => toJstInput(new Date(Date.now() + 3600_000)));
  const [cutoffMode, setCutoffMode] = useState<"start" | "earlier">("start");
  const [cutoffText, setCutoffText] = useState("");
  const [quarantineChoice, setQuarantineChoice] = useState<boolean | null>(null);
  const [reason, setReason] = useState("");

  const startsAt = when === "scheduled" ? parseJstInput(startText) : null;
  const cutoffAt = cutoffMode === "earlier" ? parseJstInput(cutoffText) : null;
  const startError = when === "scheduled" && !startsAt ? t("dialog.timeError") : null;
  const cutoffError =
    cutoffMode === "earlier" && !cutoffAt
      ? t("dialog.timeError")
      : cutoffAt && cutoffAt.getTime() > (startsAt ?? new Date()).getTime()
        ? t("dialog.cutoffAfterStart")
        : null;
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
    // Dates are compared by the text they came from.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [bankCodes.join(","), scopes.join(","), when, startText, cutoffMode, cutoffText, quarantine, startError, cutoffError],
  );
  const [debounced] = useDebouncedValue(input, 300);
  const preview = useQuery({
    ...trpc.suspensions.preview.queryOptions(debounced ?? { bankCodes, scopes: ["REGISTRATION"] }),
    enabled: debounced !== null,
    placeholderData: keepPreviousData,
  });
  const banks = useQuery(trpc.suspensions.banks.queryOptions());
  const previewCurrent = debounced === input && !preview.isPlaceholderData && preview.data !== undefined;

  const suspend = useMutation(
    trpc.suspensions.suspend.mutationOptions({
      onSuccess: async (result) => {
        const quarantined = result.suspensions.reduce((n, s) => n + s.quarantinedCount, 0);
        notifications.show({
          color: "green",
          title: t("dialog.doneTitle"),
          message: quarantined
            ? t("dialog.doneQuarantined", { banks: result.suspensions.map((s) => s.bankName).join(", "), count: quarantined })
            : t("dialog.done", { banks: result.suspensions.map((s) => s.bankName).join(", ") }),
        });
        // The banner, the bank page's header and the overview show the new state at once.
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.suspensions.pathKey() }),
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
          bankNames: data.banks.map((b) => b.bankName),
          scopes,
          startsAt: when === "scheduled" ? data.startsAt : null,
          cutoffAt: data.cutoffAt,
          quarantine: data.quarantine,
          toQuarantineCount: data.totals.toQuarantine,
        })
      : t("dialog.waiting");
  const nameOf = new Map((banks.data ?? []).map((b) => [b.code, b.name]));
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
        <Stack gap={6}>
          <Text size="sm" fw={500}>
            {t("dialog.cutoffTitle")}
          </Text>
          <SegmentedControl
            value={cutoffMode}
            onChange={(v) => setCutoffMode(v as "start" | "earlier")}
            data={[
              { value: "start", label: t("dialog.atStart") },
              { value: "earlier", label: t("dialog.earlier") },
            ]}
          />
          {cutoffMode === "earlier" && (
            <TextInput
              label={t("dialog.cutoff")}
              description={t("dialog.cutoffHint")}
              placeholder="2026-11-23 16:00"
              value={cutoffText}
              onChange={(e) => setCutoffText(e.currentTarget.value)}
              error={cutoffText === "" ? undefined : cutoffError}
            />
          )}
          {data && previewCurrent && !data.suggestedCutoff && (
            <Text size="xs" c="dimmed" data-testid="suggested-cutoff" data-basis="NONE">
              {t(bankCodes.length > 1 ? "dialog.suggestedMany.NONE" : "dialog.suggestedOne.NONE")}
            </Text>
          )}
          {/* Where the suggestion comes from stays said after it is taken; the link goes once it is the cutoff. */}
          {data?.suggestedCutoff && data.suggestedCutoffBasis && (
            <Text size="xs" c="dimmed" data-testid="suggested-cutoff" data-at={new Date(data.suggestedCutoff).toISOString()} data-basis={data.suggestedCutoffBasis}>
              {t(`${bankCodes.length > 1 ? "dialog.suggestedMany" : "dialog.suggestedOne"}.${data.suggestedCutoffBasis}`, { at: new Date(data.suggestedCutoff) })}{" "}
              {(cutoffMode === "start" || cutoffText !== toJstInput(new Date(data.suggestedCutoff))) && (
                <Anchor
                  component="button"
                  type="button"
                  size="xs"
                  onClick={() => {
                    setCutoffMode("earlier");
                    setCutoffText(toJstInput(new Date(data.suggestedCutoff!)));
                  }}
                >
                  {t("dialog.useIt")}
                </Anchor>
              )}
            </Text>
          )}
        </Stack>
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
          disabled={busy || !input || !previewCurrent || !reasonOk || conflicts.length > 0}
          loading={busy}
          onClick={() => input && submit({ ...input, reason })}
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

function PreviewPanel({ data, error, current, scopes }: { data: SuspensionPreview | undefined; error: unknown; current: boolean; scopes: SuspensionScope[] }) {
  const { t: tr } = useTranslation("suspensions");
  const flaggedNote = (count: number) => tr("preview.flaggedNote", { count });
  if (error) return <Alert color="red">{errorMessage(error)}</Alert>;
  if (!data) {
    return (
      <Group gap="xs">
        <Loader size="xs" aria-label={tr("preview.computing")} />
        <Text size="sm" c="dimmed">
          {tr("preview.computingText")}
        </Text>
      </Group>
    );
  }
  const t = data.totals;
  const many = data.banks.length > 1;
  return (
    <Stack gap={6} data-testid="suspend-preview" style={{ opacity: current ? 1 : 0.5 }}>
      <Group justify="space-between">
        <Text size="sm" fw={500}>
          {tr("preview.title")}
        </Text>
        {!current && <Loader size="xs" aria-label={tr("preview.updating")} />}
      </Group>
      <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="xs">
        <Figure
          label={tr("preview.grandfathered")}
          value={t.grandfathered}
          note={flaggedNote(t.flaggedGrandfathered)}
          testId="preview-grandfathered"
          warn={t.flaggedGrandfathered > 0}
        />
        <Figure
          label={data.quarantine ? tr("preview.toQuarantine") : tr("preview.afterCutoff")}
          value={data.quarantine ? t.toQuarantine : t.afterCutoff}
          note={flaggedNote(data.quarantine ? t.flaggedToQuarantine : 0)}
          testId="preview-quarantine"
          warn={!data.quarantine && t.afterCutoff > 0}
        />
        <Figure
          label={tr("preview.refused")}
          value={scopes.includes("REGISTRATION") ? t.expectedRefusedPerHour : 0}
          testId="preview-refused"
        />
      </SimpleGrid>
      {many && (
        <Table fz="xs" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{tr("preview.col.bank")}</Table.Th>
              <Table.Th ta="right">{tr("preview.col.grandfathered")}</Table.Th>
              <Table.Th ta="right">{tr("preview.col.toQuarantine")}</Table.Th>
              <Table.Th ta="right">{tr("preview.col.flagged")}</Table.Th>
              <Table.Th ta="right">{tr("preview.col.refused")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.banks.map((b) => (
              <Table.Tr key={b.bankCode}>
                <Table.Td>
                  {b.bankName} ({b.bankCode})
                </Table.Td>
                <Table.Td ta="right">
                  <Count value={b.grandfathered} />
                </Table.Td>
                <Table.Td ta="right">
                  <Count value={b.toQuarantine} />
                </Table.Td>
                <Table.Td ta="right">
                  <Count value={b.flaggedToQuarantine} />
                </Table.Td>
                <Table.Td ta="right">
                  <Count value={b.expectedRefusedPerHour} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Text size="xs" c="dimmed">
        {tr("preview.cutoffNote", { at: data.cutoffAt })}
        {scopes.includes("CHARGE") ? tr("preview.chargeToo") : ""}
        {tr("preview.end")}
        {data.banks.some((b) => b.alreadyQuarantined > 0) ? tr("preview.alreadyQuarantined", { count: data.banks.reduce((n, b) => n + b.alreadyQuarantined, 0) }) : ""}
      </Text>
    </Stack>
  );
}


function Figure({ label, value, note, testId, warn }: { label: string; value: number; note?: string; testId: string; warn?: boolean }) {
  return (
    <Stack gap={0} p="xs" style={{ border: "1px solid var(--mantine-color-gray-3)", borderRadius: 4 }} data-testid={testId}>
      <Text size="xl" fw={700}>
        <Count value={value} />
      </Text>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      {note && (
        <Text size="xs" c={warn ? "orange.8" : undefined} fw={warn ? 500 : undefined}>
          {note}
        </Text>
      )}
    </Stack>
  );
}
