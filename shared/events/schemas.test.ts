import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { z } from "zod";
import {
  EVENTS_PER_BATCH_MAX,
  EVENT_TYPES,
  canonicalEventJson,
  canonicalEventJsonBySorting,
  eventsBatchSchema,
  eventsEnvelopeSchema,
  eventsResponseSchema,
  normalizeOccurredAt,
  platformEventSchema,
  type PlatformEvent,
} from "./schemas.ts";

const at = "2020-09-04T12:34:56+09:00";

const valid: Record<PlatformEvent["type"], PlatformEvent[]> = {
  "account.opened": [
    {
      id: "ev-1",
      type: "account.opened",
      occurredAt: at,
      account: { id: "acc-1", holderName: "ヤマダ タロウ", carrierCustomer: false, identityVerified: false },
    },
    {
      id: "ev-1b",
      type: "account.opened",
      occurredAt: "2020-09-04T03:34:56.123Z",
      account: {
        id: "acc-2",
        holderName: "ｻﾄｳ ﾊﾅｺ",
        carrierCustomer: true,
        identityVerified: true,
        deviceId: "dev-1",
        ipAddress: "203.0.113.7",
      },
    },
  ],
  "link.registered": [
    {
      id: "ev-2",
      type: "link.registered",
      occurredAt: at,
      link: {
        id: "lnk-1",
        accountId: "acc-1",
        bankCode: "0125",
        branchCode: "101",
        accountNumber: "1234567",
        holderName: "スズキ イチロウ",
        authMethod: "PIN",
      },
    },
  ],
  "link.changed": [
    {
      id: "ev-3",
      type: "link.changed",
      occurredAt: at,
      link: { id: "lnk-1", bankCode: "0005", branchCode: "001", accountNumber: "7654321", holderName: "ヤマダ タロウ", authMethod: "ONLINE_BANKING" },
    },
  ],
  "charge.completed": [
    { id: "ev-4", type: "charge.completed", occurredAt: at, charge: { id: "chg-1", linkId: "lnk-1", amountYen: 100000 } },
    { id: "ev-4b", type: "charge.completed", occurredAt: at, charge: { id: "chg-2", linkId: "lnk-1", amountYen: 1 } },
    { id: "ev-4c", type: "charge.completed", occurredAt: at, charge: { id: "chg-3", linkId: "lnk-1", amountYen: 5000, descriptor: "ﾌﾛｰﾄﾞｹﾞｰﾄ 0000789" } },
    { id: "ev-4d", type: "charge.completed", occurredAt: at, charge: { id: "chg-4", linkId: "lnk-1", amountYen: 5000, descriptor: "FLOODGATE (W) 12-34/5" } },
  ],
  "spend.completed": [
    { id: "ev-5", type: "spend.completed", occurredAt: at, spend: { id: "spd-1", accountId: "acc-1", amountYen: 980, channel: "payment", counterparty: "ローソン" } },
    { id: "ev-5b", type: "spend.completed", occurredAt: at, spend: { id: "spd-2", accountId: "acc-1", amountYen: 1_000_000, channel: "transfer" } },
  ],
  "account.verified": [
    { id: "ev-6", type: "account.verified", occurredAt: at, verification: { accountId: "acc-1", method: "EKYC", passed: true } },
    { id: "ev-6b", type: "account.verified", occurredAt: at, verification: { accountId: "acc-1", method: "OTP", passed: false } },
  ],
};

const clone = <T>(x: T): T => structuredClone(x);
type Mut = (e: any) => void;

