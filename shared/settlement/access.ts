import type { AccessMap } from "../auth/permissions.ts";

// Reimbursements by banks and others are recorded by support and managers (they reduce what we owe
// victims); the reading of them too.
export const settlementAccess = {
  "settlement.recordReimbursement": ["SUPPORT", "MANAGER"],
  "settlement.reimbursements": ["SUPPORT", "MANAGER"],
} satisfies AccessMap;
