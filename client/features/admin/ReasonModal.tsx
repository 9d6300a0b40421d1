// The confirmation every administration change goes through: it collects the reason, which goes into
// the audit log with the change.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Alert, Button, Group, Modal, Stack, TextInput } from "@mantine/core";
import { errorMessage, fieldErrors } from "../../lib/errors.ts";

export function ReasonModal({
  opened,
  title,
  confirmLabel,
  children,
  onClose,
  onConfirm,
  pending,
  error,
  canConfirm = true,
}: {
  opened: boolean;
  title: string;
  confirmLabel: string;
  children?: React.ReactNode;
  onClose: () => void;
  onConfirm: (reason: string) => void;
  pending: boolean;
  error: unknown;
  canConfirm?: boolean;
}) {
  const { t } = useTranslation("admin");
  const [reason, setReason] = useState("");
  return (
    <Modal opened={opened} onClose={onClose} title={title}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          onConfirm(reason);
        }}
      >
        <Stack>
          {children}
          <TextInput label={t("reasonModal.label")} description={t("reasonModal.description")} value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={fieldErrors(error).reason?.[0]} data-autofocus />
          {error ? <Alert color="red">{errorMessage(error)}</Alert> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("reasonModal.cancel")}
            </Button>
            <Button type="submit" loading={pending} disabled={reason.trim().length < 5 || !canConfirm}>
              {confirmLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