const invalid: Record<PlatformEvent["type"], [string, Mut][]> = {
  "account.opened": [
    ["missing holderName", (e) => delete e.account.holderName],
    ["empty holderName", (e) => (e.account.holderName = "")],
    ["blank holderName", (e) => (e.account.holderName = "   ")],
    ["holderName over 100", (e) => (e.account.holderName = "ア".repeat(101))],
    ["carrierCustomer not boolean", (e) => (e.account.carrierCustomer = "yes")],
    ["id over 64", (e) => (e.account.id = "a".repeat(65))],
    ["bad ip", (e) => (e.account.ipAddress = "999.1.1.1")],
    ["unknown field in payload", (e) => (e.account.email = "x@example.com")],
    ["unknown field at top", (e) => (e.extra = 1)],
  ],
  "link.registered": [
    ["3-digit bank code", (e) => (e.link.bankCode = "125")],
    ["non-digit bank code", (e) => (e.link.bankCode = "01A5")],
    ["full-width digits", (e) => (e.link.bankCode = "０１２５")],
    ["2-digit branch", (e) => (e.link.branchCode = "10")],
    ["6-digit account number", (e) => (e.link.accountNumber = "123456")],
    ["8-digit account number", (e) => (e.link.accountNumber = "12345678")],
    ["unknown auth method", (e) => (e.link.authMethod = "SMS")],
    ["missing accountId", (e) => delete e.link.accountId],
    ["unknown field", (e) => (e.link.pin = "1234")],
  ],
  "link.changed": [
    ["has accountId (not in contract)", (e) => (e.link.accountId = "acc-1")],
    ["missing id", (e) => delete e.link.id],
    ["bad account number", (e) => (e.link.accountNumber = "12-4567")],
  ],
  "charge.completed": [
    ["zero amount", (e) => (e.charge.amountYen = 0)],
    ["negative amount", (e) => (e.charge.amountYen = -1000)],
    ["fractional amount", (e) => (e.charge.amountYen = 1000.5)],
    ["over 1,000,000", (e) => (e.charge.amountYen = 1_000_001)],
    ["amount as string", (e) => (e.charge.amountYen = "1000")],
    ["missing linkId", (e) => delete e.charge.linkId],
    ["empty descriptor", (e) => (e.charge.descriptor = "")],
    ["descriptor over 24 characters", (e) => (e.charge.descriptor = "A".repeat(25))],
    ["lower-case descriptor", (e) => (e.charge.descriptor = "floodgate")],
    ["full-width descriptor", (e) => (e.charge.descriptor = "フロードゲート")],
    ["descriptor with a leading space", (e) => (e.charge.descriptor = " FLOODGATE")],
    ["descriptor with a trailing space", (e) => (e.charge.descriptor = "FLOODGATE ")],
    ["descriptor with a control character", (e) => (e.charge.descriptor = "FLOOD\nGATE")],
    ["descriptor as a number", (e) => (e.charge.descriptor = 12345)],
  ],
  "spend.completed": [
    ["unknown channel", (e) => (e.spend.channel = "withdrawal")],
    ["empty counterparty", (e) => (e.spend.counterparty = "")],
    ["over 1,000,000", (e) => (e.spend.amountYen = 2_000_000)],
    ["payload under wrong key", (e) => ((e.charge = e.spend), delete e.spend)],
  ],
  "account.verified": [
    ["unknown method", (e) => (e.verification.method = "SMS")],
    ["passed missing", (e) => delete e.verification.passed],
    ["passed as string", (e) => (e.verification.passed = "yes")],
    ["missing accountId", (e) => delete e.verification.accountId],
    ["unknown field", (e) => (e.verification.score = 90)],
  ],
};

describe("platformEventSchema", () => {
  for (const [type, events] of Object.entries(valid)) {
    it(`accepts valid ${type} events`, () => {
      for (const e of events) expect(platformEventSchema.safeParse(e).success, JSON.stringify(e)).toBe(true);
    });
    for (const [label, mutate] of invalid[type as PlatformEvent["type"]]) {
      it(`rejects ${type}: ${label}`, () => {
        const e = clone(valid[type as PlatformEvent["type"]][0]);
        mutate(e);
        expect(platformEventSchema.safeParse(e).success).toBe(false);
      });
    }
  }

  it("rejects envelope problems common to all types", () => {
    const base = valid["charge.completed"][0];
    const cases: Mut[] = [
      (e) => (e.type = "charge.refunded"),
      (e) => delete e.type,
      (e) => (e.id = ""),
      (e) => (e.id = "x".repeat(65)),
      (e) => (e.occurredAt = "2020-09-04T12:34:56"), // no offset
      (e) => (e.occurredAt = "2020-09-04 12:34:56+09:00"),
      (e) => (e.occurredAt = "2020-09-04"),
      (e) => (e.occurredAt = 1599190496000),
    ];
    for (const mutate of cases) {
      const e = clone(base) as any;
      mutate(e);
      expect(platformEventSchema.safeParse(e).success, JSON.stringify(e)).toBe(false);
    }
  });

  it("accepts a 64-character id and a 100-character name", () => {
    const e = clone(valid["account.opened"][0]) as any;
    e.id = "e".repeat(64);
    e.account.holderName = "ア".repeat(100);
    expect(platformEventSchema.safeParse(e).success).toBe(true);
  });
});

