import type { AccessMap } from "../auth/permissions.ts";

// Feed health (#15): those who watch the platform's traffic and act on it. Support works cases,
// not feeds.
export const feedsAccess = {
  "feeds.health": ["ANALYST", "MANAGER", "ADMIN"],
} satisfies AccessMap;
