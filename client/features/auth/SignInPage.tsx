import { Alert, Button, Center, Group, Paper, PasswordInput, Stack, Text, TextInput, Title } from "@mantine/core";
import { IconAlertTriangle, IconClock } from "@tabler/icons-react";
import { useState, type FormEvent } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { errorCodeOf, errorMessage, fieldErrors } from "../../lib/errors.ts";
import { useMe } from "./useMe.ts";
import { useSignIn } from "./queries.ts";
import { useTranslation } from "react-i18next";
import { LanguageSwitch } from "../../i18n/LanguageSwitch.tsx";
import { useSubmitOnce } from "../../components/submit-once.ts";
import { CodeStage } from "./second-factor/CodeStage.tsx";

/** Only same-site paths may be a redirect target after sign-in. */
function safeNext(next: string | null): string | null {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/sign-in") ? next : null;
}

export function SignInPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const expired = params.get("expired") === "1";
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const me = useMe();
  const signIn = useSignIn((result) => {
    // The password was right; a person with a second factor is asked the code next (me.pending
    // shows the code stage below), one who must enrol goes to enrolment.
    if (result.stage === "ENROL") navigate(`/enrol${next ? `?next=${encodeURIComponent(next)}` : ""}`, { replace: true });
    else if (result.stage === null) navigate(next ?? result.landingPath, { replace: true });
  });
  const signInOnce = useSubmitOnce(signIn);

  const pending = me.data?.pending;
  if (pending?.stage === "ENROL") return <Navigate to={`/enrol${next ? `?next=${encodeURIComponent(next)}` : ""}`} replace />;
  if (me.data?.user && !signIn.isPending && !signIn.isSuccess) return <Navigate to={next ?? me.data.landingPath ?? "/"} replace />;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    signInOnce.submit({ email, password });
  };
  const errs = fieldErrors(signIn.error);
  const code = errorCodeOf(signIn.error);

  return (
    <Center mih="100vh" bg="gray.0">
      <Paper withBorder shadow="sm" p="xl" w={400} maw="calc(100vw - 24px)" radius="md">
        {pending?.stage === "CODE" ? (
          <Stack>
            <Group justify="space-between" align="flex-start" wrap="nowrap">
              <Title order={2} c="indigo.8">
                {t("appName")}
              </Title>
              <LanguageSwitch />
            </Group>
            <CodeStage email={pending.email} next={next} />
          </Stack>
        ) : (
        <form onSubmit={onSubmit} noValidate>
          <Stack>
            <div>
              <Group justify="space-between" align="flex-start" wrap="nowrap">
                <Title order={2} c="indigo.8">
                  {t("appName")}
                </Title>
                <LanguageSwitch />
              </Group>
              <Text c="dimmed" size="sm">
                {t("signIn.subtitle")}
              </Text>
            </div>
            {expired && !signIn.error && (
              <Alert color="yellow" icon={<IconClock />} data-testid="session-expired">
                {t("signIn.expired")}
              </Alert>
            )}
            {signIn.error && (
              <Alert color={code === "TOO_MANY_ATTEMPTS" ? "orange" : "red"} icon={<IconAlertTriangle />} role="alert" data-testid="sign-in-error">
                {errorMessage(signIn.error)}
              </Alert>
            )}
            <TextInput label={t("signIn.email")} type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={errs.email?.[0]} required autoFocus />
            <PasswordInput label={t("signIn.password")} autoComplete="current-password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} error={errs.password?.[0]} required />
            <Button type="submit" loading={signInOnce.busy} fullWidth>
              {t("signIn.submit")}
            </Button>
          </Stack>
        </form>
        )}
      </Paper>
    </Center>
  );
}
