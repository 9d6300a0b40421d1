import type { AccessMap } from "./permissions.ts";

export const authAccess = {
  "auth.signIn": "PUBLIC",
  "auth.signOut": "PUBLIC",
  "auth.me": "PUBLIC",
} satisfies AccessMap;
