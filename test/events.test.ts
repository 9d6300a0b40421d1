// Goal: POST /api/v1/events keeps the contract the wallet platform relies on — every event type is
// stored as sent, duplicates change nothing, each bad event is rejected on its own with its code and
// stores nothing, references may point earlier in the same batch, whole-request limits answer
// 400/413/401, concurrent overlapping batches store each event once, and a link change keeps its
// history while later charges draw on the new account.
// Method: a real server on its own database, called with fetch and the platform key; results are
// read back from the tables with SQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import {
  accountOpened,
  at,
  chargeCompleted,
  linkChanged,
  linkRegistered,
  postEvents,
  spendCompleted,
  uid,
  walletWithLink,
} from "./events-fixtures.ts";
import { ingestBatch, setIngestConcurrency } from "../server/features/events/ingest.ts";
import type { IngestedBatchSummary } from "../server/features/events/types.ts";
import type { PlatformEvent } from "../shared/events/schemas.ts";

let t: TestApp;
let key: string;
beforeAll(async () => {
  t = await startTestApp();
  key = await t.apiKey();
});
afterAll(async () => {
  await t.close();
});

const post = (body: unknown) => postEvents(t.baseUrl, key, body);
const count = async (sql: string, params: unknown[] = []) => Number((await t.db.pool.query(sql, params)).rows[0].n);
const bucket = async (bankCode: string, metric: string, minutes: number, startIso: string) =>
  Number(
    (
      await t.db.pool.query("SELECT value FROM volume_bucket WHERE bank_code = $1 AND metric = $2 AND bucket_minutes = $3 AND bucket_start = $4", [
        bankCode,
        metric,
        minutes,
        startIso,
      ])
    ).rows[0]?.value ?? 0,
  );

/** A snapshot of every table ingestion writes, to prove a call changed nothing. */
async function snapshot() {
  const { rows } = await t.db.pool.query(`SELECT
    (SELECT count(*) FROM processed_event) AS events, (SELECT count(*) FROM wallet_account) AS accounts,
    (SELECT count(*) FROM bank_link) AS links, (SELECT count(*) FROM bank_link_version) AS versions,
    (SELECT count(*) FROM charge) AS charges, (SELECT count(*) FROM spend) AS spends,
    (SELECT coalesce(sum(value), 0) FROM volume_bucket) AS rollup_total,
    (SELECT string_agg(id || bank_code || account_number || coalesce(changed_at::text, ''), ',' ORDER BY id) FROM bank_link) AS link_state`);
  return rows[0];
}

