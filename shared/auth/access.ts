import type { AccessMap } from "./permissions.ts";
import { ALL_STAFF } from "./roles.ts";

export const authAccess = {
  "auth.signIn": "PUBLIC",
  "auth.signOut": "PUBLIC",
  "auth.me": "PUBLIC",
  "auth.setLanguage": ALL_STAFF,
  // PUBLIC in this map because a session owing its second factor calls them; each checks the
  // session itself (server/features/auth/router.ts sessionPerson).
  "auth.verifySecondFactor": "PUBLIC",
  "auth.startEnrolment": "PUBLIC",
  "auth.confirmEnrolment": "PUBLIC",
} satisfies AccessMap;
