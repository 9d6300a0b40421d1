import type { AccessMap } from "../auth/permissions.ts";

export const accountsAccess = {} satisfies AccessMap;
