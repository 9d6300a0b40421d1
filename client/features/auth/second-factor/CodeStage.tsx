// The second stage of sign-in: the password was right, now the code from the authenticator app (or
// a recovery code). Until it is given the session can call nothing else.
import { useState, type FormEvent } from "react";
import { Alert, Anchor, Button, Stack, Text, Title } from "@mantine/core";
import { IconAlertTriangle } from "@tabler/icons-react";
import { notifications } from "@mantine/notifications";
import { useNavigate } from "react-router";
import { useTranslation } from "react-i18next";
import { errorCodeOf, errorMessage, fieldErrors } from "../../../lib/errors.ts";
import { useSubmitOnce } from "../../../components/submit-once.ts";
import { CodeInput } from "./CodeInput.tsx";
import { useSignOut, useVerifySecondFactor } from "../queries.ts";

export function CodeStage({ email, next }: { email: string; next: string | null }) {
  const { t } = useTranslation("secondFactor");
  const navigate = useNavigate();
  const [code, setCode] = useState("");
  const verify = useVerifySecondFactor({
    onVerified: (result) => {
      if (result.usedRecoveryCode) notifications.show({ color: "yellow", autoClose: false, message: t("signIn.recoveryUsed", { count: result.recoveryCodesLeft ?? 0 }) });
    },
    then: (result) => navigate(next ?? result.landingPath, { replace: true }),
  });
  const verifyOnce = useSubmitOnce(verify);
  const signOut = useSubmitOnce(useSignOut());
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    verifyOnce.submit({ code });
  };
  const codeError = fieldErrors(verify.error).code?.[0];
  const errorCode = errorCodeOf(verify.error);
  return (
    <form onSubmit={onSubmit} noValidate data-testid="second-factor-stage">
      <Stack>
        <Title order={3}>{t("signIn.title")}</Title>
        <Text size="sm">{t("signIn.intro", { email })}</Text>
        {verify.error && !codeError && !verifyOnce.busy && (
          <Alert color={errorCode === "TOO_MANY_ATTEMPTS" ? "orange" : "red"} icon={<IconAlertTriangle />} role="alert" data-testid="second-factor-error">
            {errorMessage(verify.error)}
          </Alert>
        )}
        <CodeInput value={code} onChange={setCode} error={codeError} />
        <Button type="submit" loading={verifyOnce.busy} disabled={code.trim().length === 0} fullWidth>
          {t("code.submit")}
        </Button>
        <Anchor component="button" type="button" size="sm" onClick={() => signOut.submit()}>
          {t("signIn.startOver")}
        </Anchor>
      </Stack>
    </form>
  );
}
