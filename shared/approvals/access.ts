import type { AccessMap } from "../auth/permissions.ts";
import { ALL_STAFF } from "../auth/roles.ts";

// Four-eyes change requests (#12): managers ask for and decide lifts, administrators for the
// threshold and privileged roles (shared/approvals/rules.ts CHANGE_ROLES says which kind is whose);
// everyone sees an emergency not yet reviewed on the overview.
export const approvalsAccess = {
  "approvals.list": ["MANAGER", "ADMIN"],
  "approvals.request": ["MANAGER", "ADMIN"],
  "approvals.approve": ["MANAGER", "ADMIN"],
  "approvals.reject": ["MANAGER", "ADMIN"],
  "approvals.emergency": ["MANAGER", "ADMIN"],
  "approvals.review": ["MANAGER", "ADMIN"],
  "approvals.unreviewedEmergencies": ALL_STAFF,
} satisfies AccessMap;
