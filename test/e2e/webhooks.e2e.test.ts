// Goal (#17): an ADMIN adds the platform's webhook endpoint in the console (the secret shown once), a
// manager suspends a bank, and the delivery log shows the suspension delivered, with the receiver's
// answer in its attempts; the ADMIN replays it and the platform gets the same event again.
// Method: built SPA on a real server with the real job runner running the webhook worker, headless
// Chromium, a real HTTP receiver on loopback; the manager acts through tRPC over HTTP.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { browserTestsEnabled, launchBrowser, newPage, signInThroughUi } from "../helpers/browser.ts";
import { signedInAs } from "../helpers/staff.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook-receiver.ts";
import { startBackgroundJobs, type JobRunner } from "../../server/jobs.ts";
import { webhookDeliveryJob } from "../../server/features/webhooks/worker.ts";
import { verifySignature } from "../../shared/webhooks/signature.ts";

describe.runIf(browserTestsEnabled)("webhooks in the browser", () => {
  let t: TestApp;
  let browser: Browser;
  let receiver: WebhookReceiver;
  let jobs: JobRunner;
  beforeAll(async () => {
    t = await startTestApp({ serveClient: true });
    jobs = startBackgroundJobs(t.db, t.app.log, { jobs: [webhookDeliveryJob], instanceId: "e2e" });
    receiver = await startWebhookReceiver();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await jobs?.stop();
    await receiver?.close();
    await t?.close();
  });

  it("ADMIN adds an endpoint, a manager suspends a bank, the log shows it delivered, and a replay sends it again", async () => {
    const page = await newPage(browser, t.baseUrl);
    await signInThroughUi(page, "ADMIN");
    await page.waitForURL("**/overview");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /^Webhooks/ }).click();
    await page.getByRole("heading", { name: "Webhooks", level: 2 }).waitFor();
    await page.getByText("No endpoint yet").waitFor();

    await page.getByRole("button", { name: "Add endpoint" }).click();
    const dialog = page.getByRole("dialog", { name: "Add a webhook endpoint" });
    await dialog.getByLabel("Address").fill(receiver.url);
    await dialog.getByLabel("Description").fill("wallet platform (e2e)");
    await dialog.getByLabel("Reason").fill("the platform wants to hear about suspensions");
    await page.screenshot({ path: "test-results/webhooks-add.png" });
    await dialog.getByRole("button", { name: "Add endpoint" }).click();
    const shown = page.getByTestId("new-webhook-secret");
    await shown.waitFor();
    const secret = (await shown.locator("code").first().textContent())!.trim();
    expect(secret).toMatch(/^whsec_/);
    await page.getByTestId("webhook-endpoints").getByText(receiver.url).waitFor();

    const manager = await signedInAs(t.baseUrl, "MANAGER");
    const { suspensions } = await manager.trpc.suspensions.suspend.mutate({ bankCodes: ["0168"], scopes: ["REGISTRATION"], reason: "e2e: attack at 0168" });

    // The log refreshes itself: the suspension shows as delivered.
    const row = page.getByTestId("delivery-suspension.created");
    await row.getByText("Delivered").waitFor({ timeout: 20_000 });
    await page.getByTestId("delivery-suspension.started").getByText("Delivered").waitFor();
    await page.screenshot({ path: "test-results/webhooks-log.png", fullPage: true });
    const created = receiver.received.find((r) => r.json.type === "suspension.created")!;
    expect(created.json.data).toMatchObject({ suspensionId: suspensions[0].id, bankCode: "0168" });
    expect(verifySignature(created.headers["floodgate-signature"] as string, created.body, secret, Math.floor(Date.now() / 1000)).ok).toBe(true);

    // Its attempts: one, answered 200 "ok".
    await row.getByRole("button", { name: "Attempts" }).click();
    const attempts = page.getByRole("dialog").getByTestId("webhook-attempts");
    await expect(attempts.textContent()).resolves.toMatch(/Attempt 1 at .*HTTP 200/);
    await page.keyboard.press("Escape");

    // Replay: the same event again.
    const before = receiver.received.length;
    await row.getByRole("button", { name: "Replay" }).click();
    const replay = page.getByRole("dialog", { name: /^Replay Suspension created/ });
    await replay.getByLabel("Reason").fill("the platform lost it in a deploy");
    await replay.getByRole("button", { name: "Replay" }).click();
    await receiver.waitFor(before + 1);
    expect(receiver.received.at(-1)!.json.id).toBe(created.json.id);
    await row.getByText("Delivered").waitFor();
  }, 120_000);
});
