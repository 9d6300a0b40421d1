import type { AccessMap } from "../auth/permissions.ts";
import { ALL_STAFF } from "../auth/roles.ts";

// Support pays victims back; managers are the second pair of eyes and release payouts. ANALYST and
// ADMIN are kept out of money movement (separation of duties; see APPROVER_ROLES in rules.ts).
// Payout batches carry full account numbers in their file, so only MANAGER creates, lists and
// downloads them: there is no finance role, and a manager already holds the money authority.
export const compensationAccess = {
  "compensation.list": ["SUPPORT", "MANAGER", "ADMIN"],
  "compensation.get": ["SUPPORT", "MANAGER", "ADMIN"],
  "compensation.victimSearch": ["SUPPORT", "MANAGER"],
  "compensation.victimForCharge": ["SUPPORT", "MANAGER"],
  "compensation.victimsOfAccount": ["SUPPORT", "MANAGER"],
  "compensation.create": ["SUPPORT", "MANAGER"],
  "compensation.approve": ["SUPPORT", "MANAGER"],
  "compensation.reject": ["SUPPORT", "MANAGER"],
  "compensation.cancel": ["SUPPORT", "MANAGER"],
  // Eligibility (#18): a manager lifts a rule for one charge; support and managers log contacts.
  "compensation.overrideRule": ["MANAGER"],
  "compensation.addContact": ["SUPPORT", "MANAGER"],
  // Correcting a case's claim (or recording one on an older case), with a reason.
  "compensation.correctClaim": ["SUPPORT", "MANAGER"],
  "compensation.approvalQueue": ["MANAGER"],
  "compensation.payableCases": ["MANAGER"],
  "compensation.createPayoutBatch": ["MANAGER"],
  "compensation.batches": ["MANAGER"],
  "compensation.downloadBatch": ["MANAGER"],
  "compensation.downloadZengin": ["MANAGER"],
  "compensation.markBatchSent": ["MANAGER"],
  "compensation.importBankResult": ["MANAGER"],
  "compensation.reconciliation": ["MANAGER", "ADMIN"],
  // Totals only (no names or account numbers): also shown on the overview.
  "compensation.report": ALL_STAFF,
} satisfies AccessMap;
