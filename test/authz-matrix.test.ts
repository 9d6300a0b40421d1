// Goal: every tRPC procedure and every HTTP route grants exactly the declared access, to every role
// and to an anonymous caller, so a procedure or route added later cannot slip through unguarded.
// Method: enumerate procedures from the router itself (appRouter._def.procedures) and routes from
// Fastify as it registers them (app.registeredRoutes), call each over real HTTP as each caller, and
// compare the answer with shared/auth/permissions.ts (REST: API key, or the declared cookie roles).
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import { signedInAs } from "./helpers/staff.ts";
import { appRouter } from "../server/trpc/app-router.ts";
import { PROCEDURE_ROLES, mayCall } from "../shared/auth/permissions.ts";
import { ROLES, type Role } from "../shared/auth/roles.ts";
import { ACCOUNTS_CSV_ROLES } from "../shared/accounts/access.ts";

type Caller = Role | "ANONYMOUS";
const CALLERS: Caller[] = [...ROLES, "ANONYMOUS"];

/** Routes anyone may call: health, the API's documentation, and the console's static files. */
const PUBLIC_ROUTE = /^(\/healthz|\/readyz|\/api\/v1\/openapi\.json|\/api\/v1\/docs(\/.*)?|\/|\/\*)$/;
/**
 * Routes outside /trpc and /api/v1 authenticated by the staff session cookie, with their roles. A
 * new cookie route fails the test below until it is declared here.
 */
const COOKIE_ROUTE_ROLES: Record<string, readonly Role[]> = {
  "GET /exports/accounts.csv": ACCOUNTS_CSV_ROLES.accounts,
  "GET /exports/victims.csv": ACCOUNTS_CSV_ROLES.victims,
};

interface Answer {
  status: number;
  code: string | undefined;
}

