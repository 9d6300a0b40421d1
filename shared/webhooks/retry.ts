// When a failed webhook delivery is tried again: exponential backoff from the first delay, doubling
// up to a ceiling, for a window (24 hours) from when the delivery was queued or replayed; after
// the window the delivery is given up (FAILED) and can still be replayed from the console.
// Deterministic (no jitter): the platform is one receiver, not a crowd to spread out.
export interface RetryPolicy {
  /** Delay after the first failed attempt. */
  firstDelayMs: number;
  /** Longest delay between two attempts. */
  maxDelayMs: number;
  /** How long after queueing (or a replay) attempts continue. */
  windowMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { firstDelayMs: 30_000, maxDelayMs: 60 * 60_000, windowMs: 24 * 60 * 60_000 };

/** The wait after the n-th failed attempt (n from 1). */
export function retryDelayMs(failedAttempts: number, policy: RetryPolicy = DEFAULT_RETRY_POLICY): number {
  const n = Math.max(1, Math.floor(failedAttempts));
  // 2^(n-1) overflows nothing here: capped long before it matters.
  return Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.min(n - 1, 40));
}

/** The next attempt after the n-th failure at `failedAt`, or null: the window is over, give up. */
export function nextAttemptAt(failedAttempts: number, failedAt: Date, retryUntil: Date, policy: RetryPolicy = DEFAULT_RETRY_POLICY): Date | null {
  const next = new Date(failedAt.getTime() + retryDelayMs(failedAttempts, policy));
  return next.getTime() > retryUntil.getTime() ? null : next;
}

/** Offsets (ms after queueing) of every attempt a never-answering endpoint gets within the window. */
export function attemptOffsets(policy: RetryPolicy = DEFAULT_RETRY_POLICY): number[] {
  const out = [0];
  for (let n = 1; ; n++) {
    const next = out[out.length - 1] + retryDelayMs(n, policy);
    if (next > policy.windowMs) return out;
    out.push(next);
  }
}
