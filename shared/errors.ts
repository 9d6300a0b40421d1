// Error codes are data: each has an HTTP status, the tRPC code it travels as, and the words the UI
// shows. The list is closed: ErrorCode is the union of the base codes below and every feature's
// registry (shared/<feature>/errors.ts), composed in errorRegistries(), so `new AppError("TYPO")` does
// not compile. errorSpec(code) is the one mapping from a code to its status, tRPC code and words:
// the tRPC procedures and error formatter and the REST error handler (server/app.ts) all use it.
import { ACCOUNT_ERRORS } from "./accounts/errors.ts";
import { ADMIN_ERRORS } from "./admin/errors.ts";
import { APPROVAL_ERRORS } from "./approvals/errors.ts";
import { SECOND_FACTOR_ERRORS } from "./auth/errors.ts";
import { COMPENSATION_ERRORS } from "./compensation/errors.ts";
import { SUSPENSION_ERRORS } from "./suspensions/errors.ts";
import { SETTLEMENT_ERRORS } from "./settlement/errors.ts";
import { TRPC_BATCH_CALLS_MAX } from "./limits.ts";

export const ERROR_CODES = {
  VALIDATION_FAILED: { status: 400, message: "Some fields are not valid." },
  BAD_REQUEST: { status: 400, message: "The request was not understood." },
  MALFORMED_JSON: { status: 400, message: "The request body is not valid JSON." },
  BAD_URL: { status: 400, message: "This address is too long or not valid." },
  MALFORMED_REQUEST: { status: 400, message: "The request could not be read: send it as the console or the API documentation does." },
  TOO_MANY_CALLS: { status: 400, message: `One request may carry at most ${TRPC_BATCH_CALLS_MAX} calls; send the others in another request.` },
  UNAUTHENTICATED: { status: 401, message: "Please sign in." },
  SESSION_EXPIRED: { status: 401, message: "Your session has expired. Please sign in again." },
  INVALID_CREDENTIALS: { status: 401, message: "The email or password is not correct." },
  FORBIDDEN: { status: 403, message: "Your role is not allowed to do this." },
  CSRF_REJECTED: { status: 403, message: "The request did not come from the console and was refused." },
  NOT_FOUND: { status: 404, message: "Not found." },
  METHOD_NOT_ALLOWED: { status: 405, message: "This address does not take this kind of request." },
  CONFLICT: { status: 409, message: "Someone changed this at the same time. Reload and try again." },
  PAYLOAD_TOO_LARGE: { status: 413, message: "The request body is too large." },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: "Send JSON (Content-Type: application/json)." },
  TOO_MANY_ATTEMPTS: { status: 429, message: "Too many attempts." },
  TOO_MANY_REQUESTS: { status: 429, message: "Too many requests; slow down and try again shortly." },
  INTERNAL: { status: 500, message: "Something went wrong on the server." },
} as const satisfies Record<string, ErrorDefinition>;

export interface ErrorDefinition {
  status: number;
  message: string;
}

/** A feature's registry (shared/<feature>/errors.ts): its codes with their status and default words. */
export type ErrorRegistry = Record<string, ErrorDefinition>;

/** Every registry of codes, base first; a feature adds its registry here and nowhere else. Read
 * only when first needed (never while the modules load: a feature registry may load first). */
const errorRegistries = () => [ERROR_CODES, ACCOUNT_ERRORS, ADMIN_ERRORS, APPROVAL_ERRORS, COMPENSATION_ERRORS, SUSPENSION_ERRORS, SETTLEMENT_ERRORS, SECOND_FACTOR_ERRORS] as const;

type KeysOf<T extends readonly object[]> = T[number] extends infer R ? (R extends object ? keyof R : never) : never;
export type BaseErrorCode = keyof typeof ERROR_CODES;
/** Every code an error may carry: closed, so a misspelt code is a type error. */
export type ErrorCode = Extract<KeysOf<ReturnType<typeof errorRegistries>>, string>;

