// Screenshots of the console for people to look at (issue #13): the overview, The 77 Bank's page
// (0125) and its suspend dialog, a suspended bank's page (0168) at 1440×900 and 390×844, the four-eyes page, the audit log and the
// administration page, in English and Japanese, from a running console on the demo data.
//
//   npm start                                   # or any running console with the demo staff
//   npx tsx test/screens/capture.ts [--base http://localhost:3000] [--out /tmp/screens] [--only overview,bank] [--stage]
//
// --stage first gives the four-eyes page and the audit log something to show, as a manager would:
// suspends Chugoku Bank (0168) and asks for that suspension to be lifted (a request waiting for a
// second manager). It changes the data: use it on a throwaway demo database.
//
// It signs the demo MANAGER and ADMIN in once each (the second factor from the demo secret), then
// switches their language through the header's switch (saved on their staff record) for each pass.
// Not a test: nothing is asserted; a failure to find a page's landmark stops it with a message.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser } from "../helpers/browser.ts";
import { DEMO_STAFF } from "../../server/features/reference/demo-staff.ts";
import { nextTotpCode } from "../helpers/second-factor.ts";
import type { Role } from "../../shared/auth/roles.ts";

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
};
const BASE = arg("base", "http://localhost:3000");
const OUT = arg("out", "test-results/screens");
const ONLY = arg("only", "").split(",").filter(Boolean);
const VIEWPORTS = { desktop: { width: 1440, height: 900 }, phone: { width: 390, height: 844 } } as const;
type Viewport = keyof typeof VIEWPORTS;
type Lang = "en" | "ja";

async function signIn(browser: Browser, role: Role): Promise<BrowserContext> {
  const staff = DEMO_STAFF.find((s) => s.role === role)!;
  const context = await browser.newContext({ baseURL: BASE, viewport: VIEWPORTS.desktop, timezoneId: "Asia/Tokyo", locale: "en-US" });
  const page = await context.newPage();
  await page.goto("/sign-in");
  await page.locator('input[type="email"], input[name="email"]').first().fill(staff.email);
  await page.locator('input[type="password"]').first().fill(staff.password);
  await page.locator('button[type="submit"]').first().click();
  const stage = page.getByTestId("second-factor-stage");
  await stage.waitFor({ timeout: 15_000 });
  await stage.locator("input").first().fill(await nextTotpCode(BASE, staff.email));
  await stage.locator('button[type="submit"]').first().click();
  await stage.waitFor({ state: "detached", timeout: 15_000 });
  await page.close();
  return context;
}

/** Sets the person's language on their record through the header switch, as a person would. */
async function chooseLanguage(context: BrowserContext, lang: Lang) {
  const page = await context.newPage();
  await page.goto("/overview");
  await page.getByTestId("language-switch").waitFor();
  await page.getByTestId("language-switch").getByText(lang === "ja" ? "日本語" : "English").click();
  await page.waitForFunction((l) => document.documentElement.lang === l, lang);
  await page.waitForTimeout(500); // the save to the staff record
  await page.close();
}

/** A page of `signedIn`'s session at the viewport (a fresh context sharing its cookies). */
async function pageAt(browser: Browser, signedIn: BrowserContext, viewport: Viewport, lang: Lang): Promise<Page> {
  const state = await signedIn.storageState();
  const context = await browser.newContext({
    baseURL: BASE,
    viewport: VIEWPORTS[viewport],
    deviceScaleFactor: 1,
    isMobile: viewport === "phone",
    hasTouch: viewport === "phone",
    timezoneId: "Asia/Tokyo",
    locale: lang === "ja" ? "ja-JP" : "en-US",
    storageState: state,
  });
  return context.newPage();
}

async function settle(page: Page) {
  await page.waitForLoadState("networkidle").catch(() => {});
  // Loaders gone (skeletons and spinners announce themselves with aria-busy or a loader role).
  await page.waitForFunction(() => document.querySelectorAll(".mantine-Loader-root, [aria-busy='true']").length === 0, null, { timeout: 20_000 }).catch(() => {});
  await page.waitForTimeout(800); // charts draw
}

async function shot(page: Page, name: string, fullPage = false) {
  const path = join(OUT, `${name}.png`);
  await page.screenshot({ path, fullPage });
  console.log(`  ${path}`);
}

const want = (what: string) => ONLY.length === 0 || ONLY.includes(what);

