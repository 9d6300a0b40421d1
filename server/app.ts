// buildApp(): the whole HTTP surface — /trpc for the console, /api/v1 for the wallet platform,
// health checks, and the built SPA. Tests build it against their own database.
import { createHash, randomUUID } from "node:crypto";
import os from "node:os";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { ZodError } from "zod";
import fastifyCookie from "@fastify/cookie";
import fastifyHelmet from "@fastify/helmet";
import fastifyStatic from "@fastify/static";
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from "@trpc/server/adapters/fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { AppError, errorSpec, type ErrorCode } from "../shared/errors.ts";
import { API_BODY_BYTES_MAX, TRPC_BATCH_CALLS_MAX, TRPC_BODY_BYTES_MAX } from "../shared/limits.ts";
import type { Database } from "./db/client.ts";
import { servesApi, servesConsole, type ServerRole } from "./roles.ts";
import { processMetrics, registerMetrics, type Metrics } from "./metrics.ts";
import type { SessionPolicy } from "./features/auth/sessions.ts";
import { appRouter, type AppRouter } from "./trpc/app-router.ts";
import { createContext } from "./trpc/context.ts";
import { csrfGuard } from "./http/csrf.ts";
import { sendError } from "./http/errors.ts";
import { makeLimiter, registerRateLimitStore } from "./http/rate-limit.ts";
import { rateLimitConfigFromEnv, type RateLimitConfig } from "./http/rate-limit-config.ts";
import { codeRateGuard, signInRateGuard } from "./http/rate-limit-guards.ts";
import { collectRoutes } from "./http/route-registry.ts";
import { platformApiPlugin } from "./platform-api/plugin.ts";
import { platformRoutes } from "./platform-api/routes.ts";
import { readinessDetails, readinessProblem } from "./http/health.ts";
import { accountsExportRoutes } from "./features/accounts/export.routes.ts";
import type { SecondFactorPolicy } from "./features/auth/second-factor/service.ts";
import { STEP_UP_MINUTES } from "../shared/auth/second-factor.ts";

export interface AppOptions {
  /** The primary: console sessions and mutations, readiness; every surface's pool when not given its own. */
  db: Database;
  /** What this process serves (server/roles.ts); everything when omitted. */
  role?: ServerRole;
  /** The platform API's own pool (decisions, ingestion); `db` when omitted. */
  apiDb?: Database;
  /** The console's read-only procedures and CSV exports (a replica or a bounded pool); `db` when omitted. */
  readDb?: Database;
  /** Names this process in every log line and metric (with the role). */
  instanceId?: string;
  /** Where requests, decisions and events are counted; this process's metrics when omitted. */
  metrics?: Metrics;
  /** Bearer token /metrics asks for; without one /metrics answers loopback connections only. */
  metricsToken?: string;
  sessionPolicy: SessionPolicy;
  secureCookies?: boolean;
  /** Folder of the built SPA (dist/client); omitted in API-only tests. */
  staticDir?: string;
  logger?: boolean | { level: string; stream?: NodeJS.WritableStream };
  /** Request rate limits; from the environment when omitted (see server/http/rate-limit.ts). */
  rateLimits?: RateLimitConfig;
  /** More routes on the same app (tests register test-only routes here; the app cannot take routes once built). */
  extraRoutes?: (app: FastifyInstance) => void;
  /** TOTP clock, tolerance and step-up window; the real clock, ±1 step and 5 minutes when omitted. */
  secondFactor?: Partial<SecondFactorPolicy>;
}

// Never log secrets or personal data: headers that carry credentials are redacted, and URLs are
// logged without their query string (tRPC GET inputs can hold a name or an account number).
function loggerOptions(opt: AppOptions["logger"], who: { instance: string; role: ServerRole }) {
  if (!opt) return false;
  const base = typeof opt === "object" ? opt : { level: "info" };
  return {
    level: base.level,
    base: { pid: process.pid, hostname: os.hostname(), ...who },
    ...(typeof opt === "object" && opt.stream ? { stream: opt.stream } : {}),
    redact: { paths: ["req.headers.authorization", "req.headers.cookie", 'res.headers["set-cookie"]'], censor: "[redacted]" },
    serializers: {
      req(req: { method: string; url: string; id: string; ip?: string }) {
        return { method: req.method, url: req.url.split("?")[0], id: req.id, ip: req.ip };
      },
    },
  };
}

