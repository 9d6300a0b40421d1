// Goal: hostile input never breaks the server or changes anything. For every tRPC procedure and
// every /api/v1 route, generated invalid inputs (wrong types, huge strings, negative and fractional
// yen, unknown fields, unicode oddities, deep nesting) get a 4xx, never a 5xx, and leave every table
// exactly as it was (row counts, table contents, the audit chain head).
// Method: procedures from appRouter._def.procedures and routes from Fastify's registry, inputs from
// fast-check shaped by each schema's field names and kept only when the procedure's own zod schema
// refuses them (so a 4xx is the one right answer), called over real HTTP by a role allowed to call
// it, the database fingerprinted before and after each target. Bounded: a fixed number of runs each.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import superjson from "superjson";
import { z } from "zod";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import { signedInAs } from "./helpers/staff.ts";
import { appRouter } from "../server/trpc/app-router.ts";
import { PROCEDURE_ROLES } from "../shared/auth/permissions.ts";
import type { Role } from "../shared/auth/roles.ts";

// Rate limits would answer 429 long before the inputs reach validation.
process.env.RATE_LIMITS = "off";

const RUNS_PER_PROCEDURE = 25;
const RUNS_PER_ROUTE = 60;

type Schema = z.ZodType;
interface ProcedureDef {
  _def: { type: "query" | "mutation" | "subscription"; inputs: Schema[] };
}

let t: TestApp;
const cookies = new Map<Role, string>();
let callCount = 0;
let apiKey: string;

beforeAll(async () => {
  t = await startTestApp();
  apiKey = await t.apiKey();
  for (const role of ["ANALYST", "MANAGER", "SUPPORT", "ADMIN"] as const) cookies.set(role, `fg_session=${(await signedInAs(t.baseUrl, role)).jar.get("fg_session")}`);
}, 120_000);
afterAll(async () => {
  console.log(`[fuzz] ${callCount} calls made; procedures without input (nothing to fuzz): ${noInput.join(", ")}`);
  await t?.close();
});

/** Row counts and a content hash of every table (sessions by count only: their last-seen time moves). */
async function fingerprint(): Promise<Record<string, string>> {
  const { rows: tables } = await t.db.pool.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations' ORDER BY 1`,
  );
  const parts = tables.map(({ name }) =>
    name === "staff_session"
      ? `SELECT '${name}' AS name, count(*)::text AS print FROM "${name}"`
      : name === "platform_api_key" // last_used_at moves when the key is used
        ? `SELECT '${name}' AS name, count(*)::text || ':' || md5(coalesce(string_agg((x.id, x.name, x.key_hash, x.revoked_at)::text, '|' ORDER BY x.id), '')) AS print FROM "${name}" x`
        : `SELECT '${name}' AS name, count(*)::text || ':' || md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS print FROM "${name}" x`,
  );
  const { rows } = await t.db.pool.query<{ name: string; print: string }>(parts.join(" UNION ALL "));
  return Object.fromEntries(rows.map((r) => [r.name, r.print]));
}

// The procedures are fuzzed one after another with nothing in between, so the fingerprint taken
// after one (once it matched) is the one before the next: taken once, not twice. A target whose
// check failed hands nothing on; the next one fingerprints afresh.
let carried: Record<string, string> | undefined;
async function fingerprintBefore(): Promise<Record<string, string>> {
  const print = carried ?? (await fingerprint());
  carried = undefined;
  return print;
}
async function expectUnchangedSince(before: Record<string, string>) {
  const after = await fingerprint();
  expect(after).toEqual(before);
  carried = after;
}

// ---- generators ----------------------------------------------------------------------------

const ODD_STRINGS = [
  "",
  " ",
  "\u0000",
  "\uD800",
  "\uDFFF\uD800",
  "\u202Eevil\u202C",
  "\uFEFF",
  "e\u0301\u0301\u0301",
  "ｱｲｳｴｵ ﾀﾛｳ",
  "ヤマダ\u3000タロウ",
  "🙂".repeat(50),
  "' OR 1=1 --",
  "'); DROP TABLE audit_event; --",
  "<script>alert(1)</script>",
  "../../etc/passwd",
  "%00%0a",
  "${jndi:ldap://x}",
  "__proto__",
  "NaN",
  "-1",
  "1e309",
  "0125\n",
];

