// Goal: the query layer (server/db/sql.ts) is one way to write SQL for both clients: a fragment
// written once runs unchanged through node-postgres and through Prisma, values are always bind
// parameters (never spliced into the text), nested fragments renumber their parameters, and a
// shared fragment constant is not changed by running it. Method: real PostgreSQL (own clone).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "./helpers/db.ts";
import type { Database } from "../server/db/client.ts";
import { and, empty, join, pgQuery, query, raw, rows, sql, where } from "../server/db/sql.ts";
import { withPoolTransaction } from "../server/db/transaction.ts";

let t: { db: Database; drop(): Promise<void> };
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

describe("sql", () => {
  it("numbers the parameters of nested fragments in order and keeps values out of the text", () => {
    const inner = sql`b.code = ${"0001"} AND b.name <> ${"x"}`;
    const q = sql`SELECT ${1}::int AS a FROM bank b WHERE ${inner} AND ${raw("b.code")} <> ${"0002"} ${empty}`;
    expect(q.text).toBe("SELECT $1::int AS a FROM bank b WHERE b.code = $2 AND b.name <> $3 AND b.code <> $4 ");
    expect(q.values).toEqual([1, "0001", "x", "0002"]);
    expect(where([]).text).toBe("");
    expect(where([sql`a = ${1}`, sql`b = ${2}`]).text).toBe("WHERE a = $1 AND b = $2");
    expect(and([]).text).toBe("true");
    expect(join([1, 2, 3]).text).toBe("$1,$2,$3");
  });

  it("runs one fragment through a pg pool, a pg transaction and Prisma with the same rows", async () => {
    const [{ code }] = await rows<{ code: string }>(t.db.pool, sql`SELECT code FROM bank ORDER BY code LIMIT 1`);
    const fragment = sql`code = ${code}`;
    const q = sql`SELECT code, name FROM bank ${where([fragment, sql`name IS NOT NULL`])}`;
    const viaPool = await rows<{ code: string; name: string }>(t.db.pool, q);
    const viaClient = await withPoolTransaction(t.db.pool, (c) => rows<{ code: string; name: string }>(c, q), { readOnly: true });
    const viaPrisma = await t.db.prisma.$queryRaw<{ code: string; name: string }[]>(q);
    expect(viaPool).toHaveLength(1);
    expect(viaPool[0].code).toBe(code);
    expect(viaClient).toEqual(viaPool);
    expect(viaPrisma).toEqual(viaPool);
    // The fragment and the query are untouched by running them (pg writes onto the config it gets).
    expect(Object.keys(q)).toEqual(Object.keys(sql`x`));
    expect(q.values).toEqual([code]);
  });

  it("treats input as a value, never as SQL", async () => {
    const hostile = "0001' OR '1'='1";
    const { rowCount } = await query(t.db.pool, sql`SELECT 1 FROM bank WHERE code = ${hostile}`);
    expect(rowCount).toBe(0);
    const [{ same }] = await t.db.prisma.$queryRaw<{ same: string }[]>(sql`SELECT ${hostile}::text AS same`);
    expect(same).toBe(hostile);
  });

  it("gives node-postgres a plain config with array rows on request", async () => {
    const q = sql`SELECT ${"a"}::text, ${2}::int`;
    const config = pgQuery(q, { rowMode: "array" });
    const res = await t.db.pool.query<unknown[]>(config);
    expect(res.rows).toEqual([["a", 2]]);
    expect("callback" in q).toBe(false);
  });
});
