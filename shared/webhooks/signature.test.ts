import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateSecret, signatureHeader, verifySignature } from "./signature.ts";

const body = JSON.stringify({ id: "5b1f7a4e-0000-4000-8000-000000000001", type: "suspension.created", data: { bankCode: "0125" } });
const secret = "whsec_test_secret_of_enough_length";

describe("webhook signature", () => {
  it("is HMAC-SHA256 over `${t}.${body}` as Stripe's v1", () => {
    const expected = createHmac("sha256", secret).update(`1700000000.${body}`).digest("hex");
    expect(signatureHeader(secret, 1700000000, body)).toBe(`t=1700000000,v1=${expected}`);
  });

  it("verifies within the tolerance and refuses a changed body, another secret, an old timestamp or garbage", () => {
    const h = signatureHeader(secret, 1700000000, body);
    expect(verifySignature(h, body, secret, 1700000000 + 299)).toEqual({ ok: true, timestamp: 1700000000 });
    expect(verifySignature(h, body.replace("0125", "0126"), secret, 1700000000)).toEqual({ ok: false, why: "MISMATCH" });
    expect(verifySignature(h, body, `${secret}x`, 1700000000)).toEqual({ ok: false, why: "MISMATCH" });
    expect(verifySignature(h, body, secret, 1700000000 + 301)).toEqual({ ok: false, why: "STALE" });
    expect(verifySignature(h, body, secret, 1700000000 - 301)).toEqual({ ok: false, why: "STALE" });
    expect(verifySignature("t=abc,v1=zz", body, secret, 1700000000)).toEqual({ ok: false, why: "MALFORMED" });
    expect(verifySignature(undefined, body, secret, 1700000000)).toEqual({ ok: false, why: "MALFORMED" });
  });

  it("accepts any matching v1 (a receiver sees several during a secret rotation)", () => {
    const good = signatureHeader(secret, 1700000000, body).split(",v1=")[1];
    expect(verifySignature(`t=1700000000,v1=${"0".repeat(64)},v1=${good}`, body, secret, 1700000000).ok).toBe(true);
  });

  it("generates distinct recognisable secrets", () => {
    const a = generateSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(generateSecret()).not.toBe(a);
  });
});
