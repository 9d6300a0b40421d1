// Enrolment in the second factor: a QR code (and the key as text) for the authenticator app, a
// first code to prove it works, then the recovery codes, shown this once, to copy or download.
// A person who must have a factor is led here right after the password (stage ENROL).
import { useEffect, useRef, useState, type FormEvent } from "react";
import { Alert, Button, Center, Code, CopyButton, Group, Image, Loader, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { IconAlertTriangle } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { useTranslation } from "react-i18next";
import { errorMessage, fieldErrors } from "../../../lib/errors.ts";
import { useSubmitOnce } from "../../../components/submit-once.ts";
import { useMe } from "../useMe.ts";
import { CodeInput } from "./CodeInput.tsx";
import { useConfirmEnrolment, useStartEnrolment } from "../queries.ts";

function safeNext(next: string | null): string | null {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/sign-in") && !next.startsWith("/enrol") ? next : null;
}

function RecoveryCodes({ codes, onContinue }: { codes: string[]; onContinue: () => void }) {
  const { t } = useTranslation("secondFactor");
  const text = codes.join("\n") + "\n";
  const href = `data:text/plain;charset=utf-8,${encodeURIComponent(text)}`;
  return (
    <Stack data-testid="recovery-codes">
      <Title order={3}>{t("enrol.doneTitle")}</Title>
      <Alert color="yellow">{t("enrol.recoveryIntro")}</Alert>
      <SimpleGrid cols={2} spacing="xs">
        {codes.map((c) => (
          <Code key={c} fz="md" ta="center">
            {c}
          </Code>
        ))}
      </SimpleGrid>
      <Group>
        <CopyButton value={text}>{({ copied, copy }) => <Button variant="default" onClick={copy}>{copied ? t("enrol.copied") : t("enrol.copy")}</Button>}</CopyButton>
        <Button component="a" variant="default" href={href} download={t("enrol.fileName")}>
          {t("enrol.download")}
        </Button>
      </Group>
      <Button onClick={onContinue}>{t("enrol.continue")}</Button>
    </Stack>
  );
}

export default function EnrolPage() {
  const { t } = useTranslation("secondFactor");
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const me = useMe();
  const [code, setCode] = useState("");
  const start = useStartEnrolment();
  const startOnce = useSubmitOnce(start);
  const confirm = useConfirmEnrolment();
  const confirmOnce = useSubmitOnce(confirm);
  const started = useRef(false);

  const mayEnrol = me.data?.pending?.stage === "ENROL" || (me.data?.user && me.data.secondFactor && !me.data.secondFactor.enrolled);
  useEffect(() => {
    if (mayEnrol && !started.current) {
      started.current = true;
      startOnce.submit();
    }
  }, [mayEnrol, startOnce]);

  if (me.isPending) {
    return (
      <Center h="100vh">
        <Loader aria-label={t("enrol.starting")} />
      </Center>
    );
  }
  if (!mayEnrol && !confirm.data) return <Navigate to={me.data?.user ? (me.data.landingPath ?? "/") : "/sign-in"} replace />;

  const finish = async () => {
    await queryClient.invalidateQueries();
    navigate(next ?? confirm.data?.landingPath ?? "/", { replace: true });
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    confirmOnce.submit({ code });
  };
  const codeError = fieldErrors(confirm.error).code?.[0];
  const required = me.data?.pending?.stage === "ENROL" || me.data?.secondFactor?.required;

  return (
    <Center mih="100vh" bg="gray.0" p="md">
      <Paper withBorder shadow="sm" p="xl" w={520} maw="calc(100vw - 24px)" radius="md">
        {confirm.data ? (
          <RecoveryCodes codes={confirm.data.recoveryCodes} onContinue={() => void finish()} />
        ) : (
          <form onSubmit={onSubmit} noValidate data-testid="enrolment">
            <Stack>
              <Title order={3}>{t("enrol.title")}</Title>
              <Text size="sm">{required ? t("enrol.intro") : t("enrol.introOptional")}</Text>
              {start.error && <Alert color="red" icon={<IconAlertTriangle />}>{errorMessage(start.error)}</Alert>}
              {!start.data && !start.error && (
                <Center p="lg">
                  <Loader aria-label={t("enrol.starting")} />
                </Center>
              )}
              {start.data && (
                <>
                  <Center>
                    <Image src={start.data.qrDataUrl} alt={t("enrol.qrAlt")} w={220} h={220} />
                  </Center>
                  <Text size="sm" c="dimmed">
                    {t("enrol.secretLabel")}
                  </Text>
                  <Code block data-testid="enrolment-secret" fz="md">
                    {start.data.secret.match(/.{1,4}/g)!.join(" ")}
                  </Code>
                  {confirm.error && !codeError && !confirmOnce.busy && (
                    <Alert color="red" icon={<IconAlertTriangle />} role="alert">
                      {errorMessage(confirm.error)}
                    </Alert>
                  )}
                  <CodeInput label={t("enrol.codeLabel")} value={code} onChange={setCode} error={codeError} />
                  <Button type="submit" loading={confirmOnce.busy} disabled={code.trim().length === 0}>
                    {t("enrol.confirm")}
                  </Button>
                </>
              )}
            </Stack>
          </form>
        )}
      </Paper>
    </Center>
  );
}
