// Headless Chromium (Debian's package) driven by playwright-core. The launch flags keep it from
// reaching for the network this machine does not have.
import { chromium, type Browser, type Page } from "playwright-core";
import { DEMO_STAFF } from "../../server/features/reference/demo-staff.ts";
import type { Role } from "../../shared/auth/roles.ts";
import { nextTotpCode } from "./second-factor.ts";

export const browserTestsEnabled = process.env.BROWSER_TESTS === "1";

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

export async function newPage(browser: Browser, baseUrl: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1400, height: 900 }, timezoneId: "Asia/Tokyo", locale: "en-US" });
  return context.newPage();
}

export async function signInThroughUi(page: Page, role: Role, path = "/") {
  const staff = DEMO_STAFF.find((s) => s.role === role)!;
  await page.goto(path);
  await page.getByLabel("Email").fill(staff.email);
  await page.getByRole("textbox", { name: "Password" }).fill(staff.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await enterCodeThroughUi(page, staff.email);
  return staff;
}

/** The second stage of sign-in: the authenticator code (demo users and people tests enrolled). */
export async function enterCodeThroughUi(page: Page, email: string) {
  const stage = page.getByTestId("second-factor-stage");
  await stage.waitFor();
  await stage.getByLabel("Authentication code").fill(await nextTotpCode(new URL(page.url()).origin, email));
  await stage.getByRole("button", { name: "Verify" }).click();
  await stage.waitFor({ state: "detached" });
}
