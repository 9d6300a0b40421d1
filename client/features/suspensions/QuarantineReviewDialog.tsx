// Releasing or revoking quarantined links, one or many, with one reason (it goes into the audit log).
import { useState } from "react";
import { Alert, Button, Group, Modal, Stack, Text, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../lib/errors.ts";
import { REASON_LENGTH_MIN } from "../../../shared/limits.ts";
import { useSubmitOnce } from "../../components/submit-once.ts";
import { useRefreshSuspensions, useReviewLinks } from "./queries.ts";

export type ReviewAction = { kind: "release" | "revoke"; linkIds: string[] };

export function ReviewDialog({ action, onClose, onDone }: { action: ReviewAction | null; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation("suspensions");
  return (
    <Modal opened={action !== null} onClose={onClose} title={action?.kind === "revoke" ? t("quarantine.revokeTitle") : t("quarantine.releaseTitle")}>
      {action && <ReviewForm action={action} onClose={onClose} onDone={onDone} />}
    </Modal>
  );
}

function ReviewForm({ action, onClose, onDone }: { action: ReviewAction; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation(["suspensions", "common"]);
  const refresh = useRefreshSuspensions();
  const [reason, setReason] = useState("");
  // The form is mounted for one action (release or revoke), so it holds that one mutation.
  const m = useReviewLinks(action.kind, async (r) => {
    const done = t("quarantine.links", { count: r.count });
    notifications.show({ color: "green", message: action.kind === "revoke" ? t("quarantine.revoked", { what: done }) : t("quarantine.released", { what: done }) });
    onDone();
    await refresh();
    onClose();
  });
  const once = useSubmitOnce(m);
  const n = action.linkIds.length;
  const what = t("quarantine.links", { count: n });
  return (
    <Stack>
      <Text size="sm">
        {action.kind === "revoke" ? t("quarantine.revokeText", { count: n, what }) : t("quarantine.releaseText", { count: n, what })}
      </Text>
      <Textarea label={t("quarantine.reason")} value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={2} />
      {!once.busy && m.error && <Alert color="red">{errorMessage(m.error)}</Alert>}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          {t("common:cancel")}
        </Button>
        <Button
          color={action.kind === "revoke" ? "red" : "green"}
          disabled={reason.trim().length < REASON_LENGTH_MIN || once.busy}
          loading={once.busy}
          onClick={() => once.submit({ linkIds: action.linkIds, reason })}
          data-testid="confirm-review"
        >
          {action.kind === "revoke" ? t("quarantine.revokeButton", { what }) : t("quarantine.releaseButton", { what })}
        </Button>
      </Group>
    </Stack>
  );
}
