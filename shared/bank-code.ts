// Zengin bank codes are always 4 digits; leading zeros matter ("0125"), so they stay strings. The one
// pattern and schema for them: every input that takes a bank code (console, /api/v1, URL parameters).
import { text } from "./schema-blocks.ts";

export const BANK_CODE_PATTERN = /^\d{4}$/;

/** Whether a string is a bank code (4 digits). */
export function isBankCode(value: string | null | undefined): boolean {
  return typeof value === "string" && BANK_CODE_PATTERN.test(value);
}

/** A bank code: 4 digits, as text. Features add their own description (.meta) where it is documented. */
export const BankCode = text().regex(BANK_CODE_PATTERN, "A bank code is 4 digits");
