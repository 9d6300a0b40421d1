// Goal (issue #12): a new MANAGER is led from the password to enrolment (QR code, key, first code,
// recovery codes shown once), then signs in with the app's code; a suspension asked more than five
// minutes after the code opens the step-up modal, and once the code is given the suspension goes
// through without being asked again. Method: built SPA, real server and database, Chromium; the
// server's clock is injected and moved forward instead of waiting.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { browserTestsEnabled, enterCodeThroughUi, launchBrowser, newPage, signInThroughUi } from "../helpers/browser.ts";
import { hashPassword } from "../../server/features/auth/password.ts";
import { nextTotpCode, rememberSecret } from "../helpers/second-factor.ts";

describe.runIf(browserTestsEnabled)("second factor in the browser", () => {
  let t: TestApp;
  let browser: Browser;
  let clockOffsetMs = 0;
  beforeAll(async () => {
    t = await startTestApp({ serveClient: true, secondFactor: { now: () => Date.now() + clockOffsetMs } });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it("a new manager enrols right after the password, keeps the recovery codes, then signs in with the app's code", async () => {
    // A new manager (straight in the database: granting MANAGER in the console takes four eyes).
    const email = "e2e.manager@floodgate.test";
    const password = "a manager's long password";
    await t.db.prisma.staffUser.create({ data: { email, name: "E2E Manager", role: "MANAGER", passwordHash: await hashPassword(password) } });

    const page = await newPage(browser, t.baseUrl);
    await page.goto("/sign-in");
    await page.getByLabel("Email").fill(email);
    await page.getByRole("textbox", { name: "Password" }).fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL("**/enrol");
    const enrolment = page.getByTestId("enrolment");
    await enrolment.getByRole("img", { name: /QR code/ }).waitFor();
    const secret = (await enrolment.getByTestId("enrolment-secret").textContent())!.replace(/\s/g, "");
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    rememberSecret(email, secret);
    await page.screenshot({ path: "test-results/enrolment.png" });

    await enrolment.getByLabel("Code from the app").fill("000000");
    await enrolment.getByRole("button", { name: "Confirm" }).click();
    await enrolment.getByRole("alert").getByText(/not correct/).waitFor();
    await enrolment.getByLabel("Code from the app").fill(await nextTotpCode(t.baseUrl, email));
    await enrolment.getByRole("button", { name: "Confirm" }).click();
    const codes = page.getByTestId("recovery-codes");
    await codes.waitFor();
    expect(await codes.locator("code").count()).toBe(10);
    await expect(codes.getByRole("link", { name: "Download as a file" }).getAttribute("download")).resolves.toBe("floodgate-recovery-codes.txt");
    await page.screenshot({ path: "test-results/recovery-codes.png" });
    await codes.getByRole("button", { name: "I saved them: continue" }).click();
    await page.waitForURL("**/overview");

    // Next time: password, then the code.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/sign-in");
    await page.getByLabel("Email").fill(email);
    await page.getByRole("textbox", { name: "Password" }).fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByTestId("second-factor-stage").waitFor();
    await page.screenshot({ path: "test-results/sign-in-code.png" });
    await enterCodeThroughUi(page, email);
    await page.waitForURL("**/overview");
    await expect(page.getByTestId("signed-in-role").textContent()).resolves.toMatch(/manager/i);
    await page.context().close();
  });

  it("asks for the code again before a suspension when it was given more than five minutes ago, then suspends", async () => {
    const page = await newPage(browser, t.baseUrl);
    await signInThroughUi(page, "MANAGER");
    await page.waitForURL("**/overview");
    clockOffsetMs = 6 * 60_000; // six minutes later, as far as the server knows

    await page.goto("/suspensions?select=0130");
    await page.getByRole("button", { name: "Suspend banks…" }).click();
    const dialog = page.getByTestId("suspend-dialog");
    await dialog.waitFor();
    await dialog.getByLabel("Reason").fill("Step-up browser test: suspending after the code went stale");
    const confirm = page.getByTestId("confirm-suspend");
    await page.waitForFunction(() => !(document.querySelector('[data-testid="confirm-suspend"]') as HTMLButtonElement | null)?.disabled);
    await confirm.click();

    const stepUp = page.getByRole("dialog", { name: "Confirm it is you" });
    await stepUp.waitFor();
    expect(await t.db.prisma.suspension.count({ where: { bankCode: "0130" } })).toBe(0);
    await page.screenshot({ path: "test-results/step-up-modal.png" });
    await stepUp.getByLabel("Authentication code").fill(await nextTotpCode(t.baseUrl, "manager@floodgate.test"));
    await stepUp.getByRole("button", { name: "Confirm and continue" }).click();
    await dialog.waitFor({ state: "detached" });
    await page.getByTestId("suspensions-table").getByText("In force").waitFor();
    expect(await t.db.prisma.suspension.count({ where: { bankCode: "0130" } })).toBe(1);
    expect(await t.db.prisma.auditEvent.count({ where: { action: "auth.secondFactor", actorEmail: "manager@floodgate.test" } })).toBe(2);
    await page.context().close();
  });
});
