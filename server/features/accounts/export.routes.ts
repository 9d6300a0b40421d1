// CSV downloads of the accounts feature, streamed from a database cursor (pg-query-stream) so a
// million-row export holds one batch of rows in memory, never the file:
//   GET /exports/accounts.csv?<the table's filters>&sort=&dir=   the filtered accounts set
//   GET /exports/victims.csv?bank=0125                           one bank's likely victims, for its outreach
// Plain GET routes (a download is a navigation, not a tRPC call), authenticated by the same session
// cookie and role map as the console. Query strings (names, account numbers) never reach the logs:
// the request serializer drops them, and these handlers log nothing of their input.
import { Transform, type Readable, type TransformCallback } from "node:stream";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import QueryStream from "pg-query-stream";
import { z } from "zod";
import { ACCOUNTS_CSV_ROLES } from "../../../shared/accounts/access.ts";
import { ACCOUNT_SORTS, AccountFilters, type AccountSort, type SortDir } from "../../../shared/accounts/schemas.ts";
import { BankCode } from "../../../shared/bank-code.ts";
import type { Role } from "../../../shared/auth/roles.ts";
import type { Database } from "../../db/client.ts";
import { withTransaction } from "../../db/transaction.ts";
import { lookupSession, SESSION_COOKIE, type SessionPolicy } from "../auth/sessions.ts";
import { writeAudit, type Actor } from "../audit/write-audit.ts";
import { EXPORT_COLUMNS, exportQuery, resolveSearch, type ExportRow } from "./list.ts";
import { victimsQuery, type RawVictim } from "./victims.ts";
import { isoJstFromMs } from "../../../shared/jst.ts";
import { csvCell, csvFileName, csvHead, csvRecord, isoJst } from "../../../shared/csv.ts";
import { sendError } from "../../http/errors.ts";

/** Rows fetched from the cursor per round trip; one more batch is read ahead, so the database
 * computes the next rows while Node formats these. More read-ahead only grew memory. */
export const EXPORT_CURSOR_BATCH_ROWS = 2_000;
/** Characters gathered before one write to the response. */
const EXPORT_CHUNK_CHARS = 64 * 1024;

const ExportAccountsQuery = AccountFilters.extend({
  sort: z.enum(ACCOUNT_SORTS).default("score"),
  dir: z.enum(["asc", "desc"]).default("desc"),
});
const ExportVictimsQuery = z.object({ bank: BankCode });

async function staffFor(req: FastifyRequest, reply: FastifyReply, db: Database, policy: SessionPolicy, roles: readonly Role[]): Promise<Actor | null> {
  const session = await lookupSession(db.prisma, req.cookies?.[SESSION_COOKIE], policy);
  if (session.kind !== "valid") {
    await sendError(reply, req, session.kind === "expired" ? "SESSION_EXPIRED" : "UNAUTHENTICATED", "Please sign in again, then download the file.");
    return null;
  }
  const user = session.user;
  if (!roles.includes(user.role)) {
    await sendError(reply, req, "FORBIDDEN", "Your role is not allowed to download this file.");
    return null;
  }
  return { id: user.id, email: user.email, role: user.role, requestId: req.id, ipAddress: req.ip };
}

interface CsvSpec {
  header: string[];
  query: { text: string; values: unknown[] };
  /** rows as arrays (cheaper than objects for a million rows) */
  rowMode?: "array";
  toLine: (row: never) => string;
}

/**
 * A CSV byte stream of `spec.query`, read from a cursor on its own pooled connection; the connection
 * is released however the stream ends (finished, failed, or destroyed by a cancelled download).
 */
export async function openCsvStream(db: Pick<Database, "pool">, spec: CsvSpec): Promise<Readable> {
  const client = await db.pool.connect();
  let released = false;
  const release = (err?: Error) => {
    if (released) return;
    released = true;
    client.release(err);
  };
  try {
    // One snapshot for the whole file; plan for reading every row (a cursor is otherwise planned for
    // its first 10%), with room to sort or hash without spilling to disk.
    await client.query("BEGIN READ ONLY");
    await client.query("SET LOCAL cursor_tuple_fraction = 1");
    await client.query("SET LOCAL work_mem = '64MB'");
  } catch (err) {
    release(err as Error);
    throw err;
  }
  const rows = client.query(new QueryStream(spec.query.text, spec.query.values, { batchSize: EXPORT_CURSOR_BATCH_ROWS, highWaterMark: 2 * EXPORT_CURSOR_BATCH_ROWS, ...(spec.rowMode ? { rowMode: spec.rowMode } : {}) }));
  // Lines are gathered into ~64 KB chunks: one stream write per line would cost more than the line.
  let pending = csvHead(spec.header); // BOM first: Excel on Japanese Windows then reads katakana right
  const csv = new Transform({
    writableObjectMode: true,
    transform(row: unknown, _enc, cb: TransformCallback) {
      pending += spec.toLine(row as never);
      if (pending.length < EXPORT_CHUNK_CHARS) return cb();
      const chunk = pending;
      pending = "";
      cb(null, chunk);
    },
    flush(cb) {
      cb(null, pending);
    },
  });
  rows.on("error", (err) => {
    csv.destroy(err);
    release(err);
  });
  rows.on("end", () => {
    client.query("COMMIT").then(() => release(), (err: Error) => release(err));
  });
  // Cancelled mid-way: stop reading and discard the connection (its cursor was abandoned).
  csv.on("close", () => {
    if (!released) {
      rows.destroy();
      release(new Error("export cancelled"));
    }
  });
  rows.pipe(csv);
  return csv;
}

