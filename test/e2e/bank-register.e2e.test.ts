// Goal (#17 the bank register; suspensions that end): in the browser a manager marks a bank PIN-only
// (reason, effective date) on the register page, filters the overview to PIN-only banks (kept in
// the address), selects them all and suspends them with one preview and one confirmation: every
// PIN-only bank is suspended, one audit record each. A suspension with an end time reads "ends at …
// JST" on the suspensions page and in the "ending within 24 hours" list, then ends by itself (the
// ending job) and reads "ended at its end time"; the charge it refused is allowed.
// Method: built SPA on a real server on its own database, headless Chromium; the ending job runs
// through the jobs runner (startBackgroundJobs), as npm start runs it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { browserTestsEnabled, launchBrowser, newPage, signInThroughUi } from "../helpers/browser.ts";
import { signedInAs } from "../helpers/staff.ts";
import { accountWithLink, decide } from "../suspensions-fixtures.ts";
import { startBackgroundJobs, type JobRunner } from "../../server/jobs.ts";
import { suspensionEndJob } from "../../server/features/suspensions/ending.ts";

describe.runIf(browserTestsEnabled)("the bank register and suspensions that end, in the browser", () => {
  let t: TestApp;
  let browser: Browser;
  let jobs: JobRunner | undefined;

  beforeAll(async () => {
    t = await startTestApp({ serveClient: true });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await jobs?.stop();
    await browser?.close();
    await t?.close();
  });

  it("a manager marks a bank PIN-only, filters the overview to PIN-only banks and suspends them all with one preview", async () => {
    const manager = await signedInAs(t.baseUrl, "MANAGER");
    const register = await manager.trpc.suspensions.register.query();
    const target = register.find((b) => b.authMethod !== "PIN" && b.suspendedScopes.length === 0)!;
    const page = await newPage(browser, t.baseUrl);
    await signInThroughUi(page, "MANAGER");
    await page.waitForURL("**/overview");

    await page.goto("/banks");
    await page.getByTestId(`register-edit-${target.code}`).click();
    await page.getByTestId("auth-method").click();
    await page.getByRole("option", { name: "PIN only" }).click();
    await page.getByTestId("auth-reason").fill("The bank's link page asks only for a 4-digit PIN");
    await page.getByTestId("auth-save").click();
    await page.waitForFunction((code) => document.querySelector(`[data-testid="register-row-${code}"] [data-testid="register-auth"]`)?.textContent === "PIN only", target.code);
    await page.getByTestId("register-pin-only").click();
    await page.waitForURL(/auth=PIN/);
    await page.screenshot({ path: "test-results/bank-register.png", fullPage: true });

    const pinOnly = (await manager.trpc.suspensions.register.query()).filter((b) => b.authMethod === "PIN").map((b) => b.code);
    expect(pinOnly).toContain(target.code);

    await page.goto("/overview");
    await page.getByText("PIN-only banks", { exact: true }).click(); // the chip's label (its input is hidden)
    await page.waitForURL(/auth=PIN/);
    await page.getByTestId("overview-tick-shown").click();
    await page.waitForURL(/sel=/);
    const sel = new URL(page.url()).searchParams.get("sel")!.split(",");
    // Every bank the overview shows under the filter is PIN-only, the one just marked among them.
    expect(sel).toContain(target.code);
    expect(sel.every((c) => pinOnly.includes(c))).toBe(true);
    await page.getByRole("button", { name: /Suspend selected/ }).click();
    const dialog = page.getByTestId("suspend-dialog");
    await dialog.waitFor();
    await dialog.getByLabel("Reason").fill("Every PIN-only partner bank, as Japan Post Bank did on 15 September 2020");
    await page.waitForFunction(() => !(document.querySelector('[data-testid="confirm-suspend"]') as HTMLButtonElement | null)?.disabled);
    await page.screenshot({ path: "test-results/bank-register-suspend-preview.png", fullPage: true });
    await page.getByTestId("confirm-suspend").click();
    await dialog.waitFor({ state: "detached" });

    const { rows } = await t.db.pool.query(`SELECT bank_code FROM suspension WHERE reason LIKE 'Every PIN-only%' AND lifted_at IS NULL`);
    expect(rows.map((r) => r.bank_code).sort()).toEqual([...sel].sort());
    const audits = await t.db.pool.query(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'suspension.create' AND reason LIKE 'Every PIN-only%'`);
    expect(audits.rows[0].n).toBe(sel.length);
    console.log(`one confirmation suspended ${sel.length} PIN-only banks`);
  }, 180_000);

  it("a suspension with an end time reads 'ends at … JST', then ends by itself", async () => {
    const manager = await signedInAs(t.baseUrl, "MANAGER");
    const register = await manager.trpc.suspensions.register.query();
    const bank = register.find((b) => b.authMethod !== "PIN" && b.suspendedScopes.length === 0)!;
    const key = await t.apiKey();
    const { linkId } = await accountWithLink(t.db, bank.code, new Date(Date.now() - 86_400_000));
    const endsAt = new Date(Date.now() + 20_000);
    await manager.trpc.suspensions.suspend.mutate({ bankCodes: [bank.code], scopes: ["CHARGE"], endsAt, reason: "Charges stop until the bank's fix goes live" });
    expect((await decide(t.baseUrl, key, "charge", { linkId, amountYen: 5_000 })).body.decision).toBe("deny");

    const page = await newPage(browser, t.baseUrl);
    await signInThroughUi(page, "MANAGER");
    await page.waitForURL("**/overview");
    await page.getByTestId("suspension-attention-banner").waitFor();
    await page.goto("/suspensions");
    await page.getByTestId("suspension-attention").getByText(/ends at \d{4}-\d{2}-\d{2} \d{2}:\d{2} JST/).waitFor();
    await page.getByTestId("suspensions-table").getByText(/ends at \d{4}-\d{2}-\d{2} \d{2}:\d{2} JST/).first().waitFor();
    await page.screenshot({ path: "test-results/suspension-ends-at.png", fullPage: true });

    jobs = startBackgroundJobs(t.db, t.app.log, { jobs: [suspensionEndJob], instanceId: "e2e-end" });
    await new Promise((r) => setTimeout(r, Math.max(0, endsAt.getTime() - Date.now()) + 1_500));
    await page.reload();
    await page.getByTestId("suspensions-table").getByTestId("suspension-ended").first().waitFor({ timeout: 20_000 });
    await page.screenshot({ path: "test-results/suspension-ended.png", fullPage: true });
    expect((await decide(t.baseUrl, key, "charge", { linkId, amountYen: 5_000 })).body).toEqual({ decision: "allow", reason: "ALLOWED" });
  }, 120_000);
});
