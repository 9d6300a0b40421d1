import type { AccessMap } from "../auth/permissions.ts";
import { ALL_STAFF } from "../auth/roles.ts";

export const adminAccess = {
  "admin.settings": ALL_STAFF,
  "admin.updateSetting": ["ADMIN"],
} satisfies AccessMap;
