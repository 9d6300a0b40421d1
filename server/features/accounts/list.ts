// The accounts table: filters, sort orders and keyset pagination in SQL, shared by the page
// (accounts.list), its match count and the CSV export, so all three always agree on "the filtered set".
//
// Keyset pagination: a page continues from the (sort value, id) of the row before it, so page 20,000
// costs what page 1 costs (an index range scan from that position) and rows inserted or rescored
// meanwhile never shift later pages. Each sort order is one of the two directions of an index:
//   score     (risk_score DESC, id ASC)  — wallet_account_risk_score_id_idx, forwards or backwards
//   flaggedAt (flagged_at DESC, id ASC)  — wallet_account_flagged_at_id_idx; flagged accounts only
//   openedAt  (opened_at, id)           — wallet_account_opened_at_idx (+ incremental sort on id)
import { AppError } from "../../../shared/errors.ts";
import { parseIsoInstant, textProblem } from "../../../shared/schema-blocks.ts";
import { normalizeHolderName } from "../../../shared/accounts/index.ts";
import {
  ACCOUNT_SORTS,
  ACCOUNTS_COUNT_CAP,
  type AccountFilters,
  type AccountPage,
  type AccountRow,
  type AccountSort,
  type ListAccountsQuery,
  type SortDir,
  type StoredReason,
} from "../../../shared/accounts/schemas.ts";
import type pg from "pg";
import { and, join, raw, rows, sql, where as whereSql, type Queryable, type Sql } from "../../db/sql.ts";
import { withPoolTransaction } from "../../db/transaction.ts";

/**
 * Runs one page query without parallel workers: a page of 50 reads a few hundred index entries,
 * and starting workers would cost more than the page (tens of ms on a busy machine).
 */