export function httpStatusToTrpcCode(status: number) {
  switch (status) {
    case 400: return "BAD_REQUEST" as const;
    case 401: return "UNAUTHORIZED" as const;
    case 403: return "FORBIDDEN" as const;
    case 404: return "NOT_FOUND" as const;
    case 405: return "METHOD_NOT_SUPPORTED" as const;
    case 409: return "CONFLICT" as const;
    case 412: return "PRECONDITION_FAILED" as const;
    case 413: return "PAYLOAD_TOO_LARGE" as const;
    case 415: return "UNSUPPORTED_MEDIA_TYPE" as const;
    case 422: return "UNPROCESSABLE_CONTENT" as const;
    case 429: return "TOO_MANY_REQUESTS" as const;
    default: return status >= 500 ? ("INTERNAL_SERVER_ERROR" as const) : ("BAD_REQUEST" as const);
  }
}

export type TrpcErrorCode = ReturnType<typeof httpStatusToTrpcCode>;
export interface ErrorSpec extends ErrorDefinition {
  code: ErrorCode;
  trpc: TrpcErrorCode;
}

// Composed on first use, not at module load: the feature registries import AppError from here, so
// whichever module loads first, every registry is defined by the time an error is made.
let composed: Map<string, ErrorSpec> | undefined;
function registry(): Map<string, ErrorSpec> {
  if (!composed) {
    composed = new Map();
    for (const reg of errorRegistries()) {
      for (const [code, def] of Object.entries(reg) as [ErrorCode, ErrorDefinition][]) {
        const known = composed.get(code);
        // A code two features share (SELF_APPROVAL_NOT_ALLOWED) must travel the same way in both.
        if (known && known.status !== def.status) throw new Error(`error code ${code} has two statuses: ${known.status} and ${def.status}`);
        if (!known) composed.set(code, { code, status: def.status, message: def.message, trpc: httpStatusToTrpcCode(def.status) });
      }
    }
  }
  return composed;
}

/** Whether a string is one of the closed list's codes (a validation issue may name one, see server/trpc/init.ts). */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === "string" && registry().has(code);
}

/** The one mapping: a code's HTTP status, tRPC code and default words. */
export function errorSpec(code: ErrorCode): ErrorSpec {
  return registry().get(code) ?? registry().get("INTERNAL")!;
}

/**
 * Every code, as a non-empty list for `z.enum` (the REST error schema's `code`). Call it from a
 * module that no feature registry imports, so that every registry has loaded by then.
 */
export function errorCodes(): [ErrorCode, ...ErrorCode[]] {
  return [...registry().keys()] as [ErrorCode, ...ErrorCode[]];
}

/** Every code with its mapping (tests walk it). */
export function allErrorSpecs(): ErrorSpec[] {
  return [...registry().values()];
}

export interface AppErrorOptions {
  /** Extra, safe-to-show details (field names, remaining amounts, seconds to wait). */
  details?: Record<string, unknown>;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;
  constructor(code: ErrorCode, message?: string, opts: AppErrorOptions = {}) {
    super(message ?? errorSpec(code).message);
    this.name = "AppError";
    this.code = code;
    this.details = opts.details;
  }
  /** HTTP status, from the code (errorSpec). */
  get status(): number {
    return errorSpec(this.code).status;
  }
}

/**
 * A feature's error maker, `suspensionError(code, sentence?, details?)`: an AppError of one of the
 * registry's codes, with the registry's words unless the case at hand has its own sentence (a code
 * two features share keeps each feature's words). Called while a feature registry loads, so it
 * reads nothing of this module until an error is made.
 */
export function errorMaker<const R extends ErrorRegistry>(registry: R) {
  return (code: Extract<keyof R, ErrorCode>, message?: string, details?: Record<string, unknown>): AppError =>
    new AppError(code, message ?? registry[code].message, { details });
}

/** The shape every error response carries in `data` (tRPC) or the body (REST). */
export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  requestId?: string;
  fieldErrors?: Record<string, string[]>;
  details?: Record<string, unknown>;
}