describe("a valid batch", () => {
  it("stores one event of every type as sent, with rollups in 5- and 60-minute buckets", async () => {
    const accountId = uid("acc");
    const linkId = uid("lnk");
    const chargeId = uid("chg");
    const spendId = uid("spd");
    const res = await post({
      events: [
        accountOpened(accountId, { minutes: 0, holderName: "ヤマダ　タロウ" }),
        linkRegistered(linkId, accountId, { minutes: 1, bankCode: "0126", holderName: "ﾔﾏﾀﾞ ﾀﾛｳ" }),
        chargeCompleted(chargeId, linkId, { minutes: 3, amountYen: 30_000 }),
        linkChanged(linkId, { minutes: 7, bankCode: "0009", accountNumber: "7777777" }),
        spendCompleted(spendId, accountId, { minutes: 8, amountYen: 25_000 }),
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accepted: 5, duplicates: 0, rejected: [] });

    const account = (await t.db.pool.query("SELECT * FROM wallet_account WHERE id = $1", [accountId])).rows[0];
    expect(account).toMatchObject({ holder_name: "ヤマダ　タロウ", holder_name_normalized: "ヤマダタロウ", carrier_customer: false, device_id: "dev-1", ip_address: "203.0.113.7" });
    expect(account.opened_at.toISOString()).toBe(at(0));
    const link = (await t.db.pool.query("SELECT * FROM bank_link WHERE id = $1", [linkId])).rows[0];
    expect(link).toMatchObject({ account_id: accountId, bank_code: "0009", account_number: "7777777", auth_method: "ONLINE_BANKING", holder_name_normalized: "ヤマダタロウ" });
    expect(link.registered_at.toISOString()).toBe(at(1));
    expect(link.changed_at.toISOString()).toBe(at(7));
    const charge = (await t.db.pool.query("SELECT * FROM charge WHERE id = $1", [chargeId])).rows[0];
    expect(charge).toMatchObject({ link_id: linkId, account_id: accountId, bank_code: "0126", branch_code: "101", account_number: "1234567", amount_yen: 30_000, descriptor: null });
    const spend = (await t.db.pool.query("SELECT * FROM spend WHERE id = $1", [spendId])).rows[0];
    expect(spend).toMatchObject({ account_id: accountId, amount_yen: 25_000, channel: "payment", counterparty: "ローソン 仙台駅前店" });
    expect(await count("SELECT count(*) AS n FROM processed_event WHERE id = ANY($1)", [[]])).toBe(0);

    // 12:00–12:05 JST holds the registration and the charge; 12:05–12:10 the change (at the new bank).
    expect(await bucket("0126", "LINK_REGISTERED", 5, at(0))).toBe(1);
    expect(await bucket("0126", "CHARGE_COUNT", 5, at(0))).toBe(1);
    expect(await bucket("0126", "CHARGE_YEN", 5, at(0))).toBe(30_000);
    expect(await bucket("0126", "CHARGE_YEN", 60, at(0))).toBe(30_000);
    expect(await bucket("0009", "LINK_CHANGED", 5, at(5))).toBe(1);
    expect(await bucket("0009", "LINK_CHANGED", 60, at(0))).toBe(1);
    expect(await bucket("0126", "LINK_CHANGED", 60, at(0))).toBe(0);
  });

  it("stores the events' ids with their type, time and payload hash", async () => {
    const w = walletWithLink();
    const res = await post({ events: w.events });
    expect(res.body.accepted).toBe(2);
    const { rows } = await t.db.pool.query("SELECT id, type, payload_hash, occurred_at FROM processed_event WHERE id = ANY($1) ORDER BY occurred_at", [w.events.map((e) => e.id)]);
    expect(rows.map((r) => r.type)).toEqual(["account.opened", "link.registered"]);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.payload_hash))).toBe(true);
  });
});

