// TOTP (RFC 6238, 30-second steps, 6 digits, SHA-1: what every authenticator app does) with
// otplib 13, and the QR code of its otpauth:// address.
import { createHash, randomBytes } from "node:crypto";
import { generate, generateSecret, generateURI, verify } from "otplib";
import QRCode from "qrcode";
import { RECOVERY_CODE_COUNT } from "../../../../shared/auth/second-factor.ts";

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_ISSUER = "Floodgate";

export interface TotpClock {
  /** Milliseconds since the epoch (Date.now in production; tests may move it). */
  now(): number;
  /** Steps accepted either side of now for a phone's clock drift (1 in production). */
  toleranceSteps: number;
}

export function newTotpSecret(): string {
  return generateSecret(); // 20 random bytes, base32
}

export function otpauthUri(secret: string, email: string): string {
  return generateURI({ issuer: TOTP_ISSUER, label: email, secret });
}

export function qrDataUrl(uri: string): Promise<string> {
  return QRCode.toDataURL(uri, { errorCorrectionLevel: "M", margin: 2, width: 220 });
}

export function timeStepAt(ms: number): number {
  return Math.floor(ms / 1000 / TOTP_PERIOD_SECONDS);
}

/** The code for a time step (tests and the demo banner compute codes the way an app does). */
export function totpCodeForStep(secret: string, step: number): Promise<string> {
  return generate({ secret, epoch: step * TOTP_PERIOD_SECONDS });
}

/**
 * The time step a code belongs to, when it is valid now (within the tolerance) and later than the
 * last step accepted for this person (a code is never accepted twice, nor an older one); else null.
 */
export async function acceptedStep(secret: string, code: string, clock: TotpClock, lastStep: number | null): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(clock.now() / 1000),
    epochTolerance: clock.toleranceSteps * TOTP_PERIOD_SECONDS,
    ...(lastStep !== null ? { afterTimeStep: lastStep } : {}),
  });
  return result.valid && "timeStep" in result ? result.timeStep : null;
}

// Recovery codes: 16 base32 characters (80 random bits), shown as four groups of four. High
// entropy, so a plain sha256 is enough to store them (no offline guessing of 2^80 values).
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const bytes = randomBytes(16);
    const chars = [...bytes].map((b) => BASE32[b & 31]).join("");
    return chars.match(/.{4}/g)!.join("-");
  });
}

export function recoveryCodeHash(code: string): string {
  return createHash("sha256").update(code.replace(/[\s-]/g, "").toUpperCase()).digest("hex");
}
