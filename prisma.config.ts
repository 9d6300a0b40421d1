// prisma.config.ts: Prisma 6.19.x offline. The JS schema engine talks to PostgreSQL through
// @prisma/adapter-pg; two adapter gaps are patched here (see ../shared/notes/prisma-offline.md).
import { randomUUID } from "node:crypto";
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";

// Prisma skips .env when a config file exists; load it if present.
try {
  process.loadEnvFile();
} catch {
  /* no .env */
}

// `prisma generate` (run by postinstall) needs no connection, but without a URL it falls back to
// downloading a native engine, which fails offline. Migrations run through server/cli/db.ts,
// which always sets the real URL.
process.env.DATABASE_URL ||= "postgresql://unset@127.0.0.1:1/unset";

// Fix 1: introspection reads catalog columns typed "char" (OID 18) and name (OID 19); adapter-pg
// 6.19 cannot map them. Relabel both as text, and report "char" columns as Character (6).
const CHAR_COLS = Symbol("charColumns");
const relabel = (res: any) => {
  for (const r of Array.isArray(res) ? res : [res]) {
    const chars: number[] = [];
    (r?.fields ?? []).forEach((f: any, i: number) => {
      if (f.dataTypeID === 18) chars.push(i);
      if (f.dataTypeID === 18 || f.dataTypeID === 19) f.dataTypeID = 25;
    });
    if (chars.length && r.rows) Object.defineProperty(r.rows, CHAR_COLS, { value: chars });
  }
  return res;
};

function migrationPool(connectionString: string): pg.Pool {
  const pool = new pg.Pool({ connectionString, max: 4 });
  pool.on("error", (err) => console.error("[prisma.config] pool error:", err.message));
  pool.on("connect", (client) => {
    const query = client.query.bind(client) as (...a: any[]) => any;
    (client as any).query = (...args: any[]) => {
      const cb = args[args.length - 1];
      if (typeof cb === "function")
        return query(...args.slice(0, -1), (err: unknown, res: unknown) => cb(err, err ? res : relabel(res)));
      const out = query(...args);
      return typeof out?.then === "function" ? out.then(relabel) : out;
    };
  });
  return pool;
}

function withCharColumns<T extends { queryRaw(q: any): Promise<any> }>(q: T): T {
  const queryRaw = q.queryRaw.bind(q);
  q.queryRaw = async (query) => {
    const out = await queryRaw(query);
    for (const i of out.rows?.[CHAR_COLS] ?? []) out.columnTypes[i] = 6;
    return out;
  };
  return q;
}

class MigrationPg extends PrismaPg {
  constructor(private readonly dbUrl: string) {
    super(migrationPool(dbUrl), { disposeExternalPool: true });
  }

  override async connect() {
    const adapter = withCharColumns(await super.connect());
    const start = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (...a) => withCharColumns(await start(...a));
    return adapter;
  }

  // Fix 2: the stock shadow connection lands on the main database when the pool was built from a
  // connection string. Create a uniquely named database; drop it on dispose.
  override async connectToShadowDb() {
    const name = `prisma_shadow_${randomUUID().replace(/-/g, "")}`;
    const admin = async (sql: string) => {
      const c = new pg.Client({ connectionString: this.dbUrl });
      await c.connect();
      try {
        await c.query(sql);
      } finally {
        await c.end();
      }
    };
    await admin(`CREATE DATABASE "${name}"`);
    const shadowUrl = new URL(this.dbUrl);
    shadowUrl.pathname = `/${name}`;
    const adapter = await new MigrationPg(shadowUrl.toString()).connect();
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    };
    return adapter;
  }
}

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  engine: "js",
  experimental: { adapter: true },
  adapter: async () => new MigrationPg(process.env.DATABASE_URL!),
});