function fieldSummary(fieldErrors: Record<string, string[]>): string {
  return Object.entries(fieldErrors).map(([f, m]) => `${f}: ${m[0]}`).slice(0, 5).join("; ");
}

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const secondFactor: SecondFactorPolicy = { now: Date.now, toleranceSteps: 1, stepUpMinutes: STEP_UP_MINUTES, ...opts.secondFactor };
  const role = opts.role ?? "all";
  const instanceId = opts.instanceId ?? defaultInstanceId();
  const apiDb = opts.apiDb ?? opts.db;
  const readDb = opts.readDb ?? opts.db;
  const app = Fastify({
    logger: loggerOptions(opts.logger, { instance: instanceId, role }) as never,
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && /^[\w-]{8,64}$/.test(given) ? given : randomUUID();
    },
    bodyLimit: API_BODY_BYTES_MAX,
    trustProxy: opts.secureCookies ?? false,
    routerOptions: { maxParamLength: 5000 },
    // An overlong or broken URL parameter (FST_ERR_MAX_PARAM_LENGTH, FST_ERR_BAD_URL): our words, 400.
    frameworkErrors: (err, req, reply) => {
      const code: ErrorCode = err.code === "FST_ERR_MAX_PARAM_LENGTH" || err.code === "FST_ERR_BAD_URL" ? "BAD_URL" : "BAD_REQUEST";
      return sendError(reply as FastifyReply, req as FastifyRequest, code);
    },
  });

  app.addHook("onSend", async (req, reply) => {
    reply.header("x-request-id", req.id);
  });
  collectRoutes(app);
  const metrics = opts.metrics ?? processMetrics();
  metrics.label({ instance: instanceId, role });
  if (servesConsole(role)) {
    metrics.watchPool("console", opts.db.pool);
    metrics.watchPool("console_read", readDb.pool);
  }
  if (servesApi(role)) metrics.watchPool("api", apiDb.pool);
  metrics.watchDatabase(opts.db.pool);
  registerMetrics(app, metrics, { token: opts.metricsToken });
  const rateLimits = opts.rateLimits ?? rateLimitConfigFromEnv();
  // Limiters are created where they apply (sign-in below, /api/v1 in the platform plugin).
  // Their counts live in PostgreSQL, shared by every instance (server/http/rate-limit.ts), on the
  // platform API's pool when this process serves it (a console queue never delays a decision).
  registerRateLimitStore(app, servesApi(role) ? apiDb : opts.db);

  await app.register(fastifyCookie);
  // The console's one inline script (index.html: at /overview it asks for the first answers before
  // the console's code has loaded) is allowed by its hash, read from the built page; nothing else inline.
  const inlineScripts = servesConsole(role) && opts.staticDir ? inlineScriptHashes(path.join(opts.staticDir, "index.html")) : [];
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", ...inlineScripts],
        styleSrc: ["'self'", "'unsafe-inline'"], // component kit sets style attributes
        imgSrc: ["'self'", "data:"],
        fontSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        objectSrc: ["'none'"],
      },
    },
    hsts: opts.secureCookies ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: "same-origin" },
    crossOriginEmbedderPolicy: false,
  });

  // One error body for REST: {code, message, requestId, …} in our words, the status from the code
  // (sendError: errorSpec, the same mapping the tRPC procedures use). A library's own message never goes out.
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof AppError) {
      if (err.status >= 500) req.log.error({ err }, "application error");
      return sendError(reply, req, err.code, err.status >= 500 ? `${errorSpec("INTERNAL").message} Quote request id ${req.id}.` : err.message, err.details ? { details: err.details } : {});
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const fieldErrors: Record<string, string[]> = {};
      for (const v of err.validation) {
        const field = (v.instancePath || "/").replace(/^\//, "").replace(/\//g, ".") || "body";
        (fieldErrors[field] ??= []).push(v.message ?? "invalid");
      }
      return sendError(reply, req, "VALIDATION_FAILED", `Some fields are not valid — ${fieldSummary(fieldErrors)}`, { fieldErrors });
    }
    if (err instanceof ZodError) {
      const fieldErrors: Record<string, string[]> = {};
      for (const issue of err.issues) (fieldErrors[issue.path.join(".") || "body"] ??= []).push(issue.message);
      return sendError(reply, req, "VALIDATION_FAILED", `Some fields are not valid — ${fieldSummary(fieldErrors)}`, { fieldErrors });
    }
    if (err.code === "FST_ERR_CTP_BODY_TOO_LARGE" || err.statusCode === 413) return sendError(reply, req, "PAYLOAD_TOO_LARGE");
    if (err.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE" || err.statusCode === 415) return sendError(reply, req, "UNSUPPORTED_MEDIA_TYPE");
    if (err instanceof SyntaxError || err.code === "FST_ERR_CTP_EMPTY_JSON_BODY" || err.code === "FST_ERR_CTP_INVALID_JSON_BODY") {
      return sendError(reply, req, "MALFORMED_JSON");
    }
    if (err.statusCode === 429) return sendError(reply, req, "TOO_MANY_REQUESTS");
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return sendError(reply, req, "BAD_REQUEST");
    req.log.error({ err }, "unhandled error");
    return sendError(reply, req, "INTERNAL", `${errorSpec("INTERNAL").message} Quote request id ${req.id}.`);
  });

  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async (_req, reply) => {
    const problem = await readinessProblem(opts.db);
    const about = { role, instance: instanceId, ...readinessDetails() };
    if (problem) return reply.code(503).send({ status: "not ready", problem, ...about });
    return { status: "ready", ...about };
  });

  if (servesConsole(role)) await registerConsole(app, opts, { readDb, rateLimits, secondFactor });
  opts.extraRoutes?.(app);
  // Wallet platform API (API key), on its own pool.
  if (servesApi(role)) await app.register(platformApiPlugin, { db: apiDb, routes: platformRoutes, rateLimits });
  if (servesConsole(role)) await registerSpa(app, opts.staticDir);
  else app.get("/", async (_req, reply) => reply.type("text/plain").send(`Floodgate ${role} process (${instanceId}); the console is served by the console role.`));
  return app;
}

