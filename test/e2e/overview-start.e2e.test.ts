// Goal (#13 §2, first data ≤ 1.5 s): opened at /overview, the console's first answers (session
// check, KPI tiles, whole overview) are asked for by index.html's inline script while the console's
// code loads, the browser runs that script under the server's CSP (allowed by its hash, nothing else
// inline), and the console takes those answers instead of asking again: one request each.
// Method: built SPA served by a real server (its CSP header), real Chromium, an analyst signed in;
// a fresh navigation to /overview with every request and console message recorded.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { browserTestsEnabled, launchBrowser, newPage, signInThroughUi } from "../helpers/browser.ts";

describe.runIf(browserTestsEnabled)("the overview's first answers", () => {
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

  it("are asked for once, before the console's code has run, and shown", async () => {
    const page = await newPage(browser, t.baseUrl);
    page.setDefaultTimeout(60_000);
    await signInThroughUi(page, "ANALYST");
    await page.waitForURL("**/overview");
    await page.goto("about:blank");

    const asked: Array<{ procedures: string[]; at: number }> = [];
    const problems: string[] = [];
    page.on("request", (r) => {
      const u = new URL(r.url());
      if (u.pathname.startsWith("/trpc/")) asked.push({ procedures: decodeURIComponent(u.pathname.slice(6)).split(","), at: Date.now() });
    });
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    await page.goto("/overview?range=6h");
    await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid="kpi-links"]')?.textContent ?? ""));
    await page.getByTestId("volume-bank-table").waitFor();

    // The inline script ran (the CSP let it) and each of its answers was taken by the console.
    const early = await page.evaluate(() => {
      const e = (window as unknown as { __floodgateEarly?: Record<string, unknown> }).__floodgateEarly;
      return e ? Object.fromEntries(Object.entries(e).map(([k, v]) => [k, v === undefined ? "taken" : "left"])) : null;
    });
    expect(early).toEqual({ "auth.me": "taken", "volume.overviewKpis": "taken", "volume.overview": "taken" });
    // One request each, not the script's and then the console's own (the overview's next one is its
    // refresh, 5 s later).
    for (const procedure of ["auth.me", "volume.overviewKpis", "volume.overview"]) {
      const times = asked.filter((a) => a.procedures.includes(procedure)).map((a) => a.at);
      expect(times.length, procedure).toBeGreaterThanOrEqual(1);
      if (procedure !== "volume.overview") expect(times, procedure).toHaveLength(1);
      else expect(times.slice(1).every((at) => at - times[0] >= 4_000), `${procedure} at ${times.map((at) => at - times[0]).join(", ")} ms`).toBe(true);
    }
    expect(problems.filter((p) => /Content Security Policy|Refused to execute/i.test(p))).toEqual([]);

    // Signed out, the same address goes to sign-in as before (the early answers fail quietly).
    await page.context().clearCookies();
    await page.goto("/overview");
    await page.getByLabel("Email").waitFor();
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    expect(new URL(page.url()).searchParams.get("expired")).toBeNull();
    await page.context().close();
  }, 120_000);
});
