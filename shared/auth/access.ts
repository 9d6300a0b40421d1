import type { AccessMap } from "./permissions.ts";
import { ALL_STAFF } from "./roles.ts";

export const authAccess = {
  "auth.signIn": "PUBLIC",
  "auth.signOut": "PUBLIC",
  "auth.me": "PUBLIC",
  "auth.setLanguage": ALL_STAFF,
} satisfies AccessMap;
