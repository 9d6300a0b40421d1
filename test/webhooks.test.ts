// Goal (#17): the wallet platform hears about changes through signed webhooks: an ADMIN registers an
// endpoint (secret shown once), a manager's suspension reaches it signed as Stripe signs (HMAC-SHA256
// over `${t}.${body}`), a 500 is retried with backoff and then delivered, each attempt is logged with
// its answer, a delivery can be replayed (audited), a change that rolls back sends nothing, and the
// sender refuses redirects and link-local addresses.
// Method: a real server and database, a real HTTP receiver (node:http on loopback), the staff calls
// through tRPC over HTTP; the delivery worker's run (the job's own function) is called directly with
// a short retry policy instead of waiting for the job's timer (the kill -9 case, with real processes
// and the job timer, is test/webhooks.kill.test.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import { signedInAs } from "./helpers/staff.ts";
import { startWebhookReceiver, type WebhookReceiver } from "./helpers/webhook-receiver.ts";
import { accountWithLink, insertAccount } from "./suspensions-fixtures.ts";
import { deliverDueWebhooks, webhookDeliveryJob } from "../server/features/webhooks/worker.ts";
import { applyLift } from "../server/features/suspensions/suspend.ts";
import { withTransaction } from "../server/db/transaction.ts";
import { verifySignature } from "../shared/webhooks/signature.ts";
import { WEBHOOK_EVENTS } from "../shared/webhooks/catalogue.ts";

