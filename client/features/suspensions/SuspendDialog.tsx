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
import { Count, JstTime } from "../../components/format.tsx";
import { describeSuspendAction, SCOPE_LABELS } from "../../../shared/suspensions/describe.ts";
import type { SuspensionScope } from "../../../shared/suspensions/schemas.ts";
import { REASON_LENGTH_MIN } from "../../../shared/limits.ts";
import { formatCount } from "../../../shared/format.ts";
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

export function SuspendDialog(props: SuspendDialogProps) {
  // Remount on every opening so each suspension starts from the defaults.
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={props.bankCodes.length > 1 ? `Suspend ${props.bankCodes.length} banks` : "Suspend a bank"} size="xl" closeOnClickOutside={false}>
      {props.opened && <SuspendForm {...props} />}
    </Modal>
  );
}

function SuspendForm({ bankCodes, onClose, onSuspended }: SuspendDialogProps) {
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
  const startError = when === "scheduled" && !startsAt ? "Type a JST time as YYYY-MM-DD HH:mm" : null;
  const cutoffError =
    cutoffMode === "earlier" && !cutoffAt
      ? "Type a JST time as YYYY-MM-DD HH:mm"
      : cutoffAt && cutoffAt.getTime() > (startsAt ?? new Date()).getTime()
        ? "The cutoff must not be later than the start"
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
          title: "Suspended",
          message: `${result.suspensions.map((s) => s.bankName).join(", ")}${quarantined ? `: ${formatCount(quarantined)} links quarantined` : ""}.`,
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
      : "Waiting for the preview…";
  const nameOf = new Map((banks.data ?? []).map((b) => [b.code, b.name]));
  const bankNames = bankCodes.map((c) => (nameOf.has(c) ? `${nameOf.get(c)} (${c})` : c)).join(", ");
  const mutationFieldErrors = fieldErrors(suspend.error);

  return (
    <Stack gap="sm" data-testid="suspend-dialog">
      <Text size="sm">
        Banks: <b>{bankNames}</b>
      </Text>

      <Checkbox.Group label="Suspend" value={scopes} onChange={(v) => setScopes(v as SuspensionScope[])} error={scopes.length === 0 ? "Choose at least one" : undefined}>
        <Group gap="lg" mt={6}>
          {SCOPES.map((s) => (
            <Checkbox key={s} value={s} label={SCOPE_LABELS[s]} />
          ))}
        </Group>
      </Checkbox.Group>

      <SimpleGrid cols={2}>
        <Stack gap={6}>
          <Text size="sm" fw={500}>
            Takes effect
          </Text>
          <SegmentedControl
            value={when}
            onChange={(v) => setWhen(v as "now" | "scheduled")}
            data={[
              { value: "now", label: "Now" },
              { value: "scheduled", label: "At a set time" },
            ]}
          />
          {when === "scheduled" && (
            <TextInput label="Start (JST)" description="YYYY-MM-DD HH:mm" value={startText} onChange={(e) => setStartText(e.currentTarget.value)} error={startError} />
          )}
        </Stack>
        <Stack gap={6}>
          <Text size="sm" fw={500}>
            Cutoff: links registered before it keep working
          </Text>
          <SegmentedControl
            value={cutoffMode}
            onChange={(v) => setCutoffMode(v as "start" | "earlier")}
            data={[
              { value: "start", label: "At the start" },
              { value: "earlier", label: "Earlier (attack start)" },
            ]}
          />
          {cutoffMode === "earlier" && (
            <TextInput
              label="Cutoff (JST)"
              description="YYYY-MM-DD HH:mm: the first fraudulent link"
              placeholder="2026-11-23 16:00"
              value={cutoffText}
              onChange={(e) => setCutoffText(e.currentTarget.value)}
              error={cutoffText === "" ? undefined : cutoffError}
            />
          )}
          {data?.suggestedCutoff && (cutoffMode === "start" || cutoffText !== toJstInput(new Date(data.suggestedCutoff))) && (
            <Text size="xs" c="dimmed" data-testid="suggested-cutoff" data-at={new Date(data.suggestedCutoff).toISOString()}>
              The first spike at {bankCodes.length > 1 ? "these banks" : "this bank"} (any measure) started <JstTime at={data.suggestedCutoff} />.{" "}
              <Anchor
                component="button"
                type="button"
                size="xs"
                onClick={() => {
                  setCutoffMode("earlier");
                  setCutoffText(toJstInput(new Date(data.suggestedCutoff!)));
                }}
              >
                Use it as the cutoff
              </Anchor>
            </Text>
          )}
        </Stack>
      </SimpleGrid>

      <Checkbox
        label="Quarantine links registered at or after the cutoff (their charges are refused until an analyst releases or revokes each one)"
        checked={quarantine}
        onChange={(e) => setQuarantineChoice(e.currentTarget.checked)}
      />

      <PreviewPanel data={preview.data} error={preview.error} current={previewCurrent} scopes={scopes} />

      {data && previewCurrent && data.totals.flaggedGrandfathered > 0 && (
        <Alert color="orange" icon={<IconAlertTriangle size={16} />} data-testid="flagged-grandfathered-warning" title="Flagged wallets would keep their links">
          With this cutoff {formatCount(data.totals.flaggedGrandfathered)} {data.totals.flaggedGrandfathered === 1 ? "link" : "links"} of flagged wallets would stay grandfathered and keep
          charging. Move the cutoff earlier, or freeze those accounts.
        </Alert>
      )}

      {conflicts.length > 0 && (
        <Alert color="red" icon={<IconAlertTriangle size={16} />} title="Already suspended">
          {conflicts.map((c) => `${c.bankCode}: ${SCOPE_LABELS[c.scope].toLowerCase()}`).join("; ")}. Lift that suspension first, or leave the scope out.
        </Alert>
      )}

      <Textarea
        label="Reason"
        description="Recorded in the audit log and shown to other staff"
        placeholder="e.g. Link attack through the PIN-only page since 16:00; bank agreed by phone"
        value={reason}
        onChange={(e) => setReason(e.currentTarget.value)}
        autosize
        minRows={1}
        error={mutationFieldErrors.reason?.[0]}
      />

      {!busy && suspend.error && <Alert color="red">{errorMessage(suspend.error)}</Alert>}

      <Group wrap="nowrap" align="stretch">
        <Button variant="default" onClick={onClose} style={{ flexShrink: 0 }}>
          Cancel
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
          Give a reason of at least {REASON_LENGTH_MIN} characters to confirm.
        </Text>
      )}
    </Stack>
  );
}

