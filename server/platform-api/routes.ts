// Every /api/v1 route group, by feature. Each receives the API-key-guarded scope.
import type { PlatformRoutes } from "./plugin.ts";

export const platformRoutes: PlatformRoutes[] = [];
