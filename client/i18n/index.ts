// The console's translations (i18next + react-i18next). One namespace per feature (client/i18n/en/*.ts
// is the source, client/i18n/ja/*.ts the Japanese with the same keys). The first language comes from
// the person's last choice in this browser (localStorage), else the browser's language; once signed
// in, the choice stored on their staff record wins (LanguageSync) and a switch is saved there.
import i18n from "i18next";
import LanguageDetector from "i18next-browser-languagedetector";
import { initReactI18next } from "react-i18next";
import { DEFAULT_LANGUAGE, LANGUAGES, toLanguage, type Language } from "../../shared/language.ts";
import { formatCount, formatJst, formatJstDate, formatYen } from "../../shared/format.ts";
import { resources } from "./resources.ts";

export const LANGUAGE_STORAGE_KEY = "floodgate.language";

void i18n
  .use(LanguageDetector)
  .use(initReactI18next)
  .init({
    resources,
    ns: Object.keys(resources.en),
    defaultNS: "common",
    fallbackLng: DEFAULT_LANGUAGE,
    supportedLngs: [...LANGUAGES],
    nonExplicitSupportedLngs: true,
    load: "languageOnly",
    initAsync: false,
    returnNull: false,
    // React escapes what it renders.
    interpolation: { escapeValue: false },
    // Only an explicit choice is remembered (see rememberLanguage); detection alone writes nothing.
    detection: { order: ["localStorage", "navigator"], lookupLocalStorage: LANGUAGE_STORAGE_KEY, caches: [] },
  });

// {{value, yen}}, {{value, count}}, {{at, jst}}, {{at, jstDate}} in any string: the shared formats in the active language.
i18n.services.formatter?.add("yen", (value: number | bigint, lng) => formatYen(value, toLanguage(lng) ?? DEFAULT_LANGUAGE));
i18n.services.formatter?.add("count", (value: number | bigint, lng) => formatCount(value, toLanguage(lng) ?? DEFAULT_LANGUAGE));
i18n.services.formatter?.add("jst", (value: Date | string | number, lng) => formatJst(value, toLanguage(lng) ?? DEFAULT_LANGUAGE));
i18n.services.formatter?.add("jstDate", (value: Date | string | number, lng) => formatJstDate(value, toLanguage(lng) ?? DEFAULT_LANGUAGE));

function setDocumentLanguage(lng: string) {
  if (typeof document !== "undefined") document.documentElement.lang = toLanguage(lng) ?? DEFAULT_LANGUAGE;
}
setDocumentLanguage(i18n.language);
i18n.on("languageChanged", setDocumentLanguage);

/** The active console language. */
export function currentLanguage(): Language {
  return toLanguage(i18n.resolvedLanguage ?? i18n.language) ?? DEFAULT_LANGUAGE;
}

/** Shows the console in `language` and remembers it in this browser. */
export function applyLanguage(language: Language): void {
  try {
    localStorage.setItem(LANGUAGE_STORAGE_KEY, language);
  } catch {
    // private mode or storage full: the choice still lives on the staff record
  }
  if (currentLanguage() !== language) void i18n.changeLanguage(language);
}

export { i18n };
