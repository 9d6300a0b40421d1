// The console's languages. A person's choice is stored on their staff record (auth.setLanguage) so it
// follows them to any browser; without a choice the console follows the browser's language.
import { z } from "zod";

export const LANGUAGES = ["en", "ja"] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = "en";

export const SetLanguageInput = z.object({ language: z.enum(LANGUAGES) }).strict();
export type SetLanguageInput = z.infer<typeof SetLanguageInput>;

/** "ja-JP", "ja", "en-GB" → a console language; anything else → null. */
export function toLanguage(tag: string | null | undefined): Language | null {
  const base = (tag ?? "").toLowerCase().split(/[-_]/)[0];
  return (LANGUAGES as readonly string[]).includes(base) ? (base as Language) : null;
}