/** host:pid unless FLOODGATE_INSTANCE_ID names the process. */
export function defaultInstanceId(): string {
  return process.env.FLOODGATE_INSTANCE_ID || `${os.hostname()}:${process.pid}`;
}

async function registerConsole(
  app: FastifyInstance,
  opts: AppOptions,
  more: { readDb: Database; rateLimits: RateLimitConfig; secondFactor: SecondFactorPolicy },
) {
  const { readDb, rateLimits, secondFactor } = more;
  // Console API (staff, cookie sessions)
  await app.register(async (trpcScope) => {
    trpcScope.addHook("onRequest", csrfGuard);
    trpcScope.addHook("onRequest", signInRateGuard(makeLimiter(app, { name: "sign-in", max: rateLimits.signInPerIpPerMinute, windowMs: 60_000, enabled: rateLimits.enabled })));
    trpcScope.addHook("onRequest", codeRateGuard(makeLimiter(app, { name: "second-factor-code", max: rateLimits.codePerIpPerMinute, windowMs: 60_000, enabled: rateLimits.enabled })));
    await trpcScope.register(fastifyTRPCPlugin, {
      prefix: "/trpc",
      trpcOptions: {
        router: appRouter,
        createContext: (o) => createContext({ db: opts.db, readDb, sessionPolicy: opts.sessionPolicy, secureCookies: opts.secureCookies ?? false, secondFactor }, o),
        maxBatchSize: TRPC_BATCH_CALLS_MAX,
        onError({ error, req }) {
          if (error.code === "INTERNAL_SERVER_ERROR") req.log.error({ err: error.cause ?? error }, "tRPC procedure failed");
        },
      } satisfies FastifyTRPCPluginOptions<AppRouter>["trpcOptions"],
    });
  }, { prefix: "" }).after();
  // CSV downloads streamed from the database (session cookie + role check, GET only): the audit
  // record on the primary, the rows from the read clients.
  await app.register(accountsExportRoutes, { db: opts.db, readDb, sessionPolicy: opts.sessionPolicy });
  // The tRPC body limit is smaller than the platform API's.
  app.addHook("onRoute", (route) => {
    if (route.url.startsWith("/trpc")) route.bodyLimit = TRPC_BODY_BYTES_MAX;
  });
}

/** CSP sources ('sha256-…') for the inline scripts of a built page; none when there is no page. */
export function inlineScriptHashes(htmlFile: string): string[] {
  if (!existsSync(htmlFile)) return [];
  const html = readFileSync(htmlFile, "utf8");
  return [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => `'sha256-${createHash("sha256").update(m[1], "utf8").digest("base64")}'`);
}

async function registerSpa(app: FastifyInstance, staticDir: string | undefined) {
  // The SPA with history fallback: any other GET that wants HTML gets index.html.
  if (staticDir && existsSync(path.join(staticDir, "index.html"))) {
    // Vite names every file under assets/ by its content's hash: a browser keeps it without asking
    // again. (Each revalidation was a round trip, 5 before the console's code ran and ~30 before the
    // overview's, on a server busy with detection.) index.html stays no-cache.
    const assets = path.join(staticDir, "assets") + path.sep;
    await app.register(fastifyStatic, {
      root: staticDir,
      wildcard: false,
      index: false,
      setHeaders: (reply, file) => {
        if (file.startsWith(assets)) reply.header("cache-control", "public, max-age=31536000, immutable");
      },
    });
    app.get("/*", (req, reply) => {
      const url = req.url.split("?")[0];
      if (url.startsWith("/api/") || url.startsWith("/trpc")) return reply.code(errorSpec("NOT_FOUND").status).send({ code: "NOT_FOUND" satisfies ErrorCode, message: "Not found" });
      const file = path.join(staticDir, path.normalize(url).replace(/^(\.\.[/\\])+/, ""));
      if (url !== "/" && existsSync(file) && !file.endsWith(path.sep)) return reply.sendFile(path.relative(staticDir, file));
      reply.header("cache-control", "no-cache");
      return reply.sendFile("index.html");
    });
  } else {
    app.get("/", async (_req, reply) => reply.type("text/plain").send("Floodgate API is running; the console is not built (run npm run build)."));
  }
}
