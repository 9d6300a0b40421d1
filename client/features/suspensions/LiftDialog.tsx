// Lifting a suspension, with its required reason. Quarantined links stay quarantined: the dialog
// says so, so nobody expects a lift to release them.
import { useState } from "react";
import { Alert, Button, Group, Modal, Stack, Text, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../../trpc.ts";
import { errorMessage } from "../../lib/errors.ts";
import { describeSuspension } from "../../../shared/suspensions/describe.ts";
import { formatCount } from "../../../shared/format.ts";
import { REASON_LENGTH_MIN } from "../../../shared/limits.ts";
import type { SuspensionListRow } from "./types.ts";
import { useSubmitOnce } from "../../components/submit-once.ts";

export function LiftDialog({ suspension, onClose }: { suspension: SuspensionListRow | null; onClose: () => void }) {
  return (
    <Modal opened={suspension !== null} onClose={onClose} title="Lift suspension" size="lg">
      {suspension && <LiftForm suspension={suspension} onClose={onClose} />}
    </Modal>
  );
}

function LiftForm({ suspension, onClose }: { suspension: SuspensionListRow; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState("");
  const lift = useMutation(
    trpc.suspensions.lift.mutationOptions({
      onSuccess: async (r) => {
        notifications.show({
          color: "green",
          title: "Suspension lifted",
          message: `${suspension.bankName}${r.stillQuarantined ? `: ${formatCount(r.stillQuarantined)} links stay quarantined until reviewed` : ""}.`,
        });
        await queryClient.invalidateQueries({ queryKey: trpc.suspensions.pathKey() });
        onClose();
      },
    }),
  );
  const { submit, busy } = useSubmitOnce(lift);
  const scheduled = suspension.state === "SCHEDULED";
  return (
    <Stack>
      <Text size="sm">
        <b>
          {suspension.bankName} ({suspension.bankCode})
        </b>
        : {describeSuspension(suspension)}.
      </Text>
      {suspension.quarantinedCount > 0 && (
        <Alert color="yellow">
          {formatCount(suspension.quarantinedCount)} links quarantined by this suspension stay quarantined: each still needs an analyst to release or revoke it.
        </Alert>
      )}
      <Textarea label="Reason" placeholder="e.g. The bank now requires a one-time password on its link page" value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={2} />
      {!busy && lift.error && <Alert color="red">{errorMessage(lift.error)}</Alert>}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          Cancel
        </Button>
        <Button
          data-testid="confirm-lift"
          disabled={reason.trim().length < REASON_LENGTH_MIN || busy}
          loading={busy}
          onClick={() => submit({ suspensionId: suspension.id, reason })}
        >
          {scheduled ? `Cancel the scheduled suspension at ${suspension.bankName}` : `Lift the suspension at ${suspension.bankName} now`}
        </Button>
      </Group>
    </Stack>
  );
}
