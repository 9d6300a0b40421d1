// Goal (#17 "monitoring proposes, a person decides"): the spike detection finds the attack on The 77
// Bank (PIN-only), the proposals job proposes a suspension, the manager sees "Proposed: suspend … at
// The 77 Bank from … — Review" on the page they look at first, reviews it with the preview, edits the
// cutoff (ten minutes earlier) and confirms with a reason; the bank is suspended with that cutoff,
// and the bank's timeline shows the spike's start, the proposal and the decision with the minutes
// between.
// Method: demo data (8 days at scale 0.15, The 77 Bank's attack begun 3 h ago) through the ingestion
// service and the volume backfill (what `npm start` does: real detection, real spikes); the proposals
// job run by the real job runner; the built console in Chromium against a real server.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { browserTestsEnabled, launchBrowser, newPage, signInThroughUi } from "../helpers/browser.ts";
import { startBackgroundJobs, type JobRunner } from "../../server/jobs.ts";
import { proposalsJob, proposeFromOpenSpikes } from "../../server/features/proposals/create.ts";
import { attacksWithRecentPrimary, loadDemoWithSpikes } from "../volume-fixtures.ts";
import { parseJstInput, toJstInput } from "../../client/features/suspensions/jst-input.ts";

const SCREENSHOTS = path.join(process.cwd(), "test-results");

describe.runIf(browserTestsEnabled)("proposed actions in the browser", () => {
  let t: TestApp;
  let browser: Browser;
  let jobs: JobRunner | undefined;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    t = await startTestApp({ serveClient: true });
    await loadDemoWithSpikes(t.db, { seed: 42, scale: 0.15, days: 8, attacks: attacksWithRecentPrimary(3) });
    const started = Date.now();
    jobs = startBackgroundJobs(t.db, t.app.log, { jobs: [proposalsJob], instanceId: "e2e-proposals" });
    // Measured (README): from the job runner's start to the proposals being committed, and a run with nothing new.
    for (;;) {
      const { rows } = await t.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM action_proposal WHERE bank_code = '0125'`);
      if (rows[0].n > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const firstMs = Date.now() - started;
    const idleMs: number[] = [];
    let idle = { created: [] as string[] };
    for (let i = 0; i < 5; i++) {
      const idleStart = performance.now();
      idle = await proposeFromOpenSpikes(t.db);
      idleMs.push(Math.round(performance.now() - idleStart));
    }
    const proposed = (await t.db.pool.query<{ bank_code: string }>(`SELECT bank_code FROM action_proposal ORDER BY bank_code`)).rows.map((r) => r.bank_code);
    console.log(`[measure] proposals: first run committed within ${firstMs} ms of the job runner starting (banks ${proposed.join(", ")}); runs with nothing new ${idleMs.join(", ")} ms, created ${idle.created.length}`);
    browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    await jobs?.stop();
    await browser?.close();
    await t?.close();
  });

  it("a spike at 0125 produces one proposal; the manager edits its cutoff and confirms; the timeline shows spike, proposal and decision", async () => {
    const page = await newPage(browser, t.baseUrl);
    page.setDefaultTimeout(60_000);
    await signInThroughUi(page, "MANAGER");
    await page.waitForURL("**/overview");
    const line = page.getByTestId("proposal-0125");
    await line.waitFor({ timeout: 60_000 });
    expect(await line.textContent()).toMatch(/^Proposed: suspend registrations and link changes at The 77 Bank from \d{4}-\d{2}-\d{2} \d{2}:\d{2} JST/);
    const [proposal] = (await t.db.pool.query<{ id: string; cutoff_at: Date; n: number }>(`SELECT id::text, cutoff_at, count(*) OVER ()::int AS n FROM action_proposal WHERE bank_code = '0125'`)).rows;
    expect(proposal.n).toBe(1);
    await page.screenshot({ path: path.join(SCREENSHOTS, "proposal-banner.png") });

    await page.getByTestId("review-proposal-0125").click();
    const dialog = page.getByTestId("proposal-dialog");
    await dialog.waitFor();
    expect(await dialog.getByTestId("proposal-why").textContent()).toMatch(/the threshold at a bank whose link page asks for PIN only is 5/);
    // the live preview of the suspend dialog
    await dialog.getByTestId("suspend-preview").waitFor();
    // typed to the minute, as a person types it
    const editedCutoff = parseJstInput(toJstInput(new Date(proposal.cutoff_at.getTime() - 10 * 60_000)))!;
    await dialog.getByRole("radio", { name: "Another time (JST)" }).check();
    await dialog.getByTestId("proposal-cutoff-input").fill(toJstInput(editedCutoff));
    await dialog.getByTestId("proposal-reason").fill("Phishing wave at The 77 Bank: stop new links from ten minutes before the alarm");
    const confirm = page.getByTestId("confirm-proposal");
    await page.waitForFunction(() => {
      const b = document.querySelector('[data-testid="confirm-proposal"]') as HTMLButtonElement | null;
      return b !== null && !b.disabled;
    });
    expect(await confirm.textContent()).toContain(`cutoff ${toJstInput(editedCutoff)} JST`);
    await page.screenshot({ path: path.join(SCREENSHOTS, "proposal-review.png"), fullPage: true });
    await confirm.click();
    await dialog.waitFor({ state: "detached" });
    await line.waitFor({ state: "detached" });

    const s = (await t.db.pool.query<{ scopes: string; cutoff_at: Date }>(`SELECT scopes::text, cutoff_at FROM suspension WHERE bank_code = '0125'`)).rows;
    expect(s).toEqual([{ scopes: "{REGISTRATION,LINK_CHANGE}", cutoff_at: editedCutoff }]);
    expect((await t.db.pool.query(`SELECT status FROM action_proposal WHERE bank_code = '0125'`)).rows).toEqual([{ status: "CONFIRMED" }]);

    await page.goto("/banks/0125");
    const decided = page.getByTestId("proposals-panel").getByTestId("bank-proposal-CONFIRMED");
    await decided.waitFor();
    const decidedText = await decided.innerText();
    expect(decidedText).toMatch(/Proposed: suspend registrations and link changes at The 77 Bank from .+ JST/);
    expect(decidedText).toMatch(/Confirmed by .+ at .+ JST: Phishing wave at The 77 Bank/);
    const timeline = page.getByTestId("bank-timeline");
    await timeline.getByText("Proposed suspension confirmed").waitFor();
    const text = (await timeline.innerText()).split("\n");
    // the proposal says how long after the spike began it came; the decision how long after the proposal
    expect(text.some((l) => /^Proposed: suspend registrations and link changes from cutoff .+ JST; \d+ min after the spike began \(.+ JST\)$/.test(l))).toBe(true);
    expect(text.some((l) => /^Phishing wave at The 77 Bank: .+; \d+ min after the proposal, \d+ min after the spike began \(.+ JST\)$/.test(l))).toBe(true);
    expect(text.filter((l) => l === "Suspension proposed by monitoring")).toHaveLength(1);
    expect(text.some((l) => l.startsWith("Spike began"))).toBe(true);
    await timeline.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, "proposal-timeline.png"), fullPage: true });
  }, 240_000);
});
