import { TRPCClientError } from "@trpc/client";
import type { ErrorCode } from "../../shared/errors.ts";
import { formatDurationWords } from "../../shared/format.ts";
import type { AppRouter } from "../../server/trpc/app-router.ts";
import { currentLanguage, i18n } from "../i18n/index.ts";
import { errorsJa } from "../i18n/ja/errors.ts";

/** What the server sent with its error (shaped by server/trpc/init.ts: code, words, request id…). */
function serverErrorData(error: unknown): TRPCClientError<AppRouter>["data"] | undefined {
  return error instanceof TRPCClientError ? (error as TRPCClientError<AppRouter>).data ?? undefined : undefined;
}

/** The code of an error the server sent (one of the closed list in shared/errors.ts). */
export function errorCodeOf(error: unknown): ErrorCode | undefined {
  return serverErrorData(error)?.code;
}

/**
 * Words a person can act on, from any error a call may throw. The server sends a code and an English
 * sentence about the case at hand: English shows that sentence; Japanese shows the words for the code
 * (client/i18n/ja/errors.ts), falling back to the server's sentence for a code it does not know.
 */
export function errorMessage(error: unknown): string {
  const t = i18n.getFixedT(currentLanguage(), "common");
  if (error instanceof TRPCClientError) {
    const data = serverErrorData(error);
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
export function codeWords(code: ErrorCode | null | undefined, serverText: string | null | undefined): string | null {
  const translated = currentLanguage() === "ja" && code ? errorsJa[code] : undefined;
  return translated ?? serverText ?? null;
}

export function fieldErrors(error: unknown): Record<string, string[]> {
  return serverErrorData(error)?.fieldErrors ?? {};
}

/** Whether the server answered "there is no such thing" (NOT_FOUND or a *_NOT_FOUND code). */
export function isNotFound(error: unknown): boolean {
  const data = serverErrorData(error);
  return data?.httpStatus === 404 || /(^|_)NOT_FOUND$/.test(data?.code ?? "");
}
