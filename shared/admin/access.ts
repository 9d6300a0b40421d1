import type { AccessMap } from "../auth/permissions.ts";
import { ALL_STAFF } from "../auth/roles.ts";

// Staff and API-key administration is ADMIN's alone; every role may read the settings that shape
// its work (e.g. the approval threshold support works against).
export const adminAccess = {
  "admin.settings": ALL_STAFF,
  "admin.updateSetting": ["ADMIN"],
  "admin.staffList": ["ADMIN"],
  "admin.createStaff": ["ADMIN"],
  "admin.setRole": ["ADMIN"],
  "admin.deactivateStaff": ["ADMIN"],
  "admin.reactivateStaff": ["ADMIN"],
  "admin.resetPassword": ["ADMIN"],
  "admin.resetSecondFactor": ["ADMIN"],
  "admin.apiKeys": ["ADMIN"],
  "admin.createApiKey": ["ADMIN"],
  "admin.revokeApiKey": ["ADMIN"],
} satisfies AccessMap;
