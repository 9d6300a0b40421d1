import type { AccessMap } from "../auth/permissions.ts";
import { ALL_STAFF } from "../auth/roles.ts";

export const auditAccess = {
  "audit.list": ALL_STAFF,
} satisfies AccessMap;
