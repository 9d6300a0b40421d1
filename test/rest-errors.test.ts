// Goal (#12 defect 4): an application error thrown in a REST route answers with the status of its
// code and our error body, not 500; the list of codes is closed and one mapping serves REST and tRPC.
// Method: a real server on its own database; a test-only route throws each code, and real /api/v1
// routes are given inputs that make them throw.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError, allErrorSpecs, errorSpec, type ErrorCode } from "../shared/errors.ts";
import { startTestApp, type TestApp } from "./helpers/app.ts";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({
    routes(app) {
      app.get<{ Params: { code: string } }>("/test-only/throw/:code", async (req) => {
        throw new AppError(req.params.code as ErrorCode, req.params.code === "NOT_FOUND" ? undefined : `Our words for ${req.params.code}.`);
      });
    },
  });
});
afterAll(async () => {
  await t.close();
});

describe("one mapping from error code to HTTP status and tRPC code", () => {
  it("every code of every feature has a status and words, and a code shared by two features travels the same way", () => {
    const specs = allErrorSpecs();
    for (const code of ["VALIDATION_FAILED", "NOT_FOUND", "CONFLICT", "COMPENSATION_EXCEEDS_CHARGE", "SUSPENSION_CONFLICT", "FOUR_EYES_REQUIRED", "STAFF_NOT_FOUND", "ACCOUNT_NOT_FOUND"]) {
      expect(specs.map((s) => s.code)).toContain(code);
    }
    for (const s of specs) {
      expect(s.status).toBeGreaterThanOrEqual(400);
      expect(s.message.length).toBeGreaterThan(5);
    }
    expect(errorSpec("SELF_APPROVAL_NOT_ALLOWED").status).toBe(403);
    expect(errorSpec("CHARGE_NOT_FOR_VICTIM")).toMatchObject({ status: 422, trpc: "UNPROCESSABLE_CONTENT" });
    expect(errorSpec("NOT_FOUND").trpc).toBe("NOT_FOUND");
    // @ts-expect-error the list of codes is closed: a misspelt code does not compile
    expect(() => new AppError("NOT_FUOND")).not.toThrow();
  });

  it("a REST route throwing any code answers with that code's status and our body", async () => {
    for (const spec of allErrorSpecs()) {
      const res = await fetch(`${t.baseUrl}/test-only/throw/${spec.code}`);
      expect(res.status, spec.code).toBe(spec.status);
      const body = await res.json();
      expect(body.code).toBe(spec.code);
      expect(body.requestId).toBe(res.headers.get("x-request-id"));
      if (spec.status >= 500) expect(body.message).toBe(`Something went wrong on the server. Quote request id ${body.requestId}.`);
      else expect(body.message).toBe(spec.code === "NOT_FOUND" ? "Not found." : `Our words for ${spec.code}.`);
      expect(Object.keys(body).sort()).toEqual(["code", "message", "requestId"]);
    }
  });

  it("a real /api/v1 route answers its application error with 400, not 500", async () => {
    const key = await t.apiKey();
    const res = await fetch(`${t.baseUrl}/api/v1/accounts/flagged?cursor=bm90LWEtY3Vyc29y`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body).toMatchObject({ code: "VALIDATION_FAILED", message: "The cursor is not one this API gave out; start again without it." });
  });
});
