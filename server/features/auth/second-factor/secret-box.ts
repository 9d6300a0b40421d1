// TOTP secrets at rest: AES-256-GCM under a key the database does not hold, so a database copy
// alone does not give anyone's codes. The key comes from TOTP_ENCRYPTION_KEY (32 bytes, base64 or
// hex); without it a fixed, public development key is used, which is fine for the embedded demo
// and nothing else (the start banner says so). Stored form: "v1:" + base64url(iv | tag | ciphertext).
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/** Public on purpose (README): only for the embedded demo and tests. */
export const DEV_TOTP_ENCRYPTION_KEY = "floodgate-dev-only-totp-key-not-for-production";

let cached: { raw: string | undefined; key: Buffer } | undefined;

function parseKey(raw: string): Buffer {
  const trimmed = raw.trim();
  const asHex = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, "hex") : null;
  const key = asHex ?? Buffer.from(trimmed, "base64");
  if (key.length !== 32) throw new Error("Configuration error: TOTP_ENCRYPTION_KEY must be 32 bytes, as 64 hex characters or base64 (openssl rand -base64 32)");
  return key;
}

function key(): Buffer {
  const raw = process.env.TOTP_ENCRYPTION_KEY || undefined;
  if (!cached || cached.raw !== raw) {
    cached = { raw, key: raw ? parseKey(raw) : createHash("sha256").update(DEV_TOTP_ENCRYPTION_KEY).digest() };
  }
  return cached.key;
}

/** True when no TOTP_ENCRYPTION_KEY is set (the demo's public key is in use). */
export function usingDevKey(): boolean {
  return !process.env.TOTP_ENCRYPTION_KEY;
}

/** Fails at start (with the variable's name) when the configured key is malformed. */
export function checkKey(): void {
  key();
}

export function sealSecret(plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(), iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return `v1:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url")}`;
}

export function openSecret(sealed: string): string {
  if (!sealed.startsWith("v1:")) throw new Error("unknown secret format");
  const raw = Buffer.from(sealed.slice(3), "base64url");
  const decipher = createDecipheriv("aes-256-gcm", key(), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
}
