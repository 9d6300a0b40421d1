// Goal: the accounts table, account page, staff actions, likely victims, CSV exports and the
// platform's flagged-accounts API behave as an analyst, a manager and the wallet platform rely on:
// filters return exactly the matching accounts, keyset pages never skip or repeat a row (forwards or
// back), actions need a reason and leave an audit record, and personal searches stay out of logs.
// Method: demo-generator data loaded through the real ingestion service (with the accounts
// post-load rescoring) into a real PostgreSQL, a real Fastify server, signed-in staff over HTTP.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import { errorCodeOf, signedInAs } from "./helpers/staff.ts";
import { loadDemoData } from "../server/features/events/demo-load.ts";
import { afterBatchRescoreStats, scoringSettled, setRescoreRoundWindow } from "../server/features/accounts/hooks.ts";
import { postEvents } from "./events-fixtures.ts";
import type { DemoLabels } from "../server/features/events/demo/index.ts";
import { toHalfWidthKatakana } from "../server/features/events/demo/names.ts";
import { DEFAULT_FLAG_THRESHOLD } from "../shared/accounts/index.ts";
import { RING_REASON_CODES } from "../shared/accounts/ring.ts";
import type { AccountRow, ListAccountsInput } from "../shared/accounts/schemas.ts";
import type { Role } from "../shared/auth/roles.ts";

let t: TestApp;
let labels: DemoLabels;
let analyst: Awaited<ReturnType<typeof signedInAs>>;
let manager: Awaited<ReturnType<typeof signedInAs>>;
let support: Awaited<ReturnType<typeof signedInAs>>;
const NOW = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000);

const q = <T,>(text: string, values: unknown[] = []) => t.db.pool.query(text, values).then((r) => r.rows as T[]);

beforeAll(async () => {
  t = await startTestApp();
  const labelsFile = path.join(mkdtempSync(path.join(tmpdir(), "fg-accounts-")), "labels.json");
  await loadDemoData(t.db, { seed: 11, scale: 0.03, now: NOW, log: () => {}, labelsFile });
  labels = JSON.parse(readFileSync(labelsFile, "utf8")) as DemoLabels;
  [analyst, manager, support] = await Promise.all([signedInAs(t.baseUrl, "ANALYST"), signedInAs(t.baseUrl, "MANAGER"), signedInAs(t.baseUrl, "SUPPORT")]);
}, 300_000);

afterAll(async () => {
  await t?.close();
});

/** Every page of a listing, walking forwards with nextCursor. */
async function walk(input: ListAccountsInput) {
  const pages: AccountRow[][] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 1000; i++) {
    const page = await analyst.trpc.accounts.list.query({ ...input, cursor, direction: "next" });
    pages.push(page.rows);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return pages;
}

describe("accounts table: keyset pagination", () => {
  const orders: { sort: "score" | "openedAt" | "flaggedAt"; dir: "asc" | "desc"; sql: string; where?: string; limit: number }[] = [
    { sort: "score", dir: "desc", sql: "risk_score DESC, id ASC", limit: 17 },
    { sort: "score", dir: "asc", sql: "risk_score ASC, id DESC", limit: 17 },
    { sort: "openedAt", dir: "desc", sql: "opened_at DESC, id DESC", limit: 17 },
    { sort: "openedAt", dir: "asc", sql: "opened_at ASC, id ASC", limit: 17 },
    { sort: "flaggedAt", dir: "desc", sql: "flagged_at DESC, id ASC", where: "flagged_at IS NOT NULL", limit: 4 },
    { sort: "flaggedAt", dir: "asc", sql: "flagged_at ASC, id DESC", where: "flagged_at IS NOT NULL", limit: 4 },
  ];
  it.each(orders)("sort $sort $dir: pages cover the filtered set exactly once, in order, and previous pages come back the same", async (o) => {
    const filter = { scoreMin: 5 };
    const expected = (await q<{ id: string }>(`SELECT id FROM wallet_account WHERE risk_score >= 5 ${o.where ? `AND ${o.where}` : ""} ORDER BY ${o.sql}`)).map((r) => r.id);
    expect(expected.length).toBeGreaterThan(2 * o.limit);
    const pages = await walk({ ...filter, sort: o.sort, dir: o.dir, limit: o.limit });
    expect(pages.flat().map((r) => r.id)).toEqual(expected);
    // Walk back from the last page with prevCursor: every page returns exactly as it was.
    for (let i = pages.length - 1; i > 0; i--) {
      const back = await analyst.trpc.accounts.list.query({ ...filter, sort: o.sort, dir: o.dir, limit: o.limit, cursor: pages[i][0].cursor, direction: "prev" });
      expect(back.rows.map((r) => r.id)).toEqual(pages[i - 1].map((r) => r.id));
      expect(back.nextCursor).not.toBeNull();
      expect(back.prevCursor === null).toBe(i - 1 === 0);
    }
  });

  it("refuses a cursor from another sort order with words", async () => {
    const page = await analyst.trpc.accounts.list.query({ sort: "score", dir: "desc", limit: 5 });
    const err = await analyst.trpc.accounts.list.query({ sort: "openedAt", dir: "desc", cursor: page.nextCursor! }).catch((e) => e);
    expect(err.data.code).toBe("VALIDATION_FAILED");
    expect(err.message).toMatch(/first page/);
  });
});

