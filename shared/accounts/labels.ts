// The one human label of each scoring rule, used by every page that names a rule (accounts list,
// account page, quarantine queue, compensation evidence and approvals), so an analyst and a support
// agent talking about the same signal use the same words. The rules page adds each rule's title.
import type { ReasonCode } from "./scoring-types.ts";

export const RULE_LABELS: Record<ReasonCode, string> = {
  NAME_MISMATCH: "Name mismatch",
  NAME_FAMILY: "Family name",
  LINK_SOON_AFTER_OPEN: "Linked fast",
  CHARGE_SOON_AFTER_LINK: "Charged fast",
  MANY_BANK_ACCOUNTS: "Many bank accounts",
  SHARED_BANK_ACCOUNT: "Shared bank account",
  SHARED_DEVICE: "Shared device",
  SHARED_IP: "Shared IP",
  UNVERIFIED_NON_CARRIER: "Unverified",
  NEAR_LIMIT_CHARGES: "Near limits",
  RAPID_EQUAL_CHARGES: "Rapid equal charges",
  RAPID_CASH_OUT: "Fast cash-out",
  LINKED_DURING_SPIKE: "During spike",
  PIN_ONLY_LINK: "PIN-only bank",
  RING: "Ring",
  LOCKSTEP: "Lock-step",
};

/** The label of a stored reason code; a code from an older rule set is shown in words. */
export function ruleLabel(code: string): string {
  return (RULE_LABELS as Record<string, string>)[code] ?? code.charAt(0) + code.slice(1).toLowerCase().replace(/_/g, " ");
}
