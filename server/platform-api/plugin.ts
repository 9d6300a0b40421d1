// The wallet platform's REST API under /api/v1: API-key auth (Authorization: Bearer …), JSON
// errors, and an OpenAPI 3.1 document generated from the same zod schemas the routes validate with.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import type { Database } from "../db/client.ts";
import { authenticateApiKey, type ApiKeyIdentity } from "./api-keys.ts";
import { downContractMarkdown } from "../../shared/suspensions/down-contract.ts";
import { makeLimiter, tooManyMessage } from "../http/rate-limit.ts";
import type { RateLimitConfig } from "../http/rate-limit-config.ts";
import { webhooksOpenApi } from "../features/webhooks/openapi.ts";
import { sendError } from "../http/errors.ts";

declare module "fastify" {
  interface FastifyRequest {
    apiKey?: ApiKeyIdentity;
  }
}

/** Feature modules add their /api/v1 routes through these; each gets the API-key guard. */
export type PlatformRoutes = (api: FastifyInstance, deps: { db: Database }) => void | Promise<void>;

export async function platformApiPlugin(app: FastifyInstance, opts: { db: Database; routes: PlatformRoutes[]; rateLimits: RateLimitConfig }) {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Floodgate wallet-platform API",
        version: "1.0.0",
        description:
          "Events from the wallet platform and the decisions it asks for before it acts. Authenticate with `Authorization: Bearer <platform API key>`.\n\n" +
          downContractMarkdown(),
      },
      components: { securitySchemes: { platformKey: { type: "http", scheme: "bearer" } } },
      security: [{ platformKey: [] }],
    },
    transform: jsonSchemaTransform,
    // Schemas named with .meta({ id }) are emitted as $refs; this puts their definitions in components.
    transformObject: jsonSchemaTransformObject,
  });

  // The webhooks Floodgate sends (#17) are described beside the routes it serves.
  app.get("/api/v1/openapi.json", { schema: { hide: true } }, async () => ({ ...app.swagger(), webhooks: webhooksOpenApi() }));
  await app.register(fastifySwaggerUi, { routePrefix: "/api/v1/docs", uiConfig: { url: "/api/v1/openapi.json" } as never });

  // Batched: no database round trip on the decision path (server/http/rate-limit.ts).
  const perIp = makeLimiter(app, { max: opts.rateLimits.apiPerIpPerSecond, windowMs: 1_000, enabled: opts.rateLimits.enabled, counting: "batched" });
  const perKey = makeLimiter(app, { max: opts.rateLimits.apiPerKeyPerSecond, windowMs: 1_000, enabled: opts.rateLimits.enabled, counting: "batched" });
  const tooMany = (req: FastifyRequest, reply: FastifyReply, seconds: number, scope: string) =>
    sendError(reply, req, "TOO_MANY_REQUESTS", `${tooManyMessage(seconds)} (limit per ${scope})`, { details: { retryAfterSeconds: seconds } });

  await app.register(async (api) => {
    api.addHook("onRequest", async (req: FastifyRequest, reply) => {
      // Per address first: a flood of guessed keys is refused before any database lookup.
      const ipRefusal = await perIp(req, reply);
      if (ipRefusal) return tooMany(req, reply, ipRefusal.retryAfterSeconds, "client address");
      const header = req.headers.authorization ?? "";
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      const key = match ? await authenticateApiKey(opts.db.pool, match[1]) : null;
      if (!key) {
        return sendError(reply, req, "UNAUTHENTICATED", "A valid platform API key is required (Authorization: Bearer <key>).");
      }
      req.apiKey = key;
      const keyRefusal = await perKey(req, reply, `key:${key.id}`);
      if (keyRefusal) return tooMany(req, reply, keyRefusal.retryAfterSeconds, "API key");
    });
    for (const routes of opts.routes) await routes(api, { db: opts.db });
    // Unknown paths under /api/v1 answer in JSON too.
    api.all("/api/v1/*", async (req, reply) => sendError(reply, req, "NOT_FOUND", `No such endpoint: ${req.method} ${req.url.split("?")[0]}`));
  });
}