describe("accounts table: filters and count", () => {
  it("bank=0125 lists exactly the accounts that linked a 77 Bank account, flagged fraud first", async () => {
    const expected = (await q<{ id: string }>(
      `SELECT DISTINCT l.account_id AS id FROM bank_link l JOIN bank_link_version v ON v.link_id = l.id WHERE v.bank_code = '0125'`,
    )).map((r) => r.id).sort();
    const rows = (await walk({ bank: "0125", limit: 100 })).flat();
    expect(rows.map((r) => r.id).sort()).toEqual(expected);
    const top = rows.slice(0, 5);
    const fraud = new Set(labels.fraudAccountIds);
    expect(top.every((r) => r.score >= DEFAULT_FLAG_THRESHOLD && fraud.has(r.id))).toBe(true);
    expect(top[0].reasons.length).toBeGreaterThan(1);
    const count = await analyst.trpc.accounts.count.query({ bank: "0125" });
    expect(count).toEqual({ count: expected.length, capped: false });
  });

  it("filters by score range, reason, label, status and opened/linked windows", async () => {
    const inRange = (await walk({ scoreMin: 20, scoreMax: 40, limit: 100 })).flat();
    expect(inRange.length).toBeGreaterThan(0);
    expect(inRange.every((r) => r.score >= 20 && r.score <= 40)).toBe(true);
    expect(inRange.length).toBe((await q(`SELECT 1 FROM wallet_account WHERE risk_score BETWEEN 20 AND 40`)).length);

    const mismatched = (await walk({ reason: "NAME_MISMATCH", limit: 100 })).flat();
    expect(mismatched.length).toBeGreaterThan(0);
    expect(mismatched.every((r) => r.reasons.some((x) => x.code === "NAME_MISMATCH"))).toBe(true);
    expect(mismatched.length).toBe((await q(`SELECT 1 FROM wallet_account WHERE risk_reasons @> '[{"code":"NAME_MISMATCH"}]'`)).length);

    const since = new Date(NOW.getTime() - 24 * 3_600_000);
    const recent = (await walk({ openedFrom: since, limit: 100 })).flat();
    expect(recent.every((r) => r.openedAt.getTime() >= since.getTime())).toBe(true);
    expect(recent.length).toBe((await q(`SELECT 1 FROM wallet_account WHERE opened_at >= $1`, [since])).length);

    const linkedRecently = (await walk({ bank: "0125", linkedFrom: since, limit: 100 })).flat();
    expect(linkedRecently.length).toBe(
      (await q(`SELECT DISTINCT l.account_id FROM bank_link l JOIN bank_link_version v ON v.link_id = l.id WHERE v.bank_code = '0125' AND v.valid_from >= $1`, [since])).length,
    );

    const [target] = (await walk({ bank: "0125", limit: 100 })).flat();
    await analyst.trpc.accounts.markConfirmedFraud.mutate({ accountIds: [target.id], reason: "filter test: confirmed by the bank" });
    const labelled = (await walk({ label: "CONFIRMED_FRAUD", limit: 100 })).flat();
    expect(labelled.map((r) => r.id)).toContain(target.id);
    expect(labelled.every((r) => r.reviewLabel === "CONFIRMED_FRAUD")).toBe(true);
    const unreviewed = await analyst.trpc.accounts.list.query({ label: "NONE", limit: 100 });
    expect(unreviewed.rows.some((r) => r.id === target.id)).toBe(false);
  });

  it("searches by holder name in any width or spacing, by account id and by bank account number", async () => {
    const [acc] = await q<{ id: string; holder_name: string }>(
      `SELECT id, holder_name FROM wallet_account WHERE holder_name ~ '^[ァ-ヶー]+ [ァ-ヶー]+$' ORDER BY id LIMIT 1`,
    );
    const given = acc.holder_name.split(" ")[1];
    // half-width katakana typed by an analyst finds the full-width name
    const halfWidth = toHalfWidthKatakana(given);
    expect(halfWidth).not.toBe(given);
    const byName = (await walk({ q: halfWidth, limit: 100 })).flat();
    expect(byName.map((r) => r.id)).toContain(acc.id);

    const byId = await analyst.trpc.accounts.list.query({ q: acc.id });
    expect(byId.rows.map((r) => r.id)).toEqual([acc.id]);

    const [link] = await q<{ account_id: string; account_number: string }>(`SELECT account_id, account_number FROM bank_link ORDER BY id LIMIT 1`);
    const byNumber = await analyst.trpc.accounts.list.query({ q: link.account_number });
    expect(byNumber.rows.map((r) => r.id)).toContain(link.account_id);

    // a bank holder's name finds the wallet that linked that bank account (the victim's name)
    const [victimLink] = await q<{ account_id: string; holder_name: string }>(
      `SELECT l.account_id, l.holder_name FROM bank_link l JOIN wallet_account a ON a.id = l.account_id
       WHERE l.holder_name_normalized <> a.holder_name_normalized ORDER BY l.id LIMIT 1`,
    );
    const byVictim = (await walk({ q: victimLink.holder_name, limit: 100 })).flat();
    expect(byVictim.map((r) => r.id)).toContain(victimLink.account_id);

    const none = await analyst.trpc.accounts.list.query({ q: "ゾゾゾゾゾゾ" });
    expect(none.rows).toEqual([]);
  });

  it("keeps name searches out of the server's access log", async () => {
    const secret = "ミナミカワ ハナヨ";
    await analyst.trpc.accounts.list.query({ q: secret });
    await fetch(`${t.baseUrl}/exports/accounts.csv?q=${encodeURIComponent(secret)}`, { headers: { cookie: cookieOf(analyst) } }).then((r) => r.text());
    const log = t.logs.join("\n");
    expect(log).toContain("/exports/accounts.csv");
    expect(log).not.toContain(secret);
    expect(log).not.toContain(encodeURIComponent(secret));
    expect(log).not.toContain(encodeURIComponent(secret.replace(" ", "")));
  });
});

