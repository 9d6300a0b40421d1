// `npm run db:migrate` and `npm run db:reset [-- --seed N --scale X]`.
import { parseArgs } from "node:util";
import pg from "pg";
import { openDatabase, StartupError } from "../db/postgres.ts";
import { applyMigrations } from "../db/migrate.ts";
import { connectDatabase } from "../db/client.ts";
import { seedReferenceData } from "../features/reference/seed-reference.ts";
import { loadDemoDataIfEmpty } from "../features/events/demo-load.ts";
import { ensureDemoApiKey } from "./demo-key.ts";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { seed: { type: "string", default: "42" }, scale: { type: "string", default: "1" }, "no-demo": { type: "boolean", default: false } },
});
const command = positionals[0];

async function main() {
  if (command !== "migrate" && command !== "reset") throw new StartupError("Usage: db.ts migrate | reset [--seed N] [--scale X] [--no-demo]");
  const server = await openDatabase();
  try {
    if (command === "reset") {
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      await client.query("DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
      await client.end();
      console.log("[db] dropped every table");
    }
    await applyMigrations(server.url);
    console.log("[db] migrations applied");
    if (command === "reset") {
      const db = connectDatabase(server.url);
      await seedReferenceData(db.prisma);
      await ensureDemoApiKey(db);
      console.log("[db] reference data loaded");
      if (!values["no-demo"]) {
        await loadDemoDataIfEmpty(db, { seed: Number(values.seed), scale: Number(values.scale), log: (m) => console.log(`[db] ${m}`) });
      }
      await db.close();
    }
  } finally {
    await server.stop();
  }
}

main().catch((err) => {
  console.error(`[db] ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`);
  process.exit(1);
});
