// CSRF defence for cookie-authenticated tRPC calls. A cross-site page can make a browser send a
// form (urlencoded, multipart or text/plain) with the session cookie; it cannot set custom headers
// or send application/json without a CORS preflight, which we never grant. So every non-GET call
// must be JSON, carry our header, and not come from another site.
import type { FastifyReply, FastifyRequest } from "fastify";
import { errorSpec } from "../../shared/errors.ts";
import { trpcErrorBody } from "./errors.ts";

export const CSRF_HEADER = "x-floodgate-csrf";

export async function csrfGuard(req: FastifyRequest, reply: FastifyReply) {
  if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return;
  const contentType = String(req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  const site = req.headers["sec-fetch-site"];
  const origin = req.headers.origin;
  const host = req.headers.host;
  const originOk = !origin || (host !== undefined && safeHost(origin) === host);
  if (contentType !== "application/json" || req.headers[CSRF_HEADER] !== "1" || site === "cross-site" || !originOk) {
    return reply.code(errorSpec("CSRF_REJECTED").status).send(trpcErrorBody(req, "CSRF_REJECTED"));
  }
}

function safeHost(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}