async function serialQuery<R extends pg.QueryResultRow>(db: Queryable, q: Sql): Promise<R[]> {
  if (!("connect" in db) || typeof db.connect !== "function") return rows<R>(db, q);
  return withPoolTransaction(db as pg.Pool, (client) => rows<R>(client, q), {
    readOnly: true,
    settings: { max_parallel_workers_per_gather: "0" },
  });
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The ids a free-text search matches, as SQL (null when the text can match nothing). */
function searchSql(q: string): Sql | null {
  const alternatives: Sql[] = [];
  if (/^[\x21-\x7e]+$/.test(q)) alternatives.push(sql`SELECT ${q}::text AS id`);
  if (/^\d{7}$/.test(q)) {
    alternatives.push(sql`SELECT l.account_id FROM bank_link l JOIN bank_link_version v ON v.link_id = l.id WHERE v.account_number = ${q}`);
  }
  const name = normalizeHolderName(q);
  if (name.length > 0 && !/^\d+$/.test(name)) {
    // Both sides are normalised (holder_name_normalized), so width, spaces and small kana match.
    const pattern = `%${escapeLike(name)}%`;
    alternatives.push(sql`SELECT id FROM wallet_account WHERE holder_name_normalized LIKE ${pattern}`);
    alternatives.push(sql`SELECT account_id FROM bank_link WHERE holder_name_normalized LIKE ${pattern}`);
  }
  return alternatives.length ? join(alternatives, " UNION ") : null;
}

/** Matches resolved up front (see resolveSearch); above this many, the search stays a subquery. */
export const SEARCH_IDS_MAX = 20_000;

/**
 * Resolves a free-text search to account ids with its own query first. PostgreSQL cannot estimate
 * how many rows a trigram LIKE matches, and a wrong guess makes it read every account to join them;
 * with the ids in hand, the page query looks them up by primary key. Null: no search, or too many
 * matches to pass around (then the search is a subquery of the page query).
 */
export async function resolveSearch(db: Queryable, q: string | undefined): Promise<string[] | null> {
  const text = q?.trim();
  if (!text) return null;
  const sub = searchSql(text);
  if (!sub) return [];
  const found = await rows<{ id: string }>(db, sql`SELECT id FROM (${sub}) s LIMIT ${SEARCH_IDS_MAX + 1}`);
  return found.length > SEARCH_IDS_MAX ? null : found.map((r) => r.id);
}

/** WHERE conditions (on wallet_account a) for the filters; [] when none. */
export function filterConditions(f: AccountFilters, searchIds?: string[] | null): Sql[] {
  const where: Sql[] = [];
  if (f.scoreMin !== undefined) where.push(sql`a.risk_score >= ${f.scoreMin}`);
  if (f.scoreMax !== undefined) where.push(sql`a.risk_score <= ${f.scoreMax}`);
  if (f.status) where.push(sql`a.status = ${f.status}::"AccountStatus"`);
  if (f.label === "NONE") where.push(sql`a.review_label IS NULL`);
  else if (f.label) where.push(sql`a.review_label = ${f.label}::"ReviewLabel"`);
  // reason_codes: derived from risk_reasons by PostgreSQL, GIN-indexed (migration 20261208000000)
  if (f.reason) where.push(sql`a.reason_codes @> ARRAY[${f.reason}]::text[]`);
  if (f.openedFrom) where.push(sql`a.opened_at >= ${f.openedFrom}`);
  if (f.openedTo) where.push(sql`a.opened_at <= ${f.openedTo}`);
  if (f.bank || f.linkedFrom || f.linkedTo) {
    // Any bank account the wallet has pointed at (first registration or a change) counts.
    const cond = [sql`l.account_id = a.id`];
    if (f.bank) cond.push(sql`v.bank_code = ${f.bank}`);
    if (f.linkedFrom) cond.push(sql`v.valid_from >= ${f.linkedFrom}`);
    if (f.linkedTo) cond.push(sql`v.valid_from <= ${f.linkedTo}`);
    where.push(sql`EXISTS (SELECT 1 FROM bank_link l JOIN bank_link_version v ON v.link_id = l.id WHERE ${and(cond)})`);
  }
  const q = f.q?.trim();
  if (q) {
    if (searchIds) where.push(sql`a.id = ANY(${searchIds}::text[])`);
    else {
      const sub = searchSql(q);
      where.push(sub ? sql`a.id IN (${sub})` : sql`false`);
    }
  }
  return where;
}

interface SortSpec {
  /** our own constant (see SORTS), spliced with raw() */
  column: string;
  /** direction of the sort value when the table sorts "desc" */
  idWhenDesc: "ASC" | "DESC";
  value(row: { risk_score: number; opened_at: Date; flagged_at: Date | null }): number | string;
  cast: string;
  onlyNonNull?: boolean;
}

const SORTS: Record<AccountSort, SortSpec> = {
  score: { column: "a.risk_score", idWhenDesc: "ASC", value: (r) => r.risk_score, cast: "int" },
  openedAt: { column: "a.opened_at", idWhenDesc: "DESC", value: (r) => r.opened_at.toISOString(), cast: "timestamptz" },
  flaggedAt: { column: "a.flagged_at", idWhenDesc: "ASC", value: (r) => r.flagged_at!.toISOString(), cast: "timestamptz", onlyNonNull: true },
};

interface KeysetPosition {
  sort: AccountSort;
  dir: SortDir;
  value: number | string;
  id: string;
}

export function encodeCursor(p: KeysetPosition): string {
  return Buffer.from(JSON.stringify([p.sort, p.dir, p.value, p.id]), "utf8").toString("base64url");
}

export function decodeCursor(cursor: string): KeysetPosition | null {
  try {
    const [sort, dir, value, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    if (!ACCOUNT_SORTS.includes(sort as AccountSort) || (dir !== "asc" && dir !== "desc") || typeof id !== "string") return null;
    // A crafted cursor must not reach PostgreSQL with what it cannot store (a NUL, year 275760).
    if (textProblem(id)) return null;
    if (sort === "score" ? !Number.isSafeInteger(value) : typeof value !== "string" || "problem" in parseIsoInstant(value)) return null;
    return { sort: sort as AccountSort, dir, value: value as number | string, id };
  } catch {
    return null;
  }
}

const flip = (d: "ASC" | "DESC") => (d === "ASC" ? "DESC" : "ASC");

/** ORDER BY for a sort in display order (`reverse` walks it backwards, for the previous page). */
function orderBy(sort: AccountSort, dir: SortDir, reverse = false): { valueDir: "ASC" | "DESC"; idDir: "ASC" | "DESC"; sql: string } {
  const s = SORTS[sort];
  let valueDir: "ASC" | "DESC" = dir === "desc" ? "DESC" : "ASC";
  let idDir = dir === "desc" ? s.idWhenDesc : flip(s.idWhenDesc);
  if (reverse) {
    valueDir = flip(valueDir);
    idDir = flip(idDir);
  }
  return { valueDir, idDir, sql: `${s.column} ${valueDir}, a.id ${idDir}` };
}

/**
 * Rows strictly after `pos` in the order given by (valueDir, idDir), as two conditions whose union
 * it is: the rest of the cursor's tie (same sort value, ids beyond it) and everything past the sort
 * value. Each is one index range, so a page deep in a long tie (thousands of accounts share score 5)
 * costs what the first page costs; one OR-ed condition would scan the whole tie from its start.
 */
function keysetBranches(sort: AccountSort, valueDir: "ASC" | "DESC", idDir: "ASC" | "DESC", pos: KeysetPosition): [Sql, Sql] {
  const s = SORTS[sort];
  const column = raw(s.column);
  const v = sql`${pos.value}::${raw(s.cast)}`;
  return [
    sql`${column} = ${v} AND a.id ${raw(idDir === "DESC" ? "<" : ">")} ${pos.id}`,
    sql`${column} ${raw(valueDir === "DESC" ? "<" : ">")} ${v}`,
  ];
}

type RawRow = {
  id: string;
  holder_name: string;
  risk_score: number;
  risk_reasons: StoredReason[];
  status: AccountRow["status"];
  review_label: AccountRow["reviewLabel"];
  opened_at: Date;
  flagged_at: Date | null;
  first_bank_code: string | null;
  first_bank_name: string | null;
};

const PAGE_COLUMNS = sql`a.id, a.holder_name, a.risk_score, a.risk_reasons, a.status::text AS status, a.review_label::text AS review_label, a.opened_at, a.flagged_at`;

/** One page of the table, keyset-paginated in either direction. */
export async function listAccounts(db: Queryable, input: ListAccountsQuery): Promise<AccountPage> {
  const where = filterConditions(input, await resolveSearch(db, input.q));
  const spec = SORTS[input.sort];
  if (spec.onlyNonNull) where.push(sql`${raw(spec.column)} IS NOT NULL`);
  let pos: KeysetPosition | null = null;
  if (input.cursor) {
    pos = decodeCursor(input.cursor);
    if (!pos || pos.sort !== input.sort || pos.dir !== input.dir) {
      throw new AppError("VALIDATION_FAILED", "This page position belongs to another sort order; go back to the first page.", { details: { field: "cursor" } });
    }
  }
  const backwards = input.direction === "prev" && pos !== null;
  const order = orderBy(input.sort, input.dir, backwards);
  const orderSql = raw(order.sql);
  const limit = input.limit + 1;
  const display = orderBy(input.sort, input.dir);
  const select = (extra: Sql[]) => sql`SELECT ${PAGE_COLUMNS} FROM wallet_account a ${whereSql([...where, ...extra])} ORDER BY ${orderSql} LIMIT ${limit}`;
  let inner: Sql;
  if (pos) {
    const [tie, past] = keysetBranches(input.sort, order.valueDir, order.idDir, pos);
    inner = sql`SELECT * FROM ((${select([tie])}) UNION ALL (${select([past])})) a ORDER BY ${orderSql} LIMIT ${limit}`;
  } else {
    inner = select([]);
  }
  const found = await serialQuery<RawRow>(db, sql`
    SELECT page.*, fl.bank_code AS first_bank_code, b.name AS first_bank_name
    FROM (${inner}) page
    LEFT JOIN LATERAL (
      SELECT bank_code FROM bank_link WHERE account_id = page.id ORDER BY registered_at, id LIMIT 1
    ) fl ON true
    LEFT JOIN bank b ON b.code = fl.bank_code
    ORDER BY ${raw(display.sql.replace(/a\./g, "page."))}`);
  // One row more than asked says whether there is more in the walking direction.
  let more = false;
  let page = found;
  if (found.length > input.limit) {
    more = true;
    // Displayed in order: the extra row is at the end when walking forwards, at the start backwards.
    page = backwards ? found.slice(1) : found.slice(0, input.limit);
  }
  const out: AccountRow[] = page.map((r) => ({
    id: r.id,
    holderName: r.holder_name,
    score: r.risk_score,
    reasons: r.risk_reasons,
    status: r.status,
    reviewLabel: r.review_label,
    openedAt: r.opened_at,
    flaggedAt: r.flagged_at,
    firstLinkBankCode: r.first_bank_code,
    firstLinkBankName: r.first_bank_name,
    cursor: encodeCursor({ sort: input.sort, dir: input.dir, value: spec.value(r), id: r.id }),
  }));
  const first = out[0]?.cursor ?? null;
  const last = out[out.length - 1]?.cursor ?? null;
  // Walking forwards from a cursor, the cursor row itself lies before this page (and vice versa).
  const hasBefore = backwards ? more : pos !== null;
  const hasAfter = backwards ? true : more;
  return { rows: out, nextCursor: hasAfter ? last : null, prevCursor: hasBefore ? first : null };
}

/** How many accounts match, counted up to ACCOUNTS_COUNT_CAP + 1 (beyond it: "more than the cap"). */
export async function countAccounts(db: Queryable, filters: AccountFilters): Promise<{ count: number; capped: boolean }> {
  const where = filterConditions(filters, await resolveSearch(db, filters.q));
  const [{ n }] = await serialQuery<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM (SELECT 1 FROM wallet_account a ${whereSql(where)} LIMIT ${ACCOUNTS_COUNT_CAP + 1}) x`,
  );
  return n > ACCOUNTS_COUNT_CAP ? { count: ACCOUNTS_COUNT_CAP, capped: true } : { count: n, capped: false };
}

/** The CSV export's columns, in order. */
export const EXPORT_COLUMNS = ["account_id", "holder_name", "score", "reasons", "reason_points", "status", "review_label", "opened_at", "flagged_at", "first_link_bank", "carrier_customer", "identity_verified", "rule_version"];

/**
 * One exported account as the cursor returns it (rowMode "array", all text): id, holder name, score,
 * the reasons as jsonb text, "status,label", opened and flagged (epoch ms), "bank,carrier,verified",
 * the rule version of the score ('' when not scored).
 * Few, raw columns on purpose: the database is the bottleneck of a full export, so the per-row
 * formatting happens in Node, on the other core.
 */
export type ExportRow = [string, string, string, string, string, string, string | null, string, string];

/**
 * SQL and parameters of the whole filtered set in table order, for the streamed CSV export. Rows come
 * in index order with the first linked bank looked up per account (the first entry of
 * bank_link_account_id_registered_at_cov_idx, read from the index alone), so the first
 * rows leave at once and Node formats them while the database reads on. A hash join over every
 * link plus a sort of every account (the plan before) sent nothing for 11 s at 1.1 million accounts,
 * spilled its sort to disk and built the hash once per parallel worker (67-69k against 100-102k
 * rows/s, same data, same client).
 */
export function exportQuery(filters: AccountFilters, sort: AccountSort, dir: SortDir, searchIds?: string[] | null): Sql {
  const where = filterConditions(filters, searchIds);
  const spec = SORTS[sort];
  if (spec.onlyNonNull) where.push(sql`${raw(spec.column)} IS NOT NULL`);
  const order = orderBy(sort, dir);
  const firstBank = sql`(SELECT bank_code FROM bank_link WHERE account_id = a.id ORDER BY registered_at, id LIMIT 1)`;
  return sql`
      SELECT a.id, a.holder_name, a.risk_score::text, a.risk_reasons::text,
             a.status::text || ',' || coalesce(a.review_label::text, ''),
             (extract(epoch from a.opened_at) * 1000)::bigint::text, (extract(epoch from a.flagged_at) * 1000)::bigint::text,
             coalesce(${firstBank}, '') || ',' || a.carrier_customer::text || ',' || a.identity_verified::text,
             CASE WHEN a.scored_at IS NULL THEN '' ELSE coalesce(a.rule_version::text, '') END
      FROM wallet_account a
      ${whereSql(where)}
      ORDER BY ${raw(order.sql)}`;
}
