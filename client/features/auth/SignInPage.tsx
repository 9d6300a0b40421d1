import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from "@mantine/core";
import { IconAlertTriangle, IconClock } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { useTRPC } from "../../trpc.ts";
import { errorMessage, fieldErrors } from "../../lib/errors.ts";
import { useMe } from "./useMe.ts";

/** Only same-site paths may be a redirect target after sign-in. */
function safeNext(next: string | null): string | null {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/sign-in") ? next : null;
}

export function SignInPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const expired = params.get("expired") === "1";
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const me = useMe();
  const signIn = useMutation(
    trpc.auth.signIn.mutationOptions({
      onSuccess: async (result) => {
        await queryClient.invalidateQueries();
        navigate(next ?? result.landingPath, { replace: true });
      },
    }),
  );

  if (me.data?.user && !signIn.isPending && !signIn.isSuccess) return <Navigate to={next ?? me.data.landingPath ?? "/"} replace />;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate({ email, password });
  };
  const errs = fieldErrors(signIn.error);
  const code = (signIn.error as { data?: { code?: string } } | null)?.data?.code;

  return (
    <Center mih="100vh" bg="gray.0">
      <Paper withBorder shadow="sm" p="xl" w={400} radius="md">
        <form onSubmit={onSubmit} noValidate>
          <Stack>
            <div>
              <Title order={2} c="indigo.8">
                Floodgate
              </Title>
              <Text c="dimmed" size="sm">
                Incident response console — staff sign-in
              </Text>
            </div>
            {expired && !signIn.error && (
              <Alert color="yellow" icon={<IconClock />} data-testid="session-expired">
                Your session has expired. Sign in again to continue where you were.
              </Alert>
            )}
            {signIn.error && (
              <Alert color={code === "TOO_MANY_ATTEMPTS" ? "orange" : "red"} icon={<IconAlertTriangle />} role="alert" data-testid="sign-in-error">
                {errorMessage(signIn.error)}
              </Alert>
            )}
            <TextInput label="Email" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={errs.email?.[0]} required autoFocus />
            <PasswordInput label="Password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} error={errs.password?.[0]} required />
            <Button type="submit" loading={signIn.isPending} fullWidth>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
