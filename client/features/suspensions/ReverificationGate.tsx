// The re-verification gate (#17) on a charge suspension, inside its alert on the bank page: the
// gate's counts (links waiting for re-verification, re-verified, charging again) for everyone, and
// for managers an "Open re-verification gate…" dialog (the instant re-verifications count from, and
// the required reason).
import { useState } from "react";
import { Alert, Button, Group, Modal, Stack, Text, TextInput, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useTRPC } from "../../trpc.ts";
import { errorMessage } from "../../lib/errors.ts";
import { useFormat } from "../../components/format.tsx";
import { useCan } from "../auth/useMe.ts";
import { useSubmitOnce } from "../../components/submit-once.ts";
import { REASON_LENGTH_MIN } from "../../../shared/limits.ts";
import { parseJstInput, toJstInput } from "./jst-input.ts";

/** The gate of one charge suspension (its counts), or the button that opens one. */
export function GateSection({ bankCode, suspensionId, bankName }: { bankCode: string; suspensionId: string; bankName: string }) {
  const { t } = useTranslation("suspensions");
  const f = useFormat();
  const trpc = useTRPC();
  const canOpen = useCan("suspensions.openGate");
  const gates = useQuery(trpc.suspensions.gates.queryOptions({ bankCode }));
  const [open, setOpen] = useState(false);
  const gate = gates.data?.find((g) => g.suspensionId === suspensionId);
  if (gate) {
    return (
      <Text size="sm" data-testid={`gate-${suspensionId}`}>
        {t("gate.status", { after: f.jst(gate.verifiedAfter), waiting: f.count(gate.waiting), reverified: f.count(gate.reverified), charging: f.count(gate.chargingAgain) })}
      </Text>
    );
  }
  if (!canOpen || gates.data === undefined) return null;
  return (
    <>
      <Group>
        <Button size="xs" variant="light" onClick={() => setOpen(true)} data-testid="open-gate">
          {t("gate.open")}
        </Button>
      </Group>
      <Modal opened={open} onClose={() => setOpen(false)} title={t("gate.title", { bank: bankName })} size="lg" closeOnClickOutside={false}>
        {open && <GateForm suspensionId={suspensionId} onClose={() => setOpen(false)} />}
      </Modal>
    </>
  );
}

function GateForm({ suspensionId, onClose }: { suspensionId: string; onClose: () => void }) {
  const { t } = useTranslation("suspensions");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [afterText, setAfterText] = useState(() => toJstInput(new Date()));
  const [reason, setReason] = useState("");
  const verifiedAfter = parseJstInput(afterText);
  const openGate = useMutation(
    trpc.suspensions.openGate.mutationOptions({
      onSuccess: async () => {
        notifications.show({ color: "green", message: t("gate.done") });
        await queryClient.invalidateQueries({ queryKey: trpc.suspensions.pathKey() });
        onClose();
      },
    }),
  );
  const { submit, busy } = useSubmitOnce(openGate);
  return (
    <Stack gap="sm" data-testid="gate-dialog">
      <Text size="sm">{t("gate.intro")}</Text>
      <TextInput label={t("gate.after")} description={t("dialog.timeFormat")} value={afterText} onChange={(e) => setAfterText(e.currentTarget.value)} error={verifiedAfter ? null : t("dialog.timeError")} data-testid="gate-after" />
      <Textarea label={t("gate.reason")} value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={2} data-testid="gate-reason" />
      {!busy && openGate.error && <Alert color="red">{errorMessage(openGate.error)}</Alert>}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          {t("lift.cancel")}
        </Button>
        <Button data-testid="confirm-gate" disabled={!verifiedAfter || reason.trim().length < REASON_LENGTH_MIN || busy} loading={busy} onClick={() => verifiedAfter && submit({ suspensionId, verifiedAfter, reason })}>
          {t("gate.confirm")}
        </Button>
      </Group>
    </Stack>
  );
}
