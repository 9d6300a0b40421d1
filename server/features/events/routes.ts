// POST /api/v1/events: the wallet platform's event stream. Thin: the envelope is checked here (size
// only), each event is validated and applied by the ingestion service, and the answer is sent only
// after the batch has committed.
import type { FastifySchemaCompiler } from "fastify";
import { validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import {
  EVENTS_PER_BATCH_MAX,
  EVENT_TYPES,
  eventsBatchSchema,
  eventsEnvelopeSchema,
  eventsResponseSchema,
  type EventsEnvelope,
} from "../../../shared/events/schemas.ts";
import type { PlatformRoutes } from "../../platform-api/plugin.ts";
import { ingestBatch } from "./ingest.ts";

/** Largest request body: 1000 events of the largest realistic size fit with room to spare. */
export const EVENTS_BODY_BYTES_MAX = 2 * 1024 * 1024;

// The documented body is the full contract (every event type, so the OpenAPI document shows
// PlatformEvent), but the request is validated only as an envelope: one bad event must be rejected
// on its own in the answer, not fail the whole batch with a 400.
const envelopeOnly: FastifySchemaCompiler<unknown> = (route) =>
  route.httpPart === "body" ? validatorCompiler({ ...route, schema: eventsEnvelopeSchema }) : validatorCompiler(route as never);

export const eventsRoutes: PlatformRoutes = (api, { db }) => {
  api.withTypeProvider<ZodTypeProvider>().post(
    "/api/v1/events",
    {
      bodyLimit: EVENTS_BODY_BYTES_MAX,
      validatorCompiler: envelopeOnly,
      schema: {
        tags: ["events"],
        summary: "Send a batch of wallet-platform events",
        description: [
          `Send 1 to ${EVENTS_PER_BATCH_MAX} events, in the order they happened; an event may refer to one earlier in the same batch.`,
          `Event types: ${EVENT_TYPES.join(", ")}. account.verified reports the result of verifying a wallet's holder (method EKYC, SHOP or OTP; passed or not; occurredAt = when): step-up after a charge decision answered challenge.`,
          "Each event is validated and applied on its own: the answer counts the accepted ones and duplicates (an id seen before with the same payload; nothing changes) and lists every rejected one with a code (INVALID, UNKNOWN_ACCOUNT, UNKNOWN_LINK, UNKNOWN_BANK, CONFLICT) — a rejected event stores nothing and its id stays free.",
          "The answer is sent only after the batch is committed, so an acknowledged batch survives a crash; re-sending a batch after a timeout is safe.",
          `A body that is not JSON, has no \`events\` array or more than ${EVENTS_PER_BATCH_MAX} events is refused whole with 400; a body over ${EVENTS_BODY_BYTES_MAX / 1024 / 1024} MiB with 413.`,
        ].join("\n\n"),
        body: eventsBatchSchema,
        response: { 200: eventsResponseSchema },
      },
    },
    async (req) => {
      const body = req.body as unknown as EventsEnvelope; // validated as an envelope only (see above)
      return ingestBatch(db, body.events, { log: req.log });
    },
  );
};
