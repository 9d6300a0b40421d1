// The one place that makes database clients: a pg Pool shared by Prisma (through adapter-pg) and
// by the few hot paths that need raw SQL, COPY or cursors.
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../generated/prisma/client.ts";

export type Db = PrismaClient;

export interface Database {
  prisma: PrismaClient;
  pool: pg.Pool;
  close(): Promise<void>;
}

// BIGINT (int8) counts and sums come back as JS numbers from raw pg queries: every value we store
// in one (yen totals, counts) stays far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

export function connectDatabase(url: string, opts: { poolMax?: number } = {}): Database {
  const pool = new pg.Pool({ connectionString: url, max: opts.poolMax ?? 20, idleTimeoutMillis: 30_000 });
  // A terminated idle connection (e.g. the database restarting) must not crash the process.
  pool.on("error", () => {});
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    pool,
    async close() {
      await prisma.$disconnect().catch(() => {});
      await pool.end().catch(() => {});
    },
  };
}
