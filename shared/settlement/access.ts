import type { AccessMap } from "../auth/permissions.ts";

// Reimbursements by banks and others are recorded by support and managers (they reduce what we owe
// victims). Cost-sharing agreements are set by an admin or a manager; a bank's payment of its share
// is money, so a manager records it, and so is our payment to a bank of what we owe it; statements are read by managers and admins.
export const settlementAccess = {
  "settlement.recordReimbursement": ["SUPPORT", "MANAGER"],
  "settlement.reimbursements": ["SUPPORT", "MANAGER"],
  "settlement.setCostShare": ["ADMIN", "MANAGER"],
  "settlement.costShares": ["ADMIN", "MANAGER"],
  "settlement.recordBankPayment": ["MANAGER"],
  "settlement.payBank": ["MANAGER"],
  "settlement.statement": ["MANAGER", "ADMIN"],
} satisfies AccessMap;
