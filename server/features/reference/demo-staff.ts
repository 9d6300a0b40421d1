import type { Role } from "../../../shared/auth/roles.ts";

// Demo-only staff logins, printed at start. Never use these on a real deployment: create real
// staff from the admin page and deactivate these.
export const DEMO_STAFF: ReadonlyArray<{ email: string; name: string; role: Role; password: string }> = [
  { email: "analyst@floodgate.test", name: "Aiko Analyst", role: "ANALYST", password: "demo-analyst-pass" },
  { email: "manager@floodgate.test", name: "Makoto Manager", role: "MANAGER", password: "demo-manager-pass" },
  { email: "support@floodgate.test", name: "Sora Support", role: "SUPPORT", password: "demo-support-pass" },
  { email: "admin@floodgate.test", name: "Akira Admin", role: "ADMIN", password: "demo-admin-pass" },
  // Second people for four eyes (#12): a lift needs another manager, a threshold raise or a
  // MANAGER/ADMIN grant another administrator. Listed last, so the first of each role stays the default.
  { email: "manager2@floodgate.test", name: "Mina Manager", role: "MANAGER", password: "demo-manager2-pass" },
  { email: "admin2@floodgate.test", name: "Aoi Admin", role: "ADMIN", password: "demo-admin2-pass" },
];

/**
 * Demo only: every demo user is pre-enrolled in the second factor with this one, public TOTP
 * secret, so the demo sign-ins keep working. The start banner prints it; `npm run demo:code` prints
 * the current code. A real deployment deactivates these users.
 */
export const DEMO_TOTP_SECRET = "FLOODGATEDEMOSECRETFORDEMOSTAFF2";