function PreviewPanel({ data, error, current, scopes }: { data: SuspensionPreview | undefined; error: unknown; current: boolean; scopes: SuspensionScope[] }) {
  if (error) return <Alert color="red">{errorMessage(error)}</Alert>;
  if (!data) {
    return (
      <Group gap="xs">
        <Loader size="xs" aria-label="Computing the impact" />
        <Text size="sm" c="dimmed">
          Computing the impact from the data…
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
          Impact preview
        </Text>
        {!current && <Loader size="xs" aria-label="Updating the preview" />}
      </Group>
      <SimpleGrid cols={3} spacing="xs">
        <Figure
          label="Links grandfathered: they keep working"
          value={t.grandfathered}
          note={flaggedNote(t.flaggedGrandfathered)}
          testId="preview-grandfathered"
          warn={t.flaggedGrandfathered > 0}
        />
        <Figure
          label={data.quarantine ? "Links to quarantine: charges refused until reviewed" : "Links after the cutoff that keep working (quarantine is off)"}
          value={data.quarantine ? t.toQuarantine : t.afterCutoff}
          note={flaggedNote(data.quarantine ? t.flaggedToQuarantine : 0)}
          testId="preview-quarantine"
          warn={!data.quarantine && t.afterCutoff > 0}
        />
        <Figure
          label="Registration attempts to refuse per hour, at the last hour's rate"
          value={scopes.includes("REGISTRATION") ? t.expectedRefusedPerHour : 0}
          testId="preview-refused"
        />
      </SimpleGrid>
      {many && (
        <Table fz="xs" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Bank</Table.Th>
              <Table.Th ta="right">Grandfathered</Table.Th>
              <Table.Th ta="right">To quarantine</Table.Th>
              <Table.Th ta="right">Flagged</Table.Th>
              <Table.Th ta="right">Refused / h</Table.Th>
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
        Cutoff <JstTime at={data.cutoffAt} /> · links registered before it keep charging
        {scopes.includes("CHARGE") ? " (except that charges at the bank are suspended too)" : ""}.
        {data.banks.some((b) => b.alreadyQuarantined > 0) ? ` ${formatCount(data.banks.reduce((n, b) => n + b.alreadyQuarantined, 0))} links are already quarantined.` : ""}
      </Text>
    </Stack>
  );
}

const flaggedNote = (n: number) => `${formatCount(n)} of them ${n === 1 ? "belongs" : "belong"} to flagged accounts`;

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
