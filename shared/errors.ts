// Error codes are data: each has an HTTP status, the tRPC code it travels as, and the words the UI
// shows. Services throw AppError(code); the tRPC formatter and the REST plugin map from here.
export const ERROR_CODES = {
  VALIDATION_FAILED: { status: 400, trpc: "BAD_REQUEST", message: "Some fields are not valid." },
  UNAUTHENTICATED: { status: 401, trpc: "UNAUTHORIZED", message: "Please sign in." },
  SESSION_EXPIRED: { status: 401, trpc: "UNAUTHORIZED", message: "Your session has expired. Please sign in again." },
  INVALID_CREDENTIALS: { status: 401, trpc: "UNAUTHORIZED", message: "The email or password is not correct." },
  FORBIDDEN: { status: 403, trpc: "FORBIDDEN", message: "Your role is not allowed to do this." },
  CSRF_REJECTED: { status: 403, trpc: "FORBIDDEN", message: "The request did not come from the console and was refused." },
  NOT_FOUND: { status: 404, trpc: "NOT_FOUND", message: "Not found." },
  CONFLICT: { status: 409, trpc: "CONFLICT", message: "Someone changed this at the same time. Reload and try again." },
  TOO_MANY_ATTEMPTS: { status: 429, trpc: "TOO_MANY_REQUESTS", message: "Too many attempts." },
  INTERNAL: { status: 500, trpc: "INTERNAL_SERVER_ERROR", message: "Something went wrong on the server." },
} as const satisfies Record<string, { status: number; trpc: string; message: string }>;

export type BaseErrorCode = keyof typeof ERROR_CODES;
/** Features add their own codes (e.g. COMPENSATION_EXCEEDS_CHARGE) with a status and message. */
export type ErrorCode = BaseErrorCode | (string & {});

export interface AppErrorOptions {
  status?: number;
  /** Extra, safe-to-show details (field names, remaining amounts, seconds to wait). */
  details?: Record<string, unknown>;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: Record<string, unknown>;
  constructor(code: ErrorCode, message?: string, opts: AppErrorOptions = {}) {
    const known = (ERROR_CODES as Record<string, { status: number; message: string }>)[code];
    super(message ?? known?.message ?? code);
    this.name = "AppError";
    this.code = code;
    this.status = opts.status ?? known?.status ?? 400;
    this.details = opts.details;
  }
}

export function httpStatusToTrpcCode(status: number) {
  switch (status) {
    case 400: return "BAD_REQUEST" as const;
    case 401: return "UNAUTHORIZED" as const;
    case 403: return "FORBIDDEN" as const;
    case 404: return "NOT_FOUND" as const;
    case 409: return "CONFLICT" as const;
    case 412: return "PRECONDITION_FAILED" as const;
    case 413: return "PAYLOAD_TOO_LARGE" as const;
    case 422: return "UNPROCESSABLE_CONTENT" as const;
    case 429: return "TOO_MANY_REQUESTS" as const;
    default: return status >= 500 ? ("INTERNAL_SERVER_ERROR" as const) : ("BAD_REQUEST" as const);
  }
}

/** The shape every error response carries in `data` (tRPC) or the body (REST). */
export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  requestId?: string;
  fieldErrors?: Record<string, string[]>;
  details?: Record<string, unknown>;
}
