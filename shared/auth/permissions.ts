// Which roles may call each tRPC procedure: the one place the server enforces (see
// server/trpc/procedures.ts) and the client reads to hide what a role cannot do. A procedure
// missing from this map is refused to everyone, so a new procedure cannot be forgotten.
import type { Role } from "./roles.ts";
import { ALL_STAFF } from "./roles.ts";
import { authAccess } from "./access.ts";
import { volumeAccess } from "../volume/access.ts";
import { accountsAccess } from "../accounts/access.ts";
import { suspensionsAccess } from "../suspensions/access.ts";
import { compensationAccess } from "../compensation/access.ts";
import { auditAccess } from "../audit/access.ts";
import { adminAccess } from "../admin/access.ts";
import { approvalsAccess } from "../approvals/access.ts";
import { feedsAccess } from "../feeds/access.ts";
import { webhooksAccess } from "../webhooks/access.ts";
import { settlementAccess } from "../settlement/access.ts";
import { proposalsAccess } from "../proposals/access.ts";
import { reportsAccess } from "../reports/access.ts";

export type AccessMap = Record<string, readonly Role[] | "PUBLIC">;

export const PROCEDURE_ROLES: AccessMap = {
  ...authAccess,
  ...volumeAccess,
  ...accountsAccess,
  ...suspensionsAccess,
  ...compensationAccess,
  ...auditAccess,
  ...adminAccess,
  ...approvalsAccess,
  ...feedsAccess,
  ...webhooksAccess,
  ...settlementAccess,
  ...proposalsAccess,
  ...reportsAccess,
};

export function allowedRoles(path: string): readonly Role[] | "PUBLIC" | undefined {
  return PROCEDURE_ROLES[path];
}

export function mayCall(role: Role | undefined, path: string): boolean {
  const allowed = PROCEDURE_ROLES[path];
  if (allowed === undefined) return false;
  if (allowed === "PUBLIC") return true;
  return role !== undefined && allowed.includes(role);
}

export { ALL_STAFF };

/**
 * The procedure each page needs, by route pattern: the router shows a one-line refusal on a page
 * the role may not use, and the navigation hides it (client/nav.ts reads the same entries).
 */
export const PAGE_REQUIRES = {
  "/overview": "volume.overview",
  "/banks/:bankCode": "volume.bank",
  "/volume/params": "volume.params",
  "/accounts": "accounts.list",
  "/accounts/victims": "accounts.victims",
  "/accounts/rules": "accounts.rules",
  "/accounts/:accountId": "accounts.get",
  "/suspensions": "suspensions.list",
  "/quarantine": "suspensions.quarantineList",
  "/banks": "suspensions.register",
  "/compensation": "compensation.list",
  "/compensation/new": "compensation.create",
  "/compensation/cases/:caseId": "compensation.get",
  "/compensation/approvals": "compensation.approvalQueue",
  "/compensation/batches": "compensation.batches",
  "/compensation/reconciliation": "compensation.reconciliation",
  "/audit": "audit.list",
  "/feeds": "feeds.health",
  "/admin": "admin.staffList",
  "/approvals": "approvals.list",
  "/webhooks": "webhooks.endpoints",
  "/reports/regulator": "reports.regulator",
} as const satisfies Record<string, string>;

export type PagePattern = keyof typeof PAGE_REQUIRES;

export function mayOpenPage(role: Role | undefined, page: PagePattern): boolean {
  return mayCall(role, PAGE_REQUIRES[page]);
}
