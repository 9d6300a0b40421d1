// Goal: an ADMIN creates an analyst in the console; the analyst signs in, does not see a manager's
// action (suspending a bank) and is refused it by the server (FORBIDDEN); the audit page shows both
// the creation and the refusal. Method: built SPA on a real server, headless Chromium.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { browserTestsEnabled, launchBrowser, newPage, signInThroughUi } from "../helpers/browser.ts";

describe.runIf(browserTestsEnabled)("administration in the browser", () => {
  let t: TestApp;
  let browser: Browser;
  beforeAll(async () => {
    t = await startTestApp({ serveClient: true });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it("ADMIN creates an analyst, who is refused a manager action in the UI and at the API, and the audit page shows both", async () => {
    const email = "e2e.analyst@floodgate.test";
    const password = "e2e analyst passphrase";

    // 1. The admin adds the analyst.
    const admin = await newPage(browser, t.baseUrl);
    await signInThroughUi(admin, "ADMIN");
    await admin.waitForURL("**/overview");
    await admin.goto("/admin");
    await admin.getByTestId("staff-table").waitFor();
    await admin.getByRole("button", { name: "Add staff member" }).click();
    const dialog = admin.getByRole("dialog");
    await dialog.getByLabel("Email").fill(email);
    await dialog.getByLabel("Name").fill("E2E Analyst");
    await dialog.locator('input[type="password"]').fill(password);
    await dialog.getByLabel("Reason").fill("joins the fraud team for the incident");
    await admin.screenshot({ path: "test-results/admin-create-staff.png" });
    await dialog.getByRole("button", { name: "Create" }).click();
    await admin.getByTestId("staff-table").getByText(email).waitFor();
    await admin.screenshot({ path: "test-results/admin-staff.png" });

    // 2. The analyst signs in; the suspend controls are not shown to them.
    const analyst = await newPage(browser, t.baseUrl);
    await analyst.goto("/sign-in");
    await analyst.getByLabel("Email").fill(email);
    await analyst.getByRole("textbox", { name: "Password" }).fill(password);
    await analyst.getByRole("button", { name: "Sign in" }).click();
    await analyst.waitForURL("**/overview");
    await expect(analyst.getByTestId("signed-in-role").textContent()).resolves.toMatch(/analyst/i);
    await analyst.goto("/suspensions");
    await analyst.locator("main h2").first().waitFor();
    await analyst.getByText(/loading/i).first().waitFor({ state: "detached" }).catch(() => {});
    expect(await analyst.getByTestId("suspend-banks-bar").count()).toBe(0);
    expect(await analyst.getByRole("button", { name: /^Suspend/ }).count()).toBe(0);
    expect(await analyst.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /^Administration/ }).count()).toBe(0);

    // 3. …and the server refuses it when asked directly, from the analyst's own session.
    const refused = await analyst.evaluate(async () => {
      const res = await fetch("/trpc/suspensions.suspend", {
        method: "POST",
        headers: { "content-type": "application/json", "x-floodgate-csrf": "1" },
        body: JSON.stringify({ json: { bankCodes: ["0125"], reason: "trying a manager's action" } }),
      });
      return { status: res.status, body: await res.json() };
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.json.data.code).toBe("FORBIDDEN");
    expect(await t.db.prisma.suspension.count()).toBe(0);

    // 4. The audit page shows the creation and the refusal.
    await admin.goto("/audit?action=staff.create");
    const creation = admin.getByTestId("audit-table").locator('tr[data-action="staff.create"]');
    await creation.first().waitFor();
    await creation.first().click();
    await expect(admin.getByTestId("audit-detail").textContent()).resolves.toContain(email);
    await admin.waitForTimeout(500); // the drawer slides in
    await admin.screenshot({ path: "test-results/audit-detail.png" });
    await admin.goto("/audit?action=access.denied");
    const refusal = admin.getByTestId("audit-table").locator('tr[data-action="access.denied"]');
    await refusal.first().waitFor();
    await expect(refusal.first().textContent()).resolves.toContain(email);
    await expect(refusal.first().textContent()).resolves.toContain("suspensions.suspend");
    await admin.getByTestId("chain-status").waitFor();
    await expect(admin.getByTestId("chain-status").textContent()).resolves.toMatch(/Chain verified up to #\d+/);
    await admin.screenshot({ path: "test-results/audit-refusal.png" });
    await admin.context().close();
    await analyst.context().close();
  }, 90_000);

  it("a bank's page shows its incident timeline, exportable as Markdown; the API keys tab shows a new key once", async () => {
    const startedAt = new Date("2026-09-05T01:00:00Z");
    await t.db.prisma.spike.create({
      data: { bankCode: "0125", metric: "LINK_REGISTERED", detector: "BURST", startedAt, peakAt: startedAt, peakValue: 140, peakExpected: 6, severity: 12.3, lastSeenAt: startedAt },
    });
    const page = await newPage(browser, t.baseUrl);
    await signInThroughUi(page, "ADMIN");
    await page.waitForURL("**/overview");
    await page.goto("/banks/0125");
    const panel = page.getByTestId("bank-timeline");
    await panel.getByText("Spike began: new links").waitFor();
    const [download] = await Promise.all([page.waitForEvent("download"), panel.getByRole("button", { name: "Export as Markdown" }).click()]);
    expect(download.suggestedFilename()).toBe("incident-timeline-0125.md");
    const { readFile } = await import("node:fs/promises");
    const md = await readFile((await download.path())!, "utf8");
    expect(md).toMatch(/^# Incident timeline: .*\(0125\)/);
    expect(md).toContain("Spike began: new links");
    await panel.scrollIntoViewIfNeeded();
    await page.screenshot({ path: "test-results/bank-timeline.png", fullPage: true });

    await page.goto("/admin?tab=keys");
    await page.getByRole("button", { name: "Create API key" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name").fill("wallet platform (new)");
    await dialog.getByLabel("Reason").fill("rotating the platform key");
    await dialog.getByRole("button", { name: "Create" }).click();
    const secret = (await page.getByTestId("new-api-key").locator("code").first().textContent())!;
    expect(secret).toMatch(/^fgk_/);
    expect((await fetch(`${t.baseUrl}/api/v1/nothing`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(404);
    await page.screenshot({ path: "test-results/admin-api-keys.png" });
    await page.reload();
    await page.getByTestId("api-key-table").waitFor();
    expect(await page.getByText(secret).count()).toBe(0); // shown once only
    await page.context().close();
  }, 90_000);
});
