// Inputs of the webhook procedures (server/features/webhooks/router.ts), validated at the boundary.
import { z } from "zod";
import { text } from "../schema-blocks.ts";
import { Reason } from "../reason.ts";
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "./catalogue.ts";

export const WEBHOOK_URL_LENGTH_MAX = 2_000;
/** A secret an administrator types in (generated ones are longer). */
export const SECRET_LENGTH_MIN = 24;

/** Why a URL cannot be a webhook endpoint, in words, or null. Only http(s), no credentials, no fragment. */
export function endpointUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "must be a full address such as https://platform.example/webhooks/floodgate";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "must start with https:// (or http://)";
  if (url.username || url.password) return "must not carry a user name or password (the signature authenticates us)";
  if (url.hash) return "must not have a #fragment";
  if (!url.hostname) return "must name a host";
  return null;
}

export const EndpointUrl = text()
  .trim()
  .max(WEBHOOK_URL_LENGTH_MAX, `Keep the address under ${WEBHOOK_URL_LENGTH_MAX} characters`)
  .superRefine((v, ctx) => {
    const problem = endpointUrlProblem(v);
    if (problem) ctx.addIssue({ code: "custom", message: `The address ${problem}` });
  });

const EventType = z.enum(WEBHOOK_EVENT_TYPES as [WebhookEventType, ...WebhookEventType[]]);

export const CreateEndpointInput = z.object({
  url: EndpointUrl,
  description: text().trim().max(200).default(""),
  eventTypes: z.array(EventType).min(1, "Choose at least one event").max(WEBHOOK_EVENT_TYPES.length),
  /** Empty: one is generated. Shown once either way. */
  secret: text().trim().min(SECRET_LENGTH_MIN, `A secret has at least ${SECRET_LENGTH_MIN} characters`).max(200).optional(),
  reason: Reason,
});
export type CreateEndpointInput = z.infer<typeof CreateEndpointInput>;

export const SetEndpointEnabledInput = z.object({ endpointId: z.uuid(), enabled: z.boolean(), reason: Reason });
export const ReplayDeliveryInput = z.object({ deliveryId: z.uuid(), reason: Reason });
export const DELIVERY_STATES = ["PENDING", "DELIVERED", "FAILED"] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];
export const DeliveriesInput = z.object({
  endpointId: z.uuid().optional(),
  state: z.enum(DELIVERY_STATES).optional(),
  limit: z.number().int().min(1).max(200).default(100),
});
export const AttemptsInput = z.object({ deliveryId: z.uuid() });
