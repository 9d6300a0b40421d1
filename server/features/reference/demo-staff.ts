import type { Role } from "../../../shared/auth/roles.ts";

// Demo-only staff logins, printed at start. Never use these on a real deployment: create real
// staff from the admin page and deactivate these.
export const DEMO_STAFF: ReadonlyArray<{ email: string; name: string; role: Role; password: string }> = [
  { email: "analyst@floodgate.test", name: "Aiko Analyst", role: "ANALYST", password: "demo-analyst-pass" },
  { email: "manager@floodgate.test", name: "Makoto Manager", role: "MANAGER", password: "demo-manager-pass" },
  { email: "support@floodgate.test", name: "Sora Support", role: "SUPPORT", password: "demo-support-pass" },
  { email: "admin@floodgate.test", name: "Akira Admin", role: "ADMIN", password: "demo-admin-pass" },
];

/**
 * Demo only: every demo user is pre-enrolled in the second factor with this one, public TOTP
 * secret, so the demo sign-ins keep working. The start banner prints it; `npm run demo:code` prints
 * the current code. A real deployment deactivates these users.
 */
export const DEMO_TOTP_SECRET = "FLOODGATEDEMOSECRETFORDEMOSTAFF2";
