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

export type AccessMap = Record<string, readonly Role[] | "PUBLIC">;

export const PROCEDURE_ROLES: AccessMap = {
  ...authAccess,
  ...volumeAccess,
  ...accountsAccess,
  ...suspensionsAccess,
  ...compensationAccess,
  ...auditAccess,
  ...adminAccess,
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
