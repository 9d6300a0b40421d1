// Goal (#17): nothing is lost when the process dies after the change commits and before the event
// is sent: a suspension committed through one server, that server killed with kill -9 before its
// delivery worker sends, another server started on the same database: the platform receives each
// event exactly once, signed.
// Method: real `npm start` processes (server/cli/start.ts) on this file's database; the first runs
// its webhook worker only at start (WEBHOOK_POLL_MS of 10 minutes), so the kill surely falls between
// commit and send; the second polls every second. A real HTTP receiver on loopback.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "./helpers/db.ts";
import { startServerProcess, waitFor, type ServerProcess } from "./helpers/server-process.ts";
import { signedInAs } from "./helpers/staff.ts";
import { startWebhookReceiver, type WebhookReceiver } from "./helpers/webhook-receiver.ts";
import { insertAccount } from "./suspensions-fixtures.ts";
import { createEndpoint } from "../server/features/webhooks/service.ts";
import { verifySignature } from "../shared/webhooks/signature.ts";
import type { Database } from "../server/db/client.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Database;
let receiver: WebhookReceiver;
let secret: string;
const servers: ServerProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  await insertAccount(db); // a non-empty database: no demo data is loaded at start
  receiver = await startWebhookReceiver();
  ({ secret } = await createEndpoint(db.prisma, { id: null, email: "test@floodgate.test", role: "ADMIN" }, {
    url: receiver.url,
    description: "",
    eventTypes: ["suspension.created", "suspension.started"],
    reason: "kill -9 test endpoint",
  }));
}, 60_000);

afterAll(async () => {
  for (const s of servers) s.kill("SIGKILL");
  await Promise.all(servers.map((s) => Promise.race([s.exited, sleep(5_000)])));
  await receiver?.close();
  await database?.drop();
});

describe("webhooks survive kill -9 between commit and send", () => {
  it("a committed suspension is delivered once by the next server after the first is killed", async () => {
    const a = await startServerProcess({ name: "wh-a", databaseUrl: database.url, env: { WEBHOOK_POLL_MS: "600000" } });
    servers.push(a);
    await a.ready();
    // Its worker's first run (at taking the jobs) is over: the next would be in 10 minutes.
    await waitFor("the first server's webhook worker run", 15_000, async () => (await db.pool.query("SELECT 1 FROM background_job WHERE name = 'webhooks.deliver' AND runner = 'wh-a'")).rowCount);

    const manager = await signedInAs(a.baseUrl, "MANAGER");
    const { suspensions } = await manager.trpc.suspensions.suspend.mutate({ bankCodes: ["0125"], scopes: ["CHARGE"], reason: "kill -9 test: charges suspended" });
    const pending = await db.pool.query("SELECT state, attempts FROM webhook_delivery");
    expect(pending.rows).toEqual([
      { state: "PENDING", attempts: 0 },
      { state: "PENDING", attempts: 0 },
    ]);
    a.kill("SIGKILL");
    expect(await a.exited).toBe("SIGKILL");
    expect(receiver.received).toHaveLength(0);

    const b = await startServerProcess({ name: "wh-b", databaseUrl: database.url });
    servers.push(b);
    await b.ready();
    await receiver.waitFor(2, 20_000);
    await sleep(3_000); // three more runs of the worker: nothing is sent again
    expect(receiver.received.map((r) => r.json.type).sort()).toEqual(["suspension.created", "suspension.started"]);
    expect(new Set(receiver.received.map((r) => r.json.id)).size).toBe(2);
    for (const r of receiver.received) {
      expect(r.json.data).toMatchObject({ suspensionId: suspensions[0].id, bankCode: "0125", scopes: ["CHARGE"] });
      expect(verifySignature(r.headers["floodgate-signature"] as string, r.body, secret, Math.floor(Date.now() / 1000)).ok).toBe(true);
    }
    const done = await db.pool.query("SELECT state, attempts FROM webhook_delivery");
    expect(done.rows).toEqual([
      { state: "DELIVERED", attempts: 1 },
      { state: "DELIVERED", attempts: 1 },
    ]);
    expect((await db.pool.query("SELECT runner FROM background_job WHERE name = 'webhooks.deliver'")).rows[0].runner).toBe("wh-b");
  }, 180_000); // two server starts: seconds each, much longer on a busy machine
});