describe("duplicates", () => {
  it("acknowledges a re-sent batch as duplicates and changes nothing", async () => {
    const w = walletWithLink({ bankCode: "0128" });
    const events = [...w.events, chargeCompleted(uid("chg"), w.linkId, { amountYen: 5_000 })];
    expect((await post({ events })).body).toEqual({ accepted: 3, duplicates: 0, rejected: [] });
    const before = await snapshot();
    expect((await post({ events })).body).toEqual({ accepted: 0, duplicates: 3, rejected: [] });
    expect(await snapshot()).toEqual(before);
  });

  it("treats the same instant written with another offset as the same payload", async () => {
    const accountId = uid("acc");
    const event = accountOpened(accountId);
    expect((await post({ events: [event] })).body.accepted).toBe(1);
    const jst = { ...event, occurredAt: "2020-09-04T12:00:00.000+09:00" }; // = at(0)
    expect((await post({ events: [jst] })).body).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
  });

  it("rejects an id reused with a different payload as CONFLICT and stores nothing of it", async () => {
    const w = walletWithLink();
    await post({ events: w.events });
    const first = chargeCompleted(uid("chg"), w.linkId, { amountYen: 10_000 });
    await post({ events: [first] });
    const before = await snapshot();
    const reused = chargeCompleted(uid("chg"), w.linkId, { amountYen: 90_000, eventId: first.id });
    const res = await post({ events: [reused] });
    expect(res.body.accepted).toBe(0);
    expect(res.body.rejected).toEqual([{ index: 0, id: first.id, code: "CONFLICT", message: expect.stringContaining("different payload") }]);
    expect(await snapshot()).toEqual(before);
  });

  it("inside one batch: the same event twice is one duplicate, the same id with another payload a CONFLICT", async () => {
    const w = walletWithLink();
    const c = chargeCompleted(uid("chg"), w.linkId, { amountYen: 1_000 });
    const other = chargeCompleted(uid("chg"), w.linkId, { amountYen: 2_000, eventId: c.id });
    const res = await post({ events: [...w.events, c, c, other] });
    expect(res.body.accepted).toBe(3);
    expect(res.body.duplicates).toBe(1);
    expect(res.body.rejected.map((r: { index: number; code: string }) => [r.index, r.code])).toEqual([[4, "CONFLICT"]]);
    expect(await count("SELECT count(*) AS n FROM charge WHERE link_id = $1", [w.linkId])).toBe(1);
  });

  it("refuses a second event that creates an existing account, link, charge or spend under a new id", async () => {
    const w = walletWithLink();
    const chargeId = uid("chg");
    const spendId = uid("spd");
    await post({ events: [...w.events, chargeCompleted(chargeId, w.linkId), spendCompleted(spendId, w.accountId)] });
    const before = await snapshot();
    const res = await post({
      events: [accountOpened(w.accountId), linkRegistered(w.linkId, w.accountId), chargeCompleted(chargeId, w.linkId), spendCompleted(spendId, w.accountId)],
    });
    expect(res.body.accepted).toBe(0);
    expect(res.body.rejected.map((r: { code: string }) => r.code)).toEqual(["CONFLICT", "CONFLICT", "CONFLICT", "CONFLICT"]);
    expect(await snapshot()).toEqual(before);
  });
});

describe("the statement descriptor of a charge (#18)", () => {
  it("is stored as sent, refused in words when it breaks the contract's rule, and part of the event's payload", async () => {
    const w = walletWithLink();
    await post({ events: w.events });
    const withDescriptor = (d: unknown) => {
      const e = chargeCompleted(uid("chg"), w.linkId);
      return { ...e, charge: { ...e.charge, descriptor: d } };
    };
    const good = withDescriptor("ﾃﾞﾓｳｫﾚｯﾄ 0000789");
    const bad = [withDescriptor("floodgate"), withDescriptor("A".repeat(25)), withDescriptor(" ABC"), withDescriptor("フロード")];
    const res = await post({ events: [good, ...bad] });
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected.map((r: { index: number; code: string }) => [r.index, r.code])).toEqual([
      [1, "INVALID"],
      [2, "INVALID"],
      [3, "INVALID"],
      [4, "INVALID"],
    ]);
    for (const r of res.body.rejected) expect(r.message).toMatch(/descriptor/);
    expect(res.body.rejected[1].message).toMatch(/24/);
    const stored = await t.db.pool.query("SELECT id, descriptor FROM charge WHERE id = ANY($1) ORDER BY id", [[good, ...bad].map((e) => e.charge.id)]);
    expect(stored.rows).toEqual([{ id: good.charge.id, descriptor: "ﾃﾞﾓｳｫﾚｯﾄ 0000789" }]);
    // The same event id with another descriptor is another payload.
    const again = await post({ events: [{ ...good, charge: { ...good.charge, descriptor: "ﾃﾞﾓｳｫﾚｯﾄ 0000790" } }] });
    expect(again.body.rejected.map((r: { code: string }) => r.code)).toEqual(["CONFLICT"]);
  });
});

