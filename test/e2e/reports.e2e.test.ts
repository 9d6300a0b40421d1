// Goal (#18): in the browser a manager opens the regulator report, sees a bank's figures and
// measures as of now and as of a chosen earlier time, downloads the CSV and the bank's evidence
// pack (a ZIP with the debits, wallets, measures and victims files), and the pack's download is in
// the audit log. Method: built SPA on a real server on its own database, headless Chromium.
import { readFile } from "node:fs/promises";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { browserTestsEnabled, launchBrowser, newPage, signInThroughUi } from "../helpers/browser.ts";
import { signedInAs } from "../helpers/staff.ts";
import { fraudScenario, key, withClaim } from "../compensation-fixtures.ts";
import { readZip } from "../../server/lib/zip.ts";

describe.runIf(browserTestsEnabled)("the regulator report and the evidence pack, in the browser", () => {
  let t: TestApp;
  let browser: Browser;
  const BANK = "0157";

  beforeAll(async () => {
    t = await startTestApp({ serveClient: true });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it("a manager reads the report as of a time, prints-ready, and downloads the CSV and the bank's pack", async () => {
    const support = await signedInAs(t.baseUrl, "SUPPORT");
    const manager = await signedInAs(t.baseUrl, "MANAGER");
    const s = await fraudScenario(t.db.prisma, [12_000, 8_000], { bankCode: BANK });
    const { caseId } = await support.trpc.compensation.create.mutate(withClaim({ idempotencyKey: key(), holderName: s.victim.holderName, lines: [{ chargeId: s.chargeIds[0], amountYen: 12_000 }], reason: "Victim reported withdrawals they did not make" }));
    await manager.trpc.compensation.approve.mutate({ caseId, reason: "Checked the statement" });
    const m = await t.db.prisma.staffUser.findFirstOrThrow({ where: { email: manager.user.email } });
    await t.db.prisma.suspension.create({ data: { id: randomUUID(), bankCode: BANK, scopes: ["CHARGE"], startsAt: new Date("2026-12-01T00:00:00Z"), cutoffAt: new Date("2026-12-01T00:00:00Z"), reason: "Spike of fraudulent charges", createdById: m.id } });

    const page = await newPage(browser, t.baseUrl);
    await signInThroughUi(page, "MANAGER");
    await page.waitForURL("**/overview");
    await page.getByRole("link", { name: "Regulator report" }).click();
    await page.waitForURL("**/reports/regulator");
    const row = page.getByTestId(`regulator-${BANK}`);
    await row.waitFor();
    expect(await row.innerText()).toContain("¥20,000"); // taken
    expect(await row.innerText()).toContain("¥12,000"); // pending
    await expect.poll(() => page.getByTestId("regulator-measures").textContent()).toContain("in force");
    await page.screenshot({ path: "test-results/regulator-report.png", fullPage: true });

    // As of a time before these charges (2020-09-05 10:05 JST): nothing for this bank yet.
    await page.getByTestId("as-of").fill("2020-09-05T09:00");
    await page.waitForURL(/asOf=2020-09-05T09%3A00/);
    await row.waitFor({ state: "detached" });

    await page.getByTestId("as-of").fill("");
    await row.waitFor();
    const [csv] = await Promise.all([page.waitForEvent("download"), page.getByTestId("regulator-csv").click()]);
    expect(csv.suggestedFilename()).toMatch(/^regulator-report-\d{8}-\d{4}JST\.csv$/);
    expect(await readFile((await csv.path())!, "utf8")).toMatch(new RegExp(`,${BANK},.*,1,2,20000,1,0,12000,0,8000,1`));

    const [pack] = await Promise.all([page.waitForEvent("download"), page.getByTestId(`pack-${BANK}`).click()]);
    expect(pack.suggestedFilename()).toMatch(new RegExp(`^evidence-${BANK}-\\d{8}-\\d{4}JST\\.zip$`));
    const files = new Map(readZip(await readFile((await pack.path())!)).map((e) => [e.name, Buffer.from(e.data).toString("utf8")]));
    expect([...files.keys()]).toEqual(["README.txt", "debits.csv", "wallets.csv", "measures.csv", "victims.csv"]);
    expect(files.get("debits.csv")).toContain(s.chargeIds[1]);
    expect(files.get("victims.csv")!.split("\r\n")[1]).toMatch(/,2,20000,0,12000,0,8000,IN_PROGRESS$/);
    expect(await t.db.prisma.auditEvent.count({ where: { action: "reports.evidencePack", targetId: BANK, actorRole: "MANAGER" } })).toBe(1);
  });
});
