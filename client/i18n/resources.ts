import { common as enCommon } from "./en/common.ts";
import { common as jaCommon } from "./ja/common.ts";

export const resources = {
  en: { common: enCommon },
  ja: { common: jaCommon },
};
