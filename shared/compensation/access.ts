import type { AccessMap } from "../auth/permissions.ts";

export const compensationAccess = {
  "compensation.list": ["SUPPORT", "MANAGER", "ADMIN"],
} satisfies AccessMap;
