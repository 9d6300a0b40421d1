// Goal: events from the wallet platform respect suspensions after the fact: a link registered inside
// a quarantine window is quarantined as it is stored, and a registration or link change the
// decision API would have refused is recorded as a policy violation shown on the bank page.
// Method: a real server; a manager suspends through tRPC; the platform posts events through
// POST /api/v1/events (the real ingestion path, whose transaction runs our hook).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import { signedInAs } from "./helpers/staff.ts";
import { accountOpened, chargeCompleted, linkChanged, linkRegistered, postEvents, uid } from "./events-fixtures.ts";
import { decide } from "./suspensions-fixtures.ts";

let t: TestApp;
let key: string;
let manager: Awaited<ReturnType<typeof signedInAs>>;

beforeAll(async () => {
  t = await startTestApp();
  key = await t.apiKey();
  manager = await signedInAs(t.baseUrl, "MANAGER");
});
afterAll(async () => {
  await t.close();
});

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

/** An account opened a day ago with a link registered `minutesAgo` at `bankCode`. */
function wallet(bankCode: string, minutesAgo: number) {
  const accountId = uid("acc");
  const linkId = uid("lnk");
  const registered = { ...linkRegistered(linkId, accountId, { bankCode }), occurredAt: ago(minutesAgo) };
  return { accountId, linkId, registered, events: [{ ...accountOpened(accountId), occurredAt: ago(60 * 24) }, registered] };
}

