// Goal: error replies written by hand (REST routes, the guards in front of /trpc) take their status and
// tRPC code from the one mapping (errorSpec), so the console reads a guard's refusal like any
// procedure's error.
import { describe, expect, it } from "vitest";
import type { FastifyRequest } from "fastify";
import { trpcErrorBody } from "./errors.ts";

const req = { id: "req-1" } as FastifyRequest;

describe("trpcErrorBody", () => {
  it("is the body tRPC sends for the code: JSON-RPC code, HTTP status, our words, the request id", () => {
    expect(trpcErrorBody(req, "CSRF_REJECTED")).toEqual({
      error: { json: { message: "The request did not come from the console and was refused.", code: -32003, data: { code: "CSRF_REJECTED", httpStatus: 403, requestId: "req-1" } } },
    });
    expect(trpcErrorBody(req, "TOO_MANY_ATTEMPTS", "Too many attempts. Try again in 1 minute.", { retryAfterSeconds: 60 })).toEqual({
      error: {
        json: {
          message: "Too many attempts. Try again in 1 minute.",
          code: -32029,
          data: { code: "TOO_MANY_ATTEMPTS", httpStatus: 429, requestId: "req-1", details: { retryAfterSeconds: 60 } },
        },
      },
    });
  });
});
