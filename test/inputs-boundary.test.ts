// Goal (#12 defects 3 and 7): what PostgreSQL cannot store (NUL, lone UTF-16 surrogates, years
// 0000, -271821, +275760) and impossible dates (2026-02-30) are refused at the boundary with words
// and a 4xx, never a 500; one bad event is rejected alone; a resent batch with a broken event id
// answers the same, per event; library wording (stack overflow in superjson, the JSON parser's
// message, Fastify's FST_ERR_* codes) never reaches the client.
// Method: a real server on its own database, called with fetch (hand-built superjson payloads, so
// the dates and meta are exactly what an attacker would send); nothing may change in the database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import { signedInAs } from "./helpers/staff.ts";
import { PROCEDURE_ROLES } from "../shared/auth/permissions.ts";
import type { Role } from "../shared/auth/roles.ts";
import { accountOpened, linkRegistered, postEvents, uid } from "./events-fixtures.ts";

process.env.RATE_LIMITS = "off";

let t: TestApp;
let key: string;
let manager: string;
let admin: string;
const cookies = new Map<Role, string>();
/** A cookie of a role allowed to call the procedure (so a refusal is about the input, not the caller). */
const callerOf = (path: string) => {
  const roles = PROCEDURE_ROLES[path];
  return cookies.get(roles === "PUBLIC" || roles === undefined ? "ADMIN" : roles[0])!;
};

beforeAll(async () => {
  t = await startTestApp();
  key = await t.apiKey();
  for (const role of ["ANALYST", "MANAGER", "SUPPORT", "ADMIN"] as const) cookies.set(role, `fg_session=${(await signedInAs(t.baseUrl, role)).jar.get("fg_session")}`);
  manager = cookies.get("MANAGER")!;
  admin = cookies.get("ADMIN")!;
});
afterAll(async () => {
  await t.close();
});

const NUL = "a\u0000b";
const LONE = "a\uD800b";
const counts = async () => {
  const { rows } = await t.db.pool.query<{ n: string }>(
    `SELECT (SELECT count(*) FROM audit_event) || '/' || (SELECT count(*) FROM suspension) || '/' || (SELECT count(*) FROM compensation_case) || '/' || (SELECT count(*) FROM wallet_account) AS n`,
  );
  return rows[0].n;
};

/** A tRPC call with a raw superjson payload {json, meta}. */
async function trpc(cookie: string, path: string, type: "query" | "mutation", payload: unknown) {
  const res =
    type === "query"
      ? await fetch(`${t.baseUrl}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(payload))}`, { headers: { cookie } })
      : await fetch(`${t.baseUrl}/trpc/${path}`, { method: "POST", headers: { cookie, "content-type": "application/json", "x-floodgate-csrf": "1" }, body: JSON.stringify(payload) });
  const text = await res.text();
  return { status: res.status, text, error: (JSON.parse(text) as { error?: { json: { message: string; data: { code: string; fieldErrors?: Record<string, string[]> } } } }).error?.json };
}
const dated = (json: Record<string, unknown>, dates: string[]) => ({ json, meta: { values: Object.fromEntries(dates.map((d) => [d, ["Date"]])), v: 1 } });

const NO_LIBRARY_WORDS = /Maximum call stack|Unexpected token|JSON at position|is not valid JSON|FST_ERR|superjson|prisma|invalid byte sequence|out of range|\bat \S+ \(/i;

describe("events: one bad event is rejected alone", () => {
  it.each([
    ["a NUL in a holder name", (e: ReturnType<typeof accountOpened>) => (e.account.holderName = `ヤマダ${"\u0000"}タロウ`), /NUL character/],
    ["a lone surrogate in a holder name", (e: ReturnType<typeof accountOpened>) => (e.account.holderName = "ヤマダ\uDC00"), /lone UTF-16 surrogate/],
    ["a NUL in an account id", (e: ReturnType<typeof accountOpened>) => (e.account.id = NUL), /NUL character/],
    ["year 0000", (e: ReturnType<typeof accountOpened>) => (e.occurredAt = "0000-01-01T00:00:00Z"), /between 2000-01-01/],
    ["year +275760", (e: ReturnType<typeof accountOpened>) => (e.occurredAt = "+275760-09-13T00:00:00Z"), /ISO 8601/],
    ["year -271821", (e: ReturnType<typeof accountOpened>) => (e.occurredAt = "-271821-04-20T00:00:00Z"), /ISO 8601/],
    ["2026-02-30", (e: ReturnType<typeof accountOpened>) => (e.occurredAt = "2026-02-30T00:00:00+09:00"), /2026-02 has no day 30/],
    ["24:00", (e: ReturnType<typeof accountOpened>) => (e.occurredAt = "2026-02-03T24:00:00Z"), /not a time of day/],
  ])("%s", async (_label, spoil, words) => {
    const accountsBefore = await t.db.prisma.walletAccount.count();
    const good1 = accountOpened(uid("acc"));
    const bad = accountOpened(uid("acc"));
    spoil(bad);
    const good2 = accountOpened(uid("acc"));
    const res = await postEvents(t.baseUrl, key, { events: [good1, bad, good2] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.accepted).toBe(2);
    expect(res.body.rejected).toHaveLength(1);
    expect(res.body.rejected[0]).toMatchObject({ index: 1, code: "INVALID", message: expect.stringMatching(words) });
    expect(await t.db.prisma.walletAccount.count({ where: { id: { in: [good1.account.id, good2.account.id] } } })).toBe(2);
    expect(await t.db.prisma.walletAccount.count()).toBe(accountsBefore + 2); // the bad one stored nothing
  });

  it("a resent batch whose event id holds a lone surrogate answers per event, the same each time, never CONFLICT", async () => {
    const accountId = uid("acc");
    const good = accountOpened(accountId);
    const broken = linkRegistered(uid("lnk"), accountId, { eventId: `ev-\uD800-${uid("x")}` });
    const first = await postEvents(t.baseUrl, key, { events: [good, broken] });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ accepted: 1, duplicates: 0, rejected: [{ index: 1, code: "INVALID" }] });
    expect(first.body.rejected[0].message).toMatch(/lone UTF-16 surrogate/);
    for (let i = 0; i < 2; i++) {
      const again = await postEvents(t.baseUrl, key, { events: [good, broken] });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ accepted: 0, duplicates: 1, rejected: [{ index: 1, code: "INVALID" }] });
    }
  });
});

