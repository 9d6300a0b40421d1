import type { AccessMap } from "../auth/permissions.ts";
import { ALL_STAFF } from "../auth/roles.ts";

// Every role sees a bank's suspension state; only a manager suspends or lifts; analysts and
// managers review quarantined links.
export const suspensionsAccess = {
  "suspensions.list": ALL_STAFF,
  "suspensions.banks": ALL_STAFF,
  "suspensions.forBank": ALL_STAFF,
  "suspensions.activeByBank": ALL_STAFF,
  "suspensions.preview": ["MANAGER"],
  "suspensions.suspend": ["MANAGER"],
  "suspensions.lift": ["MANAGER"],
  "suspensions.chargePolicy": ALL_STAFF,
  "suspensions.chargePolicyPreview": ["MANAGER"],
  "suspensions.setChargePolicy": ["MANAGER"],
  "suspensions.gates": ALL_STAFF,
  "suspensions.openGate": ["MANAGER"],
  "suspensions.setTimes": ["MANAGER"],
  "suspensions.attention": ALL_STAFF,
  "suspensions.register": ALL_STAFF,
  "suspensions.authHistory": ALL_STAFF,
  "suspensions.setBankAuth": ["MANAGER"],
  "suspensions.quarantineList": ["ANALYST", "MANAGER", "ADMIN"],
  "suspensions.releaseLinks": ["ANALYST", "MANAGER"],
  "suspensions.revokeLinks": ["ANALYST", "MANAGER"],
} satisfies AccessMap;
