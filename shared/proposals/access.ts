import type { AccessMap } from "../auth/permissions.ts";
import { ALL_STAFF } from "../auth/roles.ts";

// Every role sees what monitoring proposes (it is part of the incident's picture); only a manager
// decides: confirming suspends the bank, as the suspend dialog does.
export const proposalsAccess = {
  "proposals.open": ALL_STAFF,
  "proposals.forBank": ALL_STAFF,
  "proposals.confirm": ["MANAGER"],
  "proposals.dismiss": ["MANAGER"],
} satisfies AccessMap;
