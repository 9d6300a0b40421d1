// The statement descriptor the demo wallet platform sends with each charge (#18): what its debit
// contract has the customer's passbook print. Used by the demo generator and `npm run simulate`;
// a real platform sends its own (the contract's DESCRIPTOR_PATTERN).
import { DESCRIPTOR_MAX_LENGTH } from "./schemas.ts";

/** The demo platform's name on passbooks, in half-width katakana (デモウォレット). */
export const DEMO_PLATFORM_PASSBOOK_NAME = "ﾃﾞﾓｳｫﾚｯﾄ";

/** Its name and the charge's reference: the charge id's last 8 characters, upper case, other characters as "-". */
export function demoChargeDescriptor(chargeId: string): string {
  const ref = chargeId.slice(-8).toUpperCase().replace(/[^0-9A-Z]/g, "-").replace(/^-+|-+$/g, "") || "0";
  return `${DEMO_PLATFORM_PASSBOOK_NAME} ${ref}`.slice(0, DESCRIPTOR_MAX_LENGTH);
}
