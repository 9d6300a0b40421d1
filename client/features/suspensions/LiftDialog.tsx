// Lifting a suspension, with its required reason: it waits for a second manager (#12), or, as an
// emergency with a long reason, takes effect at once. Quarantined links stay quarantined: the dialog
// says so, so nobody expects a lift to release them.
import { useState } from "react";
import { Alert, Button, Checkbox, Group, Modal, Stack, Text, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../../trpc.ts";
import { errorMessage } from "../../lib/errors.ts";
import { describeSuspension } from "../../../shared/suspensions/describe.ts";
import { formatCount } from "../../../shared/format.ts";
import { REASON_LENGTH_MIN } from "../../../shared/limits.ts";
import { EMERGENCY_REASON_LENGTH_MIN } from "../../../shared/approvals/rules.ts";
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
  const [emergency, setEmergency] = useState(false);
  const finish = async (title: string, message: string) => {
    notifications.show({ color: "green", title, message });
    await queryClient.invalidateQueries({ queryKey: trpc.suspensions.pathKey() });
    await queryClient.invalidateQueries({ queryKey: trpc.approvals.pathKey() });
    onClose();
  };
  // Lifting weakens protection (#12): it waits for a second manager, or, in an emergency, one
  // manager lifts at once with a long reason that a second manager reviews later.
  const request = useMutation(
    trpc.suspensions.lift.mutationOptions({
      onSuccess: () => finish("Lift requested", `The suspension at ${suspension.bankName} stays in force until a second manager approves the lift on the Approvals page.`),
    }),
  );
  const now = useMutation(
    trpc.approvals.emergency.mutationOptions({
      onSuccess: () => finish("Suspension lifted as an emergency", `${suspension.bankName}: shown on the overview until a second manager reviews it.`),
    }),
  );
  const requestOnce = useSubmitOnce(request);
  const nowOnce = useSubmitOnce(now);
  const busy = requestOnce.busy || nowOnce.busy;
  const error = emergency ? now.error : request.error;
  const minLength = emergency ? EMERGENCY_REASON_LENGTH_MIN : REASON_LENGTH_MIN;
  const scheduled = suspension.state === "SCHEDULED";
  return (
    <Stack>
      <Text size="sm">
        <b>
          {suspension.bankName} ({suspension.bankCode})
        </b>
        : {describeSuspension(suspension)}.
      </Text>
      <Alert color="blue" data-testid="lift-four-eyes">
        A lift waits for a second manager: it takes effect when another manager approves it on the Approvals page.
      </Alert>
      {suspension.quarantinedCount > 0 && (
        <Alert color="yellow">
          {formatCount(suspension.quarantinedCount)} links quarantined by this suspension stay quarantined: each still needs an analyst to release or revoke it.
        </Alert>
      )}
      <Checkbox
        label="Emergency: lift now, without waiting for a second manager"
        description={`Recorded as an emergency and shown on the overview until another manager reviews it. Needs a reason of at least ${EMERGENCY_REASON_LENGTH_MIN} characters.`}
        checked={emergency}
        onChange={(e) => setEmergency(e.currentTarget.checked)}
        data-testid="lift-emergency"
      />
      <Textarea
        label={emergency ? "Why this cannot wait for a second manager" : "Reason"}
        placeholder="e.g. The bank now requires a one-time password on its link page"
        value={reason}
        onChange={(e) => setReason(e.currentTarget.value)}
        autosize
        minRows={emergency ? 3 : 2}
        description={emergency ? `${reason.trim().length} / ${EMERGENCY_REASON_LENGTH_MIN} characters at least` : undefined}
      />
      {!busy && error && <Alert color="red">{errorMessage(error)}</Alert>}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          Cancel
        </Button>
        <Button
          data-testid="confirm-lift"
          color={emergency ? "red" : undefined}
          disabled={reason.trim().length < minLength || busy}
          loading={busy}
          onClick={() =>
            emergency
              ? nowOnce.submit({ change: { kind: "LIFT_SUSPENSION", suspensionId: suspension.id }, reason })
              : requestOnce.submit({ suspensionId: suspension.id, reason })
          }
        >
          {emergency
            ? `Lift at ${suspension.bankName} now (emergency)`
            : scheduled
              ? `Ask to cancel the scheduled suspension at ${suspension.bankName}`
              : `Ask a second manager to lift the suspension at ${suspension.bankName}`}
        </Button>
      </Group>
    </Stack>
  );
}
