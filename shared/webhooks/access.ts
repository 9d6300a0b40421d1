import type { AccessMap } from "../auth/permissions.ts";

// Webhook endpoints carry a signing secret and decide where the platform's events go: ADMIN only.
export const webhooksAccess = {
  "webhooks.endpoints": ["ADMIN"],
  "webhooks.createEndpoint": ["ADMIN"],
  "webhooks.setEndpointEnabled": ["ADMIN"],
  "webhooks.deliveries": ["ADMIN"],
  "webhooks.attempts": ["ADMIN"],
  "webhooks.replay": ["ADMIN"],
} satisfies AccessMap;
