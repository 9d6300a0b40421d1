// The ingest bench's baseline: the rows a stretch of the event stream produces, loaded by raw COPY
// into the same tables (a scratch database migrated with the same migrations: same indexes, keys
// and constraints). The rows are computed first, in memory, with the ingestion's own pure planner
// (plan.ts), so both paths store identical rows; only the COPY is timed.
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { PlatformEvent } from "../../shared/events/schemas.ts";
import { connectDatabase } from "../../server/db/client.ts";
import { applyMigrations } from "../../server/db/migrate.ts";
import { seedReferenceData } from "../../server/features/reference/seed-reference.ts";
import { REFERENCE_BANKS } from "../../server/features/reference/banks.ts";
import { planBatch } from "../../server/features/events/plan.ts";
import { parseEvents } from "../../server/features/events/plan-parse.ts";
import type { KnownState, LinkColumns, LinkState } from "../../server/features/events/plan-rows.ts";

const esc = (v: string | number | boolean | null): string => {
  if (v === null) return "\\N";
  if (typeof v !== "string") return v === true ? "t" : v === false ? "f" : String(v);
  return /[\\\t\n\r]/.test(v) ? v.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r") : v;
};
const line = (values: (string | number | boolean | null)[]) => values.map(esc).join("\t") + "\n";

interface TableRows {
  table: string;
  columns: string[];
  lines: string[];
}

/** Plans the events batch by batch against an in-memory state and returns COPY lines per table. */
export function rowsForCopy(events: Iterable<PlatformEvent>): { tables: TableRows[]; events: number } {
  const accounts = new Set<string>();
  const links = new Map<string, LinkState>();
  const banks = new Set(REFERENCE_BANKS.map((b) => b.code));
  const linkRow = new Map<string, (string | null)[]>();
  const versions: (string | null)[][] = [];
  const openVersion = new Map<string, number>();
  const rollups = new Map<string, number>();
  const processed: string[] = [];
  const accountLines: string[] = [];
  const chargeLines: string[] = [];
  const spendLines: string[] = [];
  let count = 0;

  const known: KnownState = { eventHashes: new Map(), accounts, links, charges: new Set(), spends: new Set(), banks };
  const takeLinks = (c: LinkColumns) => {
    for (let i = 0; i < c.id.length; i++) {
      links.set(c.id[i], {
        accountId: c.accountId[i],
        bankCode: c.bankCode[i],
        branchCode: c.branchCode[i],
        accountNumber: c.accountNumber[i],
        holderName: c.holderName[i],
        authMethod: c.authMethod[i] as LinkState["authMethod"],
        registeredAtMs: Date.parse(c.registeredAt[i]),
        changedAtMs: c.changedAt[i] ? Date.parse(c.changedAt[i]!) : null,
      });
      linkRow.set(c.id[i], [c.id[i], c.accountId[i], c.bankCode[i], c.branchCode[i], c.accountNumber[i], c.holderName[i], c.holderNameNormalized[i], c.authMethod[i], c.registeredAt[i], c.changedAt[i]]);
    }
  };
  const planOne = (batch: PlatformEvent[]) => {
    const plan = planBatch(parseEvents(batch), known);
    if (plan.rejected.length) throw new Error(`COPY baseline: ${plan.rejected.length} events rejected, e.g. ${JSON.stringify(plan.rejected[0])}`);
    const r = plan.rows;
    for (let i = 0; i < r.events.id.length; i++) processed.push(line([r.events.id[i], r.events.type[i], r.events.hash[i], r.events.occurredAt[i]]));
    const a = r.accounts;
    for (let i = 0; i < a.id.length; i++) {
      accounts.add(a.id[i]);
      accountLines.push(line([a.id[i], a.holderName[i], a.holderNameNormalized[i], a.carrierCustomer[i], a.identityVerified[i], a.deviceId[i], a.ipAddress[i], a.openedAt[i]]));
    }
    takeLinks(r.newLinks);
    takeLinks(r.changedLinks);
    for (let i = 0; i < r.versionCloses.linkId.length; i++) versions[openVersion.get(r.versionCloses.linkId[i])!][7] = r.versionCloses.validTo[i];
    const v = r.versions;
    for (let i = 0; i < v.linkId.length; i++) {
      versions.push([v.linkId[i], v.bankCode[i], v.branchCode[i], v.accountNumber[i], v.holderName[i], v.authMethod[i], v.validFrom[i], v.validTo[i], v.eventId[i]]);
      if (v.validTo[i] === null) openVersion.set(v.linkId[i], versions.length - 1);
    }
    const c = r.charges;
    for (let i = 0; i < c.id.length; i++) chargeLines.push(line([c.id[i], c.linkId[i], c.accountId[i], c.bankCode[i], c.branchCode[i], c.accountNumber[i], c.amountYen[i], c.occurredAt[i], c.descriptor[i]]));
    const s = r.spends;
    for (let i = 0; i < s.id.length; i++) spendLines.push(line([s.id[i], s.accountId[i], s.amountYen[i], s.channel[i], s.counterparty[i], s.occurredAt[i]]));
    const u = r.rollups;
    for (let i = 0; i < u.bankCode.length; i++) {
      const key = `${u.bankCode[i]}\t${u.metric[i]}\t${u.bucketMinutes[i]}\t${u.bucketStart[i]}`;
      rollups.set(key, (rollups.get(key) ?? 0) + u.value[i]);
    }
  };
  let batch: PlatformEvent[] = [];
  for (const e of events) {
    batch.push(e);
    count++;
    if (batch.length === 1000) {
      planOne(batch);
      batch = [];
    }
  }
  if (batch.length) planOne(batch);

  return {
    events: count,
    tables: [
      { table: "processed_event", columns: ["id", "type", "payload_hash", "occurred_at"], lines: processed },
      { table: "wallet_account", columns: ["id", "holder_name", "holder_name_normalized", "carrier_customer", "identity_verified", "device_id", "ip_address", "opened_at"], lines: accountLines },
      {
        table: "bank_link",
        columns: ["id", "account_id", "bank_code", "branch_code", "account_number", "holder_name", "holder_name_normalized", "auth_method", "registered_at", "changed_at"],
        lines: [...linkRow.values()].map(line),
      },
      {
        table: "bank_link_version",
        columns: ["link_id", "bank_code", "branch_code", "account_number", "holder_name", "auth_method", "valid_from", "valid_to", "event_id"],
        lines: versions.map(line),
      },
      { table: "charge", columns: ["id", "link_id", "account_id", "bank_code", "branch_code", "account_number", "amount_yen", "occurred_at", "descriptor"], lines: chargeLines },
      { table: "spend", columns: ["id", "account_id", "amount_yen", "channel", "counterparty", "occurred_at"], lines: spendLines },
      { table: "volume_bucket", columns: ["bank_code", "metric", "bucket_minutes", "bucket_start", "value"], lines: [...rollups].map(([k, n]) => `${k}\t${n}\n`) },
    ],
  };
}

