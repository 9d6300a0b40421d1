// Lifting a suspension, with its required reason: it waits for a second manager (#12), or, as an
// emergency with a long reason, takes effect at once. Quarantined links stay quarantined: the dialog
// says so, so nobody expects a lift to release them.
import { useState } from "react";
import { Alert, Button, Checkbox, Group, Modal, Stack, Text, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useEmergencyChange, useRefreshSuspensions, useRequestLift } from "./queries.ts";
import { errorMessage } from "../../lib/errors.ts";
import { useTranslation } from "react-i18next";
import { useDescribeSuspension } from "../../i18n/words.ts";
import { REASON_LENGTH_MIN } from "../../../shared/limits.ts";
import { EMERGENCY_REASON_LENGTH_MIN } from "../../../shared/approvals/rules.ts";
import type { SuspensionListRow } from "./types.ts";
import { useSubmitOnce } from "../../components/submit-once.ts";
import { useBankName } from "../../components/bank-names.ts";

export function LiftDialog({ suspension, onClose }: { suspension: SuspensionListRow | null; onClose: () => void }) {
  const { t } = useTranslation("suspensions");
  return (
    <Modal opened={suspension !== null} onClose={onClose} title={t("lift.title")} size="lg">
      {suspension && <LiftForm suspension={suspension} onClose={onClose} />}
    </Modal>
  );
}

function LiftForm({ suspension, onClose }: { suspension: SuspensionListRow; onClose: () => void }) {
  const { t } = useTranslation("suspensions");
  const describeSuspension = useDescribeSuspension();
  const refresh = useRefreshSuspensions();
  const bankName = useBankName();
  const bank = bankName(suspension.bankCode, suspension.bankName);
  const [reason, setReason] = useState("");
  const [emergency, setEmergency] = useState(false);
  const finish = async (title: string, message: string) => {
    notifications.show({ color: "green", title, message });
    await refresh({ approvals: true });
    onClose();
  };
  // Lifting weakens protection (#12): it waits for a second manager, or, in an emergency, one
  // manager lifts at once with a long reason that a second manager reviews later.
  const request = useRequestLift(() => finish(t("lift.requestedTitle"), t("lift.requested", { bank })));
  const now = useEmergencyChange(() => finish(t("lift.emergencyTitle"), t("lift.emergencyDone", { bank })));
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
          {bank} ({suspension.bankCode})
        </b>
        : {describeSuspension(suspension)}.
      </Text>
      <Alert color="blue" data-testid="lift-four-eyes">
        {t("lift.fourEyes")}
      </Alert>
      {suspension.quarantinedCount > 0 && (
        <Alert color="yellow">
          {t("lift.stayQuarantined", { count: suspension.quarantinedCount })}
        </Alert>
      )}
      <Checkbox
        label={t("lift.emergency")}
        description={t("lift.emergencyHint", { min: EMERGENCY_REASON_LENGTH_MIN })}
        checked={emergency}
        onChange={(e) => setEmergency(e.currentTarget.checked)}
        data-testid="lift-emergency"
      />
      <Textarea
        label={emergency ? t("lift.whyNow") : t("lift.reason")}
        placeholder={t("lift.placeholder")}
        value={reason}
        onChange={(e) => setReason(e.currentTarget.value)}
        autosize
        minRows={emergency ? 3 : 2}
        description={emergency ? t("lift.length", { n: reason.trim().length, min: EMERGENCY_REASON_LENGTH_MIN }) : undefined}
      />
      {!busy && error && <Alert color="red">{errorMessage(error)}</Alert>}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          {t("lift.cancel")}
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
          {emergency ? t("lift.liftNow", { bank }) : scheduled ? t("lift.askCancel", { bank }) : t("lift.askLift", { bank })}
        </Button>
      </Group>
    </Stack>
  );
}
