import { common as enCommon } from "./en/common.ts";
import { common as jaCommon } from "./ja/common.ts";
import { volume as enVolume } from "./en/volume.ts";
import { volume as jaVolume } from "./ja/volume.ts";
import { suspensions as enSuspensions } from "./en/suspensions.ts";
import { suspensions as jaSuspensions } from "./ja/suspensions.ts";
import { alarms as enAlarms } from "./en/alarms.ts";
import { alarms as jaAlarms } from "./ja/alarms.ts";
import { accounts as enAccounts } from "./en/accounts.ts";
import { accounts as jaAccounts } from "./ja/accounts.ts";
import { approvals as enApprovals } from "./en/approvals.ts";
import { approvals as jaApprovals } from "./ja/approvals.ts";
import { secondFactor as enSecondFactor } from "./en/second-factor.ts";
import { secondFactor as jaSecondFactor } from "./ja/second-factor.ts";
import { compensation as enCompensation } from "./en/compensation.ts";
import { compensation as jaCompensation } from "./ja/compensation.ts";
import { audit as enAudit } from "./en/audit.ts";
import { audit as jaAudit } from "./ja/audit.ts";
import { admin as enAdmin } from "./en/admin.ts";
import { admin as jaAdmin } from "./ja/admin.ts";
import { feeds as enFeeds } from "./en/feeds.ts";
import { feeds as jaFeeds } from "./ja/feeds.ts";
import { webhooks as enWebhooks } from "./en/webhooks.ts";
import { webhooks as jaWebhooks } from "./ja/webhooks.ts";
import { reports as enReports } from "./en/reports.ts";
import { reports as jaReports } from "./ja/reports.ts";

export const resources = {
  en: { common: enCommon, volume: enVolume, suspensions: enSuspensions, alarms: enAlarms, accounts: enAccounts, approvals: enApprovals, secondFactor: enSecondFactor, compensation: enCompensation, audit: enAudit, admin: enAdmin, feeds: enFeeds, webhooks: enWebhooks, reports: enReports },
  ja: { common: jaCommon, volume: jaVolume, suspensions: jaSuspensions, alarms: jaAlarms, accounts: jaAccounts, approvals: jaApprovals, secondFactor: jaSecondFactor, compensation: jaCompensation, audit: jaAudit, admin: jaAdmin, feeds: jaFeeds, webhooks: jaWebhooks, reports: jaReports },
};
