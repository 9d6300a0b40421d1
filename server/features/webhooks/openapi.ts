// The `webhooks` section of the OpenAPI 3.1 document (/api/v1/openapi.json): every event Floodgate
// POSTs to the platform, its body (the envelope with the event's data, from the catalogue's zod
// schemas), the headers, the signature and the retry rules.
import { z } from "zod";
import { WEBHOOK_EVENTS, type WebhookEventType } from "../../../shared/webhooks/catalogue.ts";
import { attemptOffsets } from "../../../shared/webhooks/retry.ts";
import { SIGNATURE_HEADER, SIGNATURE_TOLERANCE_SECONDS } from "../../../shared/webhooks/signature.ts";

export const WEBHOOKS_DESCRIPTION =
  `Each event is POSTed as JSON to every endpoint an administrator registered for its type. ` +
  `The header \`${SIGNATURE_HEADER}: t=<unix seconds>,v1=<hex>\` carries HMAC-SHA256 with the endpoint's secret over \`<t>.<raw body>\`: ` +
  `recompute it over the raw bytes, compare in constant time, and refuse a t more than ${SIGNATURE_TOLERANCE_SECONDS} s from your clock. ` +
  `Answer 2xx quickly; anything else (or no answer within 10 s, or a redirect, which is never followed) is retried after 30 s, doubling to hourly, ` +
  `for 24 hours (${attemptOffsets().length} attempts), then given up; an administrator can replay a delivery. ` +
  `Delivery is at least once and not ordered: deduplicate on the event \`id\` (also in \`Floodgate-Event-Id\`), and order by \`occurredAt\`.`;

export function webhooksOpenApi(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [type, def] of Object.entries(WEBHOOK_EVENTS) as [WebhookEventType, (typeof WEBHOOK_EVENTS)[WebhookEventType]][]) {
    const body = z.object({
      id: z.uuid().describe("the event's id, the same on every attempt and replay"),
      type: z.literal(type),
      occurredAt: z.string().describe("ISO 8601 instant of the change"),
      data: def.data,
    });
    out[type] = {
      post: {
        summary: type,
        description: `${def.description}\n\n${WEBHOOKS_DESCRIPTION}`,
        parameters: [
          { name: SIGNATURE_HEADER, in: "header", required: true, schema: { type: "string", example: "t=1765000000,v1=5257a869e7…" } },
          { name: "Floodgate-Event-Id", in: "header", required: true, schema: { type: "string", format: "uuid" } },
          { name: "Floodgate-Event-Type", in: "header", required: true, schema: { type: "string", const: type } },
          { name: "Floodgate-Delivery-Attempt", in: "header", required: true, schema: { type: "integer", minimum: 1 } },
        ],
        requestBody: { required: true, content: { "application/json": { schema: z.toJSONSchema(body) } } },
        responses: { "200": { description: "Any 2xx: received. Anything else is retried." } },
      },
    };
  }
  return out;
}