describe("rejections", () => {
  it("answers each rejection code for the event concerned, stores none of them, and keeps the valid ones", async () => {
    const w = walletWithLink();
    await post({ events: w.events });
    const before = await snapshot();
    const good = spendCompleted(uid("spd"), w.accountId);
    const events: unknown[] = [
      { ...linkRegistered(uid("lnk"), w.accountId), link: { ...linkRegistered("x", w.accountId).link, bankCode: "125" } }, // 0 INVALID: 3 digits
      { id: "ev-no-type", occurredAt: at(0) }, // 1 INVALID
      "not an object", // 2 INVALID
      { ...chargeCompleted(uid("chg"), w.linkId), extra: true }, // 3 INVALID: unknown field
      chargeCompleted(uid("chg"), w.linkId, { amountYen: 1_000_001 }), // 4 INVALID: over the maximum
      { ...accountOpened(uid("acc")), occurredAt: "2020-09-04 12:00" }, // 5 INVALID: no offset
      linkRegistered(uid("lnk"), "acc-nobody"), // 6 UNKNOWN_ACCOUNT
      spendCompleted(uid("spd"), "acc-nobody"), // 7 UNKNOWN_ACCOUNT
      chargeCompleted(uid("chg"), "lnk-nothing"), // 8 UNKNOWN_LINK
      linkChanged("lnk-nothing"), // 9 UNKNOWN_LINK
      linkRegistered(uid("lnk"), w.accountId, { bankCode: "9999" }), // 10 UNKNOWN_BANK
      linkChanged(w.linkId, { bankCode: "9998" }), // 11 UNKNOWN_BANK
      good, // 12 accepted
    ];
    const res = await post({ events });
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(1);
    expect(res.body.duplicates).toBe(0);
    const got = res.body.rejected.map((r: { index: number; code: string }) => [r.index, r.code]);
    expect(got).toEqual([
      [0, "INVALID"],
      [1, "INVALID"],
      [2, "INVALID"],
      [3, "INVALID"],
      [4, "INVALID"],
      [5, "INVALID"],
      [6, "UNKNOWN_ACCOUNT"],
      [7, "UNKNOWN_ACCOUNT"],
      [8, "UNKNOWN_LINK"],
      [9, "UNKNOWN_LINK"],
      [10, "UNKNOWN_BANK"],
      [11, "UNKNOWN_BANK"],
    ]);
    expect(res.body.rejected[0].message).toMatch(/bankCode/);
    expect(res.body.rejected[1].id).toBe("ev-no-type");
    expect(res.body.rejected[2].id).toBeNull();
    const after = await snapshot();
    expect({ ...after, events: Number(after.events), spends: Number(after.spends) }).toEqual({ ...before, events: Number(before.events) + 1, spends: Number(before.spends) + 1 });
    expect(after.link_state).toBe(before.link_state); // the refused change did not move the link
  });

  it("a rejected event does not take its id: the corrected event is accepted later", async () => {
    const w = walletWithLink();
    const early = chargeCompleted(uid("chg"), w.linkId); // the link does not exist yet
    expect((await post({ events: [early] })).body.rejected[0].code).toBe("UNKNOWN_LINK");
    expect((await post({ events: [...w.events, early] })).body).toEqual({ accepted: 3, duplicates: 0, rejected: [] });
  });
});

describe("references inside one batch", () => {
  it("applies events in order: each may refer to one earlier in the batch, not to one later", async () => {
    const accountId = uid("acc");
    const linkId = uid("lnk");
    const res = await post({
      events: [
        chargeCompleted(uid("chg"), linkId, { minutes: 0 }), // 0: the link comes later → UNKNOWN_LINK
        accountOpened(accountId, { minutes: 0 }),
        linkRegistered(linkId, accountId, { minutes: 1 }),
        chargeCompleted(uid("chg"), linkId, { minutes: 2 }),
        spendCompleted(uid("spd"), accountId, { minutes: 3 }),
      ],
    });
    expect(res.body.accepted).toBe(4);
    expect(res.body.rejected.map((r: { index: number; code: string }) => [r.index, r.code])).toEqual([[0, "UNKNOWN_LINK"]]);
  });

  it("an event that refers to one rejected earlier in the batch is rejected too", async () => {
    const accountId = uid("acc");
    const badOpen = { ...accountOpened(accountId), account: { ...accountOpened(accountId).account, holderName: "" } }; // INVALID
    const res = await post({ events: [badOpen, linkRegistered(uid("lnk"), accountId)] });
    expect(res.body.accepted).toBe(0);
    expect(res.body.rejected.map((r: { code: string }) => r.code)).toEqual(["INVALID", "UNKNOWN_ACCOUNT"]);
    expect(await count("SELECT count(*) AS n FROM wallet_account WHERE id = $1", [accountId])).toBe(0);
  });
});

