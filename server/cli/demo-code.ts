// `npm run demo:code`: the current second-factor code of the demo users (demo only: they share the
// public DEMO_TOTP_SECRET), and how long it stays valid.
import { DEMO_TOTP_SECRET } from "../features/reference/demo-staff.ts";
import { TOTP_PERIOD_SECONDS, timeStepAt, totpCodeForStep } from "../features/auth/second-factor/totp.ts";

const now = Date.now();
const step = timeStepAt(now);
const code = await totpCodeForStep(DEMO_TOTP_SECRET, step);
const left = TOTP_PERIOD_SECONDS - Math.floor(now / 1000) % TOTP_PERIOD_SECONDS;
console.log(`Demo second-factor code: ${code} (valid for ${left} more seconds; the next one: ${await totpCodeForStep(DEMO_TOTP_SECRET, step + 1)})`);
