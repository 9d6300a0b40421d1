// Goal: the HTTP guards hold — CSRF defence on cookie mutations, the platform API key, body and
// JSON errors, and an unexpected error that shows a request id and no internals.
// Method: a real server on its own database, called with plain fetch.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import { signedInAs } from "./helpers/staff.ts";
import { withTransaction } from "../server/db/transaction.ts";
import { writeAudit } from "../server/features/audit/write-audit.ts";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

async function signedInCookie() {
  const agent = await signedInAs(t.baseUrl, "ADMIN");
  return `fg_session=${agent.jar.get("fg_session")}`;
}

const settingBody = JSON.stringify({ json: { key: "compensation.approvalThresholdYen", value: 1234, reason: "cross-site attempt" } });

describe("CSRF defence", () => {
  it("refuses a cookie mutation without the console's header, and changes nothing", async () => {
    const cookie = await signedInCookie();
    const res = await fetch(`${t.baseUrl}/trpc/admin.updateSetting`, { method: "POST", headers: { cookie, "content-type": "application/json" }, body: settingBody });
    expect(res.status).toBe(403);
    expect(await t.db.prisma.appSetting.count()).toBe(0);
  });

  it("refuses form content types that a cross-site form can send", async () => {
    const cookie = await signedInCookie();
    for (const type of ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain"]) {
      const res = await fetch(`${t.baseUrl}/trpc/admin.updateSetting`, { method: "POST", headers: { cookie, "content-type": type, "x-floodgate-csrf": "1" }, body: settingBody });
      expect(res.status).toBe(403);
    }
    expect(await t.db.prisma.appSetting.count()).toBe(0);
  });

  it("refuses a request from another origin even with the header", async () => {
    const cookie = await signedInCookie();
    const res = await fetch(`${t.baseUrl}/trpc/admin.updateSetting`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json", "x-floodgate-csrf": "1", origin: "https://evil.example", "sec-fetch-site": "cross-site" },
      body: settingBody,
    });
    expect(res.status).toBe(403);
  });

  it("accepts the console's own request", async () => {
    const cookie = await signedInCookie();
    const res = await fetch(`${t.baseUrl}/trpc/admin.updateSetting`, { method: "POST", headers: { cookie, "content-type": "application/json", "x-floodgate-csrf": "1" }, body: settingBody });
    expect(res.status).toBe(200);
    expect(await t.db.prisma.appSetting.count()).toBe(1);
  });
});

describe("platform API key", () => {
  it("refuses a missing or wrong key with 401 JSON", async () => {
    for (const authorization of [undefined, "Bearer fgk_wrong", "Basic abc"]) {
      const res = await fetch(`${t.baseUrl}/api/v1/anything`, { headers: authorization ? { authorization } : {} });
      expect(res.status).toBe(401);
      expect((await res.json()).code).toBe("UNAUTHENTICATED");
    }
  });

  it("lets a valid key through, and a revoked one no longer", async () => {
    const key = await t.apiKey();
    const ok = await fetch(`${t.baseUrl}/api/v1/anything`, { headers: { authorization: `Bearer ${key}` } });
    expect(ok.status).toBe(404); // authenticated; the path just does not exist
    expect(await t.db.prisma.platformApiKey.count({ where: { lastUsedAt: { not: null } } })).toBe(1);
    await t.db.prisma.platformApiKey.updateMany({ data: { revokedAt: new Date() } });
    const refused = await fetch(`${t.baseUrl}/api/v1/anything`, { headers: { authorization: `Bearer ${key}` } });
    expect(refused.status).toBe(401);
    await t.db.prisma.platformApiKey.updateMany({ data: { revokedAt: null } });
  });

  it("serves the OpenAPI document", async () => {
    const res = await fetch(`${t.baseUrl}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    expect((await res.json()).openapi).toBe("3.1.0");
  });
});

describe("health", () => {
  it("answers /healthz and /readyz", async () => {
    expect((await fetch(`${t.baseUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${t.baseUrl}/readyz`);
    expect(await ready.json()).toMatchObject({ status: "ready", role: "all" });
  });
});

describe("audit in the same transaction", () => {
  it("a change that fails after writing its audit row leaves no audit row", async () => {
    const before = await t.db.prisma.auditEvent.count();
    await expect(
      withTransaction(t.db.prisma, async (tx) => {
        await writeAudit(tx, { id: null, email: "test", role: "ADMIN" }, { action: "test.fail", targetType: "setting", targetId: "x", reason: "will roll back" });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await t.db.prisma.auditEvent.count()).toBe(before);
  });
});

describe("unexpected errors", () => {
  it("show a request id and no internals", async () => {
    const admin = await signedInAs(t.baseUrl, "ADMIN");
    // Break the database under the running server: the next read fails inside Prisma.
    await t.db.pool.query("ALTER TABLE audit_event RENAME TO audit_event_gone");
    try {
      const res = await fetch(`${t.baseUrl}/trpc/audit.list?input=${encodeURIComponent(JSON.stringify({ json: { limit: 5 } }))}`, {
        headers: { cookie: `fg_session=${admin.jar.get("fg_session")}` },
      });
      const text = await res.text();
      expect(res.status).toBe(500);
      const body = JSON.parse(text);
      expect(body.error.json.message).toMatch(/Something went wrong on the server\. Quote request id [\w-]+/);
      expect(body.error.json.data.requestId).toBe(res.headers.get("x-request-id"));
      expect(text).not.toMatch(/audit_event|relation|prisma|stack|at \w+ \(/i);
      // …and the server log has it, with the same request id.
      expect(t.logs.some((l) => l.includes(body.error.json.data.requestId) && l.includes("tRPC procedure failed"))).toBe(true);
    } finally {
      await t.db.pool.query("ALTER TABLE audit_event_gone RENAME TO audit_event");
    }
  });
});