/** Any method (fetch refuses TRACE), any headers; the app's error code from tRPC or REST bodies. */
function request(baseUrl: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${baseUrl}${path}`, { method, headers: { ...headers, ...(body ? { "content-length": String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let code: string | undefined;
        try {
          const parsed = JSON.parse(text);
          const first = Array.isArray(parsed) ? parsed[0] : parsed;
          code = first?.error?.json?.data?.code ?? first?.code;
        } catch {
          code = undefined;
        }
        resolve({ status: res.statusCode ?? 0, code });
      });
    });
    req.on("error", reject);
    if (body) req.write(body);
    req.end();
  });
}

let t: TestApp;
let apiKey: string;
const cookies = new Map<Caller, string>();
let callCount = 0;

beforeAll(async () => {
  t = await startTestApp();
  apiKey = await t.apiKey();
  for (const role of ROLES) cookies.set(role, `fg_session=${(await signedInAs(t.baseUrl, role)).jar.get("fg_session")}`);
  cookies.set("ANONYMOUS", "");
}, 120_000);
afterAll(async () => {
  console.log(`[authz-matrix] ${callCount} calls made`);
  await t.close();
});

const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: "query" | "mutation" | "subscription" } }>);

// An input no procedure accepts (strict schemas refuse the unknown field, others miss their required
// fields), so callers who are allowed reach validation and change nothing.
const PROBE_INPUT = { __authzProbe: "\u0000" };

async function callProcedure(caller: Caller, path: string, type: string): Promise<Answer> {
  callCount++;
  let cookie = cookies.get(caller)!;
  if (path === "auth.signOut" && caller !== "ANONYMOUS") {
    // Signing out would end the session the rest of the matrix uses: use a session of its own.
    cookie = `fg_session=${(await signedInAs(t.baseUrl, caller)).jar.get("fg_session")}`;
  }
  const headers: Record<string, string> = cookie ? { cookie } : {};
  if (type === "query") return request(t.baseUrl, "GET", `/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: PROBE_INPUT }))}`, headers);
  return request(t.baseUrl, "POST", `/trpc/${path}`, { ...headers, "content-type": "application/json", "x-floodgate-csrf": "1" }, JSON.stringify({ json: PROBE_INPUT }));
}

describe("the declared access map", () => {
  it("lists every procedure of the router, and nothing the router does not have", () => {
    const routerPaths = procedures.map(([p]) => p).sort();
    const declared = Object.keys(PROCEDURE_ROLES).sort();
    expect(routerPaths.filter((p) => !(p in PROCEDURE_ROLES)), "procedures missing from PROCEDURE_ROLES").toEqual([]);
    expect(declared.filter((p) => !routerPaths.includes(p)), "PROCEDURE_ROLES entries with no procedure").toEqual([]);
    expect(procedures.length).toBeGreaterThan(10);
  });

  it("declares every route outside /trpc and /api/v1 as public or with its roles", () => {
    const undeclared = t.app.registeredRoutes
      // /metrics is the operators' scrape, guarded by METRICS_TOKEN or loopback (test/metrics.test.ts).
      .filter((r) => !r.url.startsWith("/trpc/") && !r.url.startsWith("/api/v1/") && !PUBLIC_ROUTE.test(r.url) && r.url !== "/metrics")
      .map((r) => `${r.method} ${r.url}`)
      .filter((k) => !(k in COOKIE_ROUTE_ROLES));
    expect(undeclared).toEqual([]);
  });
});

const SECOND_FACTOR_PROCEDURES = new Set(["auth.verifySecondFactor", "auth.startEnrolment", "auth.confirmEnrolment"]);

describe("tRPC procedures: every procedure × every role and anonymous", () => {
  it.each(procedures.map(([path, p]) => [path, p._def.type] as const))("%s (%s)", async (path, type) => {
    const declared = PROCEDURE_ROLES[path];
    for (const caller of CALLERS) {
      const answer = await callProcedure(caller, path, type);
      const label = `${caller} → ${path} answered ${answer.status} ${answer.code}`;
      expect(answer.status, label).toBeLessThan(500);
      if (declared === "PUBLIC" && SECOND_FACTOR_PROCEDURES.has(path) && caller === "ANONYMOUS") {
        // PUBLIC in the role map so a session owing its second factor may call them; without any
        // session (no password given) they refuse.
        expect(answer.code === "UNAUTHENTICATED" || answer.code === "VALIDATION_FAILED", label).toBe(true);
      } else if (declared === "PUBLIC") {
        expect(["FORBIDDEN", "UNAUTHENTICATED", "SESSION_EXPIRED"], label).not.toContain(answer.code);
      } else if (caller === "ANONYMOUS") {
        expect(answer.status, label).toBe(401);
        expect(answer.code, label).toBe("UNAUTHENTICATED");
      } else if (mayCall(caller, path)) {
        expect([401, 403], label).not.toContain(answer.status);
      } else {
        expect(answer.status, label).toBe(403);
        expect(answer.code, label).toBe("FORBIDDEN");
      }
    }
  });
});

describe("HTTP routes: every route × every role, anonymous, and an API key", () => {
  const concrete = (url: string) => url.replace(/:[A-Za-z_]+/g, "probe").replace(/\*$/, "probe");

  it("grants exactly the declared access", async () => {
    const routes = t.app.registeredRoutes.filter((r) => !r.url.startsWith("/trpc/"));
    expect(routes.some((r) => r.url.startsWith("/api/v1/") && r.method === "POST")).toBe(true);
    const failures: string[] = [];
    for (const route of routes) {
      const key = `${route.method} ${route.url}`;
      const path = concrete(route.url);
      const body = ["POST", "PUT", "PATCH", "DELETE"].includes(route.method) ? "{}" : undefined;
      const jsonHeaders: Record<string, string> = body ? { "content-type": "application/json" } : {};
      for (const caller of CALLERS) {
        callCount++;
        const cookie = cookies.get(caller);
        const a = await request(t.baseUrl, route.method, path, { ...jsonHeaders, ...(cookie ? { cookie } : {}) }, body);
        const label = `${caller} → ${key} answered ${a.status} ${a.code ?? ""}`;
        if (a.status >= 500) failures.push(label);
        else if (route.url === "/metrics") {
          // Operators' scrape: guarded by METRICS_TOKEN or, without one, loopback only (test/metrics.test.ts), not by staff role.
          if (a.status !== 200) failures.push(`${label} (metrics from loopback without a token)`);
        } else if (PUBLIC_ROUTE.test(route.url)) {
          if (route.method === "GET" && (a.status === 401 || a.status === 403)) failures.push(`${label} (public route refused)`);
        } else if (route.url.startsWith("/api/v1/")) {
          // A staff session is no platform credential: without a key, everyone is refused.
          if (a.status !== 401 || a.code !== "UNAUTHENTICATED") failures.push(`${label} (expected 401 without an API key)`);
        } else {
          const roles = COOKIE_ROUTE_ROLES[key] ?? [];
          const expected = caller === "ANONYMOUS" ? [401] : roles.includes(caller) ? null : [403];
          if (expected ? !expected.includes(a.status) : a.status === 401 || a.status === 403) failures.push(`${label} (declared: ${roles.join(", ")})`);
        }
      }
      if (route.url.startsWith("/api/v1/") && !PUBLIC_ROUTE.test(route.url)) {
        callCount++;
        const a = await request(t.baseUrl, route.method, path, { ...jsonHeaders, authorization: `Bearer ${apiKey}` }, body);
        if (a.status === 401 || a.status === 403 || a.status >= 500) failures.push(`API key → ${key} answered ${a.status} ${a.code ?? ""}`);
        const wrong = await request(t.baseUrl, route.method, path, { ...jsonHeaders, authorization: `Bearer ${apiKey}x` }, body);
        callCount++;
        if (wrong.status !== 401) failures.push(`wrong API key → ${key} answered ${wrong.status}`);
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
