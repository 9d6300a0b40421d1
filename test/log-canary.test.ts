// Goal: the server's logs never hold a full bank account number, a holder's name, a password, a
// session token or an API key secret, whatever flows run. Method: canary values that appear
// nowhere else (an account number, names, passwords) go through ingestion, search, compensation,
// exports, staff and key administration, sign-in failures and validation errors; then every log
// line the server wrote (test/helpers/app.ts captures them) is searched for them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import { signedInAs, staffClient } from "./helpers/staff.ts";
import { accountOpened, chargeCompleted, linkRegistered, postEvents } from "./events-fixtures.ts";
import { withClaim } from "./compensation-fixtures.ts";

const ACCOUNT_NUMBER = "8675309";
const HOLDER = "ワタナベ カナリア";
const HOLDER_HALF = "ﾜﾀﾅﾍﾞ ｶﾅﾘｱ";
const STAFF_PASSWORD = "canary-staff-passphrase-41";
const RESET_PASSWORD = "canary-reset-passphrase-42";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

describe("log canary", () => {
  it("no log line holds a full account number, name, password, session token or API key", async () => {
    const secrets: string[] = [ACCOUNT_NUMBER, HOLDER, HOLDER_HALF, STAFF_PASSWORD, RESET_PASSWORD];
    const key = await t.apiKey();
    secrets.push(key);

    // Ingestion: the account, the link to the victim's account, a charge; then the same again
    // with a broken event (rejections name fields, not values).
    const ingested = await postEvents(t.baseUrl, key, {
      events: [
        accountOpened("acc-canary", { holderName: HOLDER }),
        linkRegistered("lnk-canary", "acc-canary", { accountNumber: ACCOUNT_NUMBER, holderName: HOLDER_HALF }),
        chargeCompleted("chg-canary", "lnk-canary", { amountYen: 30_000 }),
      ],
    });
    expect(ingested.status).toBe(200);
    const broken = await postEvents(t.baseUrl, key, { events: [{ ...linkRegistered("lnk-canary-2", "acc-canary", { accountNumber: ACCOUNT_NUMBER }), link: { accountNumber: `${ACCOUNT_NUMBER}0` } }] });
    expect(broken.status).toBeLessThan(500);
    expect((await postEvents(t.baseUrl, key, `{"events":[{"accountNumber":"${ACCOUNT_NUMBER}"`, { raw: true })).status).toBe(400);

    // Staff: search by account number and name, open the victim, request compensation, export.
    const support = await signedInAs(t.baseUrl, "SUPPORT");
    const analyst = await signedInAs(t.baseUrl, "ANALYST");
    const manager = await signedInAs(t.baseUrl, "MANAGER");
    const admin = await signedInAs(t.baseUrl, "ADMIN");
    await analyst.trpc.accounts.markConfirmedFraud.mutate({ accountIds: ["acc-canary"], reason: `fraud against ${HOLDER}` });
    await support.trpc.compensation.victimSearch.query({ bankCode: "0125", accountNumber: ACCOUNT_NUMBER });
    await support.trpc.compensation.victimSearch.query({ bankCode: "0125", accountNumber: `${ACCOUNT_NUMBER}9` }).catch(() => {});
    await analyst.trpc.accounts.list.query({ q: HOLDER }).catch(() => {});
    await analyst.trpc.accounts.get.query({ accountId: "acc-canary" });
    await support.trpc.compensation.create
      .mutate(withClaim({ idempotencyKey: "canary-case-0001", holderName: HOLDER_HALF, lines: [{ chargeId: "chg-canary", amountYen: 30_000 }], reason: `victim ${HOLDER} called` }))
      .catch(() => {});
    const exportRes = await fetch(`${t.baseUrl}/exports/victims.csv?bank=0125`, { headers: { cookie: `fg_session=${manager.jar.get("fg_session")}` } });
    expect(await exportRes.text()).toContain(ACCOUNT_NUMBER); // the file needs it; the logs must not have it

    // Staff and key administration, sign-in failures.
    const created = await admin.trpc.admin.createStaff.mutate({ email: "canary@floodgate.test", name: "Canary", role: "ANALYST", initialPassword: STAFF_PASSWORD, reason: "log canary" });
    const canary = staffClient(t.baseUrl);
    await canary.trpc.auth.signIn.mutate({ email: "canary@floodgate.test", password: STAFF_PASSWORD });
    await staffClient(t.baseUrl).trpc.auth.signIn.mutate({ email: "canary@floodgate.test", password: `${STAFF_PASSWORD}-wrong` }).catch(() => {});
    secrets.push(`${STAFF_PASSWORD}-wrong`);
    await admin.trpc.admin.resetPassword.mutate({ userId: created.id, newPassword: RESET_PASSWORD, reason: "log canary reset" });
    await admin.trpc.admin.createStaff.mutate({ email: "canary2@floodgate.test", name: "C", role: "ANALYST", initialPassword: "short", reason: "too short" }).catch(() => {});
    const newKey = await admin.trpc.admin.createApiKey.mutate({ name: "canary key", reason: "log canary" });
    secrets.push(newKey.secret);
    await fetch(`${t.baseUrl}/api/v1/events`, { method: "POST", headers: { authorization: `Bearer ${newKey.secret}x`, "content-type": "application/json" }, body: "{}" });

    for (const agent of [support, analyst, manager, admin, canary]) {
      const token = agent.jar.get("fg_session");
      if (token) secrets.push(token);
    }
    await new Promise((r) => setTimeout(r, 200)); // let pino flush
    const logs = t.logs.join("");
    expect(t.logs.length).toBeGreaterThan(20); // the server did log these requests
    for (const secret of secrets) {
      const line = t.logs.find((l) => l.includes(secret));
      expect(line, `a log line holds ${secret.slice(0, 12)}…`).toBeUndefined();
    }
    // Nor any other 7-digit run that is an account number we know of.
    const numbers = (await t.db.pool.query<{ n: string }>(`SELECT DISTINCT account_number AS n FROM bank_link`)).rows.map((r) => r.n);
    for (const n of numbers) expect(logs.includes(n), `account number ${n.slice(-3)} in the logs`).toBe(false);
  });
});