function deep(depth: number, leaf: unknown, asObject: boolean): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = asObject ? { a: v } : [v];
  return v;
}

const badScalar = fc.oneof(
  fc.constantFrom(...ODD_STRINGS),
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.constantFrom(-1, -0.5, 0.5, 1.5, -100_000, 2 ** 31, -(2 ** 31) - 1, Number.MAX_SAFE_INTEGER + 2, 1e21, -1e-7, 0),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom([], {}, [1, "a"], { $gt: "" }, { constructor: { prototype: { polluted: true } } }),
);

function badValue(hugeLength: number) {
  return fc.oneof(
    { weight: 6, arbitrary: badScalar },
    { weight: 1, arbitrary: fc.constantFrom("x".repeat(hugeLength), "9".repeat(hugeLength), "あ".repeat(Math.floor(hugeLength / 3))) },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 50, max: 2_000 }), fc.boolean()).map(([d, o]) => deep(d, "x", o)) },
    { weight: 1, arbitrary: fc.array(badScalar, { maxLength: 5 }) },
  );
}

/** Field names of an object schema (through defaults and optionals), for near-miss inputs. */
function fieldNames(schema: Schema): string[] {
  try {
    const js = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as { properties?: Record<string, unknown>; anyOf?: { properties?: Record<string, unknown> }[] };
    const props = { ...(js.properties ?? {}), ...Object.assign({}, ...(js.anyOf ?? []).map((a) => a.properties ?? {})) };
    return Object.keys(props);
  } catch {
    return [];
  }
}

function inputArbitrary(schema: Schema, hugeLength: number) {
  const fields = fieldNames(schema);
  const nearMiss = fields.length
    ? fc
        .tuple(
          fc.dictionary(fc.constantFrom(...fields), badValue(hugeLength), { minKeys: 1, maxKeys: fields.length }),
          fc.option(fc.tuple(fc.constantFrom("unknownField", "isAdmin", "__proto__", "amountYen", "role"), badScalar), { nil: undefined }),
        )
        .map(([known, extra]) => (extra ? { ...known, [extra[0]]: extra[1] } : known))
    : fc.constant({ unknownField: 1 });
  return fc.oneof({ weight: 3, arbitrary: nearMiss }, { weight: 1, arbitrary: badValue(hugeLength) });
}

// ---- callers ---------------------------------------------------------------------------------

async function send(url: string, init: RequestInit): Promise<{ status: number; text: string }> {
  callCount++;
  const res = await fetch(url, init);
  return { status: res.status, text: await res.text() };
}

function callerFor(path: string): string {
  const roles = PROCEDURE_ROLES[path];
  const role: Role = roles === "PUBLIC" || roles === undefined ? "ADMIN" : roles[0];
  return cookies.get(role)!;
}

function callProcedure(path: string, type: string, input: unknown) {
  const cookie = callerFor(path);
  if (type === "query") {
    return send(`${t.baseUrl}/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`, { headers: { cookie } });
  }
  return send(`${t.baseUrl}/trpc/${path}`, { method: "POST", headers: { cookie, "content-type": "application/json", "x-floodgate-csrf": "1" }, body: JSON.stringify({ json: input }) });
}