describe("account page", () => {
  it("tells the account's whole story with masked account numbers and related accounts", async () => {
    // A charged fraudulent wallet, one from a ring that shares a device if the data has one (the
    // demo data follows the clock, so the first fraudulent wallet may not have charged yet).
    const [pick] = await q<{ id: string; shared: boolean }>(
      `SELECT a.id, a.device_id IN (SELECT device_id FROM wallet_account GROUP BY device_id HAVING count(*) > 1) AS shared
         FROM wallet_account a WHERE a.id = ANY($1::text[]) AND EXISTS (SELECT 1 FROM charge c WHERE c.account_id = a.id)
        ORDER BY 2 DESC, a.id LIMIT 1`,
      [labels.fraudAccountIds],
    );
    const id = pick.id;
    const ring = pick.shared;
    const detail = await analyst.trpc.accounts.get.query({ accountId: id });
    expect(detail.account.id).toBe(id);
    expect(detail.links.length).toBeGreaterThan(0);
    // Every link of the account (a wallet of a ring may have several; compare each by its id).
    const full = await q<{ id: string; account_number: string }>(`SELECT id, account_number FROM bank_link WHERE account_id = $1`, [id]);
    for (const f of full) expect(JSON.stringify(detail)).not.toContain(f.account_number);
    const first = full.find((f) => f.id === detail.links[0].id)!;
    expect(detail.links[0].maskedAccountNumber).toBe(`****${first.account_number.slice(-3)}`);
    const kinds = detail.timeline.map((e) => e.kind);
    expect(kinds[0]).toBe("opened");
    expect(kinds).toContain("charge");
    const times = detail.timeline.map((e) => e.at.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(detail.reasons.reduce((s, r) => s + r.points, 0)).toBeGreaterThanOrEqual(detail.account.score);
    if (ring) expect(detail.related.some((r) => r.via.includes("device"))).toBe(true);
  });

  it("answers an unknown account with words and 404", async () => {
    const err = await analyst.trpc.accounts.get.query({ accountId: "acc-nope" }).catch((e) => e);
    expect(err.data.code).toBe("ACCOUNT_NOT_FOUND");
    expect(err.data.httpStatus).toBe(404);
  });
});

describe("actions", () => {
  it("freezes with a required reason and records it in the audit log in the same transaction", async () => {
    const [{ id }] = await q<{ id: string }>(
      `SELECT id FROM wallet_account a WHERE id = ANY($1::text[]) AND NOT EXISTS (SELECT 1 FROM audit_event e WHERE e.target_id = a.id) ORDER BY id DESC LIMIT 1`,
      [labels.fraudAccountIds],
    );
    expect(await errorCodeOf(analyst.trpc.accounts.freeze.mutate({ accountIds: [id], reason: "" }))).toBe("VALIDATION_FAILED");
    expect((await q<{ status: string }>(`SELECT status::text FROM wallet_account WHERE id = $1`, [id]))[0].status).toBe("ACTIVE");
    const res = await analyst.trpc.accounts.freeze.mutate({ accountIds: [id], reason: "Linked a 77 Bank victim's account" });
    expect(res).toEqual({ changed: 1, unchanged: 0 });
    expect((await q<{ status: string }>(`SELECT status::text FROM wallet_account WHERE id = $1`, [id]))[0].status).toBe("FROZEN");
    const audit = await q<{ action: string; reason: string; actor_email: string; before: unknown; after: unknown }>(
      `SELECT action, reason, actor_email, before, after FROM audit_event WHERE target_type = 'account' AND target_id = $1 ORDER BY id`,
      [id],
    );
    expect(audit).toEqual([{ action: "account.freeze", reason: "Linked a 77 Bank victim's account", actor_email: analyst.user.email, before: { status: "ACTIVE" }, after: { status: "FROZEN" } }]);
    // again: nothing changes, nothing is audited
    expect(await analyst.trpc.accounts.freeze.mutate({ accountIds: [id], reason: "Linked a 77 Bank victim's account" })).toEqual({ changed: 0, unchanged: 1 });
    const page = await analyst.trpc.accounts.get.query({ accountId: id });
    expect(page.actions.map((a) => a.reason)).toEqual(["Linked a 77 Bank victim's account"]);
    const frozen = (await walk({ status: "FROZEN", limit: 100 })).flat();
    expect(frozen.map((r) => r.id)).toContain(id);
    await manager.trpc.accounts.unfreeze.mutate({ accountIds: [id], reason: "Bank confirmed the charges were refused" });
    expect((await q<{ status: string }>(`SELECT status::text FROM wallet_account WHERE id = $1`, [id]))[0].status).toBe("ACTIVE");
  });

  it("applies a bulk action with one shared reason to every selected account, one audit record each", async () => {
    const ids = (await q<{ id: string }>(
      `SELECT id FROM wallet_account WHERE id = ANY($1::text[]) AND review_label IS NULL ORDER BY id LIMIT 5`,
      [labels.fraudAccountIds],
    )).map((r) => r.id);
    const res = await manager.trpc.accounts.markConfirmedFraud.mutate({ accountIds: ids, reason: "Bank confirmed: phishing victims" });
    expect(res.changed).toBe(5);
    const rows = await q<{ target_id: string; reason: string }>(
      `SELECT target_id, reason FROM audit_event WHERE action = 'account.markConfirmedFraud' AND target_id = ANY($1::text[])`,
      [ids],
    );
    expect(rows.map((r) => r.target_id).sort()).toEqual([...ids].sort());
    expect(new Set(rows.map((r) => r.reason))).toEqual(new Set(["Bank confirmed: phishing victims"]));
    const legit = await analyst.trpc.accounts.markLegitimate.mutate({ accountIds: [ids[0]], reason: "Holder called: own account" });
    expect(legit.changed).toBe(1);
  });

  it("changes nothing when one selected account does not exist", async () => {
    const [{ id: existing }] = await q<{ id: string }>(`SELECT id FROM wallet_account WHERE status = 'ACTIVE' ORDER BY id DESC LIMIT 1`);
    const ids = [existing, "acc-does-not-exist"];
    expect(await errorCodeOf(analyst.trpc.accounts.freeze.mutate({ accountIds: ids, reason: "bulk with a typo" }))).toBe("ACCOUNT_NOT_FOUND");
    expect((await q<{ status: string }>(`SELECT status::text FROM wallet_account WHERE id = $1`, [ids[0]]))[0].status).toBe("ACTIVE");
  });

  it.each<[Role, string]>([
    ["SUPPORT", "freeze"],
    ["ADMIN", "freeze"],
    ["SUPPORT", "list"],
  ])("refuses %s calling accounts.%s", async (role, proc) => {
    const agent = role === "SUPPORT" ? support : await signedInAs(t.baseUrl, role);
    const call = proc === "list" ? agent.trpc.accounts.list.query({}) : agent.trpc.accounts.freeze.mutate({ accountIds: [labels.fraudAccountIds[0]], reason: "not allowed" });
    expect(await errorCodeOf(call)).toBe("FORBIDDEN");
  });

  it("a manager rescores every account with a reason and sees the run finish with counts", async () => {
    expect(await errorCodeOf(analyst.trpc.accounts.rescoreAll.mutate({ reason: "rules changed" }))).toBe("FORBIDDEN");
    const started = await manager.trpc.accounts.rescoreAll.mutate({ reason: "Rules table reviewed" });
    expect(started.running).toBe(true);
    let status = await manager.trpc.accounts.rescoreStatus.query();
    for (let i = 0; i < 600 && status?.running; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = await manager.trpc.accounts.rescoreStatus.query();
    }
    expect(status?.running).toBe(false);
    expect(status?.error).toBeNull();
    expect(status?.scored).toBe(status?.total);
    expect(status?.total).toBe(labels.fraudAccountIds.length + (await q(`SELECT 1 FROM wallet_account WHERE NOT (id = ANY($1::text[]))`, [labels.fraudAccountIds])).length);
    const audit = await q<{ action: string; reason: string }>(`SELECT action, reason FROM audit_event WHERE action LIKE 'accounts.rescoreAll%' ORDER BY id`);
    expect(audit.map((a) => a.action)).toEqual(["accounts.rescoreAll", "accounts.rescoreAll.finished"]);
  });
});

describe("rules and likely victims", () => {
  it("serves the rule table and the threshold as data", async () => {
    const rules = await analyst.trpc.accounts.rules.query();
    expect(rules.threshold).toBe(DEFAULT_FLAG_THRESHOLD);
    expect(rules.rules.find((r) => r.code === "NAME_MISMATCH")?.points).toBeGreaterThan(0);
    expect(rules.rules.every((r) => r.title && r.description)).toBe(true);
  });

  it("groups the bank accounts that flagged wallets charged from by bank, with totals that match the charges", async () => {
    const res = await support.trpc.accounts.victims.query({});
    const b0125 = res.banks.find((b) => b.bankCode === "0125")!;
    expect(b0125).toBeDefined();
    const [expected] = await q<{ taken: number; accounts: number }>(
      `SELECT sum(c.amount_yen)::bigint AS taken, count(DISTINCT (c.branch_code, c.account_number))::int AS accounts
       FROM charge c JOIN wallet_account a ON a.id = c.account_id
       WHERE c.bank_code = '0125' AND (a.risk_score >= $1 OR a.review_label = 'CONFIRMED_FRAUD') AND a.review_label IS DISTINCT FROM 'LEGITIMATE'`,
      [DEFAULT_FLAG_THRESHOLD],
    );
    expect(b0125.takenYen).toBe(expected.taken);
    expect(b0125.victimCount).toBe(expected.accounts);
    expect(b0125.victims.every((v) => /^\*{4}\d{3}$/.test(v.maskedAccountNumber) && v.chargeId)).toBe(true);
    // most of the labelled victims at 0125 are found
    const labelled = labels.victims.filter((v) => v.bankCode === "0125");
    const found = new Set(b0125.victims.map((v) => `${v.branchCode}-${v.maskedAccountNumber.slice(-3)}`));
    const hits = labelled.filter((v) => found.has(`${v.branchCode}-${v.accountNumber.slice(-3)}`)).length;
    expect(hits / labelled.length).toBeGreaterThan(0.8);
    const only = await support.trpc.accounts.victims.query({ bank: "0125" });
    expect(only.banks.map((b) => b.bankCode)).toEqual(["0125"]);
  });
});

describe("CSV exports", () => {
  it("streams the filtered accounts set as CSV to a signed-in analyst, and nobody else", async () => {
    const res = await fetch(`${t.baseUrl}/exports/accounts.csv?bank=0125&scoreMin=${DEFAULT_FLAG_THRESHOLD}`, { headers: { cookie: cookieOf(analyst) } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/csv/);
    const lines = (await res.text()).replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(lines[0]).toMatch(/^account_id,holder_name,score,reasons/);
    const count = await analyst.trpc.accounts.count.query({ bank: "0125", scoreMin: DEFAULT_FLAG_THRESHOLD });
    expect(lines.length - 1).toBe(count.count);
    const first = await analyst.trpc.accounts.list.query({ bank: "0125", scoreMin: DEFAULT_FLAG_THRESHOLD, limit: 1 });
    expect(lines[1].startsWith(`${first.rows[0].id},`)).toBe(true);
    const fields = lines[1].split(",");
    expect(fields[2]).toBe(String(first.rows[0].score));
    expect(fields[3]).toBe(first.rows[0].reasons.map((r) => r.code).join(" "));
    expect(fields[4]).toBe(first.rows[0].reasons.map((r) => `${r.code}:${r.points}`).join(" "));
    expect(fields[7]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00$/);
    expect((await fetch(`${t.baseUrl}/exports/accounts.csv`)).status).toBe(401);
    expect((await fetch(`${t.baseUrl}/exports/accounts.csv`, { headers: { cookie: cookieOf(support) } })).status).toBe(403);
    expect((await fetch(`${t.baseUrl}/exports/accounts.csv?scoreMin=abc`, { headers: { cookie: cookieOf(analyst) } })).status).toBe(400);
  });

  it("sends bytes Excel on Japanese Windows opens right: BOM first, katakana as UTF-8, JST times and file name (#13 §4)", async () => {
    const key = await t.apiKey();
    const id = `acc-kana-${Date.now()}`;
    const openedAt = "2026-12-03T09:00:00.000Z";
    const res = await fetch(`${t.baseUrl}/api/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ events: [{ id: `ev-${id}`, type: "account.opened", occurredAt: openedAt, account: { id, holderName: "ヤマダ タロウ", carrierCustomer: true, identityVerified: true } }] }),
    });
    expect(res.status).toBe(200);
    const got = await fetch(`${t.baseUrl}/exports/accounts.csv?q=${id}`, { headers: { cookie: cookieOf(analyst) } });
    expect(got.headers.get("content-disposition")).toMatch(/^attachment; filename="accounts-\d{8}-\d{4}JST\.csv"$/);
    const bytes = Buffer.from(await got.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    // ヤマダ in UTF-8; a reader that guessed Shift_JIS would have needed 83 84 83 7D 83 5F.
    expect(bytes.includes(Buffer.from("ヤマダ タロウ", "utf8"))).toBe(true);
    const [, line] = new TextDecoder("utf-8", { fatal: true }).decode(bytes).trim().split("\r\n");
    expect(line.startsWith(`${id},ヤマダ タロウ,`)).toBe(true);
    expect(line).toContain(",2026-12-03T18:00:00+09:00,");
  });

  it("writes a hostile holder name as inert, quoted text", async () => {
    const key = await t.apiKey();
    const id = `acc-csv-${Date.now()}`;
    const res = await fetch(`${t.baseUrl}/api/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ events: [{ id: `ev-${id}`, type: "account.opened", occurredAt: new Date().toISOString(), account: { id, holderName: '=HYPERLINK("x","y")', carrierCustomer: true, identityVerified: true } }] }),
    });
    expect(res.status).toBe(200);
    const csv = await (await fetch(`${t.baseUrl}/exports/accounts.csv?q=${id}`, { headers: { cookie: cookieOf(analyst) } })).text();
    const [, line] = csv.replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(line.startsWith(`${id},"'=HYPERLINK(""x"",""y"")",`)).toBe(true);
    // carrier customer, identity verified, then the rule version of its score (#16): version 1, or
    // empty while the after-commit scoring has not reached it yet
    const cells = line.split(",");
    expect(cells.slice(-3, -1)).toEqual(["true", "true"]);
    expect(["", "1"]).toContain(cells.at(-1));
  });

  it("gives one bank's likely victims with full account numbers to analysts and managers, and records who took them", async () => {
    const res = await fetch(`${t.baseUrl}/exports/victims.csv?bank=0125`, { headers: { cookie: cookieOf(manager) } });
    expect(res.status).toBe(200);
    const lines = (await res.text()).replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(lines[0]).toBe("bank_code,bank_name,branch_code,account_number,holder_name,taken_yen,charges,wallets,first_charge_at,last_charge_at,paid_back_yen,pending_yen,reimbursed_yen,still_owed_yen");
    const victims = await manager.trpc.accounts.victims.query({ bank: "0125" });
    expect(lines.length - 1).toBe(victims.banks[0].victimCount);
    expect(lines[1]).toMatch(/^0125,[^,]*,\d{3},\d{7},/);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="likely-victims-0125-\d{8}-\d{4}JST\.csv"$/);
    const audit = await q<{ actor_email: string; target_id: string }>(`SELECT actor_email, target_id FROM audit_event WHERE action = 'accounts.victimsExport'`);
    expect(audit).toEqual([{ actor_email: manager.user.email, target_id: "0125" }]);
    expect((await fetch(`${t.baseUrl}/exports/victims.csv?bank=0125`, { headers: { cookie: cookieOf(support) } })).status).toBe(403);
  });
});

