// The emergency path for the administrators' four-eyes changes (#12): raising the compensation
// approval threshold and granting MANAGER or ADMIN normally wait for a second administrator. In an
// emergency one administrator applies the change alone, now, with a long reason: it is marked as an
// emergency in the audit log and shown to everyone on the overview until a second administrator
// reviews it on the Four eyes page. The same server path as the lift dialog's emergency
// (approvals.emergency, step-up when the code is older than five minutes).
import { useState } from "react";
import { Alert, Button, Group, Modal, Stack, Text, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useTRPC } from "../../trpc.ts";
import { errorMessage } from "../../lib/errors.ts";
import { useSubmitOnce } from "../../components/submit-once.ts";
import { EMERGENCY_REASON_LENGTH_MIN } from "../../../shared/approvals/rules.ts";
import type { ChangePayload } from "../../../shared/approvals/schemas.ts";
import type { Role } from "../../../shared/auth/roles.ts";

/** What the administrator wants to apply at once, with what it is now (for the words). */
export type AdminEmergency =
  | { kind: "GRANT_ROLE"; userId: string; role: Role; email: string; from: Role }
  | { kind: "RAISE_APPROVAL_THRESHOLD"; valueYen: number; fromYen: number };

function changeOf(e: AdminEmergency): ChangePayload {
  return e.kind === "GRANT_ROLE" ? { kind: e.kind, userId: e.userId, role: e.role } : { kind: e.kind, valueYen: e.valueYen };
}

export function EmergencyChangeDialog({ emergency, onClose }: { emergency: AdminEmergency | null; onClose: () => void }) {
  const { t } = useTranslation("approvals");
  return (
    <Modal opened={emergency !== null} onClose={onClose} title={t("emergency.title")} size="lg">
      {emergency && <EmergencyForm key={JSON.stringify(emergency)} emergency={emergency} onClose={onClose} />}
    </Modal>
  );
}

function EmergencyForm({ emergency, onClose }: { emergency: AdminEmergency; onClose: () => void }) {
  const { t } = useTranslation(["approvals", "common"]);
  const trpc = useTRPC();
  const summary =
    emergency.kind === "GRANT_ROLE"
      ? t("emergency.grant", { email: emergency.email, role: t(`common:roles.${emergency.role}`), from: t(`common:roles.${emergency.from}`) })
      : t("emergency.raise", { from: emergency.fromYen, to: emergency.valueYen });
  const queryClient = useQueryClient();
  const [reason, setReason] = useState("");
  const apply = useMutation(
    trpc.approvals.emergency.mutationOptions({
      onSuccess: async () => {
        notifications.show({ color: "orange", title: t("emergency.doneTitle"), message: t("emergency.done", { summary: summary }) });
        await queryClient.invalidateQueries({ queryKey: trpc.admin.pathKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.approvals.pathKey() });
        onClose();
      },
    }),
  );
  const once = useSubmitOnce(apply);
  const length = reason.trim().length;
  return (
    <Stack>
      <Text size="sm" fw={500} data-testid="emergency-summary">
        {summary}
      </Text>
      <Alert color="red" data-testid="emergency-meaning" title={t("emergency.meaningTitle")}>
        {t("emergency.meaning")}
      </Alert>
      <Textarea
        label={t("emergency.whyNow")}
        placeholder={t("emergency.placeholder")}
        description={t("emergency.length", { n: length, min: EMERGENCY_REASON_LENGTH_MIN })}
        value={reason}
        onChange={(e) => setReason(e.currentTarget.value)}
        autosize
        minRows={3}
        data-autofocus
      />
      {!once.busy && apply.error && <Alert color="red">{errorMessage(apply.error)}</Alert>}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          {t("emergency.cancel")}
        </Button>
        <Button
          color="red"
          data-testid="confirm-emergency"
          disabled={length < EMERGENCY_REASON_LENGTH_MIN || once.busy}
          loading={once.busy}
          onClick={() => once.submit({ change: changeOf(emergency), reason })}
        >
          {t("emergency.applyNow")}
        </Button>
      </Group>
    </Stack>
  );
}

/** The way in from the admin page: shown beside a change that would wait for a second administrator. */
export function EmergencyOffer({ onOpen }: { onOpen: () => void }) {
  const { t } = useTranslation("approvals");
  return (
    <Group gap="xs" wrap="nowrap" data-testid="emergency-offer">
      <Text size="xs" c="dimmed">
        {t("emergency.offer")}
      </Text>
      <Button size="compact-xs" variant="light" color="red" onClick={onOpen}>
        {t("emergency.open")}
      </Button>
    </Group>
  );
}