describe("/api/v1 routes refuse what cannot be stored with a 400 in words", () => {
  const api = (path: string, init: RequestInit = {}) => fetch(`${t.baseUrl}${path}`, { ...init, headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...(init.headers ?? {}) } });

  it.each([
    ["/api/v1/decisions/charge", { linkId: NUL, amountYen: 100 }, /NUL character/],
    ["/api/v1/decisions/charge", { linkId: LONE, amountYen: 100 }, /lone UTF-16 surrogate/],
    ["/api/v1/decisions/link-registration", { accountId: NUL, bankCode: "0125" }, /NUL character/],
    ["/api/v1/decisions/link-change", { linkId: LONE, bankCode: "0125" }, /lone UTF-16 surrogate/],
  ])("POST %s %j", async (path, body, words) => {
    const res = await api(path, { method: "POST", body: JSON.stringify(body) });
    const json = await res.json();
    expect(res.status, JSON.stringify(json)).toBe(400);
    expect(json).toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringMatching(words) });
  });

  it.each([
    ["since=0000-01-01T00:00:00Z", /between 2000-01-01/],
    ["since=2026-02-30T00:00:00Z", /no day 30/],
    [`since=${encodeURIComponent("+275760-09-13T00:00:00Z")}`, /ISO 8601/],
    [`cursor=${Buffer.from(JSON.stringify(["+275760-09-13T00:00:00.000Z", "acc-1"])).toString("base64url")}`, /cursor/],
    [`cursor=${Buffer.from(JSON.stringify(["2020-09-04T00:00:00.000Z", NUL])).toString("base64url")}`, /cursor/],
    [`cursor=${encodeURIComponent(NUL)}`, /NUL character/],
  ])("GET /api/v1/accounts/flagged?%s", async (query, words) => {
    const res = await api(`/api/v1/accounts/flagged?${query}`);
    const json = await res.json();
    expect(res.status, JSON.stringify(json)).toBe(400);
    expect(json.message).toMatch(words);
  });
});

