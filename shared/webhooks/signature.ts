// The signature on every webhook delivery, as Stripe signs its webhooks: HMAC-SHA256 with the
// endpoint's secret over `${timestamp}.${body}` (timestamp in Unix seconds, body the exact bytes
// sent), in the header `Floodgate-Signature: t=<timestamp>,v1=<hex>`. The receiver recomputes it
// over the raw body and refuses a timestamp too far from its clock (replays of an old request).
// Node only (node:crypto): the server signs, receivers and tests verify; the console never imports it.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "Floodgate-Signature";
/** A receiver refuses a signature older (or newer) than this. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;
/** Generated secrets start with this, so one found in a log or a repository is recognisable. */
export const SECRET_PREFIX = "whsec_";

export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString("base64url");
}

export function signPayload(secret: string, timestampSeconds: number, body: string): string {
  return createHmac("sha256", secret).update(`${timestampSeconds}.${body}`, "utf8").digest("hex");
}

export function signatureHeader(secret: string, timestampSeconds: number, body: string): string {
  return `t=${timestampSeconds},v1=${signPayload(secret, timestampSeconds, body)}`;
}

export type SignatureCheck = { ok: true; timestamp: number } | { ok: false; why: "MALFORMED" | "STALE" | "MISMATCH" };

/** What a receiver does: parse the header, check the age, compare in constant time (any v1 may match). */
export function verifySignature(header: string | undefined, body: string, secret: string, nowSeconds: number, toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS): SignatureCheck {
  if (!header) return { ok: false, why: "MALFORMED" };
  const parts = header.split(",").map((p) => p.trim().split("="));
  const t = Number(parts.find(([k]) => k === "t")?.[1]);
  const signatures = parts.filter(([k, v]) => k === "v1" && v !== undefined && /^[0-9a-f]{64}$/.test(v)).map(([, v]) => v!);
  if (!Number.isInteger(t) || signatures.length === 0) return { ok: false, why: "MALFORMED" };
  if (Math.abs(nowSeconds - t) > toleranceSeconds) return { ok: false, why: "STALE" };
  const expected = Buffer.from(signPayload(secret, t, body), "hex");
  const match = signatures.some((s) => timingSafeEqual(Buffer.from(s, "hex"), expected));
  return match ? { ok: true, timestamp: t } : { ok: false, why: "MISMATCH" };
}
