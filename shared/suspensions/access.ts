import type { AccessMap } from "../auth/permissions.ts";

export const suspensionsAccess = {} satisfies AccessMap;
