// The second factor in tests: the code an authenticator app would show, for the demo users (the
// public demo secret) and for people a test enrolled. The server accepts each time step once per
// person, so the helper hands out increasing steps per person (per test process: several servers
// may share one database); startTestApp widens the accepted window (an injected policy) so a file
// can sign the same person in many times a minute. Other servers accept ±1 step: the helper waits.
import { DEMO_STAFF, DEMO_TOTP_SECRET } from "../../server/features/reference/demo-staff.ts";
import { timeStepAt, totpCodeForStep } from "../../server/features/auth/second-factor/totp.ts";

/** Steps either side of now that startTestApp's server accepts (production: 1). */
export const TEST_TOTP_TOLERANCE_STEPS = 40;

const secrets = new Map<string, string>(DEMO_STAFF.map((s) => [s.email, DEMO_TOTP_SECRET]));
const lastSteps = new Map<string, number>();
const tolerances = new Map<string, number>();

export function registerTotpTolerance(baseUrl: string, steps: number) {
  tolerances.set(baseUrl, steps);
}

export function rememberSecret(email: string, secret: string) {
  secrets.set(email, secret);
}

export function knownSecret(email: string): string {
  const secret = secrets.get(email);
  if (!secret) throw new Error(`test helper: no known TOTP secret for ${email}`);
  return secret;
}

/** A code the server at baseUrl accepts now for this person, never one it has seen before. */
export async function nextTotpCode(baseUrl: string, email: string, secret = knownSecret(email)): Promise<string> {
  const tolerance = tolerances.get(baseUrl) ?? 1;
  const key = email;
  let current = timeStepAt(Date.now());
  // From now upwards (a test may move the server's clock forward), each step once.
  const step = Math.max(current, (lastSteps.get(key) ?? -Infinity) + 1);
  while (step > current + tolerance) {
    await new Promise((r) => setTimeout(r, 1000)); // all usable steps spent: wait for the next one
    current = timeStepAt(Date.now());
  }
  lastSteps.set(key, step);
  return totpCodeForStep(secret, step);
}

/** For a test that computed its own codes: later helper codes for this person come after `step`. */
export function noteStepUsed(baseUrl: string, email: string, step: number) {
  const key = email;
  lastSteps.set(key, Math.max(step, lastSteps.get(key) ?? -Infinity));
}

const queues = new Map<string, Promise<unknown>>();
/**
 * Runs `fn` after this person's earlier code submissions finished: codes are handed out in
 * increasing steps and the server refuses a step older than one it accepted, so concurrent
 * sign-ins of one person (a test opening several sessions at once) send theirs one at a time.
 */
export function oneCodeAtATime<T>(email: string, fn: () => Promise<T>): Promise<T> {
  const run = (queues.get(email) ?? Promise.resolve()).then(fn, fn);
  queues.set(email, run.catch(() => {}));
  return run;
}
