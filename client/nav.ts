// The left navigation. An item shows only when the role may open its page: the procedure each page
// needs is in shared/auth/permissions.ts (PAGE_REQUIRES), read from the PROCEDURE_ROLES the server enforces.
import type { ComponentType } from "react";
import { PAGE_REQUIRES } from "../shared/auth/permissions.ts";
import { IconChecks, IconFileDollar } from "@tabler/icons-react";
import { IconChartLine, IconUsers, IconLock, IconCash, IconListDetails, IconSettings, IconShieldLock, IconShieldOff } from "@tabler/icons-react";

export interface NavItem {
  label: string;
  path: string;
  /** The procedure the page needs; the item is hidden from roles that may not call it. */
  requires: string;
  icon: ComponentType<{ size?: number }>;
  description: string;
}

export const NAV_ITEMS: NavItem[] = [
  { label: "Overview", path: "/overview", requires: PAGE_REQUIRES["/overview"], icon: IconChartLine, description: "Link and charge volume by bank against normal levels" },
  { label: "Accounts", path: "/accounts", requires: PAGE_REQUIRES["/accounts"], icon: IconUsers, description: "Anomalous wallet accounts and likely victims" },
  { label: "Suspensions", path: "/suspensions", requires: PAGE_REQUIRES["/suspensions"], icon: IconShieldOff, description: "Banks whose registrations, link changes or charges are suspended" },
  { label: "Quarantine", path: "/quarantine", requires: PAGE_REQUIRES["/quarantine"], icon: IconLock, description: "Links held for review after a suspension" },
  { label: "Compensation", path: "/compensation", requires: PAGE_REQUIRES["/compensation"], icon: IconCash, description: "Paying victims back, approvals and payouts" },
  { label: "Approvals", path: "/compensation/approvals", requires: PAGE_REQUIRES["/compensation/approvals"], icon: IconChecks, description: "Large compensation cases waiting for a manager" },
  { label: "Payouts", path: "/compensation/batches", requires: PAGE_REQUIRES["/compensation/batches"], icon: IconFileDollar, description: "Payout batches and transfer files" },
  { label: "Audit log", path: "/audit", requires: PAGE_REQUIRES["/audit"], icon: IconListDetails, description: "Every staff action" },
  { label: "Administration", path: "/admin", requires: PAGE_REQUIRES["/admin"], icon: IconSettings, description: "Staff, API keys and settings" },
];

export const SIGN_IN_ICON = IconShieldLock;