async function post(events: unknown[]) {
  const res = await postEvents(t.baseUrl, key, { events });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

describe("ingestion hook", () => {
  it("quarantines a link registered at a suspended bank inside the window, records the violation, and shows it on the bank page", async () => {
    const grandfathered = wallet("0125", 120);
    await post(grandfathered.events);
    const { suspensions } = await manager.trpc.suspensions.suspend.mutate({
      bankCodes: ["0125"],
      scopes: ["REGISTRATION", "LINK_CHANGE"],
      cutoffAt: new Date(Date.now() - 60 * 60_000),
      reason: "link attack through the PIN-only page",
    });
    const skipped = wallet("0125", 0); // the platform registered it without asking
    await post(skipped.events);

    const link = await t.db.prisma.bankLink.findUniqueOrThrow({ where: { id: skipped.linkId } });
    expect(link).toMatchObject({ status: "QUARANTINED", quarantineSuspensionId: suspensions[0].id });
    expect((await decide(t.baseUrl, key, "charge", { linkId: skipped.linkId, amountYen: 50_000 })).body.reason).toBe("LINK_QUARANTINED");
    expect((await t.db.prisma.bankLink.findUniqueOrThrow({ where: { id: grandfathered.linkId } })).status).toBe("ACTIVE");

    const violations = await t.db.prisma.policyViolation.findMany({ where: { bankCode: "0125" } });
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ eventId: skipped.registered.id, kind: "REGISTRATION_WHILE_SUSPENDED", suspensionId: suspensions[0].id });
    expect(violations[0].detail).toMatchObject({ linkId: skipped.linkId, accountId: skipped.accountId, expectedReason: "BANK_REGISTRATION_SUSPENDED" });

    const page = await manager.trpc.suspensions.forBank.query({ bankCode: "0125" });
    expect(page.violationCount).toBe(1);
    expect(page.violations[0].eventId).toBe(skipped.registered.id);
  });

  it("a registration that happened before the suspension started, ingested late, is no violation (but is quarantined when inside the window)", async () => {
    await manager.trpc.suspensions.suspend.mutate({
      bankCodes: ["0126"],
      scopes: ["REGISTRATION"],
      cutoffAt: new Date(Date.now() - 60 * 60_000),
      reason: "link attack through the PIN-only page",
    });
    const late = wallet("0126", 30); // registered 30 minutes ago, before the suspension started
    await post(late.events);
    expect(await t.db.prisma.policyViolation.count({ where: { bankCode: "0126" } })).toBe(0);
    expect((await t.db.prisma.bankLink.findUniqueOrThrow({ where: { id: late.linkId } })).status).toBe("QUARANTINED");
  });

  it("a link change into a bank with registrations suspended is a violation recorded at that bank", async () => {
    const w = wallet("0001", 600);
    await post(w.events);
    await manager.trpc.suspensions.suspend.mutate({ bankCodes: ["0152"], scopes: ["REGISTRATION"], reason: "PIN-only link page, preventive" });
    const change = { ...linkChanged(w.linkId, { bankCode: "0152" }), occurredAt: ago(0) };
    await post([change]);
    const v = await t.db.prisma.policyViolation.findFirstOrThrow({ where: { eventId: change.id } });
    expect(v).toMatchObject({ bankCode: "0152", kind: "LINK_CHANGE_WHILE_SUSPENDED" });
    expect(v.detail).toMatchObject({ oldBankCode: "0001", newBankCode: "0152", expectedReason: "BANK_REGISTRATION_SUSPENDED" });
  });

  it("a charge while the bank's charges are suspended, and a charge on a quarantined link, are violations; a grandfathered charge is not (#15)", async () => {
    // 0169: charges suspended. 0177: registrations suspended with a quarantine window.
    const before = wallet("0177", 600); // linked 10 h ago: grandfathered at 0177
    const chargedAt0169 = wallet("0169", 600);
    await post([...before.events, ...chargedAt0169.events]);
    const { suspensions: [chargeStop] } = await manager.trpc.suspensions.suspend.mutate({
      bankCodes: ["0169"],
      scopes: ["CHARGE"],
      reason: "charges drained from victims' accounts",
    });
    const { suspensions: [quarantine] } = await manager.trpc.suspensions.suspend.mutate({
      bankCodes: ["0177"],
      scopes: ["REGISTRATION"],
      cutoffAt: new Date(Date.now() - 60 * 60_000),
      reason: "link attack through the PIN-only page",
    });
    const inWindow = wallet("0177", 30); // linked 30 minutes ago: quarantined as it is stored
    await post(inWindow.events);

    // One batch, as the platform charging without asking (or failing open while we were down).
    const suspended = { ...chargeCompleted(uid("chg"), chargedAt0169.linkId, { amountYen: 20_000 }), occurredAt: ago(0) };
    const quarantined = { ...chargeCompleted(uid("chg"), inWindow.linkId, { amountYen: 30_000 }), occurredAt: ago(0) };
    const grandfathered = { ...chargeCompleted(uid("chg"), before.linkId, { amountYen: 5_000 }), occurredAt: ago(0) };
    // Before the quarantine suspension started (ingested late): the link was not refused then.
    const earlier = { ...chargeCompleted(uid("chg"), inWindow.linkId, { amountYen: 1_000 }), occurredAt: ago(20) };
    await post([suspended, quarantined, grandfathered, earlier]);

    const byEvent = new Map(
      (await t.db.prisma.policyViolation.findMany({ where: { eventId: { in: [suspended.id, quarantined.id, grandfathered.id, earlier.id] } } })).map((v) => [v.eventId, v]),
    );
    expect([...byEvent.keys()].sort()).toEqual([suspended.id, quarantined.id].sort());
    expect(byEvent.get(suspended.id)).toMatchObject({ bankCode: "0169", kind: "CHARGE_WHILE_SUSPENDED", suspensionId: chargeStop.id });
    expect(byEvent.get(suspended.id)!.detail).toMatchObject({ chargeId: suspended.charge.id, amountYen: 20_000, expectedReason: "BANK_CHARGES_SUSPENDED" });
    expect(byEvent.get(quarantined.id)).toMatchObject({ bankCode: "0177", kind: "CHARGE_ON_QUARANTINED_LINK", suspensionId: quarantine.id });
    expect(byEvent.get(quarantined.id)!.detail).toMatchObject({ linkId: inWindow.linkId, expectedReason: "LINK_QUARANTINED" });

    const page = await manager.trpc.suspensions.forBank.query({ bankCode: "0169" });
    expect(page.violations.map((v) => v.kind)).toEqual(["CHARGE_WHILE_SUSPENDED"]);
  });

  it("events at banks without suspensions change nothing", async () => {
    const w = wallet("0005", 1);
    await post(w.events);
    expect((await t.db.prisma.bankLink.findUniqueOrThrow({ where: { id: w.linkId } })).status).toBe("ACTIVE");
    expect(await t.db.prisma.policyViolation.count({ where: { bankCode: "0005" } })).toBe(0);
  });
});
