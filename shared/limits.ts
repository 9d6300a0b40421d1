// Every named limit in one place (units last).
export const SESSION_IDLE_MINUTES_DEFAULT = 30;
export const SESSION_ABSOLUTE_HOURS_DEFAULT = 12;
export const SIGN_IN_WINDOW_MINUTES = 15;
/** Failures (per email or per address) after which each further attempt is slowed down. */
export const SIGN_IN_SLOWDOWN_AFTER_FAILURES = 3;
export const SIGN_IN_DELAY_MS_MAX = 2_000;
/** Failures for one email within the window after which sign-in is refused for a while. */
export const SIGN_IN_LOCK_AFTER_FAILURES_PER_EMAIL = 8;
export const SIGN_IN_LOCK_AFTER_FAILURES_PER_IP = 30;
export const TRPC_BATCH_CALLS_MAX = 10;
export const API_BODY_BYTES_MAX = 5 * 1024 * 1024;
export const TRPC_BODY_BYTES_MAX = 1024 * 1024;
export const REASON_LENGTH_MIN = 5;
export const REASON_LENGTH_MAX = 500;