describe("link changes", () => {
  it("keep the history, keep the registration time, and later charges draw on the new account", async () => {
    const w = walletWithLink({ bankCode: "0125", minutes: 0 });
    const before = chargeCompleted(uid("chg"), w.linkId, { minutes: 2 });
    await post({ events: [...w.events, before] });
    const change1 = linkChanged(w.linkId, { minutes: 10, bankCode: "0005", accountNumber: "5555555" });
    const after1 = chargeCompleted(uid("chg"), w.linkId, { minutes: 11 });
    const change2 = linkChanged(w.linkId, { minutes: 20, bankCode: "0009", accountNumber: "9999999" });
    const after2 = chargeCompleted(uid("chg"), w.linkId, { minutes: 21 });
    // Two changes in the same batch, with charges between them.
    expect((await post({ events: [change1, after1, change2, after2] })).body.accepted).toBe(4);

    const versions = (
      await t.db.pool.query("SELECT bank_code, account_number, valid_from, valid_to, event_id FROM bank_link_version WHERE link_id = $1 ORDER BY valid_from", [w.linkId])
    ).rows.map((v) => [v.bank_code, v.account_number, v.valid_from.toISOString(), v.valid_to?.toISOString() ?? null, v.event_id]);
    expect(versions).toEqual([
      ["0125", "1234567", at(0), at(10), w.events[1].id],
      ["0005", "5555555", at(10), at(20), change1.id],
      ["0009", "9999999", at(20), null, change2.id],
    ]);
    const link = (await t.db.pool.query("SELECT bank_code, account_number, registered_at, changed_at FROM bank_link WHERE id = $1", [w.linkId])).rows[0];
    expect(link.bank_code).toBe("0009");
    expect(link.registered_at.toISOString()).toBe(at(0));
    expect(link.changed_at.toISOString()).toBe(at(20));
    const charges = (await t.db.pool.query("SELECT id, bank_code, account_number FROM charge WHERE link_id = $1", [w.linkId])).rows;
    const drawnOn = Object.fromEntries(charges.map((c) => [c.id, `${c.bank_code}/${c.account_number}`]));
    expect(drawnOn).toEqual({
      [before.charge.id]: "0125/1234567",
      [after1.charge.id]: "0005/5555555",
      [after2.charge.id]: "0009/9999999",
    });
  });

  it("a change in a later batch closes the stored open version", async () => {
    const w = walletWithLink({ minutes: 0 });
    await post({ events: w.events });
    await post({ events: [linkChanged(w.linkId, { minutes: 30 })] });
    const open = await count("SELECT count(*) AS n FROM bank_link_version WHERE link_id = $1 AND valid_to IS NULL", [w.linkId]);
    expect(open).toBe(1);
    expect(await count("SELECT count(*) AS n FROM bank_link_version WHERE link_id = $1", [w.linkId])).toBe(2);
  });
});

