// The left navigation. An item shows only when the role may open its page: the procedure each page
// needs is in shared/auth/permissions.ts (PAGE_REQUIRES), read from the PROCEDURE_ROLES the server enforces.
// Labels and descriptions are translated (client/i18n/*/common.ts, nav.<key>); `label` is the English one.
import type { ComponentType } from "react";
import { PAGE_REQUIRES } from "../shared/auth/permissions.ts";
import { common } from "./i18n/en/common.ts";
import { IconBuildingBank, IconReportAnalytics } from "@tabler/icons-react";
import { IconActivityHeartbeat, IconChecks, IconFileDollar, IconUsersGroup, IconWebhook } from "@tabler/icons-react";
import { IconChartLine, IconUsers, IconLock, IconCash, IconListDetails, IconSettings, IconShieldLock, IconShieldOff } from "@tabler/icons-react";

export type NavKey = keyof typeof common.nav;

export interface NavItem {
  key: NavKey;
  /** English label (the translated one is t(`nav.${key}.label`)). */
  label: string;
  path: string;
  /** The procedure the page needs; the item is hidden from roles that may not call it. */
  requires: string;
  icon: ComponentType<{ size?: number }>;
}

const item = (key: NavKey, path: keyof typeof PAGE_REQUIRES, icon: NavItem["icon"]): NavItem => ({ key, label: common.nav[key].label, path, requires: PAGE_REQUIRES[path], icon });

export const NAV_ITEMS: NavItem[] = [
  item("overview", "/overview", IconChartLine),
  item("accounts", "/accounts", IconUsers),
  item("suspensions", "/suspensions", IconShieldOff),
  item("quarantine", "/quarantine", IconLock),
  item("banks", "/banks", IconBuildingBank),
  item("compensation", "/compensation", IconCash),
  item("approvals", "/compensation/approvals", IconChecks),
  item("payouts", "/compensation/batches", IconFileDollar),
  item("audit", "/audit", IconListDetails),
  item("feeds", "/feeds", IconActivityHeartbeat),
  item("changes", "/approvals", IconUsersGroup),
  item("admin", "/admin", IconSettings),
  item("webhooks", "/webhooks", IconWebhook),
  item("regulator", "/reports/regulator", IconReportAnalytics),
];

export const SIGN_IN_ICON = IconShieldLock;
