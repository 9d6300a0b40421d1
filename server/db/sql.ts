// The one way to write SQL by hand. Prisma's model API stays where it is plainly simpler (find a row
// by id, create one record); everything else is a `sql` tagged template:
//
//   const byBank = bank ? sql`AND l.bank_code = ${bank}` : empty;
//   const q = sql`SELECT l.id FROM bank_link l WHERE l.account_id = ${accountId} ${byBank}`;
//   await rows<{ id: string }>(db.pool, q);        // node-postgres: a Pool, PoolClient or Client
//   await db.prisma.$queryRaw<{ id: string }[]>(q); // the same object through Prisma (or a tx)
//
// Interpolated values always become bind parameters ($1, $2, … for node-postgres); an interpolated
// `Sql` is spliced in with its own parameters renumbered, so a fragment (a rule's WHERE condition, a
// CASE expression) is written once and reused by any query on either client. `raw` is for our own
// constants only (a column or a cast chosen from a fixed list), never for input. `join` lists
// fragments or values with a separator.
//
// These are Prisma's own helpers (sql-template-tag), re-exported so that there is one import and one
// type: a Prisma `Sql` carries `.text` (with $n placeholders, for pg) and `.values`.
import type pg from "pg";
import { Prisma } from "../generated/prisma/client.ts";

export type Sql = Prisma.Sql;
export const sql = Prisma.sql;
export const join = Prisma.join;
export const raw = Prisma.raw;
export const empty = Prisma.empty;

/** Anything node-postgres can query through: a Pool, a checked-out PoolClient or a Client. */
export type Queryable = Pick<pg.Pool | pg.PoolClient, "query">;

/**
 * The query config node-postgres takes. A plain object, not the `Sql` itself: pg writes a callback
 * onto the config it is given, and a shared fragment constant must stay untouched. `rowMode: "array"`
 * returns rows as arrays (the large reads); `name` makes it a named prepared statement, parsed and
 * planned once per connection (the decision API's hot path): only for a query whose text never
 * changes between calls (values may).
 */
export function pgQuery(q: Sql, opts?: { name?: string }): pg.QueryConfig;
export function pgQuery(q: Sql, opts: { rowMode: "array"; name?: string }): pg.QueryArrayConfig;
export function pgQuery(q: Sql, opts: { rowMode?: "array"; name?: string } = {}): pg.QueryConfig | pg.QueryArrayConfig {
  const config = { text: q.text, values: q.values, ...(opts.name ? { name: opts.name } : {}) };
  return opts.rowMode ? { ...config, rowMode: opts.rowMode } : config;
}

/** Runs `q` on a pg pool or client; the whole result (rows, rowCount). */
export function query<R extends pg.QueryResultRow = pg.QueryResultRow>(db: Queryable, q: Sql): Promise<pg.QueryResult<R>> {
  return db.query<R>(q.text, q.values);
}

/** Runs `q` on a pg pool or client and returns its rows. */
export async function rows<R extends pg.QueryResultRow = pg.QueryResultRow>(db: Queryable, q: Sql): Promise<R[]> {
  return (await db.query<R>(q.text, q.values)).rows;
}

/** `cond1 AND cond2 …`; `true` when there are none. */
export function and(conds: readonly Sql[]): Sql {
  return conds.length ? join(conds, " AND ") : sql`true`;
}

/** `WHERE cond1 AND cond2 …`, or nothing when there are no conditions. */
export function where(conds: readonly Sql[]): Sql {
  return conds.length ? sql`WHERE ${join(conds, " AND ")}` : empty;
}
