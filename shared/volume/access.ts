import type { AccessMap } from "../auth/permissions.ts";
import { ALL_STAFF } from "../auth/roles.ts";

export const volumeAccess = {
  "volume.overview": ALL_STAFF,
} satisfies AccessMap;