const FAST = { policy: { firstDelayMs: 1_000, maxDelayMs: 2_000, windowMs: 60_000 }, timeoutMs: 5_000 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let t: TestApp;
let receiver: WebhookReceiver;
let admin: Awaited<ReturnType<typeof signedInAs>>;
let manager: Awaited<ReturnType<typeof signedInAs>>;
let secret: string;
let endpointId: string;

const deliveriesOf = async (type: string) =>
  (
    await t.db.pool.query<{ id: string; state: string; attempts: number; last_status: number | null }>(
      `SELECT d.id, d.state, d.attempts, d.last_status FROM webhook_delivery d JOIN webhook_event e ON e.id = d.event_id WHERE e.type = $1 ORDER BY d.created_at`,
      [type],
    )
  ).rows;

beforeAll(async () => {
  t = await startTestApp();
  receiver = await startWebhookReceiver();
  [admin, manager] = await Promise.all([signedInAs(t.baseUrl, "ADMIN"), signedInAs(t.baseUrl, "MANAGER")]);
  const created = await admin.trpc.webhooks.createEndpoint.mutate({
    url: receiver.url,
    description: "test platform",
    eventTypes: ["suspension.created", "suspension.scheduled", "suspension.started", "suspension.lifted", "link.quarantined", "wallet.frozen"],
    reason: "the platform wants suspension events",
  });
  secret = created.secret;
  endpointId = created.id;
});

afterAll(async () => {
  await receiver?.close();
  await t?.close();
});

describe("webhooks to the wallet platform", () => {
  it("shows the generated secret once and keeps only its sealed form and a hint", async () => {
    expect(secret).toMatch(/^whsec_/);
    const [endpoint] = await admin.trpc.webhooks.endpoints.query();
    expect(endpoint).toMatchObject({ id: endpointId, url: receiver.url, enabled: true, secretHint: `…${secret.slice(-4)}` });
    expect(JSON.stringify(endpoint)).not.toContain(secret);
    const stored = await t.db.pool.query<{ secret_sealed: string }>("SELECT secret_sealed FROM webhook_endpoint WHERE id = $1", [endpointId]);
    expect(stored.rows[0].secret_sealed).not.toContain(secret.slice(6));
    const audit = await t.db.pool.query("SELECT 1 FROM audit_event WHERE action = 'webhook.createEndpoint' AND target_id = $1 AND reason = 'the platform wants suspension events'", [endpointId]);
    expect(audit.rowCount).toBe(1);
  });

  it("a suspension reaches the receiver signed: the signature verifies with the secret, and each attempt is logged", async () => {
    const linkedAfterCutoff = await accountWithLink(t.db, "0152", new Date(Date.now() - 60_000));
    const { suspensions } = await manager.trpc.suspensions.suspend.mutate({
      bankCodes: ["0152"],
      scopes: ["REGISTRATION", "CHARGE"],
      cutoffAt: new Date(Date.now() - 10 * 60_000),
      quarantine: true,
      reason: "webhook test: attack at 0152",
    });
    const suspensionId = suspensions[0].id;
    expect(receiver.received).toHaveLength(0); // nothing is sent from the request itself

    const r = await deliverDueWebhooks(t.db, FAST);
    expect(r).toMatchObject({ attempted: 3, delivered: 3 });
    const got = receiver.received.map((x) => x.json.type).sort();
    expect(got).toEqual(["link.quarantined", "suspension.created", "suspension.started"]);
    for (const req of receiver.received) {
      const check = verifySignature(req.headers["floodgate-signature"] as string, req.body, secret, Math.floor(Date.now() / 1000));
      expect(check.ok, req.json.type).toBe(true);
      expect(verifySignature(req.headers["floodgate-signature"] as string, req.body, "whsec_someone_elses_secret_0000", Math.floor(Date.now() / 1000)).ok).toBe(false);
      expect(req.headers["floodgate-event-id"]).toBe(req.json.id);
      expect(req.headers["content-type"]).toBe("application/json");
      // The payload has the catalogue's shape.
      expect(WEBHOOK_EVENTS[req.json.type as keyof typeof WEBHOOK_EVENTS].data.safeParse(req.json.data).success, req.json.type).toBe(true);
    }
    const created = receiver.received.find((x) => x.json.type === "suspension.created")!.json;
    expect(created.data).toMatchObject({ suspensionId, bankCode: "0152", scopes: ["REGISTRATION", "CHARGE"], quarantine: true, liftedAt: null });
    expect(receiver.received.find((x) => x.json.type === "link.quarantined")!.json.data).toMatchObject({ linkId: linkedAfterCutoff.linkId, suspensionId, status: "QUARANTINED" });

    // The log: delivered after one attempt, with the receiver's answer.
    const log = await admin.trpc.webhooks.deliveries.query({ endpointId, limit: 50 });
    expect(log.filter((d) => d.state === "DELIVERED")).toHaveLength(3);
    const attempts = await admin.trpc.webhooks.attempts.query({ deliveryId: log.find((d) => d.eventType === "suspension.created")!.id });
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ number: 1, statusCode: 200, error: null, responseExcerpt: "ok" });
    expect(attempts[0].durationMs).toBeGreaterThanOrEqual(0);

    // Not sent twice: the next run finds nothing due.
    expect(await deliverDueWebhooks(t.db, FAST)).toMatchObject({ attempted: 0 });
    expect(receiver.received).toHaveLength(3);
  });

  it("retries after a 500 with backoff, then delivers the same event; both attempts are logged", async () => {
    receiver.received.length = 0;
    receiver.answerNext({ status: 500, body: "platform hiccup" });
    const accountId = await insertAccount(t.db);
    await manager.trpc.accounts.freeze.mutate({ accountIds: [accountId], reason: "webhook test: freeze" });

    expect(await deliverDueWebhooks(t.db, FAST)).toMatchObject({ attempted: 1, delivered: 0 });
    let [d] = await deliveriesOf("wallet.frozen");
    expect(d).toMatchObject({ state: "PENDING", attempts: 1, last_status: 500 });
    // Not due before its backoff…
    expect(await deliverDueWebhooks(t.db, FAST)).toMatchObject({ attempted: 0 });
    await sleep(FAST.policy.firstDelayMs + 50);
    // …and delivered after it.
    expect(await deliverDueWebhooks(t.db, FAST)).toMatchObject({ attempted: 1, delivered: 1 });
    [d] = await deliveriesOf("wallet.frozen");
    expect(d).toMatchObject({ state: "DELIVERED", attempts: 2, last_status: 200 });
    expect(receiver.received).toHaveLength(2);
    const [first, second] = receiver.received;
    expect(second.json.id).toBe(first.json.id);
    expect(second.body).toBe(first.body);
    expect(second.at - first.at).toBeGreaterThanOrEqual(FAST.policy.firstDelayMs);
    expect(first.json.data).toMatchObject({ accountId, status: "FROZEN" });
    const attempts = await admin.trpc.webhooks.attempts.query({ deliveryId: d.id });
    expect(attempts.map((a) => [a.number, a.statusCode, a.responseExcerpt])).toEqual([
      [2, 200, "ok"],
      [1, 500, "platform hiccup"],
    ]);
  });

  it("gives up after the retry window, and an ADMIN replays the delivery (audited)", async () => {
    receiver.received.length = 0;
    receiver.answerNext({ status: 503 }, { status: 503 });
    const accountId = await insertAccount(t.db);
    await manager.trpc.accounts.freeze.mutate({ accountIds: [accountId], reason: "webhook test: freeze two" });
    // The first failure is within the window and retried; the second run's policy has a window that
    // is already over (the window is the worker's policy, counted from when the delivery was queued).
    expect(await deliverDueWebhooks(t.db, FAST)).toMatchObject({ attempted: 1, failed: 0 });
    await sleep(FAST.policy.firstDelayMs + 50);
    expect(await deliverDueWebhooks(t.db, { ...FAST, policy: { ...FAST.policy, windowMs: 1 } })).toMatchObject({ attempted: 1, failed: 1 });
    const d = (await deliveriesOf("wallet.frozen")).at(-1)!;
    expect(d).toMatchObject({ state: "FAILED", attempts: 2 });

    await admin.trpc.webhooks.replay.mutate({ deliveryId: d.id, reason: "platform fixed its receiver" });
    expect(await deliverDueWebhooks(t.db, FAST)).toMatchObject({ attempted: 1, delivered: 1 });
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((r) => r.json.id)).size).toBe(1);
    expect((await deliveriesOf("wallet.frozen")).at(-1)).toMatchObject({ state: "DELIVERED", attempts: 3 });
    const audit = await t.db.pool.query("SELECT 1 FROM audit_event WHERE action = 'webhook.replay' AND target_id = $1 AND reason = 'platform fixed its receiver'", [d.id]);
    expect(audit.rowCount).toBe(1);
  });

  it("sends nothing for a change that rolled back; the same change committed is sent", async () => {
    receiver.received.length = 0;
    const { suspensions } = await manager.trpc.suspensions.suspend.mutate({ bankCodes: ["0153"], scopes: ["CHARGE"], reason: "webhook test: to be lifted" });
    await deliverDueWebhooks(t.db, FAST);
    receiver.received.length = 0;
    const events = async () => Number((await t.db.pool.query("SELECT count(*) AS n FROM webhook_event")).rows[0].n);
    const before = await events();
    const lift = (tx: Parameters<typeof applyLift>[0]) =>
      applyLift(tx, { id: null, email: "test", role: "MANAGER" }, { suspensionId: suspensions[0].id, reason: "webhook test lift", liftedById: suspensions[0].createdById, changeRequestId: "test", emergency: false });

    await expect(
      withTransaction(t.db.prisma, async (tx) => {
        await lift(tx);
        throw new Error("something later in the transaction failed");
      }),
    ).rejects.toThrow(/later in the transaction/);
    expect(await events()).toBe(before);
    expect(await deliverDueWebhooks(t.db, FAST)).toMatchObject({ attempted: 0 });
    expect(receiver.received).toHaveLength(0);

    await withTransaction(t.db.prisma, (tx) => lift(tx));
    await deliverDueWebhooks(t.db, FAST);
    expect(receiver.received.map((r) => r.json.type)).toEqual(["suspension.lifted"]);
    expect(receiver.received[0].json.data).toMatchObject({ suspensionId: suspensions[0].id, bankCode: "0153" });
  });

  it("reports a scheduled suspension as scheduled, then as started once when its start comes", async () => {
    receiver.received.length = 0;
    const startsAt = new Date(Date.now() + 4_000);
    const { suspensions } = await manager.trpc.suspensions.suspend.mutate({ bankCodes: ["0157"], scopes: ["REGISTRATION"], startsAt, reason: "webhook test: scheduled" });
    await webhookDeliveryJob.run(t.db); // the job's own run: started events, then deliveries
    expect(receiver.received.map((r) => r.json.type).sort()).toEqual(["suspension.created", "suspension.scheduled"]);
    await sleep(Math.max(0, startsAt.getTime() - Date.now() + 100));
    await webhookDeliveryJob.run(t.db);
    await webhookDeliveryJob.run(t.db);
    const started = receiver.received.filter((r) => r.json.type === "suspension.started");
    expect(started).toHaveLength(1);
    expect(started[0].json.data).toMatchObject({ suspensionId: suspensions[0].id, bankCode: "0157" });
    expect(Date.parse(started[0].json.occurredAt)).toBe(suspensions[0].startsAt.getTime());
  });

  it("does not follow redirects, refuses link-local addresses, and queues nothing for a disabled endpoint", async () => {
    const make = (url: string) => admin.trpc.webhooks.createEndpoint.mutate({ url, eventTypes: ["wallet.frozen"], reason: "webhook test: hostile endpoint" });
    const redirecting = await startWebhookReceiver("/moved");
    redirecting.answerNext({ status: 302, headers: { location: "http://169.254.169.254/latest/meta-data/" } });
    const [r1, r2] = [await make(redirecting.url), await make("http://169.254.169.254/latest/meta-data/")];
    await admin.trpc.webhooks.setEndpointEnabled.mutate({ endpointId, enabled: false, reason: "webhook test: pause the platform" });
    receiver.received.length = 0;

    const whileDisabled = await insertAccount(t.db);
    await manager.trpc.accounts.freeze.mutate({ accountIds: [whileDisabled], reason: "webhook test: freeze three" });
    await deliverDueWebhooks(t.db, FAST);
    const last = async (id: string) => (await admin.trpc.webhooks.deliveries.query({ endpointId: id, limit: 1 }))[0];
    expect(await last(r1.id)).toMatchObject({ state: "PENDING", lastStatus: 302, lastError: expect.stringMatching(/redirect .* not followed/) });
    expect(await last(r2.id)).toMatchObject({ state: "PENDING", lastStatus: null, lastError: expect.stringMatching(/refused: 169\.254\.169\.254/) });
    expect(redirecting.received).toHaveLength(1);
    await redirecting.close();
    await admin.trpc.webhooks.setEndpointEnabled.mutate({ endpointId: r1.id, enabled: false, reason: "webhook test: done with it" });
    await admin.trpc.webhooks.setEndpointEnabled.mutate({ endpointId: r2.id, enabled: false, reason: "webhook test: done with it" });

    // Enabled again, the platform gets the next event, not the one from while it was disabled.
    await admin.trpc.webhooks.setEndpointEnabled.mutate({ endpointId, enabled: true, reason: "webhook test: platform back" });
    const afterwards = await insertAccount(t.db);
    await manager.trpc.accounts.freeze.mutate({ accountIds: [afterwards], reason: "webhook test: freeze four" });
    await deliverDueWebhooks(t.db, FAST);
    expect(receiver.received.map((r) => [r.json.type, r.json.data.accountId])).toEqual([["wallet.frozen", afterwards]]);
  });

  it("refuses endpoint management to other roles", async () => {
    await expect(manager.trpc.webhooks.endpoints.query()).rejects.toThrow();
    await expect(manager.trpc.webhooks.createEndpoint.mutate({ url: receiver.url, eventTypes: ["wallet.frozen"], reason: "not an admin" })).rejects.toThrow();
  });
});

describe("the OpenAPI document", () => {
  it("describes every webhook event with its body and the signature", async () => {
    const doc = (await (await fetch(`${t.baseUrl}/api/v1/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown>; webhooks: Record<string, { post: { description: string; requestBody: { content: Record<string, { schema: { properties: Record<string, unknown> } }> } } }> };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.webhooks).sort()).toEqual(Object.keys(WEBHOOK_EVENTS).sort());
    const created = doc.webhooks["suspension.created"].post;
    expect(created.description).toMatch(/HMAC-SHA256/);
    expect(Object.keys(created.requestBody.content["application/json"].schema.properties).sort()).toEqual(["data", "id", "occurredAt", "type"]);
    expect(Object.keys(doc.paths).length).toBeGreaterThan(0);
  });
});
