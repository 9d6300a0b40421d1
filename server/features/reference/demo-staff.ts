import type { Role } from "../../../shared/auth/roles.ts";

// Demo-only staff logins, printed at start. Never use these on a real deployment: create real
// staff from the admin page and deactivate these.
export const DEMO_STAFF: ReadonlyArray<{ email: string; name: string; role: Role; password: string }> = [
  { email: "analyst@floodgate.test", name: "Aiko Analyst", role: "ANALYST", password: "demo-analyst-pass" },
  { email: "manager@floodgate.test", name: "Makoto Manager", role: "MANAGER", password: "demo-manager-pass" },
  { email: "support@floodgate.test", name: "Sora Support", role: "SUPPORT", password: "demo-support-pass" },
  { email: "admin@floodgate.test", name: "Akira Admin", role: "ADMIN", password: "demo-admin-pass" },
];
