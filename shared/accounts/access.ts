import type { AccessMap } from "../auth/permissions.ts";
import { ALL_STAFF } from "../auth/roles.ts";

// Analysts and managers investigate and act on accounts; admins may look; support sees the likely
// victims (they pay them back) but not the investigation table. Bulk rescoring is a manager's call.
const READERS = ["ANALYST", "MANAGER", "ADMIN"] as const;
const ACTORS = ["ANALYST", "MANAGER"] as const;

export const accountsAccess = {
  "accounts.list": READERS,
  "accounts.count": READERS,
  "accounts.get": READERS,
  "accounts.ring": READERS,
  "accounts.rules": READERS,
  "accounts.banks": ALL_STAFF,
  "accounts.victims": ALL_STAFF,
  "accounts.freeze": ACTORS,
  "accounts.unfreeze": ACTORS,
  "accounts.markConfirmedFraud": ACTORS,
  "accounts.markLegitimate": ACTORS,
  "accounts.reviewNext": ACTORS,
  "accounts.reviewRelease": ACTORS,
  "accounts.reviewStats": READERS,
  "accounts.rescoreAll": ["MANAGER", "ADMIN"],
  "accounts.rescoreStatus": READERS,
  // Rule versions (#16): analysts draft and backtest; a manager activates and rolls back; the
  // automatic-freeze band is a manager's or an admin's setting.
  "accounts.ruleVersions": READERS,
  "accounts.ruleDraft": ["ANALYST", "MANAGER"],
  "accounts.ruleUpdateDraft": ["ANALYST", "MANAGER"],
  "accounts.ruleBacktest": ["ANALYST", "MANAGER"],
  "accounts.ruleBacktestStatus": READERS,
  "accounts.ruleLatestBacktest": READERS,
  "accounts.ruleActivate": ["MANAGER"],
  "accounts.ruleRollback": ["MANAGER"],
  "accounts.ruleSetBands": ["MANAGER", "ADMIN"],
  "accounts.ruleStats": READERS,
} satisfies AccessMap;

/**
 * The streamed CSV downloads are plain GET routes (not tRPC procedures); they check these roles.
 * The per-bank victims file carries full account numbers (the bank needs them to reach its
 * customers), so only the roles that act on accounts may download it.
 */
export const ACCOUNTS_CSV_ROLES = {
  accounts: READERS,
  victims: ACTORS,
} as const;