describe("console procedures refuse what cannot be stored with a 400 in words, and change nothing", () => {
  const cases: [string, string, "query" | "mutation", () => unknown, RegExp][] = [
    ["search box with a NUL", "accounts.list", "query", () => ({ json: { q: NUL } }), /NUL character/],
    ["search box with a lone surrogate", "audit.list", "query", () => ({ json: { q: LONE } }), /lone UTF-16 surrogate/],
    ["victim search with a NUL", "compensation.victimSearch", "query", () => ({ json: { bankCode: "0125", accountNumber: `123456${"\u0000"}` } }), /NUL character/],
    ["account id with a NUL", "accounts.get", "query", () => ({ json: { accountId: NUL } }), /NUL character/],
    ["filter date 2026-02-30 as text", "accounts.list", "query", () => ({ json: { openedFrom: "2026-02-30" } }), /no day 30/],
    ["filter date in year 0000 as a Date", "audit.list", "query", () => dated({ from: "0000-01-01T00:00:00.000Z" }, ["from"]), /between 2000-01-01/],
    ["filter date at the end of time", "audit.list", "query", () => dated({ to: "+275760-09-13T00:00:00.000Z" }, ["to"]), /between 2000-01-01/],
    ["filter date at the start of time", "volume.overview", "query", () => dated({ range: "custom", from: "-271821-04-20T00:00:00.000Z", to: "2026-01-01T00:00:00.000Z" }, ["from", "to"]), /between 2000-01-01/],
    ["impossible suspension start", "suspensions.preview", "query", () => dated({ bankCodes: ["0125"], scopes: ["CHARGE"], startsAt: "2026-02-30T00:00:00.000Z" }, ["startsAt"]), /2026-02 has no day 30/],
    ["reason with a NUL", "accounts.freeze", "mutation", () => ({ json: { accountIds: ["acc-1"], reason: `because ${"\u0000"} of fraud` } }), /NUL character/],
    ["holder name with a NUL", "compensation.create", "mutation", () => ({ json: { idempotencyKey: "key-12345678", holderName: NUL, lines: [{ chargeId: "chg-1", amountYen: 100 }], reason: "victim called us" } }), /NUL character/],
    ["suspension far in the future", "suspensions.suspend", "mutation", () => dated({ bankCodes: ["0125"], scopes: ["CHARGE"], startsAt: new Date(Date.now() + 400 * 86_400_000).toISOString(), reason: "test far future" }, ["startsAt"]), /days ahead/],
    ["suspension cutoff far in the past", "suspensions.suspend", "mutation", () => dated({ bankCodes: ["0125"], scopes: ["CHARGE"], cutoffAt: "2001-01-01T00:00:00.000Z", reason: "test far past" }, ["cutoffAt"]), /days in the past/],
  ];
  it.each(cases)("%s (%s)", async (_label, path, type, payload, words) => {
    const before = await counts();
    const r = await trpc(callerOf(path), path, type, payload());
    expect(r.status, r.text.slice(0, 400)).toBe(400);
    expect(r.error?.data.code).toBe("VALIDATION_FAILED");
    expect(r.error?.message, r.error?.message).toMatch(words);
    expect(r.text).not.toMatch(NO_LIBRARY_WORDS);
    expect(await counts()).toBe(before);
  });
});

describe("library wording never reaches the client (#12 defect 7)", () => {
  it.each([
    ["paths", '{"a":', "}"],
    ["tree", "[", ",{}]"],
  ])("a crafted superjson meta nested 20,000 deep (%s) is refused with our words and changes nothing", async (_shape, open, close) => {
    const before = await counts();
    // Written as text: JSON.stringify itself would overflow the stack on this.
    const values = `${open.repeat(20_000)}["Date"]${close.repeat(20_000)}`;
    const body = `{"json":{"accountIds":["acc-1"],"reason":"deep meta"},"meta":{"values":${values},"v":1}}`;
    const res = await fetch(`${t.baseUrl}/trpc/accounts.freeze`, { method: "POST", headers: { cookie: manager, "content-type": "application/json", "x-floodgate-csrf": "1" }, body });
    const text = await res.text();
    expect(res.status, text.slice(0, 300)).toBe(400);
    const error = JSON.parse(text).error.json;
    expect(error.data.code).toBe("MALFORMED_REQUEST");
    expect(error.message).toBe("The request could not be read: send it as the console or the API documentation does.");
    expect(text).not.toMatch(NO_LIBRARY_WORDS);
    expect(await counts()).toBe(before);
  });

  it("a tRPC body that is not JSON is refused with our words", async () => {
    for (const body of ["{", '{"json": ', "\u0000", "[1,]"]) {
      const res = await fetch(`${t.baseUrl}/trpc/accounts.freeze`, { method: "POST", headers: { cookie: manager, "content-type": "application/json", "x-floodgate-csrf": "1" }, body });
      const text = await res.text();
      expect(res.status, text).toBe(400);
      expect(text).not.toMatch(NO_LIBRARY_WORDS);
      expect(JSON.parse(text).error.json.data.code).toBe("MALFORMED_REQUEST");
    }
    const res = await fetch(`${t.baseUrl}/trpc/audit.list?input=${encodeURIComponent("{not json")}`, { headers: { cookie: admin } });
    const text = await res.text();
    expect(res.status).toBe(400);
    expect(text).not.toMatch(NO_LIBRARY_WORDS);
  });

  it("an /api/v1 body that is not JSON is refused with our words", async () => {
    const res = await fetch(`${t.baseUrl}/api/v1/decisions/charge`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: '{"linkId": ' });
    const json = await res.json();
    expect(res.status).toBe(400);
    expect(json).toMatchObject({ code: "MALFORMED_JSON", message: "The request body is not valid JSON." });
  });

  it("an overlong URL parameter is refused with a 400 and our words", async () => {
    for (const url of [`/trpc/${"a".repeat(6_000)}`, `/trpc/${"auth.me,".repeat(800)}auth.me?batch=1`]) {
      const res = await fetch(`${t.baseUrl}${url}`, { headers: { cookie: admin, authorization: `Bearer ${key}` } });
      const text = await res.text();
      expect(res.status, `${url.slice(0, 40)}: ${text.slice(0, 300)}`).toBe(400);
      expect(JSON.parse(text)).toMatchObject({ code: "BAD_URL", message: "This address is too long or not valid." });
      expect(text).not.toMatch(NO_LIBRARY_WORDS);
    }
  });
});
