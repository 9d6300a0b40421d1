// Goal (#12): in the browser, a manager's lift waits for a second manager, who approves it on the
// approvals page; an emergency lift takes effect at once and is shown on the overview to everyone
// until a second manager reviews it; an administrator's emergency grant of MANAGER and raise of the
// approval threshold from the admin page likewise (long reason, marked, on the overview). Method: built SPA served by a real server on its own database,
// headless Chromium, two managers in two browser contexts; the database read after each step;
// screenshots of the lift dialog, the approvals page and the overview notice go to test-results/.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { browserTestsEnabled, enterCodeThroughUi, launchBrowser, newPage, signInThroughUi } from "../helpers/browser.ts";
import { signedInAs } from "../helpers/staff.ts";
import { createStaff } from "../compensation-fixtures.ts";
import { hashPassword } from "../../server/features/auth/password.ts";

const EMERGENCY = "The bank confirmed the fix by phone and honest customers cannot link wallets at all right now";

describe.runIf(browserTestsEnabled)("four eyes on a lift, in the browser", () => {
  let t: TestApp;
  let browser: Browser;
  let second: Awaited<ReturnType<typeof createStaff>>;
  let suspensionIds: Record<string, string>;

  beforeAll(async () => {
    t = await startTestApp({ serveClient: true });
    browser = await launchBrowser();
    second = await createStaff(t.db.prisma, t.baseUrl, "MANAGER");
    const manager = await signedInAs(t.baseUrl, "MANAGER");
    suspensionIds = {};
    for (const code of ["0001", "0005"]) {
      const r = await manager.trpc.suspensions.suspend.mutate({ bankCodes: [code], scopes: ["REGISTRATION"], reason: "phishing wave through the PIN-only link page" });
      suspensionIds[code] = r.suspensions[0].id;
    }
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const liftedAt = async (code: string) => (await t.db.prisma.suspension.findUniqueOrThrow({ where: { id: suspensionIds[code] } })).liftedAt;

  async function signInSecond(): Promise<Page> {
    const page = await newPage(browser, t.baseUrl);
    await page.goto("/");
    await page.getByLabel("Email").fill(second.user.email);
    await page.getByRole("textbox", { name: "Password" }).fill(second.user.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await enterCodeThroughUi(page, second.user.email); // enrolled by createStaff
    await page.waitForURL("**/overview");
    return page;
  }

  async function openLift(page: Page, code: string) {
    await page.goto("/suspensions");
    await page.getByRole("row", { name: new RegExp(code) }).getByRole("button", { name: "Lift…" }).click();
    const dialog = page.getByRole("dialog", { name: "Lift suspension" });
    await dialog.waitFor();
    return dialog;
  }

  it("a lift waits for a second manager, who approves it on the approvals page", async () => {
    const page = await newPage(browser, t.baseUrl);
    await signInThroughUi(page, "MANAGER");
    await page.waitForURL("**/overview");
    const dialog = await openLift(page, "0001");
    await expect(dialog.getByTestId("lift-four-eyes").textContent()).resolves.toMatch(/waits for a second manager/);
    await dialog.getByLabel("Reason").fill("bank added a one-time password");
    await page.screenshot({ path: "test-results/lift-dialog-four-eyes.png" });
    await dialog.getByTestId("confirm-lift").click();
    await page.getByText("Lift requested").waitFor();
    expect(await liftedAt("0001")).toBeNull();

    // The requester sees it waiting, and why they cannot approve it.
    await page.goto("/approvals");
    const mine = page.getByTestId("change-request").filter({ hasText: "0001" });
    await expect(mine.getByTestId("why-not").textContent()).resolves.toMatch(/different person/);
    expect(await mine.getByRole("button", { name: "Approve and apply" }).count()).toBe(0);

    const other = await signInSecond();
    await other.getByRole("link", { name: /Four eyes/ }).click();
    await other.waitForURL("**/approvals");
    const card = other.getByTestId("change-request").filter({ hasText: "Lift the suspension of 0001" });
    await expect(card.textContent()).resolves.toContain("bank added a one-time password");
    await other.screenshot({ path: "test-results/approvals-page.png" });
    await card.getByRole("button", { name: "Approve and apply" }).click();
    const confirm = other.getByRole("dialog");
    await confirm.getByLabel("Reason").fill("checked the bank's new link page");
    await confirm.getByRole("button", { name: "Approve and apply" }).click();
    await other.getByText("Approved and applied.").waitFor();
    expect(await liftedAt("0001")).not.toBeNull();
    await other.getByTestId("closed-requests").getByText("Lift the suspension of 0001", { exact: false }).waitFor();
    // One click, one approval.
    expect(await t.db.prisma.auditEvent.count({ where: { action: "change.approve" } })).toBe(1);
    await other.context().close();
    await page.context().close();
  }, 90_000);

  it("an emergency lift takes effect at once and is shown on the overview until a second manager reviews it", async () => {
    const page = await newPage(browser, t.baseUrl);
    await signInThroughUi(page, "MANAGER");
    await page.waitForURL("**/overview");
    const dialog = await openLift(page, "0005");
    await dialog.getByTestId("lift-emergency").check();
    await dialog.getByLabel("Why this cannot wait for a second manager").fill("too short");
    await expect(dialog.getByTestId("confirm-lift").isDisabled()).resolves.toBe(true);
    await dialog.getByLabel("Why this cannot wait for a second manager").fill(EMERGENCY);
    await dialog.getByTestId("confirm-lift").click();
    await page.getByText("Suspension lifted as an emergency").waitFor();
    expect(await liftedAt("0005")).not.toBeNull();

    // Everyone sees it on the overview, an analyst too.
    await page.goto("/overview");
    const notice = page.getByTestId("emergency-notice");
    await notice.waitFor();
    await expect(notice.textContent()).resolves.toMatch(/Lift the suspension of 0005.*manager@floodgate\.test.*honest customers cannot link/);
    await page.screenshot({ path: "test-results/overview-emergency-notice.png" });
    const analyst = await newPage(browser, t.baseUrl);
    await signInThroughUi(analyst, "ANALYST");
    await analyst.waitForURL("**/overview");
    await analyst.getByTestId("emergency-notice").waitFor();

    // A second manager reviews it; it leaves the overview.
    const other = await signInSecond();
    await other.getByTestId("emergency-notice").getByRole("link", { name: "Review on the Four eyes page" }).click();
    const card = other.getByTestId("change-request").filter({ hasText: "0005" });
    await expect(card.textContent()).resolves.toContain("Emergency: not yet reviewed");
    await card.getByRole("button", { name: "Mark reviewed" }).click();
    const confirm = other.getByRole("dialog");
    await confirm.getByLabel("Reason").fill("called the bank back: confirmed");
    await confirm.getByRole("button", { name: "Mark reviewed" }).click();
    await other.getByText("Marked reviewed.").waitFor();
    await page.reload();
    await page.getByTestId("overview-updated").waitFor();
    await page.waitForFunction(() => !document.querySelector('[data-testid="emergency-notice"]'));
    expect(await t.db.prisma.changeRequest.count({ where: { status: "EMERGENCY_APPLIED" } })).toBe(0);
  }, 90_000);
  it("an administrator grants MANAGER and raises the approval threshold as emergencies from the admin page: applied at once, marked, on the overview", async () => {
    const analyst = await t.db.prisma.staffUser.create({ data: { email: "promoted@floodgate.test", name: "To promote", role: "ANALYST", passwordHash: await hashPassword("a long enough password") } });
    const admin = await newPage(browser, t.baseUrl);
    await signInThroughUi(admin, "ADMIN");
    await admin.waitForURL("**/overview");
    await admin.goto("/admin");
    await admin.getByRole("button", { name: "Change role of promoted@floodgate.test" }).click();
    const roleDialog = admin.getByRole("dialog", { name: /Change the role/ });
    await roleDialog.getByLabel("New role").click();
    await admin.getByRole("option", { name: "Manager" }).click();
    await roleDialog.getByTestId("emergency-offer").getByRole("button", { name: "Apply now as an emergency…" }).click();

    const dialog = admin.getByRole("dialog", { name: "Emergency change" });
    await dialog.waitFor();
    await expect(dialog.getByTestId("emergency-summary").textContent()).resolves.toBe("Make promoted@floodgate.test Manager (now Fraud analyst)");
    await expect(dialog.getByTestId("emergency-meaning").textContent()).resolves.toMatch(/alone, now.*marked as an emergency in the audit log.*overview until another administrator reviews it/);
    const why = dialog.getByLabel("Why this cannot wait for a second administrator");
    await why.fill("too short a reason");
    await expect(dialog.getByTestId("confirm-emergency").isDisabled()).resolves.toBe(true);
    await why.fill("The only other administrator is unreachable and the night shift has no manager");
    await admin.screenshot({ path: "test-results/admin-emergency-grant.png" });
    await dialog.getByTestId("confirm-emergency").click();
    await admin.getByText("Applied as an emergency").first().waitFor();
    expect((await t.db.prisma.staffUser.findUniqueOrThrow({ where: { id: analyst.id } })).role).toBe("MANAGER");
    const grant = await t.db.prisma.changeRequest.findFirstOrThrow({ where: { kind: "GRANT_ROLE" } });
    expect(grant).toMatchObject({ status: "EMERGENCY_APPLIED", emergency: true });
    expect(await t.db.prisma.auditEvent.count({ where: { action: "change.emergency", targetId: grant.id } })).toBe(1);

    // The threshold: a raise offers the emergency path too.
    const before = await t.db.prisma.appSetting.findUnique({ where: { key: "compensation.approvalThresholdYen" } });
    await admin.goto("/admin?tab=settings");
    await admin.getByLabel("New value (yen)").fill("250000");
    await admin.getByTestId("emergency-offer").getByRole("button", { name: "Apply now as an emergency…" }).click();
    const raise = admin.getByRole("dialog", { name: "Emergency change" });
    await expect(raise.getByTestId("emergency-summary").textContent()).resolves.toMatch(/^Raise the compensation approval threshold from ¥[\d,]+ to ¥250,000$/);
    await raise.getByLabel("Why this cannot wait for a second administrator").fill("A bank-wide refund run is blocked and the second administrator is off sick today");
    await raise.getByTestId("confirm-emergency").click();
    await admin.getByText("Applied as an emergency").first().waitFor();
    const after = await t.db.prisma.appSetting.findUniqueOrThrow({ where: { key: "compensation.approvalThresholdYen" } });
    expect(after.value).toBe(250000);
    expect(after.value).not.toBe(before?.value);

    // Both are on the overview until a second administrator reviews them.
    await admin.goto("/overview");
    const notice = admin.getByTestId("emergency-notice");
    await notice.waitFor();
    await expect(notice.textContent()).resolves.toMatch(/Make promoted@floodgate\.test Manager.*admin@floodgate\.test.*Raise the compensation approval threshold to ¥250,000/);
    await admin.context().close();
  }, 90_000);
});
