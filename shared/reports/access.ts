import type { AccessMap } from "../auth/permissions.ts";

// The regulator report (totals and measures, no names) is read by managers and analysts. The
// evidence pack goes to a partner bank (masked, but per customer account): a manager decides that.
export const reportsAccess = {
  "reports.regulator": ["MANAGER", "ANALYST"],
  "reports.regulatorCsv": ["MANAGER", "ANALYST"],
  "reports.evidencePack": ["MANAGER"],
} satisfies AccessMap;