describe("batch envelope and response", () => {
  const one = valid["charge.completed"][0];
  it("takes 1 to EVENTS_PER_BATCH_MAX events", () => {
    expect(EVENTS_PER_BATCH_MAX).toBe(1000);
    expect(eventsEnvelopeSchema.safeParse({ events: [] }).success).toBe(false);
    expect(eventsEnvelopeSchema.safeParse({ events: [one] }).success).toBe(true);
    expect(eventsEnvelopeSchema.safeParse({ events: Array(1000).fill(one) }).success).toBe(true);
    expect(eventsEnvelopeSchema.safeParse({ events: Array(1001).fill(one) }).success).toBe(false);
    expect(eventsEnvelopeSchema.safeParse({ events: [one], extra: true }).success).toBe(false);
  });
  it("leaves per-event validation to platformEventSchema (loose envelope, typed batch)", () => {
    const body = { events: [one, { nonsense: true }] };
    expect(eventsEnvelopeSchema.safeParse(body).success).toBe(true);
    expect(eventsBatchSchema.safeParse(body).success).toBe(false);
  });
  it("validates responses", () => {
    expect(
      eventsResponseSchema.safeParse({
        accepted: 1,
        duplicates: 0,
        rejected: [{ index: 1, id: null, code: "INVALID", message: "bad" }],
      }).success,
    ).toBe(true);
    expect(eventsResponseSchema.safeParse({ accepted: 1, duplicates: 0, rejected: [{ index: 1, id: "x", code: "NOPE", message: "" }] }).success).toBe(false);
  });
  it("renders to JSON Schema with descriptions (for the OpenAPI document)", () => {
    const json = JSON.stringify(z.toJSONSchema(eventsBatchSchema));
    expect(json).toContain("Zengin bank code");
    expect(json).toContain('"additionalProperties":false');
    expect(JSON.stringify(z.toJSONSchema(eventsResponseSchema))).toContain("CONFLICT");
  });
});

describe("canonicalEventJson", () => {
  it("is the same for the +09:00 and Z forms of one instant and for any key order", () => {
    const a = valid["charge.completed"][0] as any;
    const b = { charge: { amountYen: 100000, linkId: "lnk-1", id: "chg-1" }, occurredAt: "2020-09-04T03:34:56.000Z", type: "charge.completed", id: "ev-4" } as any;
    expect(canonicalEventJson(a)).toBe(canonicalEventJson(b));
    expect(canonicalEventJson(a)).toBe(
      '{"charge":{"amountYen":100000,"id":"chg-1","linkId":"lnk-1"},"id":"ev-4","occurredAt":"2020-09-04T03:34:56Z","type":"charge.completed"}',
    );
  });
  it("differs when the payload or the instant differs", () => {
    const a = valid["charge.completed"][0] as any;
    expect(canonicalEventJson(a)).not.toBe(canonicalEventJson({ ...a, charge: { ...a.charge, amountYen: 99999 } }));
    expect(canonicalEventJson(a)).not.toBe(canonicalEventJson({ ...a, occurredAt: "2020-09-04T12:34:56Z" }));
    expect(canonicalEventJson(a)).not.toBe(canonicalEventJson({ ...a, occurredAt: "2020-09-04T12:34:56.0001+09:00" }));
  });
  it("builds exactly the sorted-keys form for every event type, with and without optional fields", () => {
    const all = Object.values(valid).flat();
    const withOptionals = [
      { id: "ev-o1", type: "account.opened", occurredAt: at, account: { id: "a", holderName: "ア", carrierCustomer: true, identityVerified: true, deviceId: "d", ipAddress: "203.0.113.7" } },
      { id: "ev-o2", type: "spend.completed", occurredAt: at, spend: { id: "s", accountId: "a", amountYen: 5, channel: "transfer", counterparty: "ローソン" } },
      { id: "ev-o3", type: "spend.completed", occurredAt: at, spend: { id: "s", accountId: "a", amountYen: 5, channel: "payment" } },
    ];
    for (const raw of [...all, ...withOptionals]) {
      const parsed = platformEventSchema.parse(raw);
      expect(canonicalEventJson(parsed)).toBe(canonicalEventJsonBySorting(parsed));
    }
    expect(new Set(all.map((e) => e.type)).size).toBe(EVENT_TYPES.length);
  });
  it("normalizeOccurredAt agrees with Date for any instant and offset", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2090, 0, 1) }),
        fc.integer({ min: -12 * 60, max: 14 * 60 }),
        (ms, offMin) => {
          const local = new Date(ms + offMin * 60_000).toISOString().slice(0, 23);
          const sign = offMin < 0 ? "-" : "+";
          const abs = Math.abs(offMin);
          const off = `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
          const s = `${local}${off}`;
          const n = normalizeOccurredAt(s);
          expect(new Date(n).getTime()).toBe(ms);
          expect(new Date(s).getTime()).toBe(ms);
        },
      ),
    );
  });
});
