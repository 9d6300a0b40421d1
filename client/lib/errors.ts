import { TRPCClientError } from "@trpc/client";
import { formatDurationWords } from "../../shared/format.ts";
import { currentLanguage, i18n } from "../i18n/index.ts";
import { errorsJa } from "../i18n/ja/errors.ts";

/**
 * Words a person can act on, from any error a call may throw. The server sends a code and an English
 * sentence about the case at hand: English shows that sentence; Japanese shows the words for the code
 * (client/i18n/ja/errors.ts), falling back to the server's sentence for a code it does not know.
 */
export function errorMessage(error: unknown): string {
  const t = i18n.getFixedT(currentLanguage(), "common");
  if (error instanceof TRPCClientError) {
    const data = error.data as { message?: string; requestId?: string; code?: string; details?: { retryAfterSeconds?: unknown } } | undefined;
    const translated = currentLanguage() === "ja" && data?.code ? errorsJa[data.code] : undefined;
    if (translated) {
      const wait = data?.details?.retryAfterSeconds;
      return typeof wait === "number" ? `${translated}（${formatDurationWords(wait, "ja")}後に再試行できます）` : translated;
    }
    if (error.message) return error.message;
    return data?.requestId ? t("errors.genericWithId", { requestId: data.requestId }) : t("errors.generic");
  }
  if (error instanceof Error && /fetch|network/i.test(error.message)) return t("errors.network");
  return t("errors.generic");
}

/**
 * Words for a code the server sent beside its own English sentence (e.g. why a person may not decide
 * a change): the same rule as errorMessage, Japanese from client/i18n/ja/errors.ts, else the sentence.
 */
export function codeWords(code: string | null | undefined, serverText: string | null | undefined): string | null {
  const translated = currentLanguage() === "ja" && code ? errorsJa[code] : undefined;
  return translated ?? serverText ?? null;
}

export function fieldErrors(error: unknown): Record<string, string[]> {
  if (error instanceof TRPCClientError) return ((error.data as { fieldErrors?: Record<string, string[]> })?.fieldErrors) ?? {};
  return {};
}

/** Whether the server answered "there is no such thing" (NOT_FOUND or a *_NOT_FOUND code). */
export function isNotFound(error: unknown): boolean {
  if (!(error instanceof TRPCClientError)) return false;
  const data = error.data as { code?: string; httpStatus?: number } | undefined;
  return data?.httpStatus === 404 || /(^|_)NOT_FOUND$/.test(data?.code ?? "");
}