/** Epoch ms (as text) → "2020-09-07T12:34:56+09:00". */
function jstFromMs(text: string | null): string {
  return text === null ? "" : isoJstFromMs(Number(text));
}

// risk_reasons as jsonb text: each reason comes out as {"code": …, "points": …, "evidence": …} (jsonb
// orders keys by length); evidence cannot fake the pattern, its quotes are escaped.
const REASON_IN_JSON = /\{"code": "([A-Z_]+)", "points": (\d+)/g;

/** One CSV line of the accounts export from its raw row (see ExportRow). */
export function accountLine(r: ExportRow): string {
  let codes = "";
  let points = "";
  REASON_IN_JSON.lastIndex = 0;
  for (let m = REASON_IN_JSON.exec(r[3]); m !== null; m = REASON_IN_JSON.exec(r[3])) {
    if (codes) {
      codes += " ";
      points += " ";
    }
    codes += m[1];
    points += `${m[1]}:${m[2]}`;
  }
  return `${csvCell(r[0])},${csvCell(r[1])},${r[2]},${codes},${points},${r[4]},${jstFromMs(r[5])},${jstFromMs(r[6])},${r[7]},${r[8]}\r\n`;
}

/** The filtered accounts set as CSV, in table order. */
export async function accountsCsvStream(db: Pick<Database, "pool">, filters: AccountFilters, sort: AccountSort, dir: SortDir): Promise<Readable> {
  const searchIds = await resolveSearch(db.pool, filters.q);
  return openCsvStream(db, { header: EXPORT_COLUMNS, query: exportQuery(filters, sort, dir, searchIds), rowMode: "array", toLine: accountLine });
}

type VictimCsvRow = Pick<RawVictim, "bank_code" | "bank_name" | "branch_code" | "account_number" | "holder_name" | "taken_yen" | "charge_count" | "wallet_count" | "first_at" | "last_at" | "paid_yen" | "pending_yen" | "reimbursed_yen" | "owed_yen">;

export const VICTIMS_CSV_COLUMNS = ["bank_code", "bank_name", "branch_code", "account_number", "holder_name", "taken_yen", "charges", "wallets", "first_charge_at", "last_charge_at", "paid_back_yen", "pending_yen", "reimbursed_yen", "still_owed_yen"];

/**
 * One bank's likely victims with full account numbers (for the bank's outreach only): the rows of
 * the victims list (the same query), "still owed" as the list and the victim pages compute it.
 */
export function victimsCsvStream(db: Pick<Database, "pool">, bank: string): Promise<Readable> {
  return openCsvStream(db, {
    header: VICTIMS_CSV_COLUMNS,
    query: victimsQuery({ bank }),
    toLine: (r: VictimCsvRow) =>
      csvRecord([
        r.bank_code,
        r.bank_name ?? "",
        r.branch_code,
        r.account_number,
        r.holder_name ?? "",
        r.taken_yen,
        r.charge_count,
        r.wallet_count,
        isoJst(r.first_at),
        isoJst(r.last_at),
        r.paid_yen,
        r.pending_yen,
        r.reimbursed_yen,
        r.owed_yen,
      ]),
  });
}

function sendCsv(reply: FastifyReply, fileName: string, stream: Readable) {
  reply
    .header("content-type", "text/csv; charset=utf-8")
    .header("content-disposition", `attachment; filename="${fileName}"`)
    .header("cache-control", "no-store");
  return reply.send(stream);
}

export async function accountsExportRoutes(app: FastifyInstance, opts: { db: Database; readDb?: Database; sessionPolicy: SessionPolicy }) {
  const { db, sessionPolicy } = opts;
  // Sessions and audit records on the primary; the rows from the console's read clients.
  const readDb = opts.readDb ?? db;

  app.get("/exports/accounts.csv", async (req, reply) => {
    const actor = await staffFor(req, reply, db, sessionPolicy, ACCOUNTS_CSV_ROLES.accounts);
    if (!actor) return reply;
    const parsed = ExportAccountsQuery.safeParse(req.query);
    if (!parsed.success) {
      return sendError(reply, req, "VALIDATION_FAILED", `The filters are not valid — ${parsed.error.issues[0].path.join(".")}: ${parsed.error.issues[0].message}`);
    }
    const { sort, dir, ...filters } = parsed.data;
    // The audit keeps which filters were used; a search text may be a person's name, so only its presence.
    const { q, ...recorded } = filters;
    await withTransaction(db.prisma, (tx) => writeAudit(tx, actor, { action: "accounts.export", targetType: "accounts", targetId: "filtered", after: { filters: { ...recorded, searched: Boolean(q) }, sort, dir } }));
    return sendCsv(reply, csvFileName("accounts", new Date()), await accountsCsvStream(readDb, filters, sort, dir));
  });

  app.get("/exports/victims.csv", async (req, reply) => {
    const actor = await staffFor(req, reply, db, sessionPolicy, ACCOUNTS_CSV_ROLES.victims);
    if (!actor) return reply;
    const parsed = ExportVictimsQuery.safeParse(req.query);
    if (!parsed.success) return sendError(reply, req, "VALIDATION_FAILED", "Give the bank as a 4-digit code (bank=0125).");
    const bank = parsed.data.bank;
    // Full account numbers leave the console here (the bank needs them): who took them is recorded.
    await withTransaction(db.prisma, (tx) => writeAudit(tx, actor, { action: "accounts.victimsExport", targetType: "bank", targetId: bank, after: { fullAccountNumbers: true } }));
    return sendCsv(reply, csvFileName(`likely-victims-${bank}`, new Date()), await victimsCsvStream(readDb, bank));
  });
}
