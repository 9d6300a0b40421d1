import type { AccessMap } from "../auth/permissions.ts";

export const accountsAccess = {
  "accounts.list": ["ANALYST", "MANAGER", "ADMIN"],
} satisfies AccessMap;
