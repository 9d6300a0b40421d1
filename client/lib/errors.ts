import { TRPCClientError } from "@trpc/client";

/** Words a person can act on, from any error a call may throw. */
export function errorMessage(error: unknown): string {
  if (error instanceof TRPCClientError) {
    const data = error.data as { message?: string; requestId?: string; code?: string } | undefined;
    if (error.message) return error.message;
    return data?.requestId ? `Something went wrong (request id ${data.requestId}).` : "Something went wrong.";
  }
  if (error instanceof Error && /fetch|network/i.test(error.message)) return "The server cannot be reached. Check your connection and try again.";
  return "Something went wrong.";
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
