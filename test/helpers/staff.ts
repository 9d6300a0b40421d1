// A signed-in staff member talking to the real server over HTTP: real cookies, the CSRF header,
// superjson — the same path the browser takes.
import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import superjson from "superjson";
import type { AppRouter } from "../../server/trpc/app-router.ts";
import { DEMO_STAFF } from "../../server/features/reference/demo-staff.ts";
import type { Role } from "../../shared/auth/roles.ts";
import { nextTotpCode, oneCodeAtATime, rememberSecret } from "./second-factor.ts";

export function staffClient(baseUrl: string, opts: { csrfHeader?: boolean } = {}) {
  const jar = new Map<string, string>();
  const client = createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${baseUrl}/trpc`,
        transformer: superjson,
        headers: () => ({
          ...(opts.csrfHeader === false ? {} : { "x-floodgate-csrf": "1" }),
          cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; "),
        }),
        fetch: async (url, init) => {
          const res = await fetch(url, init as RequestInit);
          for (const c of res.headers.getSetCookie()) {
            const [pair] = c.split(";");
            const [k, ...v] = pair.split("=");
            const value = v.join("=");
            if (value === "" || /expires=Thu, 01 Jan 1970/i.test(c)) jar.delete(k);
            else jar.set(k, value);
          }
          return res;
        },
      }),
    ],
  });
  return { trpc: client, jar };
}

type Agent = ReturnType<typeof staffClient>;

/**
 * Signs in the whole way, as a person does: the password, then the authenticator code (demo users
 * and people enrolled here have a known secret); someone who must enrol first is enrolled (and
 * their secret remembered). Answers what sign-in answered, and the recovery codes of an enrolment.
 */
export async function signInFully(agent: Agent, baseUrl: string, email: string, password: string) {
  const result = await agent.trpc.auth.signIn.mutate({ email, password });
  let recoveryCodes: string[] | undefined;
  if (result.stage === "CODE") {
    await oneCodeAtATime(email, async () => agent.trpc.auth.verifySecondFactor.mutate({ code: await nextTotpCode(baseUrl, email) }));
  } else if (result.stage === "ENROL") {
    const { secret } = await agent.trpc.auth.startEnrolment.mutate();
    rememberSecret(email, secret);
    ({ recoveryCodes } = await agent.trpc.auth.confirmEnrolment.mutate({ code: await nextTotpCode(baseUrl, email, secret) }));
  }
  return { ...result, recoveryCodes };
}

export async function signedInAs(baseUrl: string, role: Role) {
  const staff = DEMO_STAFF.find((s) => s.role === role)!;
  const agent = staffClient(baseUrl);
  await signInFully(agent, baseUrl, staff.email, staff.password);
  return { ...agent, user: staff };
}

/** The app's error code (data.code) of a failed call, or null when it succeeded. */
export async function errorCodeOf(p: Promise<unknown>): Promise<string | null> {
  try {
    await p;
    return null;
  } catch (err) {
    if (err instanceof TRPCClientError) return (err.data as { code?: string })?.code ?? err.message;
    throw err;
  }
}