function expectClientError(r: { status: number; text: string }, label: string, opts: { authenticated?: boolean } = {}) {
  // Refused for who the caller is, the input would never have been looked at: that proves nothing.
  if (opts.authenticated) expect([401, 403], `${label}: ${r.text.slice(0, 300)}`).not.toContain(r.status);
  expect(r.status, `${label}: ${r.text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
  expect(r.status, `${label}: ${r.text.slice(0, 300)}`).toBeLessThan(500);
  expect(r.text, label).not.toMatch(/\bat \S+ \(|node_modules|prisma\.|syntax error at/i);
}

const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, ProcedureDef>);
const noInput: string[] = [];

describe("fuzzing every tRPC procedure", () => {
  it.each(procedures.map(([p, d]) => [p, d._def.type] as const))("%s (%s) answers invalid input with a 4xx and changes nothing", async (path, type) => {
    const def = procedures.find(([p]) => p === path)![1]._def;
    const before = await fingerprintBefore();
    if (def.inputs.length === 0) {
      // No input, nothing to validate: the procedure ignores whatever is sent (a query just reads,
      // and a mutation such as auth.signOut would simply run), so there is nothing to fuzz.
      noInput.push(path);
    } else {
      const schema = def.inputs[0];
      // GET carries the input in the URL: keep huge strings under Node's header limit there.
      const hugeLength = type === "query" ? 4_000 : 200_000;
      await fc.assert(
        fc.asyncProperty(inputArbitrary(schema, hugeLength), async (input) => {
          fc.pre(!def.inputs.every((s) => s.safeParse(input).success));
          expectClientError(await callProcedure(path, type, input), `${path} ${JSON.stringify(input)?.slice(0, 200)}`, { authenticated: true });
        }),
        { numRuns: RUNS_PER_PROCEDURE, maxSkipsPerRun: 200, seed: 42 + path.length, endOnFailure: true },
      );
    }
    await expectUnchangedSince(before);
  });
});

describe("fuzzing every /api/v1 route", () => {
  it("answers invalid bodies and query strings with a 4xx and changes nothing", async () => {
    const routes = t.app.registeredRoutes.filter((r) => r.url.startsWith("/api/v1/") && !r.url.startsWith("/api/v1/docs") && r.url !== "/api/v1/openapi.json" && ["GET", "POST", "PUT", "PATCH", "DELETE"].includes(r.method));
    expect(routes.length).toBeGreaterThan(1);
    const before = await fingerprint();
    for (const route of routes) {
      const path = route.url.replace(/:[A-Za-z_]+/g, "probe").replace(/\*$/, "probe");
      const schema = route.schema as { body?: Schema; querystring?: Schema } | undefined;
      const auth = { authorization: `Bearer ${apiKey}` };
      if (route.method === "GET") {
        const qs = schema?.querystring;
        await fc.assert(
          fc.asyncProperty(fc.dictionary(fc.constantFrom(...(qs ? fieldNames(qs) : []), "unknown", "limit", "cursor"), badValue(2_000).map((v) => (typeof v === "string" ? v : JSON.stringify(v) ?? "")), { minKeys: 1 }), async (query) => {
            fc.pre(!qs || !qs.safeParse(query).success);
            const r = await send(`${t.baseUrl}${path}?${new URLSearchParams(query as Record<string, string>)}`, { headers: auth });
            expectClientError(r, `GET ${route.url} ${JSON.stringify(query).slice(0, 200)}`, { authenticated: true });
          }),
          { numRuns: RUNS_PER_ROUTE, maxSkipsPerRun: 200, seed: 7, endOnFailure: true },
        );
      } else {
        const body = schema?.body;
        await fc.assert(
          fc.asyncProperty(body ? inputArbitrary(body, 300_000) : badValue(1_000), async (value) => {
            fc.pre(!body || !body.safeParse(value).success);
            const r = await send(`${t.baseUrl}${path}`, { method: route.method, headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify(value) ?? "null" });
            expectClientError(r, `${route.method} ${route.url} ${JSON.stringify(value)?.slice(0, 200)}`, { authenticated: true });
          }),
          { numRuns: RUNS_PER_ROUTE, maxSkipsPerRun: 200, seed: 11, endOnFailure: true },
        );
        // Bodies that are not JSON at all, or too big.
        for (const [type, raw] of [
          ["application/json", "{"],
          ["application/json", "\u0000"],
          ["text/plain", "hello"],
          ["application/x-www-form-urlencoded", "a=1"],
          ["application/json", JSON.stringify({ pad: "x".repeat(6 * 1024 * 1024) })],
        ] as const) {
          expectClientError(await send(`${t.baseUrl}${path}`, { method: route.method, headers: { ...auth, "content-type": type }, body: raw }), `${route.method} ${route.url} raw ${type}`);
        }
      }
    }
    expect(await fingerprint()).toEqual(before);
  }, 120_000);
});


// ---- poisoned inputs (#12 defect 3) --------------------------------------------------------
// Every text and date leaf of every input, one at a time, holding what PostgreSQL cannot store
// (NUL, lone surrogates, years 0000, -271821, +275760) or a day that does not exist (2026-02-30),
// the rest of the input plausible: a 400 every time, never a 5xx, and nothing changed.

const POISON_TEXT = ["\u0000", "ab\u0000", "\uD800", "x\uDC00", "\uDFFF\uD800"];
const POISON_DATE_TEXT = ["0000-01-01T00:00:00Z", "+275760-09-13T00:00:00Z", "-271821-04-20T00:00:00Z", "2026-02-30T00:00:00Z", "2026-02-30"];
const yearDate = (y: number) => {
  const d = new Date(Date.UTC(2020, 0, 1));
  d.setUTCFullYear(y);
  return d;
};
/** Dates as superjson carries them: the ISO text the server revives. */
const POISON_DATES = [yearDate(0).toISOString(), new Date(8.64e15).toISOString(), new Date(-8.64e15).toISOString(), "2026-02-30T00:00:00.000Z", "2023-02-29T12:00:00.000Z"];

type Leaf = { path: (string | number)[]; kind: "text" | "dateText" | "date" };
type ZDef = { type: string; shape?: Record<string, Schema>; innerType?: Schema; in?: Schema; out?: Schema; options?: Schema[]; element?: Schema; entries?: Record<string, unknown>; values?: unknown[] };
const defOf = (s: Schema) => (s as unknown as { _zod: { def: ZDef } })._zod.def;

const ISO_CANDIDATE = "2020-09-04T12:34:56+09:00";
const STRING_CANDIDATES = ["0125", "101", "1234567", "acc-000123", "A reason long enough for the audit log of this console.", "2e8d8a4f-6b1c-4c55-9a3e-0d3c2b1a0f9e", ISO_CANDIDATE, "abcdefgh-12345", "1", "ヤマダ タロウ", "x"];

/** A plausible value for a schema, and the paths of its text and date leaves. */
function plausible(schema: Schema, path: (string | number)[], leaves: Leaf[]): unknown {
  const def = defOf(schema);
  switch (def.type) {
    case "object":
      return Object.fromEntries(Object.entries(def.shape ?? {}).map(([k, v]) => [k, plausible(v, [...path, k], leaves)]));
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
    case "catch":
    case "nonoptional":
      return plausible(def.innerType!, path, leaves);
    case "pipe":
      return plausible(defOf(def.in!).type === "transform" ? def.out! : def.in!, path, leaves);
    case "union":
      return plausible(def.options![0], path, leaves);
    case "array":
      return [plausible(def.element!, [...path, 0], leaves)];
    case "string": {
      const value = STRING_CANDIDATES.find((c) => schema.safeParse(c).success) ?? "x";
      leaves.push({ path, kind: value === ISO_CANDIDATE ? "dateText" : "text" });
      return value;
    }
    case "date":
      leaves.push({ path, kind: "date" });
      return new Date();
    case "number":
      return [1, 100, 0].find((n) => schema.safeParse(n).success) ?? 1;
    case "boolean":
      return false;
    case "enum":
      return Object.values(def.entries ?? {})[0];
    case "literal":
      return def.values?.[0];
    default:
      return undefined;
  }
}

function setAt(value: unknown, path: (string | number)[], leaf: unknown): unknown {
  if (path.length === 0) return leaf;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, unknown>;
  copy[path[0]] = setAt(copy[path[0]], path.slice(1), leaf);
  return copy;
}

/** superjson payload of `base` with the leaf at `path` replaced by raw text (a Date's text when `asDate`). */
function poisoned(base: unknown, path: (string | number)[], raw: string, asDate: boolean) {
  const { json, meta } = superjson.serialize(base) as { json: unknown; meta?: { values?: Record<string, unknown>; v?: number } };
  const key = path.map(String).join(".");
  const values = { ...(meta?.values ?? {}) };
  if (asDate) values[key] = ["Date"];
  else delete values[key];
  return { json: setAt(json, path, raw), meta: { ...(meta ?? {}), values } };
}

function callProcedureRaw(path: string, type: string, payload: unknown) {
  const cookie = callerFor(path);
  if (type === "query") return send(`${t.baseUrl}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(payload))}`, { headers: { cookie } });
  return send(`${t.baseUrl}/trpc/${path}`, { method: "POST", headers: { cookie, "content-type": "application/json", "x-floodgate-csrf": "1" }, body: JSON.stringify(payload) });
}

const LIBRARY_WORDS = /Maximum call stack|Unexpected token|JSON at position|FST_ERR|invalid byte sequence|out of range|superjson/i;

describe("NUL, lone surrogates, extreme and impossible dates in every procedure", () => {
  it("answer with a 400 in our words and change nothing", async () => {
    const before = await fingerprint();
    let poisonedLeaves = 0;
    for (const [path, d] of procedures) {
      const def = d._def;
      if (def.inputs.length === 0) continue;
      const leaves: Leaf[] = [];
      const base = plausible(def.inputs[0], [], leaves);
      for (const leaf of leaves) {
        poisonedLeaves++;
        const poisons = leaf.kind === "date" ? POISON_DATES : leaf.kind === "dateText" ? POISON_TEXT.concat(POISON_DATE_TEXT) : POISON_TEXT;
        for (const raw of poisons) {
          const r = await callProcedureRaw(path, def.type, poisoned(base, leaf.path, raw, leaf.kind === "date"));
          const label = `${path} ${leaf.path.join(".")}=${JSON.stringify(raw)}`;
          expectClientError(r, label, { authenticated: true });
          expect(r.text, label).not.toMatch(LIBRARY_WORDS);
          expect(r.status, `${label}: ${r.text.slice(0, 300)}`).toBe(400);
        }
      }
    }
    expect(poisonedLeaves).toBeGreaterThan(30);
    expect(await fingerprint()).toEqual(before);
  }, 300_000);
});

describe("NUL, lone surrogates, extreme and impossible dates in every /api/v1 route", () => {
  it("answer with a 400 (or, for events, a rejection of that event alone) and change nothing", async () => {
    const routes = t.app.registeredRoutes.filter((r) => r.url.startsWith("/api/v1/") && !r.url.startsWith("/api/v1/docs") && r.url !== "/api/v1/openapi.json" && r.method !== "HEAD");
    const before = await fingerprint();
    const auth = { authorization: `Bearer ${apiKey}` };
    let poisonedLeaves = 0;
    for (const route of routes) {
      const schema = route.schema as { body?: Schema; querystring?: Schema } | undefined;
      const input = route.method === "GET" ? schema?.querystring : schema?.body;
      if (!input) continue;
      const leaves: Leaf[] = [];
      const base = plausible(input, [], leaves);
      for (const leaf of leaves) {
        poisonedLeaves++;
        for (const raw of leaf.kind === "dateText" ? POISON_TEXT.concat(POISON_DATE_TEXT) : POISON_TEXT) {
          const value = setAt(base, leaf.path, raw);
          const label = `${route.method} ${route.url} ${leaf.path.join(".")}=${JSON.stringify(raw)}`;
          const r =
            route.method === "GET"
              ? await send(`${t.baseUrl}${route.url}?${new URLSearchParams(value as Record<string, string>)}`, { headers: auth })
              : await send(`${t.baseUrl}${route.url}`, { method: route.method, headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify(value) });
          expect(r.text, label).not.toMatch(LIBRARY_WORDS);
          if (route.url === "/api/v1/events" && r.status === 200) {
            // Validated per event: the poisoned event is rejected alone, nothing is accepted.
            const body = JSON.parse(r.text);
            expect(body.accepted, label).toBe(0);
            expect(body.rejected.map((x: { code: string }) => x.code), label).toEqual(["INVALID"]);
          } else {
            expectClientError(r, label, { authenticated: true });
            expect(r.status, `${label}: ${r.text.slice(0, 300)}`).toBe(400);
          }
        }
      }
    }
    expect(poisonedLeaves).toBeGreaterThan(5);
    expect(await fingerprint()).toEqual(before);
  }, 300_000);
});

describe("after fuzzing", () => {
  it("every session used is still signed in (so no refusal above came from a lost session)", async () => {
    for (const [role, cookie] of cookies) {
      const r = await send(`${t.baseUrl}/trpc/auth.me`, { headers: { cookie } });
      expect(JSON.parse(r.text).result.data.json.user.role, role).toBe(role);
    }
  });
});
