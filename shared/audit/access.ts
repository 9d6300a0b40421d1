import type { AccessMap } from "../auth/permissions.ts";
import { ALL_STAFF } from "../auth/roles.ts";

// Every role reads the whole log (see server/features/audit/service.ts for why, and what is masked).
export const auditAccess = {
  "audit.list": ALL_STAFF,
  "audit.exportCsv": ALL_STAFF,
  "audit.verify": ALL_STAFF,
  "audit.bankTimeline": ALL_STAFF,
} satisfies AccessMap;
