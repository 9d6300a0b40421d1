import { common as enCommon } from "./en/common.ts";
import { common as jaCommon } from "./ja/common.ts";
import { alarms as enAlarms } from "./en/alarms.ts";
import { alarms as jaAlarms } from "./ja/alarms.ts";

export const resources = {
  en: { common: enCommon, alarms: enAlarms },
  ja: { common: jaCommon, alarms: jaAlarms },
};