/** A tRPC mutation from the signed-in page, as the console sends it. */
async function mutate(page: Page, path: string, input: unknown): Promise<unknown> {
  const res = await page.evaluate(
    async ({ path, input }) => {
      const r = await fetch(`/trpc/${path}`, { method: "POST", headers: { "content-type": "application/json", "x-floodgate-csrf": "1" }, body: JSON.stringify({ json: input }) });
      return { status: r.status, body: await r.json() };
    },
    { path, input },
  );
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  return (res.body as { result: { data: { json: unknown } } }).result.data.json;
}

async function stage(manager: BrowserContext) {
  const page = await manager.newPage();
  await page.goto("/overview");
  const made = (await mutate(page, "suspensions.suspend", {
    bankCodes: ["0168"],
    scopes: ["REGISTRATION", "LINK_CHANGE"],
    reason: "Burst of PIN-only links from new wallets at Chugoku Bank",
  })) as { suspensions?: { id: string }[] } | { id: string }[];
  const list = Array.isArray(made) ? made : (made.suspensions ?? []);
  const id = list[0]?.id;
  if (!id) throw new Error(`suspensions.suspend answered ${JSON.stringify(made).slice(0, 200)}`);
  await mutate(page, "approvals.request", { change: { kind: "LIFT_SUSPENSION", suspensionId: id }, reason: "The bank confirmed its PIN check is fixed" });
  await page.close();
}

async function main() {
  mkdirSync(OUT, { recursive: true });
  const browser = await launchBrowser();
  try {
    const manager = await signIn(browser, "MANAGER");
    if (process.argv.includes("--stage")) await stage(manager);
    const admin = want("audit") || want("admin") ? await signIn(browser, "ADMIN") : null;
    for (const lang of ["en", "ja"] as const) {
      console.log(`[screens] ${lang}`);
      await chooseLanguage(manager, lang);
      if (admin) await chooseLanguage(admin, lang);
      for (const vp of ["desktop", "phone"] as const) {
        const size = `${VIEWPORTS[vp].width}x${VIEWPORTS[vp].height}`;
        const page = await pageAt(browser, manager, vp, lang);
        if (want("overview")) {
          await page.goto("/overview");
          await page.locator("main h2").first().waitFor();
          // The table and the charts follow the KPI tiles in a background render.
          await page.getByTestId("volume-bank-table").waitFor({ timeout: 60_000 });
          await settle(page);
          await shot(page, `overview-${size}-${lang}`);
        }
        if (want("bank") || want("suspend")) {
          await page.goto("/banks/0125");
          await page.getByTestId("bank-suspend").waitFor();
          await settle(page);
          if (want("bank")) await shot(page, `bank-0125-${size}-${lang}`);
          if (want("suspend")) {
            await page.getByTestId("bank-suspend").click();
            await page.getByRole("dialog").waitFor();
            await settle(page);
            await shot(page, `suspend-dialog-0125-${size}-${lang}`);
            await page.keyboard.press("Escape");
          }
        }
        if (want("suspended")) {
          // A suspended bank (0168 after --stage): the shaded period and its label on the charts.
          await page.goto("/banks/0168");
          await page.getByTestId("bank-header").waitFor();
          await page.getByTestId("bank-chart-CHARGE_COUNT").locator("svg").first().waitFor({ timeout: 60_000 });
          await settle(page);
          await shot(page, `bank-0168-${size}-${lang}`);
        }
        if (want("approvals")) {
          await page.goto("/approvals");
          await page.locator("main h2").first().waitFor();
          await settle(page);
          await shot(page, `four-eyes-${size}-${lang}`);
        }
        await page.context().close();
        if (admin && vp === "desktop") {
          const adminPage = await pageAt(browser, admin, vp, lang);
          if (want("audit")) {
            await adminPage.goto("/audit");
            await adminPage.getByTestId("audit-table").waitFor();
            await settle(adminPage);
            await shot(adminPage, `audit-${size}-${lang}`);
            await adminPage.getByTestId("audit-table").locator("tbody tr").first().click();
            await adminPage.getByTestId("audit-detail").waitFor();
            await adminPage.waitForTimeout(600); // the drawer slides in
            await shot(adminPage, `audit-detail-${size}-${lang}`);
          }
          if (want("admin")) {
            for (const tab of ["staff", "keys", "settings"]) {
              await adminPage.goto(tab === "staff" ? "/admin" : `/admin?tab=${tab}`);
              await adminPage.locator("main h2").first().waitFor();
              await settle(adminPage);
              await shot(adminPage, `admin-${tab}-${size}-${lang}`);
            }
          }
          await adminPage.context().close();
        }
      }
    }
  } finally {
    await browser.close();
  }
}

main().catch((err) => {
  console.error(`[screens] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