function chunks(lines: string[]): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < lines.length; i += 5000) out.push(Buffer.from(lines.slice(i, i + 5000).join(""), "utf8"));
  return out;
}

export interface CopyFigures {
  events: number;
  rows: number;
  seconds: number;
  eventsPerSecond: number;
  rowsPerSecond: number;
}

/** Creates a scratch database with the app's migrations, COPYs the rows in (timed), drops it. */
export async function copyBaseline(opts: { adminUrl: string; events: Iterable<PlatformEvent>; log: (line: string) => void }): Promise<CopyFigures> {
  const name = "floodgate_bench_copy";
  const admin = new pg.Client({ connectionString: opts.adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(opts.adminUrl);
  url.pathname = `/${name}`;
  try {
    await applyMigrations(url.toString());
    const db = connectDatabase(url.toString(), { poolMax: 2 });
    await seedReferenceData(db.prisma);
    await db.close();

    opts.log("COPY baseline: computing the rows (not timed)…");
    const { tables, events } = rowsForCopy(opts.events);
    const prepared = tables.map((t) => ({ ...t, buffers: chunks(t.lines), count: t.lines.length }));
    const rows = prepared.reduce((s, t) => s + t.count, 0);
    opts.log(`COPY baseline: ${events.toLocaleString("en-US")} events → ${rows.toLocaleString("en-US")} rows; copying…`);

    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    const t0 = performance.now();
    for (const t of prepared) {
      const sql = `COPY ${t.table} (${t.columns.join(", ")}) FROM STDIN`;
      await pipeline(Readable.from(t.buffers), client.query(copyFrom(sql)));
    }
    const seconds = (performance.now() - t0) / 1000;
    await client.end();
    return { events, rows, seconds, eventsPerSecond: events / seconds, rowsPerSecond: rows / seconds };
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    await admin.end();
  }
}
