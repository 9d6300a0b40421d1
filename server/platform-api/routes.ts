// Every /api/v1 route group, by feature. Each receives the API-key-guarded scope.
import type { PlatformRoutes } from "./plugin.ts";
import { flaggedAccountsRoutes } from "../features/accounts/flagged.routes.ts";
import { decisionRoutes } from "../features/suspensions/decisions.routes.ts";
import { eventsRoutes } from "../features/events/routes.ts";

export const platformRoutes: PlatformRoutes[] = [
  eventsRoutes,
  decisionRoutes,
  flaggedAccountsRoutes,
];