describe("whole-request limits", () => {
  it("accepts exactly 1000 events", async () => {
    const accountId = uid("acc");
    const linkId = uid("lnk");
    const events: PlatformEvent[] = [accountOpened(accountId), linkRegistered(linkId, accountId)];
    while (events.length < 1000) events.push(chargeCompleted(uid("chg"), linkId, { minutes: 2 + (events.length % 50), amountYen: 1_000 }));
    const res = await post({ events });
    expect(res.body).toEqual({ accepted: 1000, duplicates: 0, rejected: [] });
    expect(await bucket("0125", "CHARGE_YEN", 60, at(0))).toBeGreaterThanOrEqual(998_000);
  });

  it("refuses 1001 events, an empty list, a missing events array and extra fields with 400, storing nothing", async () => {
    const before = await snapshot();
    const accountIds = Array.from({ length: 1001 }, () => uid("acc"));
    for (const body of [{ events: accountIds.map((id) => accountOpened(id)) }, { events: [] }, {}, { evts: [accountOpened(uid("acc"))] }, [accountOpened(uid("acc"))], { events: "x" }]) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.body.code).toBe("VALIDATION_FAILED");
    }
    expect(await snapshot()).toEqual(before);
  });

  it("refuses malformed JSON with 400 and an oversized body with 413", async () => {
    const before = await snapshot();
    const bad = await postEvents(t.baseUrl, key, '{"events": [ {"id": "x", ', { raw: true });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe("MALFORMED_JSON");
    const padding = "ア".repeat(100);
    const big = { events: Array.from({ length: 1000 }, () => ({ ...accountOpened(uid("acc")), pad: padding.repeat(8) })) };
    expect(Buffer.byteLength(JSON.stringify(big))).toBeGreaterThan(2 * 1024 * 1024);
    const res = await post(big);
    expect(res.status).toBe(413);
    expect(res.body.code).toBe("PAYLOAD_TOO_LARGE");
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a request without a valid API key with 401, storing nothing", async () => {
    const before = await snapshot();
    const body = { events: [accountOpened(uid("acc"))] };
    expect((await postEvents(t.baseUrl, null, body)).status).toBe(401);
    expect((await postEvents(t.baseUrl, "fgk_not-a-key", body)).status).toBe(401);
    expect(await snapshot()).toEqual(before);
  });
});

describe("concurrency", () => {
  it("4 concurrent batches with 50% overlapping ids store each event once, with exact rollups", async () => {
    // 8 wallets at bank 0134, then 4 batches of 200 charges: batch k holds charge slots [100k, 100k + 200).
    const wallets = Array.from({ length: 8 }, () => walletWithLink({ bankCode: "0134", minutes: 0 }));
    await post({ events: wallets.flatMap((w) => w.events) });
    const allCharges = Array.from({ length: 500 }, (_, i) => chargeCompleted(uid("chg"), wallets[i % 8].linkId, { minutes: 60 + (i % 30), amountYen: 1_000 + i }));
    const batches = [0, 1, 2, 3].map((k) => allCharges.slice(100 * k, 100 * k + 200));
    for (let round = 0; round < 3; round++) {
      // The same batches again each round: later rounds are all duplicates.
      const results = await Promise.all(batches.map((events) => post({ events })));
      expect(results.every((r) => r.status === 200 && r.body.rejected.length === 0)).toBe(true);
      const accepted = results.reduce((s, r) => s + r.body.accepted, 0);
      const duplicates = results.reduce((s, r) => s + r.body.duplicates, 0);
      expect(accepted).toBe(round === 0 ? 500 : 0);
      expect(accepted + duplicates).toBe(800);
    }
    const linkIds = wallets.map((w) => w.linkId);
    expect(await count("SELECT count(*) AS n FROM charge WHERE link_id = ANY($1)", [linkIds])).toBe(500);
    const expectedYen = allCharges.reduce((s, e) => s + e.charge.amountYen, 0);
    const hour = (await t.db.pool.query("SELECT metric, value FROM volume_bucket WHERE bank_code = '0134' AND bucket_minutes = 60 AND bucket_start = $1 ORDER BY metric", [at(60)])).rows;
    expect(Object.fromEntries(hour.map((r) => [r.metric, Number(r.value)]))).toEqual({ CHARGE_COUNT: 500, CHARGE_YEN: expectedYen });
  });
});

