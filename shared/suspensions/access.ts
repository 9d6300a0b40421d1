import type { AccessMap } from "../auth/permissions.ts";

export const suspensionsAccess = {
  "suspensions.quarantineList": ["ANALYST", "MANAGER", "ADMIN"],
} satisfies AccessMap;