describe("platform API: GET /api/v1/accounts/flagged", () => {
  async function get(key: string, params: Record<string, string | number | undefined>) {
    const qs = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
    const res = await fetch(`${t.baseUrl}/api/v1/accounts/flagged?${qs}`, { headers: { authorization: `Bearer ${key}` } });
    return { status: res.status, body: (await res.json()) as { accounts: { accountId: string; score: number; reasons: string[]; flaggedAt: string; status: string }[]; nextCursor: string | null; code?: string } };
  }

  it("pages newest first without skipping or repeating while new accounts are flagged", async () => {
    const key = await t.apiKey();
    const expected = (await q<{ id: string }>(
      `SELECT id FROM wallet_account WHERE flagged_at IS NOT NULL AND risk_score >= $1 AND review_label IS DISTINCT FROM 'LEGITIMATE' ORDER BY flagged_at DESC, id`,
      [DEFAULT_FLAG_THRESHOLD],
    )).map((r) => r.id);
    expect(expected.length).toBeGreaterThan(10);
    const seen: string[] = [];
    let cursor: string | undefined;
    let fresh: string[] = [];
    let flaggingFrom = "";
    for (let page = 0; ; page++) {
      const { status, body } = await get(key, { limit: 4, cursor });
      expect(status).toBe(200);
      seen.push(...body.accounts.map((a) => a.accountId));
      for (const a of body.accounts) expect(a.score).toBeGreaterThanOrEqual(DEFAULT_FLAG_THRESHOLD);
      if (page === 1) {
        flaggingFrom = new Date().toISOString();
        fresh = await flagNewFraudWallets(key, 3); // new flags arrive mid-way
      }
      if (!body.nextCursor) break;
      cursor = body.nextCursor;
    }
    expect(seen).toEqual(expected);
    // The new ones head a fresh first page. Beside them only wallets their arrival flagged through
    // the ring (a wallet that linked 0125 near them gains lock-step points), never one without.
    expect(fresh).toHaveLength(3);
    const head = await get(key, { limit: 100, since: flaggingFrom });
    const headIds = head.body.accounts.map((a) => a.accountId);
    expect(headIds).toEqual(expect.arrayContaining(fresh));
    for (const a of head.body.accounts.filter((x) => !fresh.includes(x.accountId))) {
      expect(a.reasons.some((r) => (RING_REASON_CODES as readonly string[]).includes(r)), `${a.accountId} flagged with ${a.reasons.join(", ")}`).toBe(true);
    }
    const first = await get(key, { limit: headIds.length });
    expect(first.body.accounts.map((a) => a.accountId).sort()).toEqual([...headIds].sort());
    expect(head.body.accounts.every((a) => a.flaggedAt >= flaggingFrom)).toBe(true);
  });

  it("refuses a made-up cursor and a missing key, and is in the OpenAPI document", async () => {
    const key = await t.apiKey();
    const bad = await get(key, { cursor: "not-a-cursor" });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe("VALIDATION_FAILED");
    expect((await fetch(`${t.baseUrl}/api/v1/accounts/flagged`)).status).toBe(401);
    const doc = (await (await fetch(`${t.baseUrl}/api/v1/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(doc.paths["/api/v1/accounts/flagged"]).toBeDefined();
  });
});

describe("scoring after ingestion", () => {
  it("a wallet charged by batches in quick succession is rescored once for them, and its score reflects every one of them", async () => {
    const key = await t.apiKey();
    const base = Date.now() - 200 * 60_000;
    const at = (minutes: number) => new Date(base + minutes * 60_000).toISOString();
    const acc = `acc-burst-${base}`;
    const lnk = `lnk-burst-${base}`;
    const send = async (events: unknown[]) => expect((await postEvents(t.baseUrl, key, { events })).status).toBe(200);
    await send([
      { id: `ev-burst-o-${base}`, type: "account.opened", occurredAt: at(0), account: { id: acc, holderName: "タナカ イチロウ", carrierCustomer: false, identityVerified: false } },
      { id: `ev-burst-l-${base}`, type: "link.registered", occurredAt: at(60), link: { id: lnk, accountId: acc, bankCode: "0125", branchCode: "101", accountNumber: "9100001", holderName: "タナカ イチロウ", authMethod: "ONLINE_BANKING" } },
    ]);
    await scoringSettled();
    const before = afterBatchRescoreStats();
    // four batches of one near-limit charge each, a minute apart in the wallet's time, sent at once
    // (a round waits for a second of quiet here, not 100 ms, so that a slow machine cannot split them)
    setRescoreRoundWindow({ everyMs: 5_000, quietMs: 1_000 });
    try {
      await Promise.all([0, 1, 2, 3].map((i) => send([{ id: `ev-burst-c${i}-${base}`, type: "charge.completed", occurredAt: at(120 + i), charge: { id: `chg-burst-${i}-${base}`, linkId: lnk, amountYen: 95_000 } }])));
      await scoringSettled();
    } finally {
      setRescoreRoundWindow();
    }
    const after = afterBatchRescoreStats();
    expect(after.rounds - before.rounds).toBe(1);
    expect(after.queued - before.queued).toBe(1);
    const [row] = await q<{ risk_reasons: { code: string; evidence: string }[] }>("SELECT risk_reasons FROM wallet_account WHERE id = $1", [acc]);
    const rapid = row.risk_reasons.find((r) => r.code === "RAPID_EQUAL_CHARGES");
    expect(rapid?.evidence, JSON.stringify(row.risk_reasons)).toMatch(/^4 charges totalling ¥380,000/);
  });

  it("a backlog left when the batches stop is split over two rounds at once; wallets both rounds reach are scored, nothing deadlocks", async () => {
    const key = await t.apiKey();
    const base = Date.now() - 200 * 60_000;
    const at = (minutes: number) => new Date(base + minutes * 60_000).toISOString();
    // six wallets on one phone: each round rescores the phone's whole group, so both lock the same wallets
    const ids = Array.from({ length: 6 }, (_, i) => `acc-split-${i}-${base}`);
    const events = ids.flatMap((acc, i) => [
      { id: `ev-split-o${i}-${base}`, type: "account.opened", occurredAt: at(i), account: { id: acc, holderName: "タナカ イチロウ", carrierCustomer: false, identityVerified: false, deviceId: `dev-split-${base}` } },
    ]);
    const before = afterBatchRescoreStats();
    setRescoreRoundWindow({ splitMin: 2, quietMs: 300 });
    try {
      expect((await postEvents(t.baseUrl, key, { events })).status).toBe(200);
      await scoringSettled();
    } finally {
      setRescoreRoundWindow();
    }
    const after = afterBatchRescoreStats();
    expect(after.rounds - before.rounds).toBe(2);
    expect(after.queued - before.queued).toBe(6);
    const rows = await q<{ id: string; scored: boolean; evidence: string | null }>(
      "SELECT id, scored_at IS NOT NULL AS scored, (SELECT r->>'evidence' FROM jsonb_array_elements(risk_reasons) r WHERE r->>'code' = 'SHARED_DEVICE') AS evidence FROM wallet_account WHERE id = ANY($1) ORDER BY id",
      [ids],
    );
    expect(rows.map((r) => r.scored)).toEqual(ids.map(() => true));
    // every wallet's evidence counts all six on the phone (the last round to score it saw them all)
    for (const r of rows) expect(r.evidence, r.id).toMatch(/\b6\b/);
  });
});

/** Sends the events of `n` new fraudulent wallets through the API; the after-commit hook flags them. */
async function flagNewFraudWallets(key: string, n: number): Promise<string[]> {
  const base = Date.now() - 20 * 60_000;
  const at = (minutes: number) => new Date(base + minutes * 60_000).toISOString();
  const events: unknown[] = [];
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const acc = `acc-newfraud-${i}-${base}`;
    const lnk = `lnk-newfraud-${i}-${base}`;
    ids.push(acc);
    const ev = (k: string) => `ev-newfraud-${i}-${k}-${base}`;
    events.push(
      { id: ev("o"), type: "account.opened", occurredAt: at(0), account: { id: acc, holderName: "タナカ イチロウ", carrierCustomer: false, identityVerified: false } },
      { id: ev("l"), type: "link.registered", occurredAt: at(2), link: { id: lnk, accountId: acc, bankCode: "0125", branchCode: "101", accountNumber: `90000${10 + i}`, holderName: "スズキ ミチコ", authMethod: "PIN" } },
      { id: ev("c1"), type: "charge.completed", occurredAt: at(3), charge: { id: `chg-newfraud-${i}-1-${base}`, linkId: lnk, amountYen: 100000 } },
      { id: ev("c2"), type: "charge.completed", occurredAt: at(4), charge: { id: `chg-newfraud-${i}-2-${base}`, linkId: lnk, amountYen: 90000 } },
      { id: ev("c3"), type: "charge.completed", occurredAt: at(5), charge: { id: `chg-newfraud-${i}-3-${base}`, linkId: lnk, amountYen: 90000 } },
      { id: ev("s"), type: "spend.completed", occurredAt: at(8), spend: { id: `spd-newfraud-${i}-${base}`, accountId: acc, amountYen: 280000, channel: "transfer" } },
    );
  }
  const res = await fetch(`${t.baseUrl}/api/v1/events`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify({ events }) });
  expect(res.status).toBe(200);
  expect(((await res.json()) as { accepted: number }).accepted).toBe(events.length);
  await scoringSettled(); // the after-commit hook rescores in the background
  return ids;
}

function cookieOf(agent: { jar: Map<string, string> }): string {
  return [...agent.jar].map(([k, v]) => `${k}=${v}`).join("; ");
}