describe("how many batches are written at once", () => {
  it("at most INGEST_CONCURRENCY transactions at a time; the other batches wait their turn and are stored", async () => {
    setIngestConcurrency(2);
    try {
      let open = 0;
      let most = 0;
      const hooks = {
        inTransaction: [
          async () => {
            most = Math.max(most, ++open);
            await new Promise((r) => setTimeout(r, 40));
            open--;
          },
        ],
        afterCommit: [],
      };
      const wallets = Array.from({ length: 6 }, () => walletWithLink({ bankCode: "0134", minutes: 0 }));
      await ingestBatch(t.db, wallets.flatMap((w) => w.events), { hooks: { inTransaction: [], afterCommit: [] } });
      // one charge batch per wallet, hours apart (batches sharing a rollup bucket or a device's
      // sharing row would wait for each other's row lock anyway)
      const batches = wallets.map((w, i) => [chargeCompleted(uid("chg"), w.linkId, { minutes: 600 + 120 * i }), chargeCompleted(uid("chg"), w.linkId, { minutes: 601 + 120 * i })]);
      const results = await Promise.all(batches.map((events) => ingestBatch(t.db, events, { hooks })));
      expect(results.map((r) => r.accepted)).toEqual([2, 2, 2, 2, 2, 2]);
      expect(most).toBe(2);
      expect(await count("SELECT count(*) AS n FROM charge WHERE link_id = ANY($1)", [wallets.map((w) => w.linkId)])).toBe(12);
    } finally {
      setIngestConcurrency(Infinity);
    }
  });
});

describe("concurrent link changes", () => {
  it("a change arriving while another change of the same link is uncommitted waits for it, leaving one open version", async () => {
    const w = walletWithLink({ bankCode: "0125", minutes: 0 });
    await post({ events: w.events });
    // Batch A stops inside its transaction (after its writes, before COMMIT) until released.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let reachedGate!: () => void;
    const atGate = new Promise<void>((r) => (reachedGate = r));
    const a = ingestBatch(t.db, [linkChanged(w.linkId, { minutes: 10, bankCode: "0005", accountNumber: "1111111" })], {
      hooks: {
        inTransaction: [
          async () => {
            reachedGate();
            await gate;
          },
        ],
        afterCommit: [],
      },
    });
    await atGate;
    const b = ingestBatch(t.db, [linkChanged(w.linkId, { minutes: 11, bankCode: "0009", accountNumber: "2222222" }), chargeCompleted(uid("chg"), w.linkId, { minutes: 12 })], {
      hooks: { inTransaction: [], afterCommit: [] },
    });
    await new Promise((r) => setTimeout(r, 300)); // let B run as far as it can while A is open
    release();
    expect((await a).accepted).toBe(1);
    expect((await b).accepted).toBe(2);

    const versions = (await t.db.pool.query("SELECT bank_code, valid_to FROM bank_link_version WHERE link_id = $1 ORDER BY valid_from", [w.linkId])).rows;
    expect(versions.map((v) => [v.bank_code, v.valid_to === null])).toEqual([
      ["0125", false],
      ["0005", false],
      ["0009", true],
    ]);
    const link = (await t.db.pool.query("SELECT bank_code, account_number FROM bank_link WHERE id = $1", [w.linkId])).rows[0];
    expect(link).toEqual({ bank_code: "0009", account_number: "2222222" });
  });
});

