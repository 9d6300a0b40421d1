// Typed keys: t("nav.overview.label") is checked against the English catalogs at compile time.
import "i18next";
import type { resources } from "./resources.ts";

declare module "i18next" {
  interface CustomTypeOptions {
    defaultNS: "common";
    resources: (typeof resources)["en"];
    returnNull: false;
  }
}
