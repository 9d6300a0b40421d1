// Step-up (issue #12): a protected action refused with STEP_UP_REQUIRED opens this modal (see
// client/lib/step-up.ts); the code is checked, and the action is sent again once.
import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import { Alert, Button, Group, Modal, Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { errorMessage, fieldErrors } from "../../../lib/errors.ts";
import { registerStepUpAsker } from "../../../lib/step-up.ts";
import { useSubmitOnce } from "../../../components/submit-once.ts";
import { CodeInput } from "./CodeInput.tsx";
import { useVerifySecondFactor } from "../queries.ts";

export function StepUpModal() {
  const { t } = useTranslation("secondFactor");
  const [opened, setOpened] = useState(false);
  const [code, setCode] = useState("");
  const settle = useRef<((ok: boolean) => void) | null>(null);
  const verify = useVerifySecondFactor();
  const { submit, busy } = useSubmitOnce(verify);

  const close = useCallback((ok: boolean) => {
    setOpened(false);
    settle.current?.(ok);
    settle.current = null;
  }, []);

  useEffect(
    () =>
      registerStepUpAsker(
        () =>
          new Promise<boolean>((resolve) => {
            settle.current = resolve;
            setCode("");
            verify.reset();
            setOpened(true);
          }),
      ),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [],
  );

  useEffect(() => {
    if (verify.isSuccess && opened) close(true);
  }, [verify.isSuccess, opened, close]);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    submit({ code });
  };
  return (
    // Above any dialog that sent the refused action (it stays open behind, waiting for the retry).
    <Modal opened={opened} onClose={() => close(false)} title={t("stepUp.title")} centered zIndex={1000} data-testid="step-up-modal">
      <form onSubmit={onSubmit} noValidate>
        <Stack>
          <Text size="sm">{t("stepUp.intro")}</Text>
          {verify.error && !fieldErrors(verify.error).code && (
            <Alert color="red" role="alert">
              {errorMessage(verify.error)}
            </Alert>
          )}
          <CodeInput value={code} onChange={setCode} error={fieldErrors(verify.error).code?.[0]} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => close(false)}>
              {t("stepUp.cancel")}
            </Button>
            <Button type="submit" loading={busy} disabled={code.trim().length === 0}>
              {t("stepUp.submit")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