describe("hooks", () => {
  it("hand the stored batch to in-transaction and after-commit hooks; an after-commit failure does not fail the ingest", async () => {
    const seen: IngestedBatchSummary[] = [];
    const errors: unknown[] = [];
    const w = walletWithLink({ bankCode: "0125", minutes: 0 });
    const chargeId = uid("chg");
    const dup = accountOpened(uid("acc"));
    await ingestBatch(t.db, [dup], { hooks: { inTransaction: [], afterCommit: [] } });
    const result = await ingestBatch(t.db, [dup, ...w.events, linkChanged(w.linkId, { minutes: 5, bankCode: "0005" }), chargeCompleted(chargeId, w.linkId, { minutes: 6 })], {
      hooks: {
        inTransaction: [
          async (tx, batch) => {
            // Runs inside the transaction: the batch's rows are visible on this connection.
            const { rows } = await tx.query("SELECT count(*)::int AS n FROM charge WHERE id = ANY($1)", [batch.chargeIds]);
            expect(rows[0].n).toBe(1);
          },
        ],
        afterCommit: [
          async (_db, batch) => {
            seen.push(batch);
          },
          async () => {
            throw new Error("rescore failed");
          },
        ],
      },
      log: { error: (obj) => errors.push(obj) },
    });
    expect(result).toEqual({ accepted: 4, duplicates: 1, rejected: [] });
    expect(errors).toHaveLength(1);
    expect(seen).toHaveLength(1);
    const s = seen[0];
    expect(s.accountIds).toEqual([w.accountId]);
    expect(s.linkIds).toEqual([w.linkId]);
    expect(s.registeredLinks).toEqual([{ linkId: w.linkId, accountId: w.accountId, bankCode: "0125", registeredAt: new Date(at(0)), eventId: w.events[1].id }]);
    expect(s.changedLinks).toMatchObject([{ linkId: w.linkId, accountId: w.accountId, oldBankCode: "0125", newBankCode: "0005", changedAt: new Date(at(5)) }]);
    expect(s.chargeIds).toEqual([chargeId]);
    expect(s.bankCodes.sort()).toEqual(["0005", "0125"]);
    expect(s.minOccurredAt).toEqual(new Date(at(0)));
    expect(s.maxOccurredAt).toEqual(new Date(at(6)));
  });

  it("an in-transaction hook failure rolls the whole batch back", async () => {
    const before = await snapshot();
    const w = walletWithLink();
    await expect(
      ingestBatch(t.db, w.events, {
        hooks: {
          inTransaction: [
            async () => {
              throw new Error("policy store unavailable");
            },
          ],
          afterCommit: [],
        },
      }),
    ).rejects.toThrow("policy store unavailable");
    expect(await snapshot()).toEqual(before);
  });
});

describe("API reference", () => {
  it("documents POST /api/v1/events in the OpenAPI document from the shared schemas", async () => {
    const doc = await (await fetch(`${t.baseUrl}/api/v1/openapi.json`)).json();
    const op = doc.paths["/api/v1/events"].post;
    expect(op.description).toMatch(/1 to 1000 events/);
    expect(op.requestBody.content["application/json"].schema).toBeTruthy();
    expect(op.responses["200"].content["application/json"].schema).toBeTruthy();
  });

  it("every $ref in the OpenAPI document points at a schema the document defines", async () => {
    const doc = await (await fetch(`${t.baseUrl}/api/v1/openapi.json`)).json();
    const refs = new Set<string>();
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === "object") {
        for (const [k, x] of Object.entries(v)) {
          if (k === "$ref" && typeof x === "string") refs.add(x);
          else walk(x);
        }
      }
    };
    walk(doc);
    const missing = [...refs].filter((ref) => {
      const parts = ref.replace(/^#\//, "").split("/");
      let at: unknown = doc;
      for (const p of parts) at = at && typeof at === "object" ? (at as Record<string, unknown>)[p] : undefined;
      return at === undefined;
    });
    expect(missing).toEqual([]);
    expect(refs.size).toBeGreaterThan(0);
    // The charge's optional statement descriptor is documented with its rule (#18).
    const charge = doc.components.schemas.ChargeCompletedEvent.properties.charge;
    const chargeSchema = charge.$ref ? refs.has(charge.$ref) && doc.components.schemas[charge.$ref.split("/").pop()] : charge;
    expect(chargeSchema.properties.descriptor).toMatchObject({ type: "string", minLength: 1, maxLength: 24, pattern: expect.stringContaining("A-Z") });
    expect(chargeSchema.properties.descriptor.description).toMatch(/passbook/);
    expect(chargeSchema.required).not.toContain("descriptor");
    expect(doc.components.securitySchemes.platformKey).toMatchObject({ type: "http", scheme: "bearer" });
  });
});
