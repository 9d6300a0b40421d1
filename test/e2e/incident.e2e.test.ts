// Goal (#13 §3 and the role-aware part of §4): a manager acts where the incident is. On the bank's
// page at 1440×900 the bank's state and "Suspend…" are visible without scrolling under a banner
// collapsed to one strip; the suspend dialog's default cutoff is the earliest start among the bank's
// open alarms (what the banner shows; here an hour before the first per-series spike, as on the demo
// data where the old spike-based suggestion came an hour late), and it warns when the cutoff the
// manager picks would leave flagged wallets' links grandfathered; a double click on Confirm sends
// one request and shows one message; the banner then shows the bank as suspended. Each role sees
// only the navigation, buttons and links it can use, and a one-line refusal on a page it may not
// use. Method: built SPA on a real server and database, headless Chromium, requests counted by
// Playwright; screenshots go to test-results/.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { browserTestsEnabled, launchBrowser, signInThroughUi } from "../helpers/browser.ts";
import { accountWithLink } from "../suspensions-fixtures.ts";
import type { Role } from "../../shared/auth/roles.ts";

describe.runIf(browserTestsEnabled)("acting where the incident is", () => {
  let t: TestApp;
  let browser: Browser;
  const fiveMin = (msAgo: number) => new Date(Math.floor((Date.now() - msAgo) / 300_000) * 300_000);
  // The alarm at 0125 began four hours ago; charges spiked (per series) three hours ago, links one hour ago.
  const alarmStart = fiveMin(4 * 3600_000);
  const chargeStart = fiveMin(3 * 3600_000);
  const linkStart = fiveMin(3600_000);
  let flaggedAccount = "";

  beforeAll(async () => {
    t = await startTestApp({ serveClient: true });
    browser = await launchBrowser();
    const spike = (bankCode: string, metric: "LINK_REGISTERED" | "CHARGE_COUNT" | "CHARGE_YEN", startedAt: Date, severity: number) => ({
      bankCode, metric, detector: "BURST", startedAt, peakAt: startedAt, peakValue: 40, peakExpected: 2, severity, lastSeenAt: new Date(),
    });
    await t.db.prisma.spike.createMany({
      data: [
        spike("0125", "LINK_REGISTERED", linkStart, 9.5),
        spike("0125", "CHARGE_COUNT", chargeStart, 7.2),
        spike("0125", "CHARGE_YEN", new Date(chargeStart.getTime() + 300_000), 6.1),
        spike("0149", "LINK_REGISTERED", fiveMin(1800_000), 4.0),
      ],
    });
    // The banks' alarms (what the banner lists, most harmful first), as detection would have raised them.
    await t.db.pool.query(
      `INSERT INTO bank_alarm (bank_code, evidence, started_at, confirmed_at, impact_yen_per_hour, last_seen_at)
       VALUES ('0125', 'FRESH_LINKS_CHARGED', $1, $2, 3000000, now()), ('0149', 'FRESH_LINKS_CHARGED', $3, $4, 400000, now())`,
      [alarmStart, new Date(alarmStart.getTime() + 300_000), fiveMin(1800_000), new Date(fiveMin(1800_000).getTime() + 300_000)],
    );
    // Flagged wallets that linked after the alarm began but before any per-series spike: a cutoff at a
    // spike (or at "now") would leave their links grandfathered.
    for (let i = 0; i < 3; i++) {
      const a = await accountWithLink(t.db, "0125", new Date(alarmStart.getTime() + (15 + i) * 60_000), {
        riskScore: 80 + i,
        riskReasons: [{ code: "LINK_SOON_AFTER_OPEN", points: 40, evidence: "linked 2 minutes after opening" }],
      });
      flaggedAccount ||= a.accountId;
    }
    await accountWithLink(t.db, "0125", new Date(Date.now() - 200 * 86_400_000)); // an honest customer
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function pageAs(role: Role, path = "/"): Promise<Page> {
    const context = await browser.newContext({ baseURL: t.baseUrl, viewport: { width: 1440, height: 900 }, timezoneId: "Asia/Tokyo", locale: "en-US" });
    const page = await context.newPage();
    await signInThroughUi(page, role, path);
    return page;
  }

  it("a manager suspends 0125 from its page: Suspend… above the fold, cutoff at the earliest alarm start (as the header shows it), flagged-link warning, one request on a double click, the banner then shows it suspended", async () => {
    const page = await pageAs("MANAGER", "/banks/0125");
    await page.waitForURL("**/banks/0125");
    const header = page.getByTestId("bank-header");
    await header.waitFor();
    // The banner is one strip here, and the header's state and action are visible without scrolling.
    const banner = page.getByTestId("incident-banner");
    await banner.waitFor();
    expect(await banner.getAttribute("data-collapsed")).toBe("true");
    expect((await banner.boundingBox())!.height).toBeLessThan(60);
    await expect(header.getByTestId("bank-spiking-since").textContent()).resolves.toMatch(/^Spiking since \d{4}-\d{2}-\d{2} \d{2}:\d{2} JST$/);
    await expect(header.getByTestId("bank-suspension-state").textContent()).resolves.toBe("Not suspended");
    const suspendButton = header.getByTestId("bank-suspend");
    const box = (await suspendButton.boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(900);
    await page.screenshot({ path: "test-results/incident-bank-header.png" });

    await suspendButton.click();
    const dialog = page.getByTestId("suspend-dialog");
    await dialog.waitFor();
    // The default cutoff is the suggestion: the alarm's start (the banner's), not a per-series spike's;
    // the dialog says where it came from.
    const suggestion = dialog.getByTestId("suggested-cutoff");
    await suggestion.waitFor();
    expect(await suggestion.getAttribute("data-at")).toBe(alarmStart.toISOString());
    await expect(suggestion.textContent()).resolves.toMatch(/^The spike alarm at this bank began \d{4}-\d{2}-\d{2} \d{2}:\d{2} JST \(the start the banner shows\)\./);
    // The same time the header (and the banner) show as the start.
    const since = (await header.getByTestId("bank-spiking-since").textContent())!.replace("Spiking since ", "");
    expect(await suggestion.textContent()).toContain(`began ${since}`);
    const suggested = dialog.getByRole("radio", { name: `Where the attack began: ${since} (suggested)` });
    await expect(suggested.isChecked()).resolves.toBe(true);
    // At the default the three flagged wallets' links are quarantined, none grandfathered: no warning.
    const previewSettled = async (quarantined: number) => {
      await page.waitForFunction((n) => new RegExp(`^${n}Links to quarantine`).test(document.querySelector('[data-testid="preview-quarantine"]')?.textContent ?? ""), quarantined);
      await page.waitForFunction(() => document.querySelector('[data-testid="suspend-preview"]')?.getAttribute("style")?.includes("opacity: 1"));
    };
    await previewSettled(3);
    await expect(dialog.getByRole("checkbox", { name: /Quarantine links registered/ }).isChecked()).resolves.toBe(true);
    expect(await dialog.getByTestId("flagged-grandfathered-warning").count()).toBe(0);
    // A later cutoff (the suspension's start, now) would leave them grandfathered: warned, with the count.
    await dialog.getByRole("radio", { name: "When the suspension starts" }).check();
    await expect(dialog.getByTestId("flagged-grandfathered-warning").textContent()).resolves.toContain("3 links of flagged wallets would stay grandfathered");
    await page.screenshot({ path: "test-results/incident-suspend-dialog-later-cutoff.png" });
    // Back to the suggestion.
    await suggested.check();
    await previewSettled(3);
    expect(await dialog.getByTestId("flagged-grandfathered-warning").count()).toBe(0);

    await dialog.getByLabel("Reason").fill("Charges then links spiking at the PIN-only page; bank agreed by phone");
    const confirm = page.getByTestId("confirm-suspend");
    await page.waitForFunction(() => {
      const b = document.querySelector('[data-testid="confirm-suspend"]') as HTMLButtonElement | null;
      return b !== null && !b.disabled && (b.textContent ?? "").startsWith("Suspend registrations");
    });
    await page.screenshot({ path: "test-results/incident-suspend-dialog.png" });
    // Procedure calls, not HTTP requests: tRPC batches calls made in the same tick into one request.
    const suspendCalls: string[] = [];
    page.on("request", (r) => {
      const procs = decodeURIComponent(new URL(r.url()).pathname.replace(/^\/trpc\//, "")).split(",");
      suspendCalls.push(...procs.filter((p) => p === "suspensions.suspend"));
    });
    // Every notification and alert shown from here on, kept even after it closes by itself.
    await page.evaluate(() => {
      const w = window as unknown as { shown: { notifications: string[]; alerts: string[] } };
      w.shown = { notifications: [], alerts: [] };
      new MutationObserver((records) => {
        for (const r of records)
          for (const n of r.addedNodes) {
            if (!(n instanceof HTMLElement)) continue;
            const all = [n, ...n.querySelectorAll<HTMLElement>("*")];
            for (const e of all.filter((x) => x.matches(".mantine-Notification-root"))) w.shown.notifications.push(e.textContent ?? "");
            for (const e of all.filter((x) => x.matches('[role="alert"]:not(.mantine-Notification-root)'))) w.shown.alerts.push(e.textContent ?? "");
          }
      }).observe(document.body, { childList: true, subtree: true });
    });
    // The fastest double click there is: two clicks in one task, before React can re-render.
    await confirm.evaluate((b: HTMLElement) => {
      b.click();
      b.click();
    });
    await page.getByText("Suspended", { exact: true }).first().waitFor();
    await dialog.waitFor({ state: "detached" });
    await page.waitForTimeout(1000); // a second request or message, if there were one, would show by now
    expect(suspendCalls).toHaveLength(1);
    expect(await t.db.prisma.suspension.count({ where: { bankCode: "0125" } })).toBe(1);
    // One message: the success, and no refusal of a second attempt.
    const shown = await page.evaluate(() => (window as unknown as { shown: { notifications: string[]; alerts: string[] } }).shown);
    expect(shown.notifications).toEqual(["SuspendedThe 77 Bank: 3 links quarantined."]);
    expect(shown.alerts.filter((a) => /nothing was suspended|already|someone suspended/i.test(a))).toEqual([]);

    // The banner and the header show the suspension at once.
    await page.waitForFunction(() => document.querySelector('[data-testid="banner-state-0125"]')?.textContent === "suspended");
    await expect(header.getByTestId("bank-suspension-state").textContent()).resolves.toMatch(/^Suspended since .* JST: registrations and link changes$/);
    // The charts shade it at once, from its start: it began after the last bucket's point (the plot's
    // right edge), so it is a strip at that edge until the next bucket, not nothing.
    const started = (await t.db.prisma.suspension.findFirstOrThrow({ where: { bankCode: "0125" } })).startsAt.getTime();
    const sameBucket = Math.floor(started / 300_000) === Math.floor(Date.now() / 300_000);
    const chart = page.getByTestId("bank-chart-LINK_REGISTERED");
    await chart.getByTestId("chart-region").first().waitFor({ timeout: 5_000 });
    if (sameBucket) {
      const plotRight = await chart.locator("svg line").first().evaluate((l) => Number(l.getAttribute("x2")));
      const region = await chart.getByTestId("chart-region").first().evaluate((r) => ({ x: Number(r.getAttribute("x")), w: Number(r.getAttribute("width")) }));
      expect(region.x + region.w).toBeCloseTo(plotRight, 1);
      expect(region.w).toBeGreaterThan(0);
    }
    await page.screenshot({ path: "test-results/incident-bank-suspended.png" });

    // On the overview the banner is one line per bank, most severe first, each with its state; the
    // manager can open the suspend dialog from it.
    await page.goto("/overview");
    await page.getByTestId("banner-bank-0149").waitFor();
    expect(await banner.getAttribute("data-collapsed")).toBe("false");
    const order = await banner.locator('[data-testid^="banner-bank-"]').evaluateAll((els) => els.map((e) => e.getAttribute("data-testid")));
    expect(order).toEqual(["banner-bank-0125", "banner-bank-0149"]);
    await expect(banner.getByTestId("banner-state-0125").textContent()).resolves.toMatch(/^suspended since .* JST: registrations and link changes$/);
    await expect(banner.getByTestId("banner-state-0149").textContent()).resolves.toBe("not suspended");
    expect(await banner.getByTestId("banner-suspend-0125").count()).toBe(0);
    await banner.getByTestId("banner-suspend-0149").click();
    await page.getByTestId("suspend-dialog").getByText("Banks: Shizuoka Bank (0149)").waitFor();
    await page.screenshot({ path: "test-results/incident-banner-overview.png" });
    await page.context().close();
  }, 120_000);

  const NAV = ["Overview", "Accounts", "Suspensions", "Quarantine", "Bank register", "Compensation", "Approvals", "Payouts", "Audit log", "Feed health", "Four eyes", "Administration", "Webhooks", "Regulator report"];
  // acknowledge: "Acknowledge…" on the bank's open alarm; freeze: the account actions (null: no account page).
  const cases: Array<{ role: Role; nav: string[]; forbidden: string; suspend: boolean; acknowledge: boolean; accountLinks: boolean; compensate: boolean | null; freeze: boolean | null }> = [
    { role: "ANALYST", nav: ["Overview", "Accounts", "Suspensions", "Quarantine", "Bank register", "Audit log", "Feed health", "Regulator report"], forbidden: "/compensation", suspend: false, acknowledge: true, accountLinks: true, compensate: false, freeze: true },
    { role: "SUPPORT", nav: ["Overview", "Suspensions", "Bank register", "Compensation", "Audit log"], forbidden: "/accounts", suspend: false, acknowledge: false, accountLinks: false, compensate: null, freeze: null },
    { role: "MANAGER", nav: ["Overview", "Accounts", "Suspensions", "Quarantine", "Bank register", "Compensation", "Approvals", "Payouts", "Audit log", "Feed health", "Four eyes", "Regulator report"], forbidden: "/admin", suspend: true, acknowledge: true, accountLinks: true, compensate: true, freeze: true },
    { role: "ADMIN", nav: ["Overview", "Accounts", "Suspensions", "Quarantine", "Bank register", "Compensation", "Audit log", "Feed health", "Four eyes", "Administration", "Webhooks"], forbidden: "/compensation/approvals", suspend: false, acknowledge: false, accountLinks: true, compensate: false, freeze: false },
  ];

  for (const c of cases) {
    it(`${c.role} sees only what it can use: navigation, Suspend…, Acknowledge…, account links, Freeze, Compensate, and one line on ${c.forbidden}`, async () => {
      const page = await pageAs(c.role);
      await page.locator('nav[aria-label="Main"] a').first().waitFor();
      const nav = await page.locator('nav[aria-label="Main"] a').evaluateAll((els) => els.map((e) => (e as HTMLElement).innerText.split("\n")[0].trim()));
      expect(nav).toEqual(NAV.filter((n) => c.nav.includes(n)));

      await page.goto("/banks/0125");
      await page.getByTestId("bank-header").waitFor();
      await page.getByTestId("bank-recent-links").waitFor();
      expect(await page.getByTestId("bank-suspend").count()).toBe(c.suspend ? 1 : 0);
      await page.getByTestId("bank-alarms").locator('[data-testid^="bank-alarm-ack-"]').first().waitFor();
      expect(await page.getByTestId("bank-alarms").locator('[data-testid^="acknowledge-"]').count() > 0).toBe(c.acknowledge);
      expect(await page.getByTestId("bank-recent-links").locator('a[href^="/accounts/"]').count() > 0).toBe(c.accountLinks);
      expect(await page.getByTestId("bank-flagged-link").count()).toBe(c.accountLinks ? 1 : 0);
      if (!c.accountLinks) await page.getByTestId("bank-recent-links").getByTestId("account-id-text").first().waitFor();

      if (c.compensate !== null) {
        await page.goto(`/accounts/${flaggedAccount}`);
        await page.getByText("Linked fast").first().waitFor(); // the rule's one label
        expect(await page.getByRole("link", { name: "Compensate the victims of this wallet" }).count()).toBe(c.compensate ? 1 : 0);
        expect(await page.getByRole("button", { name: /^(Freeze|Unfreeze)$/ }).count()).toBe(c.freeze ? 1 : 0);
      }

      await page.goto(c.forbidden);
      const refusal = page.getByTestId("page-forbidden");
      await refusal.waitFor();
      await expect(refusal.textContent()).resolves.toMatch(/^Your role \(.+\) cannot use this page\.$/);
      await page.screenshot({ path: `test-results/incident-forbidden-${c.role.toLowerCase()}.png` });

      await page.goto("/no/such/page");
      await page.getByTestId("page-not-found").getByText("Page not found").waitFor();
      await page.goto("/banks/9998");
      await page.getByTestId("page-not-found").getByText("Bank not found").waitFor();
      if (c.role === "ANALYST") {
        await page.goto("/accounts/no-such-wallet");
        await page.getByTestId("page-not-found").getByText("Account not found").waitFor();
      }
      await page.context().close();
    }, 60_000);
  }

  // Last: its alarm strip would sit on every later page. (#15)
  it("charges nobody asked the decision API about raise a feed alarm on every page, listed on Feed health", async () => {
    const key = await t.apiKey();
    const asked = await accountWithLink(t.db, "0009", new Date(Date.now() - 30 * 86_400_000));
    const skipped = await accountWithLink(t.db, "0009", new Date(Date.now() - 30 * 86_400_000));
    const post = (path: string, body: unknown) =>
      fetch(`${t.baseUrl}${path}`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body: JSON.stringify(body) });
    expect((await post("/api/v1/decisions/charge", { linkId: asked.linkId, amountYen: 4_000 })).status).toBe(200);
    const now = Date.now();
    const charge = (linkId: string, i: number) => ({ id: `feed-e2e-ev-${i}`, type: "charge.completed", occurredAt: new Date(now + i).toISOString(), charge: { id: `feed-e2e-chg-${i}`, linkId, amountYen: 4_000 } });
    expect((await post("/api/v1/events", { events: [charge(asked.linkId, 0), ...[1, 2, 3].map((i) => charge(skipped.linkId, i))] })).status).toBe(200);

    const page = await pageAs("ANALYST", "/overview");
    const strip = page.getByTestId("feed-alarm-banner");
    await strip.waitFor();
    await expect(strip.textContent()).resolves.toContain("3 charges in the last 15 minutes that nobody asked the decision API about");
    await strip.getByRole("link", { name: "Open feed health" }).click();
    await page.waitForURL("**/feeds");
    await page.getByTestId("feed-alarm-UNASKED-0009").waitFor();
    const row = page.getByTestId("feed-row-0009-charge.completed");
    await expect(row.textContent()).resolves.toContain("Not asked");
    await expect(row.textContent()).resolves.toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} JST/);
    expect(await page.locator("main").textContent()).not.toContain("JST JST");
    expect(await page.getByTestId("feed-alarm-banner").count()).toBe(0); // the page lists them itself
    await page.screenshot({ path: "test-results/feed-health.png", fullPage: true });
    await page.context().close();
  }, 60_000);
});
