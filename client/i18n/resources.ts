import { common as enCommon } from "./en/common.ts";
import { common as jaCommon } from "./ja/common.ts";
import { volume as enVolume } from "./en/volume.ts";
import { volume as jaVolume } from "./ja/volume.ts";
import { suspensions as enSuspensions } from "./en/suspensions.ts";
import { suspensions as jaSuspensions } from "./ja/suspensions.ts";

export const resources = {
  en: { common: enCommon, volume: enVolume, suspensions: enSuspensions },
  ja: { common: jaCommon, volume: jaVolume, suspensions: jaSuspensions },
};
