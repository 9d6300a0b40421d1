// Goal: the console notices when the wallet platform's feeds go wrong, where today it would simply
// look calm: a bank whose charges stop against their normal level raises a QUIET alarm (a bank still
// charging does not), and charges arriving that nobody asked the decision API about are counted and
// raise an UNASKED alarm (a charge that was asked about is not counted). SUPPORT may not see it.
// Method: a real server; eight days of charges every 5 minutes at two banks posted through
// POST /api/v1/events (the rollups the normal level is read from are written by ingestion), one bank
// stopping an hour ago; decisions through the real decision API; read through the console's tRPC
// query as an analyst would.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import { signedInAs } from "./helpers/staff.ts";
import { accountOpened, linkRegistered, postEvents, uid } from "./events-fixtures.ts";
import { decide } from "./suspensions-fixtures.ts";
import { quietFeeds } from "../server/features/feeds/health.ts";

const QUIET_BANK = "0005";
const BUSY_BANK = "0009";
const DAY = 24 * 60 * 60_000;

let t: TestApp;
let key: string;

beforeAll(async () => {
  t = await startTestApp();
  key = await t.apiKey();
});
afterAll(async () => {
  await t?.close();
});

const iso = (ms: number) => new Date(ms).toISOString();

async function post(events: unknown[]) {
  for (let i = 0; i < events.length; i += 1000) {
    const res = await postEvents(t.baseUrl, key, { events: events.slice(i, i + 1000) });
    expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(200);
    expect(res.body.rejected).toEqual([]);
  }
}

/** A wallet linked at `bankCode` nine days ago. */
function wallet(bankCode: string) {
  const accountId = uid("acc");
  const linkId = uid("lnk");
  const start = Date.now() - 9 * DAY;
  return {
    accountId,
    linkId,
    events: [
      { ...accountOpened(accountId), occurredAt: iso(start) },
      { ...linkRegistered(linkId, accountId, { bankCode, accountNumber: String(1_000_000 + Math.floor(Math.random() * 8_999_999)) }), occurredAt: iso(start + 60_000) },
    ],
  };
}

/** A charge every 5 minutes from 8 days ago until `untilMsAgo`. */
function chargesEvery5Minutes(linkId: string, untilMsAgo: number) {
  const out = [];
  const end = Date.now() - untilMsAgo;
  for (let ms = Date.now() - 8 * DAY; ms <= end; ms += 5 * 60_000) {
    out.push({ id: uid("ev"), type: "charge.completed", occurredAt: iso(ms), charge: { id: uid("chg"), linkId, amountYen: 3_000 } });
  }
  return out;
}

describe("feed health", () => {
  it("a feed gone quiet after normal traffic raises the QUIET alarm; a busy one does not; charges nobody asked about are counted and alarm", async () => {
    const quiet = wallet(QUIET_BANK);
    const busy = wallet(BUSY_BANK);
    const unaskedLink = wallet(BUSY_BANK);
    await post([...quiet.events, ...busy.events, ...unaskedLink.events]);
    await post([...chargesEvery5Minutes(quiet.linkId, 60 * 60_000), ...chargesEvery5Minutes(busy.linkId, 60_000)]);

    const analyst = await signedInAs(t.baseUrl, "ANALYST");
    const before = await analyst.trpc.feeds.health.query();
    const quietRow = before.rows.find((r) => r.bankCode === QUIET_BANK && r.eventType === "charge.completed")!;
    expect(quietRow.quiet).toBe(true);
    expect(quietRow.expectedInGap).toBeGreaterThanOrEqual(10); // about 12 an hour at this time of day
    expect(Date.now() - quietRow.lastEventAt!.getTime()).toBeGreaterThanOrEqual(60 * 60_000);
    expect(before.rows.find((r) => r.bankCode === BUSY_BANK && r.eventType === "charge.completed")!.quiet).toBe(false);
    expect(before.alarms.map((a) => [a.kind, a.bankCode, a.eventType])).toEqual([["QUIET", QUIET_BANK, "charge.completed"]]);
    // The same check, as the metrics will read it.
    expect((await quietFeeds(t.db.pool)).map((a) => a.bankCode)).toEqual([QUIET_BANK]);
    // Never asked anything yet: nothing is blamed on the platform for history before its first decision.
    expect(before.firstDecisionAt).toBeNull();
    expect(before.rows.every((r) => r.unasked === 0)).toBe(true);

    // The platform asks about one charge, then reports it and four charges on a link it never asked about.
    expect((await decide(t.baseUrl, key, "charge", { linkId: busy.linkId, amountYen: 5_000 })).body.decision).toBe("allow");
    const now = Date.now();
    await post([
      { id: uid("ev"), type: "charge.completed", occurredAt: iso(now), charge: { id: uid("chg"), linkId: busy.linkId, amountYen: 5_000 } },
      ...[1, 2, 3, 4].map((i) => ({ id: uid("ev"), type: "charge.completed", occurredAt: iso(now + i), charge: { id: uid("chg"), linkId: unaskedLink.linkId, amountYen: 9_000 } })),
    ]);
    const after = await analyst.trpc.feeds.health.query();
    const busyRow = after.rows.find((r) => r.bankCode === BUSY_BANK && r.eventType === "charge.completed")!;
    expect(busyRow).toMatchObject({ events: 5, decisionsAsked: 1, unasked: 4, unaskedAlarm: true });
    expect(busyRow.lastReceivedAt).not.toBeNull();
    expect(busyRow.liveEvents).toBeGreaterThan(0);
    expect(after.firstDecisionAt).not.toBeNull();
    expect(after.alarms.map((a) => [a.kind, a.bankCode])).toEqual(
      expect.arrayContaining([
        ["QUIET", QUIET_BANK],
        ["UNASKED", BUSY_BANK],
      ]),
    );

    const support = await signedInAs(t.baseUrl, "SUPPORT");
    await expect(support.trpc.feeds.health.query()).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
  }, 120_000);
});
